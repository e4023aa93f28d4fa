"""Prose and code written anew: how many word 10-grams a lab's own files (outside the generated labs/ and tests/)
share with the assignment it is modelled on. Names and signatures carry over from the seed; sentences,
docstrings and code blocks must not.

The seeds live beside the repository (../shared/seeds, as in CI) or in $SEEDS_DIR; without them the test is
skipped and says so.
"""
import os
import re
from pathlib import Path

import nbformat
import pytest

from labkit import REPO_ROOT

pytestmark = pytest.mark.fast  # make test-fast: no grading, no notebook run

SEEDS = Path(os.environ.get("SEEDS_DIR", REPO_ROOT.parent / "shared" / "seeds"))
N = 10

# lab: (seed, own files and folders, most 10-grams allowed in common). The bounds are today's counts, all of them
# on purpose: shakespeare-gpt's class signatures and attribute names (the provided weights use them; 388 shared
# 10-grams before the rewrite), attention-from-scratch's keys and values of Section 1 (the exercise's data).
LABS = {
    "shakespeare-gpt": ("hw4_shakespeare_transformer.txt",
                        ["solutions/shakespeare-gpt", "labkit/tests/variants/shakespeare-gpt",
                         "labkit/tests/variants/shakespeare_gpt.py",
                         "labkit/tests/test_shakespeare_gpt_recipe.py"],
                        70),
    "attention-from-scratch": ("cse517_a2_attention_transformers.txt",
                               ["solutions/attention-from-scratch", "labkit/data/recipes/attention_from_scratch",
                                "labkit/tests/variants/attention-from-scratch",
                                "labkit/tests/variants/attention_from_scratch.py",
                                "labkit/tests/test_attention_from_scratch_recipe.py"],
                               36),
}


def word_grams(text, n=N):
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def text_of(path):
    if path.suffix == ".ipynb":
        return "\n".join(cell.source for cell in nbformat.read(path, as_version=4).cells)
    return path.read_text(errors="replace")


def own_files(paths):
    for relative in paths:
        path = REPO_ROOT / relative
        yield from [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.suffix in (".py", ".ipynb"))


def shared_grams(seed, paths):
    """The word 10-grams that the files under `paths` share with the seed text."""
    seed_grams = word_grams((SEEDS / seed).read_text(errors="replace"))
    return set().union(*(word_grams(text_of(f)) & seed_grams for f in own_files(paths)))


def test_word_grams_are_counted_across_line_breaks_and_case():
    assert word_grams("One two three four five six seven eight\nnine TEN eleven") == {
        ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
        ("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven")}


@pytest.mark.parametrize("lab", list(LABS))
def test_lab_shares_few_word_10_grams_with_its_seed(lab):
    seed, paths, bound = LABS[lab]
    if not (SEEDS / seed).exists():
        pytest.skip(f"the seed {SEEDS / seed} is not here: the overlap cannot be measured")
    shared = shared_grams(seed, paths)
    examples = "\n".join(" ".join(gram) for gram in sorted(shared)[:20])
    assert len(shared) <= bound, f"{lab} shares {len(shared)} word 10-grams with {seed}, e.g.\n{examples}"
