# Bug: every position averages over the whole sequence, future included.
def _all_logits(self, ids):
    x = self.embed(ids)
    hidden = x.mean(dim=1, keepdim=True).expand_as(x)
    return self.hidden2output(hidden)

UATTNLM.all_logits = _all_logits
