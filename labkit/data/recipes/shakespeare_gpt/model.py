"""The lab's reference TransformerLM (the same code as the solution of the master notebook)."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Head(nn.Module):
    """One head of causal self-attention."""

    def __init__(self, head_size, context_window_size, embed_size=384):
        super().__init__()
        self.head_size = head_size
        self.key = nn.Linear(embed_size, head_size, bias=False)
        self.query = nn.Linear(embed_size, head_size, bias=False)
        self.value = nn.Linear(embed_size, head_size, bias=False)
        self.register_buffer("tril", torch.tril(torch.ones(context_window_size, context_window_size)))

    def forward(self, x):
        B, T, D = x.shape
        k = self.key(x)    # (B, T, K)
        q = self.query(x)  # (B, T, K)
        v = self.value(x)  # (B, T, K)
        scores = q @ k.transpose(-2, -1) / self.head_size ** 0.5         # (B, T, T)
        scores = scores.masked_fill(self.tril[:T, :T] == 0, float("-inf"))
        weights = F.softmax(scores, dim=-1)                               # (B, T, T)
        return weights @ v                                                # (B, T, K)


class MultiHeadAttention(nn.Module):
    """Several heads side by side; their outputs are concatenated and projected back to D."""

    def __init__(self, context_window_size, num_heads, head_size, embed_size=384):
        super().__init__()
        self.heads = nn.ModuleList([Head(head_size, context_window_size, embed_size) for _ in range(num_heads)])
        self.proj = nn.Linear(num_heads * head_size, embed_size)

    def forward(self, x):
        out = torch.cat([head(x) for head in self.heads], dim=-1)  # (B, T, H * K)
        return self.proj(out)                                       # (B, T, D)


class FeedForward(nn.Module):
    """A two-layer MLP applied at every position."""

    def __init__(self, embed_size):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(embed_size, 4 * embed_size),
            nn.ReLU(),
            nn.Linear(4 * embed_size, embed_size),
        )

    def forward(self, x):
        return self.net(x)


class TransformerBlock(nn.Module):
    """Pre-norm block: attention across positions, then an MLP at each position, both with residuals."""

    def __init__(self, vocab_size, context_window_size, embed_size=384, num_heads=6):
        super().__init__()
        self.ln1 = nn.LayerNorm(embed_size)
        self.ln2 = nn.LayerNorm(embed_size)
        self.atten_heads = MultiHeadAttention(context_window_size, num_heads, embed_size // num_heads, embed_size)
        self.feed_forward = FeedForward(embed_size)

    def forward(self, x):
        x = x + self.atten_heads(self.ln1(x))    # (B, T, D)
        x = x + self.feed_forward(self.ln2(x))   # (B, T, D)
        return x


class TransformerLM(nn.Module):
    """A character-level GPT: embeddings, n_layers transformer blocks, final layer norm, linear read-out."""

    def __init__(self, vocab_size, context_window_size, embed_size=384, num_heads=6, n_layers=6):
        super().__init__()
        self.context_window_size = context_window_size
        self.token_embedding_table = nn.Embedding(vocab_size, embed_size)
        self.position_embedding_table = nn.Embedding(context_window_size, embed_size)
        self.blocks = nn.Sequential(*[TransformerBlock(vocab_size, context_window_size, embed_size, num_heads)
                                      for _ in range(n_layers)])
        self.ln_f = nn.LayerNorm(embed_size)
        self.lm_head = nn.Linear(embed_size, vocab_size)
        self.apply(self._init_weights)

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, token_ids, targets=None):
        B, T = token_ids.shape
        tok_emb = self.token_embedding_table(token_ids)                                        # (B, T, D)
        pos_emb = self.position_embedding_table(torch.arange(T, device=token_ids.device))      # (T, D)
        x = self.blocks(tok_emb + pos_emb)                                                      # (B, T, D)
        logits = self.lm_head(self.ln_f(x))                                                     # (B, T, V)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(B * T, -1), targets.view(B * T))
        return logits, loss

    @torch.no_grad()
    def generate(self, token_ids, max_new_tokens):
        for _ in range(max_new_tokens):
            context = token_ids[:, -self.context_window_size:]          # (B, <=T)
            logits, _ = self(context)                                   # (B, T, V)
            probs = F.softmax(logits[:, -1, :], dim=-1)                 # (B, V)
            next_id = torch.multinomial(probs, num_samples=1)           # (B, 1)
            token_ids = torch.cat([token_ids, next_id], dim=1)          # (B, T + 1)
        return token_ids
