# Bug: zero the masked weights after the softmax (rows no longer sum to one).
def attention(batched_Q, batched_K, batched_V, mask=None):
    batched_A = torch.softmax(torch.bmm(batched_Q, batched_K.transpose(1, 2)) / math.sqrt(batched_Q.size(-1)), dim=-1)
    if mask is not None:
        batched_A = batched_A * mask
    return batched_A, torch.bmm(batched_A, batched_V)
