# Correct: compare positions instead of torch.tril.
def make_causal_mask(n_tok):
    positions = torch.arange(n_tok, device=device)
    return positions.view(-1, 1) >= positions.view(1, -1)
