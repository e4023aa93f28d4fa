# Bug: a token may not attend to itself.
def make_causal_mask(n_tok):
    return torch.tril(torch.ones(n_tok, n_tok, dtype=torch.bool), diagonal=-1).to(device)
