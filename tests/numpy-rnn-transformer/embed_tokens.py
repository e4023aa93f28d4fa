from otter.test_files import test_case

OK_FORMAT = False

name = "embed_tokens"
points = None

@test_case(points=1, hidden=False)
def test_embed_tokens_rows(embed_tokens, transformer_model_weights):
    import numpy as np
    assert callable(embed_tokens), 'embed_tokens is not defined: run the cell that defines it'
    E = transformer_model_weights['word_embedding.weight']
    out = np.asarray(embed_tokens([5, 0, 5], transformer_model_weights))
    assert out.shape == (3, E.shape[1]), f'for 3 tokens the shape should be (3, {E.shape[1]}), not {out.shape}'
    assert np.allclose(out[0], E[5]) and np.allclose(out[1], E[0]), 'row i should be the embedding of tokens[i]'

