# Bug: scales by 1/sqrt(n_embd) instead of 1/sqrt(n_embd / n_heads).
def attn_scaled(A, n_embd, n_heads):
    return A / math.sqrt(n_embd)
