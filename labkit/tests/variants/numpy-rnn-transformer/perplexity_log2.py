# Correct: base-2 logarithms with 2 ** (...), and the log-probabilities collected in a list.
def get_perplex_rnn(weights, prompt, test_sequence):
    h1 = np.zeros(weights["W_h1h1"].shape[0])
    h2 = np.zeros(weights["W_h2h2"].shape[0])
    for char in prompt:
        h1, h2, probs = rnn_step(weights, char, h1, h2)
    log2_probs = []
    for char in test_sequence:
        log2_probs.append(np.log2(probs[char_to_indices[char]]))
        h1, h2, probs = rnn_step(weights, char, h1, h2)
    return 2.0 ** (-np.mean(log2_probs))
