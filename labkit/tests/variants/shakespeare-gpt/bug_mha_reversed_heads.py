# Bug: the heads' outputs are concatenated in reverse order.
def _forward(self, x):
    return self.proj(torch.cat([head(x) for head in reversed(self.heads)], dim=-1))

MultiHeadAttention.forward = _forward
