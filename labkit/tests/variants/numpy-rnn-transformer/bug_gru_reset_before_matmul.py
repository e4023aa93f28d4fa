# Bug: the textbook candidate state W_hh (r * h) instead of this GRU's r * (W_hh h).
def gru_step(weights, char, h):
    x = np.zeros(weights["W_hx"].shape[1])
    x[char_to_indices[char]] = 1.0
    u = sigmoid(weights["W_ux"] @ x + weights["W_uh"] @ h + weights["b_u"])
    r = sigmoid(weights["W_rx"] @ x + weights["W_rh"] @ h + weights["b_r"])
    c = np.tanh(weights["W_hx"] @ x + weights["W_hh"] @ (r * h) + weights["b_h"])
    h = (1 - u) * c + u * h
    return h, softmax(weights["W_y"] @ h + weights["b_y"])
