"""Model stage: train the reference TransformerLM on tiny Shakespeare (2 CPU cores) and report on it."""
import json
import math
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from tqdm import tqdm

from labkit.data.recipes.shakespeare_gpt import data
from labkit.data.recipes.shakespeare_gpt.model import TransformerLM
from labkit.data.recipes.shakespeare_gpt.report import TARGET_SECONDS, TARGET_VAL_LOSS, plot_curves, summary

MODEL_FILE = "models/transformer_lm.pt"
CONFIG_FILE = "models/transformer_lm.json"
REPORT_FILE = "reports/training.json"
CURVE_FILE = "reports/training_curve.png"
# 2 threads on the 2-core CI machine; on a crowded machine 1 thread avoids threads waiting for each other
THREADS = int(os.environ.get("SHAKESPEARE_GPT_THREADS", "2"))


@dataclass(frozen=True)
class TrainConfig:
    """Architecture and optimisation of one run (AdamW, linear warm-up then cosine decay to min_lr)."""
    name: str
    n_layers: int
    num_heads: int
    embed_size: int
    context_window_size: int
    batch_size: int
    max_iters: int
    learning_rate: float
    min_lr: float
    warmup_iters: int = 100
    weight_decay: float = 0.1
    eval_interval: int = 250
    seed: int = 305

    def model_args(self):
        return dict(context_window_size=self.context_window_size, embed_size=self.embed_size,
                    num_heads=self.num_heads, n_layers=self.n_layers)


REFERENCE = TrainConfig("reference", n_layers=4, num_heads=4, embed_size=128, context_window_size=128,
                        batch_size=32, max_iters=1200, learning_rate=2e-3, min_lr=1e-4)
# nanoGPT's documented CPU run of shakespeare_char (README "I only have a macbook"), dropout 0.
NANOGPT_CPU = TrainConfig("nanoGPT CPU", n_layers=4, num_heads=4, embed_size=128, context_window_size=64,
                          batch_size=12, max_iters=2000, learning_rate=1e-3, min_lr=1e-4)


def encode_splits(text, vocab):
    """(train_ids, val_ids) as LongTensors, split at vocab['train_chars']."""
    stoi = {ch: i for i, ch in enumerate(vocab["chars"])}
    ids = torch.tensor([stoi[ch] for ch in text], dtype=torch.long)
    return ids[:vocab["train_chars"]], ids[vocab["train_chars"]:]


def get_batch(ids, context_window_size, batch_size, generator=None):
    """Random windows x (B, T) and their next characters y (B, T)."""
    starts = torch.randint(len(ids) - context_window_size, (batch_size,), generator=generator)
    x = torch.stack([ids[s:s + context_window_size] for s in starts])          # (B, T)
    y = torch.stack([ids[s + 1:s + context_window_size + 1] for s in starts])  # (B, T)
    return x, y


@torch.no_grad()
def evaluate(model, ids, config, batches, seed=0):
    """Mean loss (nats per character) over `batches` fixed random batches of `ids`."""
    generator = torch.Generator().manual_seed(seed)
    model.eval()
    losses = [model(*get_batch(ids, config.context_window_size, config.batch_size, generator))[1].item()
              for _ in range(batches)]
    model.train()
    return sum(losses) / len(losses)


def learning_rate(config, it):
    """Linear warm-up for warmup_iters, then cosine decay from learning_rate to min_lr at max_iters."""
    if it < config.warmup_iters:
        return config.learning_rate * (it + 1) / config.warmup_iters
    progress = (it - config.warmup_iters) / max(1, config.max_iters - config.warmup_iters)
    return config.min_lr + 0.5 * (1 + math.cos(math.pi * progress)) * (config.learning_rate - config.min_lr)


def make_optimizer(model, config):
    """AdamW with weight decay on matrices only (not on biases and layer norms)."""
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    groups = [{"params": decay, "weight_decay": config.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
    return torch.optim.AdamW(groups, lr=config.learning_rate, betas=(0.9, 0.99))


def run(config, text, vocab, eval_batches=100):
    """Trains one model; returns (model, report) with losses, iteration count and times in seconds."""
    torch.manual_seed(config.seed)
    train_ids, val_ids = encode_splits(text, vocab)
    model = TransformerLM(len(vocab["chars"]), **config.model_args())
    optimizer = make_optimizer(model, config)
    curve = {"iter": [], "train": [], "val": []}
    train_seconds, cpu_seconds, started = 0.0, 0.0, time.perf_counter()
    progress = tqdm(range(config.max_iters + 1), desc=config.name, mininterval=5)
    for it in progress:
        if it % config.eval_interval == 0 or it == config.max_iters:
            curve["iter"].append(it)
            curve["train"].append(evaluate(model, train_ids, config, 10, seed=it))
            curve["val"].append(evaluate(model, val_ids, config, 10, seed=it))
            progress.set_postfix(val=f"{curve['val'][-1]:.3f}")
        if it == config.max_iters:
            break
        tick, cpu_tick = time.perf_counter(), time.process_time()
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(config, it)
        x, y = get_batch(train_ids, config.context_window_size, config.batch_size)
        _, loss = model(x, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        train_seconds += time.perf_counter() - tick
        cpu_seconds += time.process_time() - cpu_tick
    val_loss = evaluate(model, val_ids, config, eval_batches)
    report = {
        "config": asdict(config),
        "parameters": sum(p.numel() for p in model.parameters()),
        "iterations": config.max_iters,
        "train_seconds": round(train_seconds, 1),
        "seconds_per_iteration": round(train_seconds / config.max_iters, 4),
        "cpu_seconds": round(cpu_seconds, 1),
        "threads": torch.get_num_threads(),
        # on a busy machine the wall time is inflated; CPU time / threads estimates the time alone (spinning
        # threads make it an overestimate)
        "alone_seconds_estimate": round(min(train_seconds, cpu_seconds / torch.get_num_threads()), 1),
        "wall_seconds": round(time.perf_counter() - started, 1),
        "val_loss": round(val_loss, 4),
        "train_loss": round(evaluate(model, train_ids, config, eval_batches // 2), 4),
        "curve": curve,
    }
    return model, report


def train(out):
    """Trains the reference model; writes its state dict, its config and reports/ (JSON + PNG)."""
    out = Path(out)
    text, vocab = data.load(out)
    torch.set_num_threads(THREADS)
    model, report = run(REFERENCE, text, vocab)
    (out / MODEL_FILE).parent.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), out / MODEL_FILE)
    config = {"vocab_size": len(vocab["chars"]), **REFERENCE.model_args()}
    (out / CONFIG_FILE).write_text(json.dumps(config, indent=1))
    report["target"] = {"val_loss": TARGET_VAL_LOSS, "train_seconds": TARGET_SECONDS,
                        "met": report["val_loss"] <= TARGET_VAL_LOSS and report["train_seconds"] <= TARGET_SECONDS}
    report["sample"] = sample_text(model, vocab, "ROMEO:\n", 300)
    (out / REPORT_FILE).parent.mkdir(parents=True, exist_ok=True)
    (out / REPORT_FILE).write_text(json.dumps(report, indent=1))
    plot_curves([report], out / CURVE_FILE)
    print(summary(report) + f"; target <= {TARGET_VAL_LOSS} in <= {TARGET_SECONDS} s: "
          + ("met" if report["target"]["met"] else "NOT met"))
    print(report["sample"])


def sample_text(model, vocab, prompt, max_new_tokens, seed=305):
    """`prompt` followed by `max_new_tokens` characters sampled from `model`."""
    stoi = {ch: i for i, ch in enumerate(vocab["chars"])}
    torch.manual_seed(seed)
    ids = torch.tensor([[stoi[ch] for ch in prompt]])
    model.eval()
    out = model.generate(ids, max_new_tokens)[0].tolist()
    return "".join(vocab["chars"][i] for i in out)
