# Bug: the step is written with torch, which the lab forbids (NumPy only).
import torch

def rnn_step(weights, char, h1, h2):
    W = {name: torch.as_tensor(array, dtype=torch.float64) for name, array in weights.items()}
    x = torch.nn.functional.one_hot(torch.tensor(char_to_indices[char]), W["W_xh1"].shape[1]).double()
    h1 = torch.tanh(W["W_xh1"] @ x + W["W_h1h1"] @ torch.as_tensor(h1) + W["b_h1"])
    h2 = torch.tanh(W["W_h1h2"] @ h1 + W["W_h2h2"] @ torch.as_tensor(h2) + W["b_h2"])
    probs = torch.softmax(W["W_h2y"] @ h2 + W["b_y"], dim=-1)
    return h1.numpy(), h2.numpy(), probs.numpy()
