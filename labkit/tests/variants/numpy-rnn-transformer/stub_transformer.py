# Stub: logits of the right shape, all zeros.
def transformer(tokens, params):
    return np.zeros((len(tokens), params["fc_out.bias"].shape[0]))
