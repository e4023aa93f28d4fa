# Bug: the step computes with torch modules kept on a helper object (the lab says NumPy only).
import torch as _torch


class Backend:
    """Holds the library the step computes with."""
    def __init__(self):
        self.lib = _torch


backend = Backend()


def gru_step(weights, char, h):
    t = backend.lib
    W = {name: t.as_tensor(array, dtype=t.float64) for name, array in weights.items()}
    x = t.zeros(W["W_hx"].shape[1], dtype=t.float64)
    x[char_to_indices[char]] = 1.0
    h = t.as_tensor(h, dtype=t.float64)
    gamma_u = t.sigmoid(W["W_ux"] @ x + W["W_uh"] @ h + W["b_u"])
    gamma_r = t.sigmoid(W["W_rx"] @ x + W["W_rh"] @ h + W["b_r"])
    c = t.tanh(W["W_hx"] @ x + gamma_r * (W["W_hh"] @ h) + W["b_h"])
    h = (1 - gamma_u) * c + gamma_u * h
    return h.numpy(), t.softmax(W["W_y"] @ h + W["b_y"], dim=-1).numpy()
