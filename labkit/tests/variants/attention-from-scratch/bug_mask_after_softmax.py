# Bug: softmax over all tokens, then the future weights zeroed (the naive mask); self-contained.
def self_attention(Q, K, V, n_heads=1, causal=True):
    B, n_tok, n_embd = Q.shape
    split = lambda x: x.view(B, n_tok, n_heads, n_embd // n_heads).transpose(1, 2)
    Q, K, V = split(Q), split(K), split(V)
    A = torch.softmax(Q @ K.transpose(-2, -1) / math.sqrt(n_embd / n_heads), dim=-1)
    if causal:
        A = A * torch.ones(n_tok, n_tok, device=A.device).tril()
    return (A @ V).transpose(1, 2).reshape(B, n_tok, n_embd)
