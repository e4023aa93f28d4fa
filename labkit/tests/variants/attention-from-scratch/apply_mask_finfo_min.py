# Correct: the most negative float instead of -inf.
def apply_causal_mask(mask, A):
    return torch.where(mask, A, torch.finfo(A.dtype).min)
