# Bug: no causal mask, every position attends to the future too.
def _forward(self, x):
    q, k, v = self.query(x), self.key(x), self.value(x)
    scores = q @ k.transpose(-2, -1) / self.head_size ** 0.5
    return F.softmax(scores, dim=-1) @ v

Head.forward = _forward
