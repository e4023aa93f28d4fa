# Bug: the upper triangle (the future) is allowed instead of the past.
def causal_mask(T):
    return torch.triu(torch.ones(T, T, dtype=torch.bool)).to(device)
