"""Code similarity (`make similarity`): answers found where students write them, disguised copies scored above
the threshold and independent correct solutions below it, on every lab; the page anonymised and rendered in
headless Chromium.

The independent solutions are each lab's master solution and the correct alternatives of its variant suite
(labkit/tests/variants/<lab>/), each answering one question of an otherwise blank student notebook. Every one
of them gets a disguised copy (labkit.grading.disguise: local variables renamed, comments dropped and others written,
blank lines added, cells split per function and reordered), and so does the full solution notebook, with one
question's code rewritten (replaced by an alternative). A copy of a one-line answer (shorter than copydetect's
noise threshold once normalised, so without a fingerprint) cannot be told from independent work and is counted
apart. Needs the built solution notebooks (`make`).
"""
import csv
import itertools
import random
import subprocess
import sys

import nbformat
import numpy as np
import pytest
from test_instructor_report import CHROMIUM, rendered_text

from labkit import REPO_ROOT
from labkit.authoring.build import lab_names, solution_notebook
from labkit.authoring.master import Master
from labkit.autograder.answers import BEGIN, END
from labkit.grading.disguise import answered, disguised, independent_solutions, write_submission
from labkit.grading.similarity import (THRESHOLD, code_questions, common_limit, compare_folder, lab_layout,
                                       question_regions, shared_counts, without_common)

pytestmark = pytest.mark.fast  # make test-fast: no grading, no notebook run


def copy_name(name):
    return f"copy-{name}"


def detection_folder(lab, folder):
    """Write the lab's independent solutions, their disguised copies and a disguised full solution into
    `folder`; return ({copy: original}, {name: (question, solution) it holds})."""
    rng, originals, holds = random.Random(0), {}, {}
    solutions = {q: options for q, options in independent_solutions(lab).items() if len(options) > 1}
    for question, options in solutions.items():
        for solution, code in options:
            name = f"{question}--{solution}.ipynb"
            notebook = answered(lab, {question: code})
            nbformat.write(notebook, folder / name)
            write_submission(disguised(notebook, lab, rng), folder / copy_name(name))
            originals[copy_name(name)], holds[name] = name, (question, solution)
    question, options = next(iter(solutions.items()))
    rewritten = options[1][1]  # the first alternative replaces the master's code of that question
    full = nbformat.read(solution_notebook(lab), as_version=4)
    nbformat.write(full, folder / "full.ipynb")
    write_submission(disguised(full, lab, rng, rewrite=(question, rewritten)), folder / "copy-full.zip")
    originals["copy-full.zip"] = "full.ipynb"
    return originals, holds


def test_regions_put_each_answer_cell_under_its_question_and_added_cells_under_the_next_check():
    lab = "lab2-6"
    lab_questions, wanted = lab_layout(lab)[:2]
    assert wanted == ["uattnlm_sample", "attention", "causal_attention_mask", "attnlm_sample", "attn_perplexities"]
    student = nbformat.read(REPO_ROOT / "labs" / lab / f"{lab}.ipynb", as_version=4)
    regions = question_regions(student.cells, lab_questions)
    tagged = {q: [i for i in regions[q] if "otter_answer_cell" in student.cells[i].metadata.get("tags", [])]
              for q in wanted}
    assert [len(tagged[q]) for q in wanted] == [1, 1, 1, 1, 2]
    assert "def attention(" in student.cells[tagged["attention"][0]].source
    check = next(i for i, c in enumerate(student.cells) if c.source == 'grader.check("causal_attention_mask")')
    student.cells.insert(check, nbformat.v4.new_code_cell("print(causal_mask(3))  # trying it out"))
    regions = question_regions(student.cells, lab_questions)
    assert check in regions["causal_attention_mask"] and check not in regions["attention"]
    student.cells = [c for c in student.cells if not c.source.startswith("grader.check(")]
    assert len(question_regions(student.cells, lab_questions)["attn_perplexities"]) > sum(
        len(cells) for cells in tagged.values())  # without checks, all code is compared with the last question


def test_code_of_a_manual_question_is_compared_and_written_answers_are_not():
    raw, md, code = nbformat.v4.new_raw_cell, nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    master = nbformat.v4.new_notebook(cells=[
        raw("# BEGIN QUESTION\nname: auto"), raw("# BEGIN SOLUTION"), code("x = 1"), raw("# END SOLUTION"),
        raw("# END QUESTION"), raw("# BEGIN QUESTION\nname: written\nmanual: true"), raw("# BEGIN SOLUTION"),
        md("Because."), raw("# END SOLUTION"), raw("# END QUESTION"),
        raw("# BEGIN QUESTION\nname: plot\nmanual: true"), raw("# BEGIN SOLUTION"), code("plt.plot(x)"),
        raw("# END SOLUTION"), raw("# END QUESTION")])
    assert code_questions(master) == ["auto", "plot"]
    student = [code("x = 1"), code('grader.check("auto")'), md(f"{BEGIN}\n**Question.**"), md("Because."),
               md(END), md(f"{BEGIN}\nPlot it."), code("plt.plot(x)"), md(f"{END}\n\nNext part"), code("y = 2")]
    # y = 2 comes after the last check: it is compared with the last autograded question
    assert question_regions(student, Master(master).questions) == {"auto": [0, 8], "plot": [6]}


@pytest.mark.parametrize("lab", ["attention-from-scratch", "numpy-rnn-transformer"])
def test_code_questions_are_the_questions_with_code_answers(lab):
    master = nbformat.read(REPO_ROOT / "solutions" / lab / f"{lab}.ipynb", as_version=4)
    student = nbformat.read(REPO_ROOT / "labs" / lab / f"{lab}.ipynb", as_version=4)
    checked = [c.source.split('"')[1] for c in student.cells if c.source.startswith("grader.check(")]
    assert code_questions(master) == checked  # here every code question is autograded


def test_shared_counts_match_set_intersections_and_common_code_is_set_aside():
    rng = np.random.default_rng(0)
    lists = [np.unique(rng.integers(0, 300, size=rng.integers(0, 80))) for _ in range(30)]
    shared = shared_counts(lists, block=7)  # several column blocks
    for a, b in itertools.combinations(range(30), 2):
        assert shared[a, b] == len(set(lists[a]) & set(lists[b]))
    everyone = [np.array([1] * (i < 10) + [2, 3, 10 + i]) for i in range(12)] + [np.array([2, 3, 99]),
                                                                                np.array([98, 99])]
    kept, dropped = without_common(everyone, common_limit(len(everyone)))
    assert common_limit(len(everyone)) == 10 and dropped == 2  # 2 and 3 are in 13 lists, 1 in only 10
    assert kept[0].tolist() == [1, 10] and kept[12].tolist() == [99]


@pytest.mark.parametrize("lab", lab_names())
def test_disguised_copies_score_above_the_threshold_and_independent_solutions_below(lab, tmp_path):
    originals, holds = detection_folder(lab, tmp_path)
    (tmp_path / "broken.ipynb").write_text("this is not a notebook")
    page, labels, hashes, per_question, overall = compare_folder(lab, tmp_path, tmp_path / "out")
    index = {name: i for i, name in enumerate(labels)}
    assert "broken.ipynb" not in index and "broken.ipynb" in page.read_text()
    too_short = {copy for copy, original in originals.items() if original in holds  # one-line answers
                 and len(hashes[index[original]][holds[original][0]]) == 0}
    copies = {copy: float(overall[1][index[copy], index[original]]) for copy, original in originals.items()
              if copy not in too_short}
    origin = {name: holds[originals.get(name, name)] for name in labels if originals.get(name, name) in holds}
    independent = [(a, b) for a, b in itertools.combinations(origin, 2)
                   if origin[a][0] == origin[b][0] and origin[a][1] != origin[b][1]]
    worst = {(a, b): max(float(overall[1][index[a], index[b]]), float(per_question[origin[a][0]][1][index[a],
                                                                                                   index[b]]))
             for a, b in independent}
    print(f"\n| {lab} | disguised copies found {sum(s >= THRESHOLD for s in copies.values())}/{len(copies)} "
          f"(lowest {min(copies.values()):.2f}), {len(too_short)} too short to compare | independent pairs flagged "
          f"{sum(s >= THRESHOLD for s in worst.values())}/{len(worst)} (highest {max(worst.values()):.2f}) |")
    assert len(copies) >= 5 and len(worst) >= 5
    assert {copy: s for copy, s in copies.items() if s < THRESHOLD} == {}
    assert {pair: s for pair, s in worst.items() if s >= THRESHOLD} == {}


def test_page_is_anonymised_and_renders_in_chromium(tmp_path):
    assert CHROMIUM, "headless Chromium is needed to check the pages: make browser (apt-get install chromium)"
    folder = tmp_path / "submissions"
    folder.mkdir()
    originals, _ = detection_folder("lab2-6", folder)
    done = subprocess.run([sys.executable, "-m", "labkit", "similarity", "lab2-6", str(folder), "--anonymise"],
                          capture_output=True, text=True, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    page = folder / "graded" / "similarity.html"
    with open(folder / "graded" / "similarity_anonymisation_key.csv", newline="") as f:
        key = dict(list(csv.reader(f))[1:])
    assert key["submission 001"] == "attention--attention_einsum.ipynb" and len(key) == len(originals) * 2
    text = page.read_text()
    assert not [name for name in key.values() if name in text], "the anonymised page names a submission"
    rendered = rendered_text(page, screenshot=folder / "similarity.png")
    assert "A high score is a place to look, not a verdict" in rendered
    first_copy = next(label for label, name in key.items() if name == "copy-attention--attention_einsum.ipynb")
    assert f"submission 001 and {first_copy}" in rendered  # its shared code side by side
    assert "<mark>" in text and (folder / "similarity.png").stat().st_size > 10_000
