# Correct: crops only when the context is too long; probabilities via exp(log_softmax).
@torch.no_grad()
def _generate(self, token_ids, max_new_tokens):
    for _ in range(max_new_tokens):
        context = token_ids
        if context.size(1) > self.context_window_size:
            context = context[:, context.size(1) - self.context_window_size:]
        logits, _ = self(context)
        probs = F.log_softmax(logits[:, -1, :], dim=-1).exp()
        token_ids = torch.cat((token_ids, torch.multinomial(probs, num_samples=1)), dim=1)
    return token_ids

TransformerLM.generate = _generate
