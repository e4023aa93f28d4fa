# Bug: lm_head reads embed_size features although the head returns head_size of them.
def _init(self, vocab_size, context_window_size, head_size, embed_size=384):
    nn.Module.__init__(self)
    self.vocab_size, self.context_window_size = vocab_size, context_window_size
    self.token_embedding_table = nn.Embedding(vocab_size, embed_size)
    self.position_embedding_table = nn.Embedding(context_window_size, embed_size)
    self.atten_head = Head(head_size, context_window_size, embed_size)
    self.lm_head = nn.Linear(embed_size, vocab_size)

SingleHeadedAttentionLM.__init__ = _init
