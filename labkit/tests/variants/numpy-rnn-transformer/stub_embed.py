# Stub: an array of the right shape, all zeros.
def embed_tokens(tokens, params):
    return np.zeros((len(tokens), params["word_embedding.weight"].shape[1]))
