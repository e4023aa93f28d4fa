# Stub: the prefix and a fixed continuation, whatever the model says.
def generate_with_transformer(prefix_text, params, max_len=128, greedy=False, temperature=0.9):
    return prefix_text + " the" * max_len
