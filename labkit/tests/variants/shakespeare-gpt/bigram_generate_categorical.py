# Correct: sampling with torch.distributions.Categorical instead of torch.multinomial.
@torch.no_grad()
def _generate(self, token_ids, max_new_tokens):
    for _ in range(max_new_tokens):
        logits, _ = self(token_ids)
        next_id = torch.distributions.Categorical(logits=logits[:, -1]).sample()  # (B,)
        token_ids = torch.cat([token_ids, next_id[:, None]], dim=1)
    return token_ids

BigramLanguageModel.generate = _generate
