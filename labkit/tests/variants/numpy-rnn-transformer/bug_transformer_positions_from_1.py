# Bug: the positions are counted from 1, so the first token gets the embedding of position 1.
def transformer(tokens, params):
    x = embed_tokens(tokens, params)
    x = x + get_sinusoidal_positional_embeddings(x.shape[0] + 1, x.shape[1])[1:]
    for i in range(n_layers):
        x = x + multi_head_attention(x, params, layer_prefix=f'layers.{i}')
        x = x + mlp(x, params, layer_prefix=f'layers.{i}')
    return prediction_head(x, params)
