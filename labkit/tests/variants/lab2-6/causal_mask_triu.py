# Correct: the complement of the strict upper triangle.
def causal_mask(T):
    return ~torch.ones(T, T, dtype=torch.bool, device=device).triu(diagonal=1)
