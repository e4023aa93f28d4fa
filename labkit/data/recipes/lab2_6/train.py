"""Model stage of Lab 2-6: train the four reference language models (uniform / attention x Hamilton / Madison)."""
import copy
import json
import math
import time

import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from .evaluate import UnigramLM, perplexity_table, write_report
from .models import ARCHITECTURES, model_filename
from .prepare import DATASET_FILE, TOKENIZER_FILE
from .tokenizer import PAD, encode, load_vocab

SEQ_LEN = 200  # tokens per training window, the length the lab evaluates on
BATCH_SIZE = 32
SEED = 1234
# Stage 1 trains a shared base on every training paper; stage 2 fine-tunes a copy on one author's papers.
BASE = dict(learning_rate=1e-2, max_epochs=4, patience=1)
FINE_TUNE = dict(learning_rate=1e-3, max_epochs=2, patience=1)
MODEL_DIR, REPORT_DIR = "models", "reports"
MODEL_FILES = tuple(f"{MODEL_DIR}/{model_filename(a, au)}" for a in ARCHITECTURES for au in ("Hamilton", "Madison"))


def windows(token_ids, pad_id, seq_len=SEQ_LEN):
    """Cut each document into windows; return (inputs, targets) of shape (N, seq_len).

    Every window starts with [PAD] as beginning-of-sequence: inputs = [PAD] + w[:-1], targets = w.
    Short windows are right-padded; padded targets are -100 so the loss ignores them.
    """
    inputs, targets = [], []
    for ids in token_ids:
        for start in range(0, len(ids), seq_len):
            chunk = ids[start : start + seq_len]
            pad = seq_len - len(chunk)
            inputs.append([pad_id] + chunk[:-1] + [pad_id] * pad)
            targets.append(chunk + [-100] * pad)
    return torch.tensor(inputs), torch.tensor(targets)


def mean_nll(model, inputs, targets, batch_size=64):
    """Mean negative log-likelihood (nats) per real token, without gradients."""
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(inputs), batch_size):
            logits = model(inputs[i : i + batch_size])  # (B, T, V)
            y = targets[i : i + batch_size]
            total += F.cross_entropy(logits.flatten(0, 1), y.flatten(), reduction="sum").item()
            count += (y != -100).sum().item()
    return total / count


def train_model(model, train, valid, desc, learning_rate, max_epochs, patience):
    """Adam with early stopping on validation perplexity; returns the best model and its history.

    `patience` is the number of epochs without a better validation perplexity before stopping.
    """
    torch.manual_seed(SEED)
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    history, best, best_ppl, waited = [], None, math.inf, 0
    inputs, targets = train
    for epoch in tqdm(range(1, max_epochs + 1), desc=desc, unit="epoch"):
        model.train()
        order = torch.randperm(len(inputs))
        losses = []
        for i in range(0, len(order), BATCH_SIZE):
            batch = order[i : i + BATCH_SIZE]
            logits = model(inputs[batch])  # (B, T, V)
            loss = F.cross_entropy(logits.flatten(0, 1), targets[batch].flatten())
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        val_ppl = 2 ** (mean_nll(model, *valid) / math.log(2))
        history.append({"epoch": epoch, "train_loss": sum(losses) / len(losses), "val_ppl": val_ppl})
        if val_ppl < best_ppl:
            best, best_ppl, waited = copy.deepcopy(model.state_dict()), val_ppl, 0
        else:
            waited += 1
            if waited >= patience:
                break
    model.load_state_dict(best)
    return model.eval(), history


def plot_curves(histories, path):
    """Training loss and validation perplexity per epoch for every model, as one PNG.

    Each architecture has one colour; its base is drawn solid and its fine-tuned models, whose epochs
    continue the base's, dashed (Hamilton) and dotted (Madison).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    colours = {"uniform": "tab:blue", "attention": "tab:red"}
    styles = {"base": "-", "Hamilton": "--", "Madison": ":"}
    fig, (ax_loss, ax_ppl) = plt.subplots(1, 2, figsize=(11, 4))
    for name, history in histories.items():
        arch, stage = name.split()
        epochs = [h["epoch"] for h in history]
        style = dict(color=colours[arch], linestyle=styles[stage], marker="o", label=name)
        ax_loss.plot(epochs, [h["train_loss"] for h in history], **style)
        ax_ppl.plot(epochs, [h["val_ppl"] for h in history], **style)
    ax_loss.set(title="Training loss (nats per token)", xlabel="epoch (base on all papers, then per author)")
    ax_ppl.set(title="Validation perplexity (lower is better)", xlabel="epoch (base on all papers, then per author)", yscale="log")
    for ax in (ax_loss, ax_ppl):
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax_ppl.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def save_report(histories, seconds, reports):
    reports.mkdir(parents=True, exist_ok=True)
    plot_curves(histories, reports / "training_curves.png")
    report = {
        name: {
            "epochs": len(history),
            "best_val_ppl": min(h["val_ppl"] for h in history),
            "train_seconds": round(seconds[name], 1),
            "history": history,
        }
        for name, history in histories.items()
    }
    (reports / "training.json").write_text(json.dumps(report, indent=2))


def save_model(model, path):
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(model.state_dict(), path)


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


def train(out):
    """Train the four models on the dataset in `out`, save them in out/models/, print and save the evaluation."""
    started = time.perf_counter()
    vocab = load_vocab(out / TOKENIZER_FILE)
    dataset = json.loads((out / DATASET_FILE).read_text())
    for docs in dataset.values():
        for doc in docs:
            doc["ids"] = encode(doc["tokens"], vocab)

    def ids_of(split, author=None):
        return [d["ids"] for d in dataset[split] if author in (None, d["authors"])]

    def split_windows(author=None):
        return windows(ids_of("train", author), pad_id), windows(ids_of("validation", author), pad_id)

    pad_id, names = vocab[PAD], {"ualm": "uniform", "attnlm": "attention"}
    trained, histories, seconds = {}, {}, {}
    for arch, model_class in ARCHITECTURES.items():
        torch.manual_seed(SEED)
        name = f"{names[arch]} base"
        (base, histories[name]), seconds[name] = timed(
            train_model, model_class(len(vocab)), *split_windows(), name, **BASE
        )
        for author in ("Hamilton", "Madison"):
            name = f"{names[arch]} {author}"
            (model, histories[name]), seconds[name] = timed(
                train_model, copy.deepcopy(base), *split_windows(author), name, **FINE_TUNE
            )
            for h in histories[name]:
                h["epoch"] += len(histories[f"{names[arch]} base"])  # fine-tuning continues the base
            save_model(model, out / MODEL_DIR / model_filename(arch, author))
            trained[name] = model
    save_report(histories, seconds, out / REPORT_DIR)
    unigrams = {
        f"unigram {author}": UnigramLM([i for ids in ids_of("train", author) for i in ids], len(vocab))
        for author in ("Hamilton", "Madison")
    }
    print(write_report(perplexity_table(trained, unigrams, dataset["validation"], pad_id), out / REPORT_DIR))
    for name, s in seconds.items():
        print(f"models: {name}: {s:.1f} s, {len(histories[name])} epochs")
    print(f"models: total wall time {time.perf_counter() - started:.1f} s (target <= 300 s on 2 cores)")
