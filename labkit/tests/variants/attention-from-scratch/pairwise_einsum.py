# Correct: einsum over any leading dimensions.
def pairwise_similarities(Q, K):
    return torch.einsum("...qd,...kd->...qk", Q, K)
