# Bug: residual connections added in place (x += ...), which edits the caller's tensor.
def _forward(self, x):
    x += self.atten_heads(self.ln1(x))
    x += self.feed_forward(self.ln2(x))
    return x

TransformerBlock.forward = _forward
