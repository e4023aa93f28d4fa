"""Perplexity report of the four models (and a unigram baseline) on every validation paper."""
import json
import math
from collections import Counter

import torch
import torch.nn.functional as F

EVAL_TOKENS = 200  # the lab scores the first 200 tokens of each document


def perplexity(model, ids, bos_id):
    """2 ** (mean of -log2 p(w_i | BOS, w_1..w_{i-1})) over the tokens `ids`, in one forward pass."""
    inputs = torch.tensor([[bos_id] + ids[:-1]])  # (1, N)
    with torch.no_grad():
        log_probs = F.log_softmax(model(inputs)[0], dim=-1)  # (N, V)
    nll_bits = -log_probs[torch.arange(len(ids)), torch.tensor(ids)] / math.log(2)  # (N,)
    return 2 ** nll_bits.mean().item()


class UnigramLM:
    """Add-one smoothed word frequencies: the baseline that ignores context altogether."""

    def __init__(self, token_ids, vocab_size):
        counts = Counter(token_ids)
        total = len(token_ids) + vocab_size
        self.log2_probs = {i: math.log2((counts[i] + 1) / total) for i in range(vocab_size)}

    def perplexity(self, ids):
        return 2 ** (-sum(self.log2_probs[i] for i in ids) / len(ids))


def perplexity_table(models, unigrams, documents, bos_id):
    """One row per document: {number, authors, <model name>: perplexity, ...}."""
    rows = []
    for doc in documents:
        ids = doc["ids"][:EVAL_TOKENS]
        row = {"number": doc["number"], "authors": doc["authors"]}
        row.update({name: perplexity(model, ids, bos_id) for name, model in models.items()})
        row.update({name: unigram.perplexity(ids) for name, unigram in unigrams.items()})
        rows.append(row)
    return rows


def own_author_wins(rows, arch):
    """How many papers the model of the paper's own author scores better than the other author's model."""
    other = {"Hamilton": "Madison", "Madison": "Hamilton"}
    wins = sum(row[f"{arch} {row['authors']}"] < row[f"{arch} {other[row['authors']]}"] for row in rows)
    return wins, len(rows)


def format_table(rows):
    names = [k for k in rows[0] if k not in ("number", "authors")]
    lines = ["paper  author    " + "".join(f"{n:>20}" for n in names)]
    for row in rows:
        lines.append(f"{row['number']:>5}  {row['authors']:<9} " + "".join(f"{row[n]:>20.1f}" for n in names))
    return "\n".join(lines)


def write_report(rows, reports):
    summary = {arch: own_author_wins(rows, arch) for arch in ("uniform", "attention")}
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "evaluation.json").write_text(json.dumps({"rows": rows, "own_author_wins": summary}, indent=2))
    text = format_table(rows) + "\n" + "\n".join(
        f"{arch} LM: own-author model better on {w} of {n} validation papers" for arch, (w, n) in summary.items()
    )
    (reports / "evaluation.txt").write_text(text + "\n")
    return text
