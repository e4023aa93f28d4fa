"""Tiny Shakespeare as characters: one id per distinct character, a 90 / 10 train / validation split."""
from pathlib import Path

import numpy as np

from labkit.data.raw import TINY_SHAKESPEARE

CORPUS_FILE = "shakespeare_chars.npz"
VALIDATION_FRACTION = 0.1


def encode(text):
    """(chars, ids): the sorted distinct characters of `text` and `text` as uint8 ids into them."""
    chars = sorted(set(text))
    assert len(chars) <= 256, "a character vocabulary must fit in uint8"
    index = {char: i for i, char in enumerate(chars)}
    return chars, np.array([index[char] for char in text], dtype=np.uint8)


def prepare(raw, out):
    """Write out/shakespeare_chars.npz: `chars` (the vocabulary), `train` and `val` (uint8 id arrays)."""
    text = Path(raw[TINY_SHAKESPEARE.filename]).read_text(encoding="utf-8")
    chars, ids = encode(text)
    split = int(len(ids) * (1 - VALIDATION_FRACTION))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out / CORPUS_FILE, chars=np.array(chars), train=ids[:split], val=ids[split:])
    print(f"{CORPUS_FILE}: {len(chars)} characters, {split:,} training and {len(ids) - split:,} validation ids")


def load(out):
    """(chars, train, val) as written by `prepare`, loaded without pickle."""
    with np.load(Path(out) / CORPUS_FILE, allow_pickle=False) as corpus:
        return [str(c) for c in corpus["chars"]], corpus["train"], corpus["val"]
