"""`make data`: raw Federalist text -> processed JSON dataset and word-level tokenizer in data/build/."""
import json

from labkit import BUILD_DATA_DIR, REPO_ROOT, stamps
from labkit.federalist import FACTS_DIR, authorship, byline_disagreements, load_facts, parse_papers, split_numbers
from labkit.raw import FEDERALIST, fetch
from labkit.tokenizer import train_tokenizer, words

DATASET_PATH = BUILD_DATA_DIR / "federalist_data_processed.json"
TOKENIZER_PATH = BUILD_DATA_DIR / "tokenizer.json"
STAMP = BUILD_DATA_DIR / ".data.stamp"
CODE = [REPO_ROOT / "labkit" / f"{m}.py" for m in ("federalist", "tokenizer", "prepare")]


def build_dataset(papers, authors, splits):
    """The processed dataset: {'train'|'validation'|'test': [{number, title, authors, tokens}]}."""
    numbers = split_numbers(authors, splits)
    by_number = {p.number: p for p in papers}

    def document(n):
        paper = by_number[n]
        return {"number": n, "title": paper.title, "authors": authors[n], "tokens": words(paper.body)}

    return {split: [document(n) for n in ns] for split, ns in numbers.items()}


def prepare_data(mirror=None, force=False):
    """Write the dataset and tokenizer unless they are up to date with the raw text, facts and code."""
    raw_path = fetch(FEDERALIST, mirror)
    inputs = [raw_path, FACTS_DIR, *CODE]
    if not force and stamps.is_fresh(STAMP, inputs, [DATASET_PATH, TOKENIZER_PATH]):
        print(f"data: up to date ({DATASET_PATH.relative_to(REPO_ROOT)})")
        return
    papers = parse_papers(raw_path.read_text(encoding="utf-8-sig"))
    authors = authorship(load_facts("authors"))
    for line in byline_disagreements(papers, authors):
        print(f"data: note: {line}")
    dataset = build_dataset(papers, authors, load_facts("splits"))
    tokenizer = train_tokenizer([" ".join(doc["tokens"]) for doc in dataset["train"]])
    BUILD_DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATASET_PATH.write_text(json.dumps(dataset))
    tokenizer.save(str(TOKENIZER_PATH))
    stamps.write_stamp(STAMP, inputs)
    sizes = ", ".join(f"{split} {len(docs)}" for split, docs in dataset.items())
    print(f"data: {len(papers)} papers ({sizes}); vocabulary {tokenizer.get_vocab_size()} words")
