"""Instructors see the class: written answers travel with the grade, `make answers` pages, report.html —
checked on a folder of Lab 2-6 submissions (correct, buggy, blank, faulty) and rendered by headless Chromium."""
import csv
import json
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from labkit.authoring.build import master_path, solution_notebook
from labkit.grading.batch import grade_folder
from labkit.grading.check import master_secrets
from labkit.grading.report import write_answers
from labkit.tests.variant_suite import with_snippets

LAB = "lab2-6"
ROOT = Path(__file__).resolve().parents[2]
VARIANTS = Path(__file__).resolve().parent / "variants" / LAB
ANSWER = "Uniform attention averages **all** earlier embeddings, so $H = D$ keeps the mean in the same space."
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def with_written_answer(notebook, text):
    """The notebook with `text` as the answer of its first manual question (the cell after the first
    `<!-- BEGIN QUESTION -->`)."""
    notebook = nbformat.from_dict(notebook)
    start = next(i for i, c in enumerate(notebook.cells) if c.source.lstrip().startswith("<!-- BEGIN QUESTION -->"))
    notebook.cells[start + 1].source = text
    return notebook


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A graded folder: full marks with a written answer (alice), the same masking after the softmax (bob, carol),
    the blank student notebook (dave), and a file that is no notebook (eve)."""
    folder = tmp_path_factory.mktemp("submissions")
    solved = nbformat.read(solution_notebook(LAB), as_version=4)  # as otter assign writes it: answers unchanged
    nbformat.write(with_written_answer(solved, ANSWER), folder / "alice.ipynb")
    for name in ("bob", "carol"):
        snippet = (VARIANTS / "bug_attention_mask_after_softmax.py").read_text()
        nbformat.write(with_snippets(solved, [("def attention(", snippet)]), folder / f"{name}.ipynb")
    shutil.copy2(ROOT / "labs" / LAB / f"{LAB}.ipynb", folder / "dave.ipynb")
    (folder / "eve.ipynb").write_text("this is not a notebook")
    out = folder / "graded"
    grade_folder(LAB, folder, out, workers=2)
    return out


def rendered_text(page, screenshot=None):
    """The text of `page` as headless Chromium renders it (and a screenshot, if asked)."""
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={page.parent / '.chromium'}"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    if screenshot:
        subprocess.run([CHROMIUM, *flags, f"--screenshot={screenshot}", "--window-size=1000,2400", page.as_uri()],
                       capture_output=True, timeout=120, check=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", dom.stdout))


def test_written_answers_travel_with_the_grade(graded):
    entries = {t["name"]: t for t in json.loads((graded / "alice.ipynb" / "results.json").read_text())["tests"]}
    answer = entries["uniform_sizes (written answer)"]
    assert answer["visibility"] == "after_published" and answer["output_format"] == "md"
    assert answer["output"] == ANSWER and answer["extra_data"]["answer_status"] == "answered"
    assert entries["debrief (written answer)"]["extra_data"]["answer_status"] == "unchanged"


def test_gradebook_and_answer_pages_with_merged_manual_scores(graded):
    folder = write_answers(LAB, graded, anonymise=True)
    with open(folder / "manual_scores.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][:2] == ["submission", "uniform_sizes"] and len(rows) == 5  # eve is not a notebook: no answers
    rows[1][1] = "1"
    with open(folder / "manual_scores.csv", "w", newline="") as f:
        csv.writer(f).writerows(rows)
    grade_folder(LAB, graded.parent, graded)  # everything is graded already: only the gradebook is rewritten
    with open(graded / "gradebook.csv", newline="") as f:
        book = {row["submission"]: row for row in csv.DictReader(f)}
    assert float(book["alice.ipynb"]["total"]) == 21 and book["alice.ipynb"]["uniform_sizes (manual)"] == "1.0"
    assert float(book["dave.ipynb"]["total"]) == 0 and "No Jupyter notebook" not in book["dave.ipynb"]["problems"]
    assert book["eve.ipynb"]["problems"]


def test_pages_render_in_chromium_with_the_right_counts_and_no_test_source(graded):
    assert CHROMIUM, "headless Chromium is needed to check the pages: apt-get install chromium"
    folder = write_answers(LAB, graded)
    report = rendered_text(graded / "report.html", screenshot=graded / "report.png")
    assert "5 submissions, 5 graded, 0 flagged" in report
    assert "1 of 5 submissions earned full marks" in report  # attention: only alice
    assert re.search(r"\b2 [^|]*after the softmax", report), report[:3000]
    assert (graded / "report.png").stat().st_size > 10_000
    answers = rendered_text(folder / "uniform_sizes.html")
    assert "1 of 4 submissions answered" in answers and "alice.ipynb" in answers  # eve has no notebook
    assert "keeps the mean in the same space" in answers and "unchanged placeholder" in answers
    secrets = [line.strip() for line in master_secrets(master_path(LAB))[0] if len(line.strip()) > 30]
    for page in [graded / "report.html", *folder.glob("*.html")]:
        text = page.read_text()
        assert not [line for line in secrets if line in text], f"{page.name} shows test or solution source"
