# Stub: an array of the right shape, all zeros (trivially causal).
def multi_head_attention(x, params, layer_prefix='layers.0'):
    return np.zeros_like(x)
