# Correct: a numerically stable softmax written out.
def attn_softmax(A):
    exp = (A - A.amax(dim=-1, keepdim=True)).exp()
    return exp / exp.sum(dim=-1, keepdim=True)
