# Bug: running sum instead of running mean.
def _all_logits(self, ids):
    return self.hidden2output(self.embed(ids).cumsum(dim=1))

UATTNLM.all_logits = _all_logits
