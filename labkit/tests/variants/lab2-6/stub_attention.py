# Stub: uniform weights and zero contexts of the right shapes, whatever the queries, keys and mask.
def attention(batched_Q, batched_K, batched_V, mask=None):
    bsz, q_len, _ = batched_Q.shape
    k_len = batched_K.size(1)
    return torch.full((bsz, q_len, k_len), 1.0 / k_len), torch.zeros_like(batched_Q)
