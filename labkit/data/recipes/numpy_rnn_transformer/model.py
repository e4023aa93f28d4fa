"""The three reference models, in PyTorch, and their export to NumPy arrays (.npz) with documented names.

Character models (Problem 1) read one-hot characters and use column-vector conventions in their exports:
a hidden state is a vector h of shape (H,), and W_ab maps a vector of space a to space b, so its shape is
(size of b, size of a).

    rnn.npz  two-layer tanh RNN (128 then 64 units) and a dense output layer, V characters:
        W_xh1 (128, V)   W_h1h1 (128, 128)   b_h1 (128,)    h1 = tanh(W_xh1 x + W_h1h1 h1 + b_h1)
        W_h1h2 (64, 128) W_h2h2 (64, 64)     b_h2 (64,)     h2 = tanh(W_h1h2 h1 + W_h2h2 h2 + b_h2)
        W_h2y (V, 64)    b_y (V,)                           p  = softmax(W_h2y h2 + b_y)
    gru.npz  one GRU layer of H units (H = GRU_HIDDEN) and a dense output layer:
        W_ux, W_rx, W_hx (H, V)   W_uh, W_rh, W_hh (H, H)   b_u, b_r, b_h (H,)   W_y (V, H)   b_y (V,)
        u = sigmoid(W_ux x + W_uh h + b_u)           update gate
        r = sigmoid(W_rx x + W_rh h + b_r)           reset gate
        c = tanh(W_hx x + r * (W_hh h) + b_h)        candidate state (the reset gate acts after W_hh)
        h = (1 - u) * c + u * h                      p = softmax(W_y h + b_y)
      This is torch.nn.GRU with its recurrent candidate bias b_hn held at zero (b_u = b_iz + b_hz,
      b_r = b_ir + b_hr, b_h = b_in).

    transformer.npz  the PyTorch state dict of `Transformer` (row-major nn.Linear weights, shape (out, in)):
        word_embedding.weight (vocab, d_model)      position_embedding.inv_freq (d_model / 2,)
        layers.{i}.attention.w{q,k,v,o}.weight (d_model, d_model)   heads are consecutive blocks of outputs
        layers.{i}.feed_forward.0.weight (d_ff, d_model)   layers.{i}.feed_forward.2.weight (d_model, d_ff)
        fc_out.weight (vocab, d_model)   fc_out.bias (vocab,)
"""
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

RNN_SIZES = (128, 64)
GRU_HIDDEN = 256  # the seed's GRU has 512 units; 256 trains four times faster on a CPU
TRANSFORMER = dict(d_model=128, n_layers=2, n_heads=4, d_ff=256, block_size=128)


class CharRNN(nn.Module):
    """Two stacked tanh RNN layers and a dense layer: ids (B, T) -> logits (B, T, V) of the next character."""

    def __init__(self, vocab_size, sizes=RNN_SIZES):
        super().__init__()
        self.vocab_size = vocab_size
        self.rnn1 = nn.RNN(vocab_size, sizes[0], batch_first=True)
        self.rnn2 = nn.RNN(sizes[0], sizes[1], batch_first=True)
        self.out = nn.Linear(sizes[1], vocab_size)

    def forward(self, ids, state=None):
        h1, h2 = state if state is not None else (None, None)
        x = F.one_hot(ids, self.vocab_size).float()  # (B, T, V)
        y1, h1 = self.rnn1(x, h1)                     # (B, T, 128)
        y2, h2 = self.rnn2(y1, h2)                    # (B, T, 64)
        return self.out(y2), (h1, h2)                 # (B, T, V)


class CharGRU(nn.Module):
    """One GRU layer whose candidate bias b_hn stays zero (the seed's GRU) and a dense layer."""

    def __init__(self, vocab_size, hidden=GRU_HIDDEN):
        super().__init__()
        self.vocab_size = vocab_size
        self.gru = nn.GRU(vocab_size, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab_size)
        keep = torch.ones(3 * hidden)
        keep[2 * hidden:] = 0.0  # PyTorch orders the gates (reset, update, candidate)
        with torch.no_grad():
            self.gru.bias_hh_l0.mul_(keep)
        self.gru.bias_hh_l0.register_hook(lambda grad: grad * keep)

    def forward(self, ids, state=None):
        x = F.one_hot(ids, self.vocab_size).float()  # (B, T, V)
        y, h = self.gru(x, state)                     # (B, T, H)
        return self.out(y), h                         # (B, T, V)


def sinusoidal_positions(n, inv_freq):
    """Positional embeddings (n, d_model): sines of all frequencies, then cosines, as in the lab."""
    angles = torch.arange(n, dtype=inv_freq.dtype, device=inv_freq.device)[:, None] * inv_freq[None, :]  # (n, d/2)
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=-1)  # (n, d_model)


class SinusoidalPositions(nn.Module):
    def __init__(self, d_model, base=10000.0):
        super().__init__()
        self.register_buffer("inv_freq", 1.0 / base ** (torch.arange(0, d_model, 2).float() / d_model))

    def forward(self, n):
        return sinusoidal_positions(n, self.inv_freq)


class Attention(nn.Module):
    """Causal multi-head self-attention without biases."""

    def __init__(self, d_model, n_heads):
        super().__init__()
        self.n_heads = n_heads
        self.wq, self.wk, self.wv, self.wo = (nn.Linear(d_model, d_model, bias=False) for _ in range(4))

    def forward(self, x):
        B, T, C = x.shape
        split = lambda t: t.view(B, T, self.n_heads, C // self.n_heads).transpose(1, 2)  # (B, nh, T, hd)
        q, k, v = split(self.wq(x)), split(self.wk(x)), split(self.wv(x))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (B, nh, T, hd)
        return self.wo(y.transpose(1, 2).reshape(B, T, C))          # (B, T, C)


class Block(nn.Module):
    """Attention then a ReLU MLP without biases, each added to the residual stream; no layer norm."""

    def __init__(self, d_model, n_heads, d_ff):
        super().__init__()
        self.attention = Attention(d_model, n_heads)
        self.feed_forward = nn.Sequential(nn.Linear(d_model, d_ff, bias=False), nn.ReLU(),
                                          nn.Linear(d_ff, d_model, bias=False))

    def forward(self, x):
        x = x + self.attention(x)
        return x + self.feed_forward(x)


class Transformer(nn.Module):
    """Token embeddings + sinusoidal positions, `n_layers` blocks, and a linear head: ids (B, T) -> logits."""

    def __init__(self, vocab_size, d_model, n_layers, n_heads, d_ff, block_size):
        super().__init__()
        self.block_size = block_size
        self.word_embedding = nn.Embedding(vocab_size, d_model)
        self.position_embedding = SinusoidalPositions(d_model)
        self.layers = nn.ModuleList(Block(d_model, n_heads, d_ff) for _ in range(n_layers))
        self.fc_out = nn.Linear(d_model, vocab_size)

    def forward(self, ids):
        x = self.word_embedding(ids) + self.position_embedding(ids.size(1))  # (B, T, C)
        for layer in self.layers:
            x = layer(x)
        return self.fc_out(x)  # (B, T, V)


def numpy_arrays(tensors):
    return {name: t.detach().cpu().numpy().astype(np.float32) for name, t in tensors.items()}


def rnn_arrays(model):
    """The RNN's weights under the names of the module docstring (biases of input and recurrence summed)."""
    r1, r2 = model.rnn1, model.rnn2
    return numpy_arrays({
        "W_xh1": r1.weight_ih_l0, "W_h1h1": r1.weight_hh_l0, "b_h1": r1.bias_ih_l0 + r1.bias_hh_l0,
        "W_h1h2": r2.weight_ih_l0, "W_h2h2": r2.weight_hh_l0, "b_h2": r2.bias_ih_l0 + r2.bias_hh_l0,
        "W_h2y": model.out.weight, "b_y": model.out.bias,
    })


def gru_arrays(model):
    """The GRU's weights under the names of the module docstring."""
    g = model.gru
    W_rx, W_ux, W_hx = g.weight_ih_l0.chunk(3)  # PyTorch's gate order: reset, update (z), candidate (n)
    W_rh, W_uh, W_hh = g.weight_hh_l0.chunk(3)
    b_ir, b_iu, b_in = g.bias_ih_l0.chunk(3)
    b_hr, b_hu, b_hn = g.bias_hh_l0.chunk(3)
    assert torch.all(b_hn == 0), "the GRU's candidate bias b_hn must stay zero"
    return numpy_arrays({
        "W_ux": W_ux, "W_rx": W_rx, "W_hx": W_hx, "W_uh": W_uh, "W_rh": W_rh, "W_hh": W_hh,
        "b_u": b_iu + b_hu, "b_r": b_ir + b_hr, "b_h": b_in, "W_y": model.out.weight, "b_y": model.out.bias,
    })


def transformer_arrays(model):
    return numpy_arrays(model.state_dict())


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())
