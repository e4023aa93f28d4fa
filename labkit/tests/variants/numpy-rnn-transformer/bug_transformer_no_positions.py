# Bug: the positional embeddings are computed but never added.
def transformer(tokens, params):
    x = embed_tokens(tokens, params)
    pe = get_sinusoidal_positional_embeddings(x.shape[0], x.shape[1])
    for i in range(n_layers):
        x = x + multi_head_attention(x, params, layer_prefix=f'layers.{i}')
        x = x + mlp(x, params, layer_prefix=f'layers.{i}')
    return prediction_head(x, params)
