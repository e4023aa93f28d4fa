"""Data stage of Lab 2-6: raw Federalist text -> processed JSON dataset and word-level tokenizer."""
import json

from labkit.data.raw import FEDERALIST

from .federalist import authorship, byline_disagreements, load_facts, parse_papers, split_numbers
from .tokenizer import train_tokenizer, words

DATASET_FILE = "federalist_data_processed.json"
TOKENIZER_FILE = "tokenizer.json"


def build_dataset(papers, authors, splits):
    """The processed dataset: {'train'|'validation'|'test': [{number, title, authors, tokens}]}."""
    numbers = split_numbers(authors, splits)
    by_number = {p.number: p for p in papers}

    def document(n):
        paper = by_number[n]
        return {"number": n, "title": paper.title, "authors": authors[n], "tokens": words(paper.body)}

    return {split: [document(n) for n in ns] for split, ns in numbers.items()}


def prepare(raw, out):
    """Write the dataset and the tokenizer into `out` from the verified raw text in `raw`."""
    papers = parse_papers(raw[FEDERALIST.filename].read_text(encoding="utf-8-sig"))
    authors = authorship(load_facts("authors"))
    for line in byline_disagreements(papers, authors):
        print(f"data: note: {line}")
    dataset = build_dataset(papers, authors, load_facts("splits"))
    tokenizer = train_tokenizer([" ".join(doc["tokens"]) for doc in dataset["train"]])
    (out / DATASET_FILE).write_text(json.dumps(dataset))
    tokenizer.save(str(out / TOKENIZER_FILE))
    sizes = ", ".join(f"{split} {len(docs)}" for split, docs in dataset.items())
    print(f"data: {len(papers)} papers ({sizes}); vocabulary {tokenizer.get_vocab_size()} words")
