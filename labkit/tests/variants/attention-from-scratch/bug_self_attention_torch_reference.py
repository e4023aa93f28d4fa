# Bug: returns the notebook's own PyTorch reference.
def self_attention(Q, K, V, n_heads=1, causal=True):
    return torch_self_attention(Q, K, V, n_heads, causal)
