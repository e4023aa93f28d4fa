"""Data stage: tiny Shakespeare as one text file plus its character vocabulary."""
import json
from pathlib import Path

from labkit.data.raw import TINY_SHAKESPEARE

TEXT_FILE = "tinyshakespeare.txt"
VOCAB_FILE = "vocab.json"
TRAIN_FRACTION = 0.9


def prepare(raw, out):
    """Copies the verified raw text and writes its sorted characters and the 90/10 split point."""
    text = Path(raw[TINY_SHAKESPEARE.filename]).read_text(encoding="utf-8")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / TEXT_FILE).write_text(text, encoding="utf-8")
    chars = sorted(set(text))
    vocab = {"chars": chars, "num_chars": len(text), "train_chars": int(TRAIN_FRACTION * len(text))}
    (out / VOCAB_FILE).write_text(json.dumps(vocab, indent=1), encoding="utf-8")
    print(f"{TEXT_FILE}: {len(text):,} characters, vocabulary of {len(chars)} characters, "
          f"{vocab['train_chars']:,} for training")


def load(out):
    """(text, vocab) as written by `prepare`."""
    out = Path(out)
    text = (out / TEXT_FILE).read_text(encoding="utf-8")
    vocab = json.loads((out / VOCAB_FILE).read_text(encoding="utf-8"))
    return text, vocab
