# Bug: the softmax of the unmasked scores, then the mask (the naive order), from the student's own functions.
def self_attention(Q, K, V, n_heads=1, causal=True):
    B, n_tok, n_embd = Q.shape
    Q, K, V = split_heads_qkv(Q, K, V, n_heads)
    A = attn_softmax(attn_scaled(pairwise_similarities(Q, K), n_embd, n_heads))
    if causal:
        A = apply_causal_mask(make_causal_mask(n_tok), A).nan_to_num(neginf=0.0)
    return merge_heads(compute_outputs(A, V))
