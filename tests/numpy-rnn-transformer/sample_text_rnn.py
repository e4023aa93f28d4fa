from otter.test_files import test_case

OK_FORMAT = False

name = "sample_text_rnn"
points = None

@test_case(points=1, hidden=False)
def test_rnn_step_equations(rnn_step, vocabulary):
    import numpy as np
    assert callable(rnn_step), 'rnn_step is not defined: run the cell that defines it'
    rng = np.random.default_rng(5)
    V = len(vocabulary)
    W = {'W_xh1': rng.normal(size=(3, V)), 'W_h1h1': rng.normal(size=(3, 3)), 'b_h1': rng.normal(size=3), 'W_h1h2': rng.normal(size=(2, 3)), 'W_h2h2': rng.normal(size=(2, 2)), 'b_h2': rng.normal(size=2), 'W_h2y': rng.normal(size=(V, 2)), 'b_y': rng.normal(size=V)}
    h1_before, h2_before = (rng.uniform(-0.9, 0.9, 3), rng.uniform(-0.9, 0.9, 2))
    out = rnn_step(W, 'e', h1_before.copy(), h2_before.copy())
    assert isinstance(out, tuple) and len(out) == 3, 'rnn_step should return the triple (h1, h2, probs)'
    h1, h2, probs = (np.asarray(o, dtype=float) for o in out)
    assert h1.shape == (3,) and h2.shape == (2,) and (probs.shape == (V,)), f'with 3 and 2 hidden units, h1, h2 and probs should have shapes (3,), (2,) and ({V},), not {h1.shape}, {h2.shape} and {probs.shape} (use 1-D vectors)'
    x = np.eye(V)[vocabulary.index('e')]
    assert np.allclose(h1, np.tanh(W['W_xh1'] @ x + W['W_h1h1'] @ h1_before + W['b_h1'])), 'h1 should be tanh(W_xh1 x + W_h1h1 h1 + b_h1), with x the one-hot vector of the character and h1 the state before it (checked on small made-up weights)'
    assert np.allclose(h2, np.tanh(W['W_h1h2'] @ h1 + W['W_h2h2'] @ h2_before + W['b_h2'])), 'h2 should be tanh(W_h1h2 h1 + W_h2h2 h2 + b_h2), with the new h1 and the h2 from before the character (checked on small made-up weights)'
    scores = W['W_h2y'] @ h2 + W['b_y']
    assert np.allclose(probs, np.exp(scores) / np.exp(scores).sum()), 'probs should be the softmax of W_h2y h2 + b_y, with the new h2 (checked on small made-up weights)'

@test_case(points=1, hidden=False)
def test_sample_text_rnn_feeds_back(sample_text_RNN, weights_RNN, vocabulary):
    from lab_checks import check_chain, with_stand_in
    assert callable(sample_text_RNN), 'sample_text_RNN is not defined: run the cell that defines it'
    sample = with_stand_in(sample_text_RNN, 'rnn_step', vocabulary)
    check_chain(sample, weights_RNN, vocabulary, 'sample_text_RNN', [('it is ', 30), ('a', 12), ('the union', 9), ('federalist', 4)])

