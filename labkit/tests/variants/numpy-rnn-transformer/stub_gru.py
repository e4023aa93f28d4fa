# Stub: outputs of the right types and shapes that ignore the weights, the characters and the state.
def gru_step(weights, char, h):
    return np.zeros(256), np.ones(vocab_size) / vocab_size


def sample_text_GRU(weights, prompt, N):
    return prompt + "e" * max(0, N - len(prompt))
