# Bug: the heads are split along the wrong axis (reshape to (d_model, head_dim, n_heads)).
def multi_head_attention(x, params, layer_prefix='layers.0'):
    head_dim = d_model // n_heads
    split = lambda w: w.T.reshape(d_model, head_dim, n_heads).transpose(2, 0, 1)  # (n_heads, d_model, head_dim)
    wq, wk, wv = (split(params[f'{layer_prefix}.attention.{m}.weight']) for m in ("wq", "wk", "wv"))
    outputs = []
    for head in range(n_heads):
        scores = apply_presoftmax_causal_mask((x @ wq[head]) @ (x @ wk[head]).T / math.sqrt(head_dim))
        outputs.append(softmax(scores, axis=-1) @ (x @ wv[head]))
    return np.concatenate(outputs, axis=-1) @ params[f'{layer_prefix}.attention.wo.weight'].T
