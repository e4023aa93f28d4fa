# Bug: the upper triangle (the future) is allowed instead of the lower one.
def make_causal_mask(n_tok):
    return torch.triu(torch.ones(n_tok, n_tok, dtype=torch.bool)).to(device)
