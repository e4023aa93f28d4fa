from otter.test_files import test_case

OK_FORMAT = False

name = "prediction_head"
points = None

@test_case(points=1, hidden=False)
def test_prediction_head_shape(prediction_head, transformer_model_weights, d_model, n_vocab):
    import numpy as np
    assert callable(prediction_head), 'prediction_head is not defined: run the cell that defines it'
    out = np.asarray(prediction_head(np.zeros((3, d_model)), transformer_model_weights))
    assert out.shape == (3, n_vocab), f'the logits should have shape (3, {n_vocab}), not {out.shape}'
    assert np.allclose(out[0], transformer_model_weights['fc_out.bias']), 'for x = 0 the logits are the bias'

