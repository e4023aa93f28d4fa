# Correct: column vectors as in the lecture slides, and the update written as h + (1 - u) * (c - h).
def gru_step(weights, char, h):
    x = np.zeros((weights["W_hx"].shape[1], 1))
    x[char_to_indices[char]] = 1
    h = h.reshape(-1, 1)
    col = lambda name: weights[name].reshape(-1, 1)
    u = sigmoid(np.dot(weights["W_ux"], x) + np.dot(weights["W_uh"], h) + col("b_u"))
    r = sigmoid(np.dot(weights["W_rx"], x) + np.dot(weights["W_rh"], h) + col("b_r"))
    c = np.tanh(np.dot(weights["W_hx"], x) + np.multiply(r, np.dot(weights["W_hh"], h)) + col("b_h"))
    h = h + (1 - u) * (c - h)
    y = np.dot(weights["W_y"], h) + col("b_y")
    return h.ravel(), softmax(y.ravel())
