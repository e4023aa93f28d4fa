# Correct: scale the queries before the product, use the @ operator.
def attention(batched_Q, batched_K, batched_V, mask=None):
    batched_Q = batched_Q / batched_Q.size(-1) ** 0.5
    scores = batched_Q @ batched_K.transpose(-2, -1)
    if mask is not None:
        scores = scores.masked_fill(mask.logical_not(), -math.inf)
    batched_A = torch.softmax(scores, -1)
    return batched_A, batched_A @ batched_V
