# Correct: all heads at once with reshape and einsum, the mask with np.where and -inf.
def multi_head_attention(x, params, layer_prefix='layers.0'):
    n = x.shape[0]
    head_dim = d_model // n_heads
    def heads(name):
        w = params[f'{layer_prefix}.attention.{name}.weight']  # (d_model out, d_model in)
        return (x @ w.T).reshape(n, n_heads, head_dim).transpose(1, 0, 2)  # (n_heads, n, head_dim)
    q, k, v = heads("wq"), heads("wk"), heads("wv")
    scores = np.einsum("hid,hjd->hij", q, k) / np.sqrt(head_dim)
    allowed = np.tril(np.ones((n, n), dtype=bool))
    weights = softmax(np.where(allowed, scores, -np.inf), axis=-1)
    out = np.einsum("hij,hjd->hid", weights, v).transpose(1, 0, 2).reshape(n, d_model)
    return out @ params[f'{layer_prefix}.attention.wo.weight'].T
