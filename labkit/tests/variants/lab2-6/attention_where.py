# Correct: torch.where with a very negative number instead of masked_fill with -inf.
def attention(batched_Q, batched_K, batched_V, mask=None):
    scores = torch.bmm(batched_Q, batched_K.permute(0, 2, 1)) / math.sqrt(batched_Q.shape[2])
    if mask is not None:
        scores = torch.where(mask, scores, torch.full_like(scores, -1e9))
    batched_A = torch.nn.functional.softmax(scores, dim=2)
    return batched_A, torch.bmm(batched_A, batched_V)
