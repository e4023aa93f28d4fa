# Bug: generate feeds the whole growing context to the model (no cropping).
@torch.no_grad()
def _generate(self, token_ids, max_new_tokens):
    for _ in range(max_new_tokens):
        logits, _ = self(token_ids)
        probs = F.softmax(logits[:, -1, :], dim=-1)
        token_ids = torch.cat([token_ids, torch.multinomial(probs, 1)], dim=1)
    return token_ids

MultiHeadedAttentionLM.generate = _generate
