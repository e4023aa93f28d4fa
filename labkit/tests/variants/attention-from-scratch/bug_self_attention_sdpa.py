# Bug: PyTorch's fused attention instead of the student's own functions (not "from scratch").
def self_attention(Q, K, V, n_heads=1, causal=True):
    B, n_tok, n_embd = Q.shape
    Q, K, V = split_heads_qkv(Q, K, V, n_heads)
    return merge_heads(F.scaled_dot_product_attention(Q, K, V, is_causal=causal))
