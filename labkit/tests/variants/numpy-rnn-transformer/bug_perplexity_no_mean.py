# Bug: the log-probabilities are summed but not divided by N.
def get_perplex_gru(weights, prompt, test_sequence):
    h = np.zeros(weights["W_hh"].shape[0])
    for char in prompt:
        h, probs = gru_step(weights, char, h)
    total = 0.0
    for char in test_sequence:
        total += np.log(probs[char_to_indices[char]])
        h, probs = gru_step(weights, char, h)
    return float(np.exp(-total))
