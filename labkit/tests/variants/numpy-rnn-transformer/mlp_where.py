# Correct: the ReLU written with np.where, weights used untransposed from the right.
def mlp(x, params, layer_prefix='layers.0'):
    hidden = np.dot(x, params[f'{layer_prefix}.feed_forward.0.weight'].T)
    hidden = np.where(hidden > 0, hidden, 0.0)
    return np.dot(hidden, params[f'{layer_prefix}.feed_forward.2.weight'].T)
