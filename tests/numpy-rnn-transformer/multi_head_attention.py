from otter.test_files import test_case

OK_FORMAT = False

name = "multi_head_attention"
points = None

@test_case(points=0, hidden=False)
def test_attention_shape(multi_head_attention, transformer_model_weights, d_model):
    import numpy as np
    assert callable(multi_head_attention), 'multi_head_attention is not defined: run the cell that defines it'
    x = np.random.default_rng(0).normal(size=(5, d_model))
    out = np.asarray(multi_head_attention(x, transformer_model_weights, layer_prefix='layers.0'))
    assert out.shape == (5, d_model), f'for x of shape (5, {d_model}) the output should have shape (5, {d_model}), not {out.shape}'
    assert np.all(np.isfinite(out)), 'the output contains inf or nan'

@test_case(points=0, hidden=False)
def test_attention_is_causal(multi_head_attention, transformer_model_weights, d_model):
    import numpy as np
    rng = np.random.default_rng(1)
    x = rng.normal(size=(6, d_model))
    changed = x.copy()
    changed[4:] = rng.normal(size=(2, d_model))
    before = np.asarray(multi_head_attention(x, transformer_model_weights, 'layers.0'))
    after = np.asarray(multi_head_attention(changed, transformer_model_weights, 'layers.0'))
    assert np.allclose(before[:4], after[:4], atol=1e-08), 'changing positions 4 and 5 changed the outputs at positions 0 to 3: position i must only attend to positions j <= i. Is the causal mask missing, or applied after the softmax?'

