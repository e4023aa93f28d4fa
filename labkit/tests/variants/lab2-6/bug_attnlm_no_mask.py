# Bug: ATTNLM calls attention without the causal mask.
def _all_logits(self, ids):
    x = self.embed(ids)
    _, context = attention(self.q_proj(x), self.k_proj(x), self.v_proj(x))
    return self.hidden2output(context)

ATTNLM.all_logits = _all_logits
