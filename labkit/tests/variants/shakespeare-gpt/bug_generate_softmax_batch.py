# Bug: the softmax normalises over the batch dimension (dim=0) instead of the vocabulary.
@torch.no_grad()
def _generate(self, token_ids, max_new_tokens):
    for _ in range(max_new_tokens):
        logits, _ = self(token_ids)
        probs = F.softmax(logits[:, -1, :], dim=0)
        token_ids = torch.cat([token_ids, torch.multinomial(probs, 1)], dim=1)
    return token_ids

BigramLanguageModel.generate = _generate
