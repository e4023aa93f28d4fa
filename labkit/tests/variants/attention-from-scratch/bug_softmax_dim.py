# Bug: softmax over the queries (second-to-last dimension) instead of the keys.
def attn_softmax(A):
    return torch.softmax(A, dim=-2)
