# Stub: returns a plausible loss and trains nothing.
def train_step(model, batch, optimizer):
    return 0.69
