# Bug: lm_head reads embed_size features although the head returns head_size of them.
def _init(self, vocab_size, context_window_size, head_size, embed_size=384):
    nn.Module.__init__(self)
    V, T, K, D = vocab_size, context_window_size, head_size, embed_size
    self.vocab_size, self.context_window_size = V, T
    self.token_embedding_table, self.position_embedding_table = nn.Embedding(V, D), nn.Embedding(T, D)
    self.atten_head, self.lm_head = Head(K, T, D), nn.Linear(D, V)

SingleHeadedAttentionLM.__init__ = _init
