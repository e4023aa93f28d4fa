# Bug: [Head(...)] * num_heads puts the SAME head num_heads times into the list: all heads share one set of weights.
def _init(self, context_window_size, num_heads, head_size, embed_size=384):
    nn.Module.__init__(self)
    self.heads = nn.ModuleList([Head(head_size, context_window_size, embed_size)] * num_heads)
    self.proj = nn.Linear(num_heads * head_size, embed_size)

MultiHeadAttention.__init__ = _init
