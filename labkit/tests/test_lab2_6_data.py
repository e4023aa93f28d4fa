"""Lab 2-6 recipe, data stage: raw text, parsing, authorship, splits, tokenizer."""
import os
import subprocess
import sys

import pytest

from labkit import REPO_ROOT
from labkit.data.raw import FEDERALIST, RawText, RawTextUnavailable, fetch
from labkit.data.recipes.lab2_6.federalist import (ParseError, authorship, byline_disagreements, load_facts,
                                                   parse_papers, split_numbers)
from labkit.data.recipes.lab2_6.prepare import build_dataset
from labkit.data.recipes.lab2_6.tokenizer import PAD, UNK, encode, load_hf_tokenizer, train_tokenizer, words

pytestmark = pytest.mark.fast  # make test-fast: no grading, no notebook run

MIRROR = os.environ.get("RAW_MIRROR", str(REPO_ROOT.parent / "shared" / "data" / "raw"))


@pytest.fixture(scope="module")
def papers():
    return parse_papers(fetch(FEDERALIST, MIRROR).read_text(encoding="utf-8-sig"))


@pytest.fixture(scope="module")
def authors():
    return authorship(load_facts("authors"))


@pytest.fixture(scope="module")
def dataset(papers, authors):
    return build_dataset(papers, authors, load_facts("splits"))


def test_finds_85_papers_with_titles_and_bodies(papers):
    assert [p.number for p in papers] == list(range(1, 86))
    assert papers[0].title == "General Introduction"
    assert papers[39].title == "On the Powers of the Convention to Form a Mixed Government Examined and Sustained"
    for p in papers:
        assert len(p.body.split()) > 900, f"paper {p.number} body is suspiciously short"
        assert "To the People of the State of New York" not in p.body
        assert "PUBLIUS" not in p.body and "Gutenberg" not in p.body
        assert "Independent Journal" not in p.title and "Packet" not in p.title


def test_parser_fails_loudly_on_missing_papers(papers):
    text = fetch(FEDERALIST, MIRROR).read_text(encoding="utf-8-sig")
    with pytest.raises(ParseError, match="expected papers 1..85"):
        parse_papers(text.replace("FEDERALIST No. 70", "FEDERALIST No. 69"))
    with pytest.raises(ParseError, match="expected papers 1..85"):
        parse_papers(text[: len(text) // 2])


def test_author_table_counts_and_consistency_with_bylines(papers, authors):
    counts = {a: sum(1 for v in authors.values() if v == a) for a in set(authors.values())}
    assert counts == {"Hamilton": 51, "Madison": 14, "Jay": 5, "Hamilton and Madison": 3, "disputed": 12}
    disagreements = byline_disagreements(papers, authors)
    # The only disagreements are the 12 disputed papers, which this edition prints under Madison's name.
    assert len(disagreements) == 12 and all("table says disputed" in d for d in disagreements)


def test_splits_are_disjoint_and_keep_disputed_papers_out_of_training(authors):
    splits = split_numbers(authors, load_facts("splits"))
    train, valid, test = (set(splits[k]) for k in ("train", "validation", "test"))
    assert not (train & valid) and not (train & test) and not (valid & test)
    assert train | valid | test == set(range(1, 86))
    assert test == {49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 62, 63}
    assert sum(authors[n] == "Madison" for n in valid) >= 2
    assert sum(authors[n] == "Hamilton" for n in valid) >= 4


def test_validation_paper_by_the_wrong_author_is_rejected(authors):
    with pytest.raises(ValueError, match="not by Madison"):
        split_numbers(authors, {"validation": {"Madison": [1]}})


def test_dataset_documents_have_lowercase_tokens(dataset):
    doc = dataset["train"][0]
    assert set(doc) == {"number", "title", "authors", "tokens"}
    assert doc["tokens"][:4] == ["after", "an", "unequivocal", "experience"]
    assert all(d["authors"] == "disputed" for d in dataset["test"])


def test_tokenizer_special_ids_and_round_trip(dataset, tmp_path):
    tokenizer = train_tokenizer([" ".join(d["tokens"]) for d in dataset["train"]])
    tokenizer.save(str(tmp_path / "tokenizer.json"))
    hf = load_hf_tokenizer(tmp_path / "tokenizer.json")
    assert hf.convert_tokens_to_ids([UNK, PAD]) == [0, 1]
    assert hf.unk_token_id == 0 and hf.pad_token_id == 1 and len(hf) == tokenizer.get_vocab_size()
    tokens = dataset["validation"][0]["tokens"][:50]
    ids = hf(tokens, is_split_into_words=True, add_special_tokens=False)["input_ids"]
    assert ids == encode(tokens, tokenizer.get_vocab())
    assert [t if i != 0 else None for t, i in zip(tokens, ids)] == [
        t if i != 0 else None for t, i in zip(hf.convert_ids_to_tokens(ids), ids)
    ]
    assert hf(["zzzunseenword"], is_split_into_words=True, add_special_tokens=False)["input_ids"] == [0]
    assert words("The PEOPLE, of America.") == ["the", "people", ",", "of", "america", "."]


def test_vocabulary_comes_from_training_documents_only(dataset):
    tokenizer = train_tokenizer([" ".join(d["tokens"]) for d in dataset["train"]], min_frequency=1)
    train_words = {t for d in dataset["train"] for t in d["tokens"]}
    assert set(tokenizer.get_vocab()) == train_words | {UNK, PAD}


def test_fetch_verifies_checksum_and_explains_missing_text(tmp_path):
    bogus = RawText(filename=FEDERALIST.filename, url="http://127.0.0.1:9/none.txt", sha256="0" * 64)
    with pytest.raises(RawTextUnavailable, match="expected"):
        fetch(bogus, mirror=MIRROR, cache_dir=tmp_path / "cache")
    with pytest.raises(RawTextUnavailable, match="not in the mirror folder"):
        fetch(FEDERALIST, mirror=tmp_path, cache_dir=tmp_path / "cache")
    with pytest.raises(RawTextUnavailable, match="RAW_MIRROR"):
        fetch(bogus, cache_dir=tmp_path / "cache")


def test_cli_reports_missing_raw_text_without_a_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "labkit", "data", "lab2-6", "--raw-mirror", str(tmp_path), "--force"],
        cwd=REPO_ROOT, capture_output=True, text=True,
        env={**os.environ, "LABKIT_RAW_CACHE": str(tmp_path / "cache")},
    )
    assert result.returncode == 2
    assert "not in the mirror folder" in result.stderr and "Traceback" not in result.stderr

