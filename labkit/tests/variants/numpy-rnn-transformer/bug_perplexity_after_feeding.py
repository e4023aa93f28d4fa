# Bug (as in the seed's solution): each character is fed first, then its probability is read.
def get_perplex_rnn(weights, prompt, test_sequence):
    h1 = np.zeros(weights["W_h1h1"].shape[0])
    h2 = np.zeros(weights["W_h2h2"].shape[0])
    for char in prompt:
        h1, h2, probs = rnn_step(weights, char, h1, h2)
    total = 0.0
    for char in test_sequence:
        h1, h2, probs = rnn_step(weights, char, h1, h2)
        total += np.log(probs[char_to_indices[char]])
    return float(np.exp(-total / len(test_sequence)))
