# Correct: the one-hot product W_xh1 @ x is the column of W_xh1 that belongs to the character.
def rnn_step(weights, char, h1, h2):
    column = weights["W_xh1"][:, char_to_indices[char]]
    h1 = np.tanh(column + np.dot(weights["W_h1h1"], h1) + weights["b_h1"])
    h2 = np.tanh(np.dot(weights["W_h1h2"], h1) + np.dot(weights["W_h2h2"], h2) + weights["b_h2"])
    logits = np.dot(weights["W_h2y"], h2) + weights["b_y"]
    probs = np.exp(logits - logits.max())
    return h1, h2, probs / probs.sum()
