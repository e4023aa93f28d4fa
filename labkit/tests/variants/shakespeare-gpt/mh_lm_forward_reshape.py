# Correct: positions from a broadcast arange, loss on reshaped tensors.
def _forward(self, token_ids, targets=None):
    T = token_ids.shape[1]
    positions = torch.arange(T, device=token_ids.device).unsqueeze(0)  # (1, T)
    x = self.token_embedding_table(token_ids) + self.position_embedding_table(positions)
    logits = self.lm_head(self.multi_head_attention(x))
    loss = None if targets is None else F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
    return logits, loss

MultiHeadedAttentionLM.forward = _forward
