from otter.test_files import test_case

OK_FORMAT = False

name = "mlp"
points = None

@test_case(points=0, hidden=False)
def test_mlp_shape(mlp, transformer_model_weights, d_model):
    import numpy as np
    assert callable(mlp), 'mlp is not defined: run the cell that defines it'
    x = np.random.default_rng(0).normal(size=(4, d_model))
    out = np.asarray(mlp(x, transformer_model_weights, 'layers.0'))
    assert out.shape == (4, d_model), f'the output should have shape (4, {d_model}), not {out.shape}'
    assert np.allclose(mlp(np.zeros((2, d_model)), transformer_model_weights, 'layers.0'), 0), 'without biases, the MLP maps zeros to zeros'

