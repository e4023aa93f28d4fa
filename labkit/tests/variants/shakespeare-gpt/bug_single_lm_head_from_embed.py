# Bug: lm_head reads embed_size features although the head returns head_size of them.
_init = SingleHeadedAttentionLM.__init__

def _init_lm_head_from_d(self, vocab_size, context_window_size, head_size, embed_size=384):
    _init(self, vocab_size, context_window_size, head_size, embed_size)
    self.lm_head = nn.Linear(embed_size, vocab_size)

SingleHeadedAttentionLM.__init__ = _init_lm_head_from_d
