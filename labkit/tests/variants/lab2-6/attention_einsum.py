# Correct: torch.einsum instead of torch.bmm.
def attention(batched_Q, batched_K, batched_V, mask=None):
    D = batched_Q.size(-1)
    scores = torch.einsum("bqd,bkd->bqk", batched_Q, batched_K) / math.sqrt(D)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    batched_A = scores.softmax(dim=-1)
    batched_C = torch.einsum("bqk,bkd->bqd", batched_A, batched_V)
    return batched_A, batched_C
