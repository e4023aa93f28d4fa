# Correct: a while loop that crops with an explicit start index.
@torch.no_grad()
def _generate(self, token_ids, max_new_tokens):
    target_length = token_ids.shape[1] + max_new_tokens
    while token_ids.shape[1] < target_length:
        start = max(0, token_ids.shape[1] - self.context_window_size)
        logits, _ = self.forward(token_ids[:, start:])
        probs = torch.softmax(logits[:, -1], dim=1)
        token_ids = torch.cat([token_ids, torch.multinomial(probs, 1)], dim=1)
    return token_ids

SingleHeadedAttentionLM.generate = _generate
