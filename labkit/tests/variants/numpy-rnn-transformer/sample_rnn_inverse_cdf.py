# Correct: inverse-CDF sampling with one uniform draw, and a loop that counts the characters still to draw.
def sample_text_RNN(weights, prompt, N):
    h1 = np.zeros(weights["W_h1h1"].shape[0])
    h2 = np.zeros(weights["W_h2h2"].shape[0])
    for char in prompt:
        h1, h2, probs = rnn_step(weights, char, h1, h2)
    characters = list(prompt)
    for _ in range(N - len(prompt)):
        index = int(np.searchsorted(np.cumsum(probs), np.random.rand() * probs.sum()))
        characters.append(indices_to_char[min(index, len(probs) - 1)])
        h1, h2, probs = rnn_step(weights, characters[-1], h1, h2)
    return "".join(characters)
