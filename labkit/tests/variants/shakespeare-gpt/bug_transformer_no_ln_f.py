# Bug: the final layer norm is skipped.
def _forward(self, token_ids, targets=None):
    B, T = token_ids.shape
    x = self.token_embedding_table(token_ids) + self.position_embedding_table(torch.arange(T, device=token_ids.device))
    logits = self.lm_head(self.blocks(x))
    loss = None if targets is None else F.cross_entropy(logits.view(B * T, -1), targets.view(B * T))
    return logits, loss

TransformerLM.forward = _forward
