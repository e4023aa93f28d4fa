# Bug: samples from the logits of the first position instead of the last.
@torch.no_grad()
def _generate(self, token_ids, max_new_tokens):
    for _ in range(max_new_tokens):
        logits, _ = self(token_ids)
        probs = F.softmax(logits[:, 0, :], dim=-1)
        token_ids = torch.cat([token_ids, torch.multinomial(probs, 1)], dim=1)
    return token_ids

BigramLanguageModel.generate = _generate
