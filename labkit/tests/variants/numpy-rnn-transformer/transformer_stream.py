# Correct: the residual stream written with explicit intermediate names.
def transformer(tokens, params):
    tokens = np.asarray(tokens)
    stream = embed_tokens(tokens, params) + get_sinusoidal_positional_embeddings(len(tokens), d_model)
    for layer in range(n_layers):
        prefix = f'layers.{layer}'
        attended = stream + multi_head_attention(stream, params, layer_prefix=prefix)
        stream = attended + mlp(attended, params, layer_prefix=prefix)
    return prediction_head(stream, params)
