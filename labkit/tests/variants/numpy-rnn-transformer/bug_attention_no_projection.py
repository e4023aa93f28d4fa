# Bug: the concatenated heads are returned without the output projection wo.
def multi_head_attention(x, params, layer_prefix='layers.0'):
    wq, wk, wv = (params[f'{layer_prefix}.attention.w{m}.weight'].T for m in "qkv")
    head_dim = d_model // n_heads
    head_outputs = []
    for head in range(n_heads):
        columns = slice(head * head_dim, (head + 1) * head_dim)
        q, k, v = x @ wq[:, columns], x @ wk[:, columns], x @ wv[:, columns]
        scores = apply_presoftmax_causal_mask(q @ k.T / math.sqrt(head_dim))
        head_outputs.append(softmax(scores, axis=-1) @ v)
    return np.concatenate(head_outputs, axis=-1)
