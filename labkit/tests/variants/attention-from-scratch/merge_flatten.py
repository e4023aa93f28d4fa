# Correct: permute back, then flatten the last two dimensions.
def merge_heads(x):
    return x.permute(0, 2, 1, 3).flatten(start_dim=2)
