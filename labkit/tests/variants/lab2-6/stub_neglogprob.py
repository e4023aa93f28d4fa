# Stub: a (B,) tensor of zeros, one per document.
def neglogprob(documents, model):
    return torch.zeros(len(documents))
