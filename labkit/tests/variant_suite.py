"""Variant suites: grade a lab's solution with alternative correct code and classic bugs, through its zip.

A lab's suite (the data module labkit/tests/variants/<lab_with_underscores>.py) lists variants — snippets in
labkit/tests/variants/<lab>/<name>.py that redefine a function or class right after the master cell that
defines it — and groups them into submissions. Each submission is the master's solution notebook with its
snippets inserted; it is graded by the lab's autograder zip as Gradescope would grade it.
labkit/tests/test_variants.py runs every lab's suite.
"""
import importlib
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from labkit import REPO_ROOT
from labkit.authoring import build
from labkit.authoring.build import autograder_zip
from labkit.grading.submission import grade_submission

SUITES = Path(__file__).resolve().parent / "variants"


@dataclass(frozen=True)
class Variant:
    """A snippet inserted after the code cell containing `anchor`, and what grading must make of it.

    must_lose: questions that must lose points; may_lose: questions that may lose points as a knock-on;
    feedback: {question: text its failure message must contain}. A correct alternative has none of these.
    """
    anchor: str
    must_lose: frozenset = field(default_factory=frozenset)
    may_lose: frozenset = field(default_factory=frozenset)
    feedback: dict = field(default_factory=dict)


def correct(anchor):
    return Variant(anchor)


def bug(anchor, question, feedback, may_lose=()):
    """A classic bug that must cost points on `question`, with `feedback` in its failure message."""
    return Variant(anchor, frozenset([question]), frozenset(may_lose), {question: feedback})


def stub(anchor, question):
    """A do-nothing answer of the right types and shapes: it must earn no point of `question`."""
    return Variant(anchor, frozenset([question]))


def suite_data(lab):
    """The data module of `lab`'s suite: LAB, VARIANTS, SUBMISSIONS and the optional question lists (see test_variants)."""
    return importlib.import_module(f"labkit.tests.variants.{lab.replace('-', '_')}")


def suite_labs():
    """The labs that have a variant suite."""
    return sorted(suite_data(path.stem).LAB for path in SUITES.glob("*.py"))


def lab_suite(lab):
    """`lab`'s Suite, graded through dist/<lab>/<lab>-autograder.zip or the zip named by <LAB>_AUTOGRADER_ZIP."""
    data = suite_data(lab)
    zip_path = os.environ.get(f"{lab.replace('-', '_').upper()}_AUTOGRADER_ZIP", autograder_zip(lab))
    return Suite(lab, REPO_ROOT / "solutions" / lab / f"{lab}.ipynb", zip_path, SUITES / lab,
                 data.VARIANTS, data.SUBMISSIONS)


def solution_notebook(lab):
    """The solution notebook that otter assign wrote for `lab` (what `make check` grades), without outputs."""
    notebook = nbformat.read(build.solution_notebook(lab), as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return notebook


def with_snippets(notebook, snippets):
    """A copy of `notebook` with each (anchor, source) snippet in a new cell right after its anchor cell."""
    notebook = nbformat.from_dict(notebook)
    for anchor, source in snippets:
        index = next((i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code" and anchor in cell.source),
                     None)
        if index is None:
            raise ValueError(f"no code cell of the solution contains the anchor {anchor!r}")
        notebook.cells.insert(index + 1, nbformat.v4.new_code_cell(source))
    return notebook


class Suite:
    """The variants of one lab, grouped into submissions, graded through the lab's autograder zip."""

    def __init__(self, lab, master, zip_path, folder, variants, submissions):
        self.lab, self.master, self.zip_path, self.folder = lab, Path(master), Path(zip_path), Path(folder)
        self.variants, self.submissions = variants, submissions

    def layout_problems(self):
        """Why the grouping is unsound: a variant graded twice or never, two snippets for one anchor, ..."""
        problems = []
        graded = [name for names in self.submissions.values() for name in names]
        if sorted(graded) != sorted(self.variants):
            problems.append("each variant must appear in exactly one submission")
        if sorted(p.stem for p in self.folder.glob("*.py")) != sorted(self.variants):
            problems.append(f"the snippets in {self.folder} must be exactly the variants listed")
        for label, names in self.submissions.items():
            must = [self.variants[n].must_lose for n in names]
            if any(not a.isdisjoint(b) for i, a in enumerate(must) for b in must[i + 1:]):
                problems.append(f"{label}: two bugs target the same question")
            anchors = [self.variants[n].anchor for n in names]
            if len(anchors) != len(set(anchors)):
                problems.append(f"{label}: two snippets redefine the same thing")
        return problems

    def grade_all(self, workdir, workers=2):
        """{label: grade_submission result} for every submission, graded `workers` at a time."""
        if not self.zip_path.exists():
            raise FileNotFoundError(f"{self.zip_path} does not exist: build it with `make LABS={self.lab}`")
        base = solution_notebook(self.lab)

        def grade(item):
            label, names = item
            folder = Path(workdir) / re.sub(r"\W+", "_", label)
            folder.mkdir(parents=True)
            snippets = [(self.variants[n].anchor, (self.folder / f"{n}.py").read_text()) for n in names]
            nbformat.write(with_snippets(base, snippets), folder / f"{self.lab}.ipynb")
            return label, grade_submission(self.zip_path, folder / f"{self.lab}.ipynb", folder / "results")

        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = dict(pool.map(grade, self.submissions.items()))
        print("\n" + score_table(results))
        return results

    def score_problems(self, label, result):
        """What is wrong with the grading of one submission (empty when it is graded as it must be)."""
        names = self.submissions[label]
        must = set().union(*(self.variants[n].must_lose for n in names))
        may = set().union(*(self.variants[n].may_lose for n in names))
        problems = [f"autograder error: {result['error'][:500]}"] if result["error"] else []
        for question, points in result["possible"].items():
            earned = result["scores"].get(question, 0)
            if question in must and earned >= points:
                problems.append(f"{question} should lose points but got {earned:g}/{points:g}")
            elif question not in must | may and earned < points:
                problems.append(f"{question} should get full marks but got {earned:g}/{points:g}:\n"
                                + question_output(result, question)[-2000:])
        for name in names:
            for question, text in self.variants[name].feedback.items():
                if text not in question_output(result, question):
                    problems.append(f"{name}: the feedback for {question} should mention {text!r}:\n"
                                    + question_output(result, question)[-2000:])
        return problems


def question_output(result, question):
    return next((t.get("output", "") for t in result["results"]["tests"] if t.get("name") == question), "")


def score_table(results):
    """Questions as columns, submissions as rows, `earned/possible` in each cell (for `pytest -s` and notes)."""
    questions = sorted({q for r in results.values() for q in r["possible"]})
    lines = ["| submission | " + " | ".join(questions) + " |", "|---" * (len(questions) + 1) + "|"]
    for label, result in results.items():
        cells = [f"{result['scores'].get(q, 0):g}/{result['possible'][q]:g}" for q in questions]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
