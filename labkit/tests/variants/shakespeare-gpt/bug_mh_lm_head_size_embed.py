# Bug: heads of size embed_size (D) instead of embed_size // num_heads inside MultiHeadedAttentionLM.
_init = MultiHeadedAttentionLM.__init__

def _init_wide_heads(self, vocab_size, context_window_size, embed_size=384, num_heads=6):
    _init(self, vocab_size, context_window_size, embed_size, num_heads)
    self.head_size = embed_size
    self.multi_head_attention = MultiHeadAttention(context_window_size, num_heads, embed_size, embed_size)

MultiHeadedAttentionLM.__init__ = _init_wide_heads
