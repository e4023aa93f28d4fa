# Bug: the future is zeroed after the softmax, so the rows no longer sum to one.
def _forward(self, x):
    B, T, D = x.shape
    q, k, v = self.query(x), self.key(x), self.value(x)
    weights = F.softmax(q @ k.transpose(-2, -1) / self.head_size ** 0.5, dim=-1)
    weights = weights.masked_fill(self.tril[:T, :T] == 0, 0.0)
    return weights @ v

Head.forward = _forward
