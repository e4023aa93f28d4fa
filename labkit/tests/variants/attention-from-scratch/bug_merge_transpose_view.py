# Bug: view after a transpose; works on a transposed view of a contiguous tensor, fails on a contiguous input.
def merge_heads(x):
    B, n_heads, n_tok, head_size = x.shape
    return x.transpose(1, 2).view(B, n_tok, n_heads * head_size)
