"""Lab 2-6 autograder against alternative correct solutions and classic bugs.

Each submission is the master's solution notebook with some functions redefined right after their original
definition by the snippets in variants/lab2-6/. Variants that touch different questions share a submission, so
that only a few `otter run`s are needed; they run two at a time in a module-scoped fixture.

Needs the built autograder zip (`make` or `python -m labkit build lab2-6`); override its path with the
environment variable LAB2_6_AUTOGRADER_ZIP.
"""
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from labkit.grading import grade_submission

ROOT = Path(__file__).resolve().parents[2]
MASTER = ROOT / "solutions" / "lab2-6" / "lab2-6.ipynb"
AUTOGRADER_ZIP = Path(os.environ.get("LAB2_6_AUTOGRADER_ZIP", ROOT / "dist" / "lab2-6" / "lab2-6-autograder.zip"))
VARIANTS = Path(__file__).resolve().parent / "variants" / "lab2-6"

# Which cell each snippet is inserted after (the cell whose source contains this text).
ANCHORS = {
    "attention": "def attention(",
    "causal_mask": "def causal_mask(",
    "uattnlm": "class UATTNLM(",
    "attnlm": "class ATTNLM(",
    "neglogprob": "def neglogprob(",
}

# variant -> (anchor, questions that must lose points, downstream questions that may lose points,
#             {question: text that the failure message must contain})
VARIANT_SPECS = {
    # alternative correct implementations: full marks
    "attention_einsum": ("attention", set(), set(), {}),
    "attention_scale_queries": ("attention", set(), set(), {}),
    "attention_where": ("attention", set(), set(), {}),
    "causal_mask_triu": ("causal_mask", set(), set(), {}),
    "uattnlm_loop": ("uattnlm", set(), set(), {}),
    "neglogprob_loop": ("neglogprob", set(), set(), {}),
    # classic bugs; attention bugs make the four attn_ppl_* values wrong as well
    "bug_attention_mask_after_softmax": ("attention", {"attention"}, {"attn_perplexities"},
                                         {"attention": "after the softmax"}),
    "bug_attention_softmax_dim": ("attention", {"attention"}, {"attn_perplexities"},
                                  {"attention": "over the queries"}),
    "bug_attention_no_scaling": ("attention", {"attention"}, {"attn_perplexities"}, {"attention": "sqrt(D)"}),
    "bug_attention_mask_inverted": ("attention", {"attention"}, {"attn_perplexities"}, {"attention": "inverted"}),
    "bug_causal_mask_diagonal": ("causal_mask", {"causal_attention_mask"}, {"attn_perplexities"},
                                 {"causal_attention_mask": "attend to itself"}),
    "bug_causal_mask_future": ("causal_mask", {"causal_attention_mask"}, {"attn_perplexities"},
                               {"causal_attention_mask": "above the diagonal"}),
    "bug_attnlm_no_mask": ("attnlm", {"attnlm_sample"}, {"attn_perplexities"}, {"attnlm_sample": "causal mask"}),
    "bug_uattnlm_future_mean": ("uattnlm", {"uattnlm_sample"}, set(), {"uattnlm_sample": "including later ones"}),
    "bug_uattnlm_no_division": ("uattnlm", {"uattnlm_sample"}, set(), {"uattnlm_sample": "summed but not divided"}),
    "bug_neglogprob_ln": ("neglogprob", {"attn_perplexities"}, set(), {"attn_perplexities": "log base 2"}),
    "bug_neglogprob_padding": ("neglogprob", {"attn_perplexities"}, set(),
                               {"attn_perplexities": "Padding positions are counted"}),
}

# Submissions: variants whose must-lose questions are disjoint share one graded notebook.
SUBMISSIONS = {
    "alternatives": ["attention_einsum", "causal_mask_triu", "uattnlm_loop", "neglogprob_loop"],
    "scale_queries+padding": ["attention_scale_queries", "bug_neglogprob_padding"],
    "where+attnlm_no_mask": ["attention_where", "bug_attnlm_no_mask"],
    "mask_after_softmax+future_mean": ["bug_attention_mask_after_softmax", "bug_uattnlm_future_mean"],
    "softmax_dim+diagonal": ["bug_attention_softmax_dim", "bug_causal_mask_diagonal"],
    "no_scaling+future_mask": ["bug_attention_no_scaling", "bug_causal_mask_future"],
    "mask_inverted+no_division": ["bug_attention_mask_inverted", "bug_uattnlm_no_division"],
    "ln": ["bug_neglogprob_ln"],
}

SOLUTION_MARKER = re.compile(r"^\s*# (BEGIN|END) SOLUTION( NO PROMPT)?\s*$")


def solution_notebook(master_path):
    """The master as a completed student notebook: solutions kept, markers, raw cells and test cells dropped."""
    master = nbformat.read(master_path, as_version=4)
    cells, in_tests = [], False
    for cell in master.cells:
        source = cell.source.strip()
        if cell.cell_type == "raw":
            if source.startswith("# BEGIN TESTS"):
                in_tests = True
            elif source.startswith("# END TESTS"):
                in_tests = False
            continue
        if in_tests:
            continue
        if cell.cell_type == "code":
            lines = [line for line in cell.source.split("\n") if not SOLUTION_MARKER.match(line)]
            cell.source = "\n".join(re.sub(r"\s*# SOLUTION\s*$", "", line) for line in lines)
            cell.outputs, cell.execution_count = [], None
        cells.append(cell)
    master.cells = cells
    master.metadata["otter"] = {"assignment_name": "lab2-6"}
    return master


def with_variants(notebook, variant_names):
    """A copy of `notebook` with each variant's snippet in a new cell right after its anchor cell."""
    notebook = nbformat.from_dict(notebook)
    for name in variant_names:
        anchor = ANCHORS[VARIANT_SPECS[name][0]]
        index = next(i for i, cell in enumerate(notebook.cells)
                     if cell.cell_type == "code" and anchor in cell.source)
        snippet = (VARIANTS / f"{name}.py").read_text()
        notebook.cells.insert(index + 1, nbformat.v4.new_code_cell(snippet))
    return notebook


def test_every_variant_is_graded_exactly_once():
    graded = [name for names in SUBMISSIONS.values() for name in names]
    assert sorted(graded) == sorted(VARIANT_SPECS), "each variant must appear in exactly one submission"
    assert sorted(p.stem for p in VARIANTS.glob("*.py")) == sorted(VARIANT_SPECS)
    for names in SUBMISSIONS.values():
        must = [VARIANT_SPECS[n][1] for n in names]
        assert all(a.isdisjoint(b) for i, a in enumerate(must) for b in must[i + 1:]), names
        anchors = [VARIANT_SPECS[n][0] for n in names]
        assert len(anchors) == len(set(anchors)), f"{names} redefine the same function"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    if not AUTOGRADER_ZIP.exists():
        pytest.fail(f"{AUTOGRADER_ZIP} does not exist: build it first with `make` "
                    "(or `python -m labkit build lab2-6`), or set LAB2_6_AUTOGRADER_ZIP")
    base = solution_notebook(MASTER)
    root = tmp_path_factory.mktemp("lab2-6-variants")

    def grade(item):
        label, names = item
        folder = root / re.sub(r"[^\w]+", "_", label)
        folder.mkdir()
        submission = folder / "lab2-6.ipynb"
        nbformat.write(with_variants(base, names), submission)
        return label, grade_submission(AUTOGRADER_ZIP, submission, folder / "results")

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(pool.map(grade, SUBMISSIONS.items()))
    # A table for `pytest -s`.
    questions = sorted({q for r in results.values() for q in r["possible"]})
    print("\n" + "submission".ljust(34) + "".join(q[:14].rjust(15) for q in questions))
    for label, result in results.items():
        print(label.ljust(34) + "".join(
            f"{result['scores'].get(q, 0):g}/{result['possible'][q]:g}".rjust(15) for q in questions))
    return results


def question_output(result, question):
    return next((t.get("output", "") for t in result["results"]["tests"] if t.get("name") == question), "")


@pytest.mark.parametrize("label", list(SUBMISSIONS))
def test_submission_scores(graded, label):
    result = graded[label]
    scores, possible = result["scores"], result["possible"]
    names = SUBMISSIONS[label]
    must = set().union(*(VARIANT_SPECS[n][1] for n in names))
    may = set().union(*(VARIANT_SPECS[n][2] for n in names))
    assert set(possible) >= {"uattnlm_sample", "attention", "causal_attention_mask", "attnlm_sample",
                             "attn_perplexities"}, f"unexpected questions {sorted(possible)}"
    for question, points in possible.items():
        earned = scores.get(question, 0)
        if question in must:
            assert earned < points, f"{names}: {question} should lose points but got {earned}/{points}"
        elif question not in may:
            assert earned == points, (
                f"{names}: {question} should get full marks but got {earned}/{points}:\n"
                + question_output(result, question)[-3000:])
    for name in names:
        for question, text in VARIANT_SPECS[name][3].items():
            assert text in question_output(result, question), (
                f"{name}: the feedback for {question} should mention '{text}':\n"
                + question_output(result, question)[-3000:])
