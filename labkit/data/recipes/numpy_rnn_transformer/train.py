"""Model stage: train the RNN, the GRU (Problem 1) and the transformer (Problem 2), export them as .npz, report."""
import json
import math
import time
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from tokenizers import Tokenizer
from tqdm.auto import tqdm

from .data import SHAKESPEARE_IDS, TEST_TEXT, TOKENIZER, TRAIN_TEXT, VOCABULARY
from .model import TRANSFORMER, CharGRU, CharRNN, Transformer, gru_arrays, rnn_arrays, transformer_arrays
from .report import CURVES, EXPECTED, MODEL_CARD, REPORT, model_card, write_reports

RNN_FILE, GRU_FILE, TRANSFORMER_FILE = "models/rnn.npz", "models/gru.npz", "models/transformer.npz"
MODEL_FILES = (RNN_FILE, GRU_FILE, TRANSFORMER_FILE, MODEL_CARD)
REPORT_FILES = (CURVES, REPORT, EXPECTED)
SEED = 1234
PROMPT_CHARS = 100  # the test extract's first characters warm the state up; the rest is scored
CHAR_TRAINING = {  # steps of Adam on batches of random windows of 100 characters
    "rnn": dict(steps=1000, batch_size=64, learning_rate=4e-3),
    "gru": dict(steps=800, batch_size=32, learning_rate=4e-3),
}
CHAR_WINDOW = 100
TRANSFORMER_TRAINING = dict(steps=500, batch_size=32, learning_rate=2e-3)
VALIDATION_FRACTION = 0.1
EVAL_EVERY = 100


class Trained(NamedTuple):
    model: torch.nn.Module
    history: list  # [{step, train_loss, held-out figure}] every EVAL_EVERY steps
    seconds: float
    settings: dict  # steps, batch size, learning rate


def random_windows(ids, length, batch_size, generator):
    """Inputs and next-token targets (batch_size, length) from random positions of the 1-D tensor `ids`."""
    starts = torch.randint(len(ids) - length - 1, (batch_size,), generator=generator)
    windows = torch.stack([ids[s:s + length + 1] for s in starts.tolist()])  # (B, length + 1)
    return windows[:, :-1], windows[:, 1:]


def next_token_loss(model, inputs, targets):
    logits = model(inputs)
    logits = logits[0] if isinstance(logits, tuple) else logits  # (B, T, V)
    return F.cross_entropy(logits.flatten(0, 1), targets.flatten())


def fit(model, ids, window, batch_size, steps, learning_rate, evaluate, desc):
    """Adam with a short warm-up and cosine decay; returns the history [{step, train_loss, **evaluate()}]."""
    generator = torch.Generator().manual_seed(SEED)
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    warmup = 30
    schedule = lambda step: min(1.0, (step + 1) / warmup) * (0.55 + 0.45 * math.cos(math.pi * step / steps))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
    history, losses = [], []
    progress = tqdm(range(1, steps + 1), desc=desc, unit="step", mininterval=5)
    for step in progress:
        model.train()
        loss = next_token_loss(model, *random_windows(ids, window, batch_size, generator))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        losses.append(loss.item())
        if step % EVAL_EVERY == 0 or step == steps:
            model.eval()
            with torch.no_grad():
                history.append({"step": step, "train_loss": float(np.mean(losses)), **evaluate(model)})
            losses = []
            progress.set_postfix(history[-1])
    return history


def char_perplexity(model, ids, prompt_chars=PROMPT_CHARS):
    """exp(mean -ln p) of ids[prompt_chars:], each character predicted from everything before it."""
    logits, _ = model(ids[None, :-1])  # (1, n - 1, V)
    scored = logits[0, prompt_chars - 1:]
    return math.exp(F.cross_entropy(scored, ids[prompt_chars:]).item())


def encode_chars(text, vocabulary):
    index = {c: i for i, c in enumerate(vocabulary)}
    return torch.tensor([index[c] for c in text], dtype=torch.long)


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def save_npz(path, arrays):
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **arrays)


def train_char_models(out, vocabulary):
    """Train and export the RNN and the GRU; {name: Trained} with the test perplexity in each history."""
    train_ids = encode_chars((out / TRAIN_TEXT).read_text(encoding="utf-8"), vocabulary)
    test_ids = encode_chars((out / TEST_TEXT).read_text(encoding="utf-8"), vocabulary)
    evaluate = lambda model: {"test_perplexity": char_perplexity(model, test_ids)}
    results = {}
    for name, model_class, path, export in (("rnn", CharRNN, RNN_FILE, rnn_arrays),
                                            ("gru", CharGRU, GRU_FILE, gru_arrays)):
        torch.manual_seed(SEED)
        model = model_class(len(vocabulary))
        history, seconds = timed(fit, model, train_ids, CHAR_WINDOW, desc=name, evaluate=evaluate,
                                 **CHAR_TRAINING[name])
        save_npz(out / path, export(model.eval()))
        results[name] = Trained(model, history, seconds, CHAR_TRAINING[name])
    return results


def train_transformer(out, vocab_size):
    """Train and export the transformer on 90 % of tiny Shakespeare, validated on the last 10 %."""
    ids = torch.from_numpy(np.load(out / SHAKESPEARE_IDS, allow_pickle=False).astype(np.int64))
    cut = int(len(ids) * (1 - VALIDATION_FRACTION))
    train_ids, valid_ids = ids[:cut], ids[cut:]
    block = TRANSFORMER["block_size"]
    valid = random_windows(valid_ids, block, 32, torch.Generator().manual_seed(SEED))
    evaluate = lambda model: {"validation_loss": next_token_loss(model, *valid).item()}
    torch.manual_seed(SEED)
    model = Transformer(vocab_size, **TRANSFORMER)
    history, seconds = timed(fit, model, train_ids, block, desc="transformer", evaluate=evaluate,
                             **TRANSFORMER_TRAINING)
    save_npz(out / TRANSFORMER_FILE, transformer_arrays(model.eval()))
    return Trained(model, history, seconds, TRANSFORMER_TRAINING)


def train(out):
    """Train the three models from the data in `out`; write out/models/ (.npz, model card) and out/reports/."""
    started = time.perf_counter()
    torch.set_num_threads(1)  # small matrices: one thread is as fast, and steady on a busy machine
    vocabulary = json.loads((out / VOCABULARY).read_text())
    tokenizer = Tokenizer.from_file(str(out / TOKENIZER))
    results = train_char_models(out, vocabulary)
    results["transformer"] = train_transformer(out, tokenizer.get_vocab_size())
    (out / MODEL_CARD).write_text(json.dumps(model_card(vocabulary, tokenizer.get_vocab_size()), indent=2))
    report = write_reports(out, results, vocabulary, tokenizer)
    for name, r in report["models"].items():
        figure = (f"validation loss {r['validation_loss']:.3f} nats/token" if name == "transformer"
                  else f"test perplexity {r['test_perplexity']:.3f}")
        print(f"models: {name}: {r['parameters']:,} parameters, {r['train_seconds']} s, {figure}")
        print(f"models: {name} sample: {r['sample'][:240]!r}")
    print(f"models: total wall time {time.perf_counter() - started:.1f} s (target <= 240 s on 2 cores)")
