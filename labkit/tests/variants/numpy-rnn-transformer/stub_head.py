# Stub: logits of the right shape, all zeros.
def prediction_head(x, params):
    return np.zeros((x.shape[0], params["fc_out.bias"].shape[0]))
