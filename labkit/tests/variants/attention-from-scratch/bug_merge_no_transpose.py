# Bug: reshapes without transposing back, so it does not undo split_heads.
def merge_heads(x):
    B, n_heads, n_tok, head_size = x.shape
    return x.reshape(B, n_tok, n_heads * head_size)
