# Bug: no causal mask.
def multi_head_attention(x, params, layer_prefix='layers.0'):
    wq, wk, wv, wo = (params[f'{layer_prefix}.attention.{m}.weight'].T for m in ("wq", "wk", "wv", "wo"))
    head_dim = d_model // n_heads
    outputs = []
    for head in range(n_heads):
        cols = slice(head * head_dim, (head + 1) * head_dim)
        scores = (x @ wq[:, cols]) @ (x @ wk[:, cols]).T / math.sqrt(head_dim)
        outputs.append(softmax(scores, axis=-1) @ (x @ wv[:, cols]))
    return np.concatenate(outputs, axis=-1) @ wo
