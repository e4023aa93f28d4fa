"""Reference language models of Lab 2-6, on token ids. Parameter names match the lab's classes."""
import math

import torch
import torch.nn as nn

EMBEDDING_SIZE = HIDDEN_SIZE = 128


class UniformAttentionLM(nn.Module):
    """h_t is the mean of the embeddings x_1..x_t; logits = hidden2output(h_t)."""

    def __init__(self, vocab_size, embedding_size=EMBEDDING_SIZE, hidden_size=HIDDEN_SIZE):
        super().__init__()
        assert hidden_size == embedding_size, "a mean of embeddings has the embedding's size"
        self.embed = nn.Embedding(vocab_size, embedding_size)
        self.hidden2output = nn.Linear(hidden_size, vocab_size)

    def forward(self, ids):
        x = self.embed(ids)  # (B, T, D)
        counts = torch.arange(1, ids.size(1) + 1, device=ids.device).view(1, -1, 1)  # (1, T, 1)
        hidden = x.cumsum(dim=1) / counts  # (B, T, D)
        return self.hidden2output(hidden)  # (B, T, V)


class AttentionLM(nn.Module):
    """One causal scaled dot-product attention layer between the embeddings and the output layer."""

    def __init__(self, vocab_size, embedding_size=EMBEDDING_SIZE, hidden_size=HIDDEN_SIZE):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embedding_size)
        self.q_proj = nn.Linear(embedding_size, hidden_size)
        self.k_proj = nn.Linear(embedding_size, hidden_size)
        self.v_proj = nn.Linear(embedding_size, hidden_size)
        self.hidden2output = nn.Linear(hidden_size, vocab_size)

    def forward(self, ids):
        x = self.embed(ids)  # (B, T, D)
        q, k, v = self.q_proj(x), self.k_proj(x), self.v_proj(x)  # (B, T, H) each
        scores = q @ k.transpose(1, 2) / math.sqrt(q.size(-1))  # (B, T, T)
        future = torch.ones(ids.size(1), ids.size(1), dtype=torch.bool, device=ids.device).triu(1)
        weights = scores.masked_fill(future, float("-inf")).softmax(dim=-1)  # (B, T, T)
        return self.hidden2output(weights @ v)  # (B, T, V)


ARCHITECTURES = {"ualm": UniformAttentionLM, "attnlm": AttentionLM}
AUTHORS = {"h": "Hamilton", "m": "Madison"}


def model_filename(arch, author):
    """The seed course's names: ualm_lm_h.pt, attnlm_lm_m.pt, ..."""
    initial = next(k for k, v in AUTHORS.items() if v == author)
    return f"{arch}_lm_{initial}.pt"


def load_model(arch, path, vocab_size):
    model = ARCHITECTURES[arch](vocab_size)
    model.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    return model.eval()
