"""Train the tiny GPT twice, with the correct causal mask and with the naive one, and report both.

This is the longer version of the comparison the lab runs in a few seconds; its report is shown in the lab.
"""
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from tqdm import tqdm

from labkit.data.recipes.attention_from_scratch import data, report
from labkit.data.recipes.attention_from_scratch.model import (GPT, GPTConfig, causal_self_attention,
                                                              naive_causal_self_attention)

MAX_ITERS = 600
EVAL_INTERVAL = 100
BATCH_SIZE = 32
LEARNING_RATE = 3e-3
SEED = 1337
VARIANTS = {"correct mask": causal_self_attention, "naive mask": naive_causal_self_attention}


def get_batch(ids, batch_size, block_size, generator):
    """Inputs and next-character targets (batch_size, block_size) from random windows of `ids`."""
    starts = torch.randint(len(ids) - block_size - 1, (batch_size,), generator=generator)
    x = torch.stack([ids[s:s + block_size] for s in starts])  # (B, T)
    y = torch.stack([ids[s + 1:s + block_size + 1] for s in starts])  # (B, T)
    return x, y


def prefix_only_loss(model, x, y):
    """Cross-entropy of predicting y[:, t] from a forward pass over x[:, :t + 1] alone, for every t."""
    last_logits = torch.stack([model(x[:, :t + 1])[0][:, -1] for t in range(x.size(1))], dim=1)  # (B, T, V)
    return F.cross_entropy(last_logits.flatten(0, 1), y.flatten()).item()


@torch.no_grad()
def evaluate(model, ids, batches=10, prefix_batches=2, seed=0):
    """(loss, prefix-only loss) on fixed validation windows (the prefix-only loss on the first few).

    The loss is what training optimises: one forward pass, every position predicts the next character.
    The prefix-only loss predicts position t from a forward pass over positions 0..t alone, so no later
    character can influence it; it equals the loss whenever attention is truly causal.
    """
    model.eval()
    generator = torch.Generator().manual_seed(seed)
    block_size = model.config.block_size
    losses, prefix_losses = [], []
    for batch in range(batches):
        x, y = get_batch(ids, BATCH_SIZE, block_size, generator)
        losses.append(model(x, y)[1].item())
        if batch < prefix_batches:
            prefix_losses.append(prefix_only_loss(model, x, y))
    model.train()
    return float(np.mean(losses)), float(np.mean(prefix_losses))


def train_one(name, attention, train_ids, val_ids, vocab_size, max_iters=MAX_ITERS):
    """Train a fresh GPT that uses `attention`; return its history of losses.

    history["train_loss"][i] is the mean batch loss of the iterations before history["iter"][i] (NaN at 0).
    """
    torch.manual_seed(SEED)
    generator = torch.Generator().manual_seed(SEED)
    model = GPT(GPTConfig(vocab_size=vocab_size), attention)
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE)
    history = {"iter": [], "train_loss": [], "val_loss": [], "val_prefix_loss": []}
    batch_losses = []
    started = time.perf_counter()
    for step in tqdm(range(max_iters + 1), desc=name, mininterval=5):
        if step % EVAL_INTERVAL == 0 or step == max_iters:
            val_loss, val_prefix_loss = evaluate(model, val_ids)
            history["iter"].append(step)
            history["train_loss"].append(float(np.mean(batch_losses)) if batch_losses else None)
            history["val_loss"].append(val_loss)
            history["val_prefix_loss"].append(val_prefix_loss)
            batch_losses = []
        if step == max_iters:
            break
        x, y = get_batch(train_ids, BATCH_SIZE, model.config.block_size, generator)
        _, loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        batch_losses.append(loss.item())
    history["seconds"] = time.perf_counter() - started
    return history


def train(out, max_iters=MAX_ITERS):
    """Train both variants on out/shakespeare_chars.npz; write out/reports/mask_comparison.{json,png}."""
    torch.set_num_threads(1)
    chars, train_ids, val_ids = data.load(out)
    train_ids, val_ids = (torch.from_numpy(ids.astype(np.int64)) for ids in (train_ids, val_ids))
    histories = {name: train_one(name, attention, train_ids, val_ids, len(chars), max_iters)
                 for name, attention in VARIANTS.items()}
    report.write(Path(out) / "reports", histories)
