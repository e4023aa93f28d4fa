"""Lab 2-6 autograder against alternative correct solutions and classic bugs (see labkit/variants.py).

Needs the built autograder zip (`make LABS=lab2-6`); override its path with the environment variable
LAB2_6_AUTOGRADER_ZIP.
"""
import os
from pathlib import Path

import pytest

from labkit.variants import Suite, Variant, bug, correct

LAB = "lab2-6"
ROOT = Path(__file__).resolve().parents[2]
AUTOGRADER_ZIP = Path(os.environ.get("LAB2_6_AUTOGRADER_ZIP", ROOT / "dist" / LAB / f"{LAB}-autograder.zip"))

# The code cell each snippet is inserted after.
ATTENTION, MASK, UATTNLM, ATTNLM, NEGLOGPROB = ("def attention(", "def causal_mask(", "class UATTNLM(",
                                                "class ATTNLM(", "def neglogprob(")
# Attention and mask bugs also make the four attn_ppl_* values wrong, and the public attnlm tests run the
# notebook's own attention and causal_mask (a reference of them would be an answer in a public test).
PPL = ("attn_perplexities", "attnlm_sample")


def stub(anchor, question):
    """A do-nothing answer of the right types and shapes: it must earn no point of `question`."""
    return Variant(anchor, frozenset([question]))


VARIANTS = {
    "attention_einsum": correct(ATTENTION),
    "attention_scale_queries": correct(ATTENTION),
    "attention_where": correct(ATTENTION),
    "causal_mask_triu": correct(MASK),
    "uattnlm_loop": correct(UATTNLM),
    "neglogprob_loop": correct(NEGLOGPROB),
    "bug_attention_mask_after_softmax": bug(ATTENTION, "attention", "after the softmax", PPL),
    "bug_attention_softmax_dim": bug(ATTENTION, "attention", "over the queries", PPL),
    "bug_attention_no_scaling": bug(ATTENTION, "attention", "sqrt(D)", PPL),
    "bug_attention_mask_inverted": bug(ATTENTION, "attention", "inverted", PPL),
    "bug_causal_mask_diagonal": bug(MASK, "causal_attention_mask", "attend to itself", PPL),
    "bug_causal_mask_future": bug(MASK, "causal_attention_mask", "above the diagonal", PPL),
    "bug_attnlm_no_mask": bug(ATTNLM, "attnlm_sample", "causal mask", PPL),
    "bug_uattnlm_future_mean": bug(UATTNLM, "uattnlm_sample", "including later ones"),
    "bug_uattnlm_no_division": bug(UATTNLM, "uattnlm_sample", "summed but not divided"),
    "bug_neglogprob_ln": bug(NEGLOGPROB, "attn_perplexities", "log base 2"),
    "bug_neglogprob_padding": bug(NEGLOGPROB, "attn_perplexities", "Padding positions are counted"),
    # shape-correct stubs that ignore their inputs: they must earn nothing
    "stub_attention": stub(ATTENTION, "attention"),
    "stub_causal_mask": stub(MASK, "causal_attention_mask"),
    "stub_uattnlm": stub(UATTNLM, "uattnlm_sample"),
    "stub_attnlm": stub(ATTNLM, "attnlm_sample"),
    "stub_neglogprob": stub(NEGLOGPROB, "attn_perplexities"),
}

# Variants whose must-lose questions are disjoint share one graded notebook.
SUBMISSIONS = {
    "alternatives": ["attention_einsum", "causal_mask_triu", "uattnlm_loop", "neglogprob_loop"],
    "scale_queries+padding": ["attention_scale_queries", "bug_neglogprob_padding"],
    "where+attnlm_no_mask": ["attention_where", "bug_attnlm_no_mask"],
    "mask_after_softmax+future_mean": ["bug_attention_mask_after_softmax", "bug_uattnlm_future_mean"],
    "softmax_dim+diagonal": ["bug_attention_softmax_dim", "bug_causal_mask_diagonal"],
    "no_scaling+future_mask": ["bug_attention_no_scaling", "bug_causal_mask_future"],
    "mask_inverted+no_division": ["bug_attention_mask_inverted", "bug_uattnlm_no_division"],
    "ln": ["bug_neglogprob_ln"],
    "stubs": ["stub_attention", "stub_causal_mask", "stub_uattnlm", "stub_attnlm", "stub_neglogprob"],
}

SUITE = Suite(LAB, ROOT / "solutions" / LAB / f"{LAB}.ipynb", AUTOGRADER_ZIP,
              Path(__file__).resolve().parent / "variants" / LAB, VARIANTS, SUBMISSIONS)


def test_every_variant_is_graded_exactly_once():
    assert SUITE.layout_problems() == []


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return SUITE.grade_all(tmp_path_factory.mktemp("lab2-6-variants"))


@pytest.mark.parametrize("label", list(SUBMISSIONS))
def test_submission_scores(graded, label):
    assert set(graded[label]["possible"]) >= {"uattnlm_sample", "attention", "causal_attention_mask",
                                              "attnlm_sample", "attn_perplexities"}
    assert SUITE.score_problems(label, graded[label]) == []


def test_stubs_earn_nothing(graded):
    assert {q: s for q, s in graded["stubs"]["scores"].items() if s} == {}
