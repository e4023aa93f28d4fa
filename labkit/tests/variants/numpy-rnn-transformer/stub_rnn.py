# Stub: outputs of the right types and shapes that ignore the weights, the characters and the states.
def rnn_step(weights, char, h1, h2):
    return np.zeros(128), np.zeros(64), np.ones(vocab_size) / vocab_size


def sample_text_RNN(weights, prompt, N):
    return prompt + "e" * max(0, N - len(prompt))
