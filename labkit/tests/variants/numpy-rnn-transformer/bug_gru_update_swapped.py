# Bug: the update gate is used the wrong way round.
def gru_step(weights, char, h):
    x = np.zeros(weights["W_hx"].shape[1])
    x[char_to_indices[char]] = 1.0
    u = sigmoid(weights["W_ux"] @ x + weights["W_uh"] @ h + weights["b_u"])
    r = sigmoid(weights["W_rx"] @ x + weights["W_rh"] @ h + weights["b_r"])
    c = np.tanh(weights["W_hx"] @ x + r * (weights["W_hh"] @ h) + weights["b_h"])
    h = u * c + (1 - u) * h
    return h, softmax(weights["W_y"] @ h + weights["b_y"])
