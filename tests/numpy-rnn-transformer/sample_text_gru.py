from otter.test_files import test_case

OK_FORMAT = False

name = "sample_text_gru"
points = None

@test_case(points=1, hidden=False)
def test_gru_step_shapes(gru_step, weights_GRU, vocabulary):
    import numpy as np
    assert callable(gru_step), 'gru_step is not defined: run the cell that defines it'
    H, V = (weights_GRU['W_hh'].shape[0], len(vocabulary))
    out = gru_step(weights_GRU, 'a', np.zeros(H))
    assert isinstance(out, tuple) and len(out) == 2, 'gru_step should return the pair (h, probs)'
    h, probs = (np.asarray(o) for o in out)
    assert h.shape == (H,), f'h should have shape ({H},), not {h.shape} (use 1-D vectors)'
    assert probs.shape == (V,), f'probs should have shape ({V},), not {probs.shape}'
    assert np.all(probs >= 0) and abs(probs.sum() - 1) < 1e-06, 'probs should be a probability distribution (non-negative, sum 1): apply the softmax to the output layer'

@test_case(points=1, hidden=False)
def test_sample_text_gru_basics(sample_text_GRU, weights_GRU, vocabulary):
    assert callable(sample_text_GRU), 'sample_text_GRU is not defined: run the cell that defines it'
    prompt = 'the constitution '
    text = sample_text_GRU(weights_GRU, prompt, 50)
    assert isinstance(text, str), f'sample_text_GRU should return a string, not {type(text).__name__}'
    assert len(text) == 50, f'with N = 50 the text should have 50 characters in total, not {len(text)}'
    assert text.startswith(prompt), 'the returned text should start with the prompt'
    assert set(text) <= set(vocabulary), f'characters outside the vocabulary: {set(text) - set(vocabulary)}'
    assert sample_text_GRU(weights_GRU, prompt, len(prompt)) == prompt, 'with N = len(prompt), return the prompt'

