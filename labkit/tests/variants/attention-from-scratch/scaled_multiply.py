# Correct: multiply by sqrt(n_heads / n_embd) instead of dividing.
def attn_scaled(A, n_embd, n_heads):
    return A * (n_heads / n_embd) ** 0.5
