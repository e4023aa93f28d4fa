# Correct: a counted loop and a list of indices turned into text at the end.
def sample_text_GRU(weights, prompt, N):
    h = np.zeros(weights["W_hh"].shape[0])
    for char in prompt:
        h, probs = gru_step(weights, char, h)
    drawn = []
    for _ in range(max(N - len(prompt), 0)):
        drawn.append(np.random.choice(len(probs), p=probs))
        h, probs = gru_step(weights, indices_to_char[drawn[-1]], h)
    return prompt + "".join(indices_to_char[i] for i in drawn)
