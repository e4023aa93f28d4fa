# Bug: the scores are not divided by sqrt(head_size).
def _forward(self, x):
    B, T, D = x.shape
    q, k, v = self.query(x), self.key(x), self.value(x)
    scores = (q @ k.transpose(-2, -1)).masked_fill(self.tril[:T, :T] == 0, float("-inf"))
    return F.softmax(scores, dim=-1) @ v

Head.forward = _forward
