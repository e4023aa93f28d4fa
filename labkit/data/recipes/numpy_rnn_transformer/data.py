"""Data stage: Federalist prose for the character models (Problem 1), a BPE tokenizer on tiny Shakespeare (Problem 2).

Problem 1 text: the body of the Federalist Papers with its hard line wraps joined, lowercased and without
digits, cut into a training text (papers 1-84) and an unseen test extract (the opening of paper 85).
Its characters form the one vocabulary that the models and the lab share.
"""
import json
import re

import numpy as np
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

from labkit.data.raw import FEDERALIST, TINY_SHAKESPEARE

TRAIN_TEXT = "text/train.txt"
TEST_TEXT = "text/test.txt"
VOCABULARY = "text/vocabulary.json"
TOKENIZER = "tokenizer/bpe1024.json"
SHAKESPEARE_IDS = "tokenizer/shakespeare_ids.npy"
DATA_FILES = (TRAIN_TEXT, TEST_TEXT, VOCABULARY, TOKENIZER, SHAKESPEARE_IDS)

BPE_VOCAB_SIZE = 1024
TEST_CHARS = 7000  # about the size of the seed's test extract


def federalist_prose(book):
    """The papers' text from the Gutenberg book: one line, lowercase, digits removed, single spaces."""
    start = book.index("FEDERALIST No. 1\n")
    end = book.index("*** END OF THE PROJECT GUTENBERG")
    text = re.sub(r"[0-9]", "", book[start:end].lower())
    return re.sub(r"\s+", " ", text).strip()


def split_train_test(text, test_chars=TEST_CHARS):
    """(train, test): everything before the last paper, and the last paper's opening cut after a sentence."""
    start = text.rindex("federalist no.")
    opening = text[start:start + test_chars]
    test = opening[:opening.rindex(". ") + 1]
    return text[:start].rstrip(), test


def train_bpe(text, vocab_size=BPE_VOCAB_SIZE):
    """A byte-level BPE tokenizer (256 bytes + merges = vocab_size tokens) that decodes back to the exact text."""
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  special_tokens=[], show_progress=False)
    tokenizer.train_from_iterator([text], trainer=trainer)
    return tokenizer


def prepare(raw, out):
    """Write the Problem 1 texts and vocabulary and the Problem 2 tokenizer (with the encoded corpus) into `out`."""
    for name in DATA_FILES:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
    train, test = split_train_test(federalist_prose(raw[FEDERALIST.filename].read_text(encoding="utf-8-sig")))
    vocabulary = sorted(set(train + test))
    (out / TRAIN_TEXT).write_text(train, encoding="utf-8")
    (out / TEST_TEXT).write_text(test, encoding="utf-8")
    (out / VOCABULARY).write_text(json.dumps(vocabulary, ensure_ascii=False))
    print(f"data: Problem 1: {len(vocabulary)} characters, training text {len(train):,} characters, "
          f"test extract {len(test):,} characters")

    shakespeare = raw[TINY_SHAKESPEARE.filename].read_text(encoding="utf-8")
    tokenizer = train_bpe(shakespeare)
    tokenizer.save(str(out / TOKENIZER))
    ids = np.array(tokenizer.encode(shakespeare).ids, dtype=np.uint16)  # (n_tokens,)
    np.save(out / SHAKESPEARE_IDS, ids, allow_pickle=False)
    print(f"data: Problem 2: BPE tokenizer with {tokenizer.get_vocab_size()} tokens; tiny Shakespeare is "
          f"{len(ids):,} tokens ({len(shakespeare) / len(ids):.2f} characters per token)")
