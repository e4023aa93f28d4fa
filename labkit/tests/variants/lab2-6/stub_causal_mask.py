# Stub: a boolean (T, T) mask that lets every position see every other.
def causal_mask(T):
    return torch.ones(T, T, dtype=torch.bool, device=device)
