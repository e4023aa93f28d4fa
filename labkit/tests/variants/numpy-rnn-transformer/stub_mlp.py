# Stub: an array of the right shape, all zeros (maps zeros to zeros).
def mlp(x, params, layer_prefix='layers.0'):
    return np.zeros_like(x)
