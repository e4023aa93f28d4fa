from otter.test_files import test_case

OK_FORMAT = False

name = "perplexity"
points = None

@test_case(points=1, hidden=False)
def test_perplexity_by_hand(get_perplex_rnn, get_perplex_gru, rnn_step, gru_step, weights_RNN, weights_GRU, char_to_indices):
    import numpy as np
    for name, perplex in [('get_perplex_rnn', get_perplex_rnn), ('get_perplex_gru', get_perplex_gru)]:
        assert callable(perplex), f'{name} is not defined: run the cell that defines it'
    h1, h2 = (np.zeros(weights_RNN['W_h1h1'].shape[0]), np.zeros(weights_RNN['W_h2h2'].shape[0]))
    h = np.zeros(weights_GRU['W_hh'].shape[0])
    for char in 'th':
        h1, h2, p_rnn = rnn_step(weights_RNN, char, h1, h2)
        h, p_gru = gru_step(weights_GRU, char, h)
    for name, perplex, weights, probs in [('get_perplex_rnn', get_perplex_rnn, weights_RNN, p_rnn), ('get_perplex_gru', get_perplex_gru, weights_GRU, p_gru)]:
        value = np.asarray(perplex(weights, 'th', 'e'), dtype=float)
        assert value.size == 1, f'{name} should return one number, not an array of shape {value.shape}'
        want = 1 / probs[char_to_indices['e']]
        assert np.isclose(float(value), want, rtol=1e-05), f"{name}(weights, 'th', 'e') should be 1 / p('e' | 'th') = {want:.4f} (computed with your step function), not {float(value):.4f}"

