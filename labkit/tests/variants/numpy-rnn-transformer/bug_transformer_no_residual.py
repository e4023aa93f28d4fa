# Bug: each layer replaces the stream instead of adding to it.
def transformer(tokens, params):
    x = embed_tokens(tokens, params)
    x = x + get_sinusoidal_positional_embeddings(x.shape[0], x.shape[1])
    for i in range(n_layers):
        x = multi_head_attention(x, params, layer_prefix=f'layers.{i}')
        x = mlp(x, params, layer_prefix=f'layers.{i}')
    return prediction_head(x, params)
