# Bug: heads of size embed_size (D) instead of embed_size // num_heads inside MultiHeadedAttentionLM.
def _init(self, vocab_size, context_window_size, embed_size=384, num_heads=6):
    nn.Module.__init__(self)
    V, T, D = vocab_size, context_window_size, embed_size
    self.context_window_size, self.head_size = T, D
    self.token_embedding_table, self.position_embedding_table = nn.Embedding(V, D), nn.Embedding(T, D)
    self.multi_head_attention, self.lm_head = MultiHeadAttention(T, num_heads, D, D), nn.Linear(D, V)

MultiHeadedAttentionLM.__init__ = _init
