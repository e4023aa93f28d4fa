# Bug: heads of size embed_size (D) instead of embed_size // num_heads inside MultiHeadedAttentionLM.
def _init(self, vocab_size, context_window_size, embed_size=384, num_heads=6):
    nn.Module.__init__(self)
    self.context_window_size, self.head_size = context_window_size, embed_size
    self.token_embedding_table = nn.Embedding(vocab_size, embed_size)
    self.position_embedding_table = nn.Embedding(context_window_size, embed_size)
    self.multi_head_attention = MultiHeadAttention(context_window_size, num_heads, embed_size, embed_size)
    self.lm_head = nn.Linear(embed_size, vocab_size)

MultiHeadedAttentionLM.__init__ = _init
