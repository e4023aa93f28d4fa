# Bug: the loss is summed over positions instead of averaged.
def _forward(self, token_ids, targets=None):
    logits = self.lm_head(self.token_embedding_table(token_ids))
    loss = None
    if targets is not None:
        B, T, V = logits.shape
        loss = F.cross_entropy(logits.view(B * T, V), targets.view(B * T), reduction="sum")
    return logits, loss

BigramWithWordEmbeddingsLM.forward = _forward
