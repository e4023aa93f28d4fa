from otter.test_files import test_case

OK_FORMAT = False

name = "transformer"
points = None

@test_case(points=0, hidden=False)
def test_transformer_shape(transformer, transformer_model_weights, n_vocab):
    import numpy as np
    assert callable(transformer), 'transformer is not defined: run the cell that defines it'
    out = np.asarray(transformer([0, 1, 2], transformer_model_weights))
    assert out.shape == (3, n_vocab), f'for 3 tokens the logits should have shape (3, {n_vocab}), not {out.shape}'
    assert np.all(np.isfinite(out)), 'the logits contain inf or nan'

