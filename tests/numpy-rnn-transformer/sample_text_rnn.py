from otter.test_files import test_case

OK_FORMAT = False

name = "sample_text_rnn"
points = None

@test_case(points=1, hidden=False)
def test_rnn_step_shapes(rnn_step, weights_RNN, vocabulary):
    import numpy as np
    assert callable(rnn_step), 'rnn_step is not defined: run the cell that defines it'
    H1, H2, V = (weights_RNN['W_h1h1'].shape[0], weights_RNN['W_h2h2'].shape[0], len(vocabulary))
    out = rnn_step(weights_RNN, 'a', np.zeros(H1), np.zeros(H2))
    assert isinstance(out, tuple) and len(out) == 3, 'rnn_step should return the triple (h1, h2, probs)'
    h1, h2, probs = (np.asarray(o) for o in out)
    assert h1.shape == (H1,) and h2.shape == (H2,), f'h1 and h2 should have shapes ({H1},) and ({H2},), not {h1.shape} and {h2.shape} (use 1-D vectors)'
    assert probs.shape == (V,), f'probs should have shape ({V},), not {probs.shape}'
    assert np.all(probs >= 0) and abs(probs.sum() - 1) < 1e-06, 'probs should be a probability distribution (non-negative, sum 1): apply the softmax to the output layer'
    assert np.all(np.abs(h1) < 1) and np.all(np.abs(h2) < 1), 'the hidden states should pass through tanh'

@test_case(points=1, hidden=False)
def test_sample_text_rnn_basics(sample_text_RNN, weights_RNN, vocabulary):
    import numpy as np
    assert callable(sample_text_RNN), 'sample_text_RNN is not defined: run the cell that defines it'
    prompt = 'the constitution '
    text = sample_text_RNN(weights_RNN, prompt, 50)
    assert isinstance(text, str), f'sample_text_RNN should return a string, not {type(text).__name__}'
    assert len(text) == 50, f'with N = 50 the text should have 50 characters in total, not {len(text)}'
    assert text.startswith(prompt), 'the returned text should start with the prompt'
    assert set(text) <= set(vocabulary), f'characters outside the vocabulary: {set(text) - set(vocabulary)}'
    assert sample_text_RNN(weights_RNN, prompt, len(prompt)) == prompt, 'with N = len(prompt), return the prompt'

