# Bug: greedy decoding (argmax) instead of sampling.
@torch.no_grad()
def _generate(self, token_ids, max_new_tokens):
    for _ in range(max_new_tokens):
        logits, _ = self(token_ids)
        next_id = logits[:, -1, :].argmax(dim=-1, keepdim=True)
        token_ids = torch.cat([token_ids, next_id], dim=1)
    return token_ids

BigramLanguageModel.generate = _generate
