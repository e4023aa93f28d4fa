# Bug: masked scores set to 0 instead of -inf.
def apply_causal_mask(mask, A):
    return torch.where(mask, A, torch.zeros_like(A))
