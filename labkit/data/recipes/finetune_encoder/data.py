"""Data stage of finetune-encoder: the Federalist Papers cut into labelled passages (Hamilton or Madison).

Splits are made by paper, so a paper's passages never cross splits. Train and validation papers are Lab 2-6's;
a few of Lab 2-6's training papers are held out as the labelled test set; the 12 disputed papers form the
unlabelled `disputed` set. Papers by Jay and the joint papers are left out.
"""
import json
from collections import Counter

# Lab 2-6 moves its Federalist code here; the lead fixes this path if it moves again.
from labkit.data.recipes.lab2_6.federalist import FACTS_DIR, authorship, load_facts, parse_papers, split_numbers

PASSAGES_FILE = "passages.json"
AUTHORS = ("Hamilton", "Madison")  # label 0, label 1
PASSAGE_WORDS = 50  # about 65 MiniLM word pieces
MIN_PASSAGE_WORDS = 20  # a shorter tail of a paper is dropped
TEST_PAPERS = {"Hamilton": [12, 31, 68, 82], "Madison": [39, 45]}  # held out of Lab 2-6's training papers


def passages_of(body, size=PASSAGE_WORDS, min_words=MIN_PASSAGE_WORDS):
    """The paper's text as consecutive passages of `size` words (whitespace-separated), short tail dropped."""
    words = body.split()
    chunks = [words[start:start + size] for start in range(0, len(words), size)]
    return [" ".join(chunk) for chunk in chunks if len(chunk) >= min_words]


def paper_splits(authors, splits):
    """{'train'|'validation'|'test'|'disputed': [paper numbers]}; only Hamilton's and Madison's labelled papers."""
    lab2_6 = split_numbers(authors, splits)
    test = sorted(n for numbers in TEST_PAPERS.values() for n in numbers)
    wrong = [n for author, numbers in TEST_PAPERS.items() for n in numbers if authors[n] != author]
    if wrong or not set(test) <= set(lab2_6["train"]):
        raise ValueError(f"held-out test papers must be training papers of their author (check {wrong or test})")
    labelled = [n for n in lab2_6["train"] if authors[n] in AUTHORS and n not in test]
    validation = [n for n in lab2_6["validation"] if authors[n] in AUTHORS]
    return {"train": labelled, "validation": validation, "test": test, "disputed": lab2_6["test"]}


def build_passages(papers, authors, splits):
    """{split: [{'paper', 'author' (None when disputed), 'text'}]} in paper order."""
    by_number = {p.number: p for p in papers}
    return {
        split: [{"paper": n, "author": authors[n] if authors[n] in AUTHORS else None, "text": text}
                for n in numbers for text in passages_of(by_number[n].body)]
        for split, numbers in paper_splits(authors, splits).items()
    }


def class_balance(passages):
    """{split: {author: number of passages}} (disputed passages count under None)."""
    return {split: dict(Counter(p["author"] for p in items)) for split, items in passages.items()}


def prepare(raw, out):
    """Raw Federalist text -> out/passages.json."""
    text = raw["federalist_papers_gutenberg.txt"].read_text(encoding="utf-8-sig")
    passages = build_passages(parse_papers(text), authorship(load_facts("authors")), load_facts("splits"))
    out.mkdir(parents=True, exist_ok=True)
    (out / PASSAGES_FILE).write_text(json.dumps({"authors": list(AUTHORS), "splits": passages}, indent=0))
    for split, counts in class_balance(passages).items():
        papers = len({p["paper"] for p in passages[split]})
        print(f"data: {split:<10} {papers:2d} papers, passages {counts}")


FACTS = (FACTS_DIR,)
