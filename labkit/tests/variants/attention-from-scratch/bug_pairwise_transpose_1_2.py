# Bug: transposes dimensions 1 and 2 of K, which is only right for 3-D inputs.
def pairwise_similarities(Q, K):
    return Q @ K.transpose(1, 2)
