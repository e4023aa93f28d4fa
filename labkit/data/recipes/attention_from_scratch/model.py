"""A tiny minGPT-style character model whose attention is a pluggable function, as in the lab's Section 2.2.

`causal_self_attention` is the reference for the students' `self_attention`; `naive_causal_self_attention`
zeroes future weights *after* the softmax, the experiment the lab compares against.
"""
import math
from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


def split_heads(x, n_heads):
    B, n_tok, n_embd = x.shape
    return x.view(B, n_tok, n_heads, n_embd // n_heads).transpose(1, 2)  # (B, n_heads, n_tok, head_size)


def merge_heads(x):
    B, n_heads, n_tok, head_size = x.shape
    return x.transpose(1, 2).reshape(B, n_tok, n_heads * head_size)  # (B, n_tok, n_embd)


def attention_weights(Q, K, n_heads, causal, naive=False):
    """Softmax-normalised attention (B, n_heads, n_tok, n_tok); `naive` zeroes the future after the softmax."""
    n_embd = Q.size(-1) * n_heads
    scores = Q @ K.transpose(-2, -1) / math.sqrt(n_embd / n_heads)  # (B, n_heads, n_tok, n_tok)
    if not causal:
        return scores.softmax(dim=-1)
    allowed = torch.ones(Q.size(-2), K.size(-2), dtype=torch.bool, device=Q.device).tril()
    if naive:
        return scores.softmax(dim=-1).masked_fill(~allowed, 0.0)
    return scores.masked_fill(~allowed, float("-inf")).softmax(dim=-1)


def causal_self_attention(Q, K, V, n_heads=1, causal=True, naive=False):
    """Multi-head scaled dot-product attention of Q, K, V (B, n_tok, n_embd), without output projection."""
    Q, K, V = (split_heads(t, n_heads) for t in (Q, K, V))  # (B, n_heads, n_tok, head_size)
    return merge_heads(attention_weights(Q, K, n_heads, causal, naive) @ V)  # (B, n_tok, n_embd)


def naive_causal_self_attention(Q, K, V, n_heads=1, causal=True):
    return causal_self_attention(Q, K, V, n_heads, causal, naive=True)


@dataclass
class GPTConfig:
    vocab_size: int
    block_size: int = 64
    n_layer: int = 2
    n_heads: int = 4
    n_embd: int = 64


class CausalSelfAttention(nn.Module):
    def __init__(self, config, attention):
        super().__init__()
        self.n_heads, self.attention = config.n_heads, attention
        self.query, self.key, self.value = (nn.Linear(config.n_embd, config.n_embd) for _ in range(3))
        self.proj = nn.Linear(config.n_embd, config.n_embd)

    def forward(self, x):  # x: (B, n_tok, n_embd)
        y = self.attention(self.query(x), self.key(x), self.value(x), n_heads=self.n_heads, causal=True)
        return self.proj(y)  # (B, n_tok, n_embd)


class Block(nn.Module):
    def __init__(self, config, attention):
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(config.n_embd), nn.LayerNorm(config.n_embd)
        self.attn = CausalSelfAttention(config, attention)
        self.mlp = nn.Sequential(nn.Linear(config.n_embd, 4 * config.n_embd), nn.GELU(),
                                 nn.Linear(4 * config.n_embd, config.n_embd))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, config, attention=causal_self_attention):
        super().__init__()
        self.config = config
        self.tok_emb = nn.Embedding(config.vocab_size, config.n_embd)
        self.pos_emb = nn.Embedding(config.block_size, config.n_embd)
        self.blocks = nn.Sequential(*(Block(config, attention) for _ in range(config.n_layer)))
        self.ln_f = nn.LayerNorm(config.n_embd)
        self.head = nn.Linear(config.n_embd, config.vocab_size)

    def forward(self, idx, targets=None):
        """Logits (B, n_tok, vocab_size) for ids `idx` (B, n_tok), and the mean cross-entropy if `targets`."""
        positions = torch.arange(idx.size(1), device=idx.device)
        x = self.tok_emb(idx) + self.pos_emb(positions)  # (B, n_tok, n_embd)
        logits = self.head(self.ln_f(self.blocks(x)))  # (B, n_tok, vocab_size)
        if targets is None:
            return logits, None
        return logits, F.cross_entropy(logits.flatten(0, 1), targets.flatten())
