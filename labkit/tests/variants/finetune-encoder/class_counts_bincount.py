# Correct: bincount over the known labels; sizes counted split by split.
def class_counts(labels):
    counts = torch.bincount(labels[labels >= 0], minlength=2)
    return {"Hamilton": counts[0].item(), "Madison": counts[1].item()}

split_sizes = {}
for name in passages:
    split_sizes[name] = len(passages[name])
