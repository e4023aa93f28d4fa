# Correct: always split and merge the heads, even for a single head; mask with a local boolean matrix.
def self_attention(Q, K, V, n_heads=1, causal=True):
    B, n_tok, n_embd = Q.shape
    Q, K, V = split_heads_qkv(Q, K, V, n_heads)
    A = attn_scaled(pairwise_similarities(Q, K), n_embd, n_heads)
    if causal:
        A = apply_causal_mask(make_causal_mask(n_tok), A)
    return merge_heads(compute_outputs(attn_softmax(A), V))
