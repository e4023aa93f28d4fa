# Bug: no division by sqrt(D).
def attention(batched_Q, batched_K, batched_V, mask=None):
    scores = torch.bmm(batched_Q, batched_K.transpose(1, 2))
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    batched_A = torch.softmax(scores, dim=-1)
    return batched_A, torch.bmm(batched_A, batched_V)
