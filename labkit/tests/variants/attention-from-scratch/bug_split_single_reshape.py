# Bug: one reshape straight to (B, n_heads, n_tok, head_size) mixes positions and heads.
def split_heads(x, n_heads):
    B, n_tok, n_embd = x.shape
    return x.reshape(B, n_heads, n_tok, n_embd // n_heads)
