# Bug: masked_fill_ overwrites the caller's scores.
def apply_causal_mask(mask, A):
    A.masked_fill_(~mask, float("-inf"))
    return A
