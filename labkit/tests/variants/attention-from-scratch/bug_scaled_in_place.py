# Bug: divides the caller's tensor in place.
def attn_scaled(A, n_embd, n_heads):
    A /= math.sqrt(n_embd / n_heads)
    return A
