"""The hardened autograder (labkit/autograder/) against adversarial and faulty Lab 2-6 submissions.

Every submission is graded by the built zip itself, unpacked into a Gradescope-shaped folder and run through
its run_autograder (labkit.grading). Submissions are the lab's solution or student notebook with cells added
or removed; faults that touch different questions share a submission. They are graded two at a time in a
module-scoped fixture. Needs the built zip (`python -m labkit build lab2-6`), or LAB2_6_AUTOGRADER_ZIP.
"""
import csv
import json
import os
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from labkit import batch, build
from labkit.autograder.results import only_cases
from labkit.grading import grade_submission

ROOT = Path(__file__).resolve().parents[2]
AUTOGRADER_ZIP = Path(os.environ.get("LAB2_6_AUTOGRADER_ZIP", build.autograder_zip("lab2-6")))
SOLUTION = build.solution_notebook("lab2-6")
STUDENT = ROOT / "labs" / "lab2-6" / "lab2-6.ipynb"
QUESTIONS = {"uattnlm_sample", "attention", "causal_attention_mask", "attnlm_sample", "attn_perplexities"}

SYNTAX_ERROR = "def broken(:\n    pass"
EXCEPTION = "ratio = 1 / 0"
MISSING_IMPORT = "import no_such_module_for_labkit"
HANG = "while True:\n    pass"
MEMORY = "too_big = bytearray(64 * 2**30)"
KILL = "import os\nos._exit(0)"
IGNORES_INTERRUPTS = "import time\nwhile True:\n    try:\n        time.sleep(100)\n    except KeyboardInterrupt:\n        pass"
# True inside a test case (walks the stack; inspect.stack() is too slow for code the notebook calls often).
IN_TEST = '''
import sys
def _in_test():
    frame = sys._getframe(1)
    while frame is not None and not frame.f_code.co_name.startswith("test_"):
        frame = frame.f_back
    return frame is not None
'''
# Called by the public tests: prints and raises whatever test source it can find on disk or on the stack.
EXFILTRATE = IN_TEST + '''
_real_causal_mask = causal_mask
def causal_mask(T):
    import inspect, pathlib
    if _in_test():
        stolen = [p.read_text(errors="ignore") for p in pathlib.Path("..").rglob("*.py")]
        stolen += [repr(f.frame.f_locals)[:20000] for f in inspect.stack()]
        print("\\n".join(stolen))
        raise AssertionError("STOLEN\\n" + "\\n".join(stolen))
    return _real_causal_mask(T)
'''
# Hangs only when a test calls it.
HANG_IN_TESTS = IN_TEST + '''
_real_all_logits = UATTNLM.all_logits
def _all_logits(self, ids):
    while _in_test():
        pass
    return _real_all_logits(self, ids)
UATTNLM.all_logits = _all_logits
'''
REWRITE_TESTS = '''
import pathlib
forged = "from otter.test_files import test_case\\nname = 'attention'\\npoints = 6\\n@test_case(points=6)\\ndef test_ok():\\n    pass\\n"
for folder in [pathlib.Path("tests"), *pathlib.Path("..").glob("*/tests")]:
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.py"):
        old.unlink()
    (folder / "attention.py").write_text(forged)
'''
TAMPER = '''
import numpy, otter, sys, torch
torch.allclose = lambda *args, **kwargs: True
torch.Tensor.__eq__ = lambda self, other: True
sys.modules["numpy"] = type(sys)("numpy")
otter.test_files.exception_test.ExceptionTestFile.run = lambda self, env: None
'''


def code_cell(source):
    return nbformat.v4.new_code_cell(source)


def index_of(notebook, text):
    return next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and text in c.source)


def notebook_with(base, after=(), remove=(), append=()):
    """A copy of `base` with cells inserted after the cell containing each anchor, some removed, some appended."""
    notebook = nbformat.read(base, as_version=4)
    for anchor, source in after:
        notebook.cells.insert(index_of(notebook, anchor) + 1, code_cell(source))
    for anchor in remove:
        del notebook.cells[index_of(notebook, anchor)]
    notebook.cells += [code_cell(source) for source in append]
    return notebook


def write(folder, name, content):
    path = folder / name
    if isinstance(content, nbformat.NotebookNode):
        nbformat.write(content, path)
    else:
        path.write_bytes(content)
    return path


def export_zip(folder, notebook, name):
    """A zip like grader.export() writes, holding the notebook under another name."""
    path = folder / "lab2-6_2026_11_22T23_00_00.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(name, nbformat.writes(notebook))
        zf.writestr(".OTTER_LOG", b"")
    return path


def submission(label, folder):
    """(submission file, config overrides) of the submission `label`, written into `folder`."""
    tiny = nbformat.v4.new_notebook(cells=[code_cell("x = 1"), code_cell(IGNORES_INTERRUPTS), code_cell("y = 2")])
    faults = [("def attention(", SYNTAX_ERROR), ("def attention(", EXCEPTION), ("def attention(", HANG),
              ("def attention(", MEMORY), ("def attention(", MISSING_IMPORT), ("def causal_mask(", EXFILTRATE)]
    builders = {
        "solution": lambda: (write(folder, "lab2-6.ipynb", notebook_with(SOLUTION)), {}),
        "renamed_export": lambda: (export_zip(folder, notebook_with(SOLUTION), "my copy of lab 2-6.ipynb"), {}),
        "faults": lambda: (write(folder, "lab2-6.ipynb", notebook_with(SOLUTION, after=faults,
                                                                       remove=["def neglogprob("])),
                           {"cell_timeout": 15}),
        "kill_and_test_hang": lambda: (write(folder, "lab2-6.ipynb", notebook_with(
            SOLUTION, after=[("def load_model(", KILL), ("class UATTNLM(", HANG_IN_TESTS)])), {"test_timeout": 2}),
        "rewrite_tests": lambda: (write(folder, "lab2-6.ipynb", notebook_with(SOLUTION, append=[REWRITE_TESTS])), {}),
        "tamper": lambda: (write(folder, "lab2-6.ipynb", notebook_with(STUDENT, append=[TAMPER])), {}),
        "ignores_interrupts": lambda: (write(folder, "lab2-6.ipynb", tiny), {"cell_timeout": 3}),
        "whole_timeout": lambda: (write(folder, "lab2-6.ipynb", tiny), {"cell_timeout": 100, "total_timeout": 15}),
        "python_file": lambda: (write(folder, "lab2-6.py", b"def attention(Q, K, V):\n    return None\n"), {}),
        "garbage": lambda: (write(folder, "lab2-6.ipynb", b"\x00\x01 not json {"), {}),
        "empty": lambda: (write(folder, "lab2-6.ipynb", nbformat.v4.new_notebook()), {}),
    }
    return builders[label]()


# The slowest first, so that two workers finish together.
LABELS = ["kill_and_test_hang", "faults", "solution", "renamed_export", "rewrite_tests", "tamper",
          "ignores_interrupts", "whole_timeout", "empty", "python_file", "garbage"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    for path in (AUTOGRADER_ZIP, SOLUTION):
        if not path.exists():
            pytest.fail(f"{path} does not exist: build it with `python -m labkit build lab2-6`")
    root = tmp_path_factory.mktemp("hardening")

    def grade(label):
        folder = root / label
        folder.mkdir()
        path, config = submission(label, folder)
        return label, grade_submission(AUTOGRADER_ZIP, path, folder / "results", config=config)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(pool.map(grade, LABELS))
    for label, result in results.items():  # a table for `pytest -s`
        print(f"\n{label:<20} {total(result):g}/{full(result):g}  {result['problems'] or ''}  {result['flags'] or ''}")
    return results


def total(result):
    return sum(result["scores"].values())


def full(result):
    return sum(result["possible"].values())


def visible_text(result):
    return "\n".join(t.get("output", "") for t in result["results"]["tests"] if t.get("visibility") == "visible")


def test_zip_runs_the_supervisor():
    with zipfile.ZipFile(AUTOGRADER_ZIP) as zf:
        names = set(zf.namelist())
        run_autograder = zf.read("run_autograder").decode()
        config = json.loads(zf.read("labkit_autograder/config.json"))
    assert {f"labkit_autograder/{m}" for m in ("supervise.py", "worker.py", "results.py", "harness.py")} <= names
    assert run_autograder.rstrip().endswith('source/labkit_autograder/supervise.py"')
    assert "mamba activate otter-env" in run_autograder
    assert config["lab"] == "lab2-6" and config["cell_timeout"] == 60


def test_solution_full_marks_and_deterministic(graded):
    solution, renamed = graded["solution"], graded["renamed_export"]
    assert set(solution["possible"]) == QUESTIONS
    assert total(solution) == full(solution) > 0
    assert solution["problems"] is None and solution["flags"] is None and solution["error"] is None
    # a renamed notebook inside a grader.export zip grades the same, test outputs included
    assert renamed["results"]["tests"] == solution["results"]["tests"]


def test_faulty_cells_are_reported_and_later_cells_still_graded(graded):
    result = graded["faults"]
    problems = result["problems"]
    assert "raised SyntaxError" in problems and "(`def broken(:`)" in problems
    assert "raised ZeroDivisionError: division by zero" in problems
    assert "raised ModuleNotFoundError" in problems
    assert "raised MemoryError" in problems
    assert re.search(r"code cell \d+ \(`while True:`\) was stopped after 15 s", problems)
    assert problems.count("was stopped after") == 1
    assert result["scores"]["uattnlm_sample"] == result["possible"]["uattnlm_sample"]
    assert result["scores"]["attention"] == result["possible"]["attention"]
    # neglogprob deleted: perplexities lost; causal_mask raises in the tests: lost
    assert result["scores"]["attn_perplexities"] == 0
    assert result["scores"]["causal_attention_mask"] == 0


def test_no_hidden_test_source_in_student_visible_output(graded):
    result = graded["faults"]
    assert "STOLEN" in visible_text(result)  # the public tests did call the exfiltrating function
    with zipfile.ZipFile(AUTOGRADER_ZIP) as zf:
        sources = [zf.read(n).decode() for n in zf.namelist() if n.startswith("tests/")]
    public = {line.strip() for s in sources for line in only_cases(s, hidden=False).splitlines()}
    public |= {line.strip() for c in nbformat.read(SOLUTION, as_version=4).cells for line in c.source.splitlines()}
    hidden = {line.strip() for s in sources for line in only_cases(s, hidden=True).splitlines()} - public
    secret = [line for line in hidden if len(re.findall(r"\w+", line)) >= 3 and not any(line in p for p in public)]
    assert secret
    leaked = [line for line in secret if line in visible_text(result)]
    assert not leaked, leaked[:5]


def test_killed_kernel_skips_the_cell_and_hung_test_times_out(graded):
    result = graded["kill_and_test_hang"]
    assert re.search(r"code cell \d+ \(`import os`\) ended the Python process \(kernel died\); it was skipped",
                     result["problems"])
    assert result["scores"]["uattnlm_sample"] == 0
    assert "did not finish within 2 s" in next(t["output"] for t in result["results"]["tests"]
                                               if t["name"] == "uattnlm_sample")
    assert all(result["scores"][q] == result["possible"][q] for q in QUESTIONS - {"uattnlm_sample"})


def test_rewritten_tests_earn_nothing_and_are_flagged(graded):
    result = graded["rewrite_tests"]
    assert set(result["possible"]) == QUESTIONS and total(result) == 0
    assert "created or changed test files" in result["problems"]
    assert "wrote test files" in result["flags"]


def test_tampering_is_restored_flagged_and_earns_nothing(graded):
    result = graded["tamper"]
    assert total(result) == 0 and full(result) == 20
    assert "modified the grading environment" in result["problems"]
    for name in ("torch.allclose", "torch.Tensor.__eq__", "sys.modules['numpy']", "ExceptionTestFile.run"):
        assert name in result["flags"]
    flags_entry = next(t for t in result["results"]["tests"] if t["name"].startswith("Integrity flags"))
    assert flags_entry["visibility"] == "hidden"


def test_uninterruptible_cell_is_skipped(graded):
    result = graded["ignores_interrupts"]
    assert re.search(r"code cell 2 \(`import time`\) never finished; it was skipped", result["problems"])
    assert total(result) == 0 and full(result) == 20


def test_whole_submission_time_limit_still_writes_results(graded):
    result = graded["whole_timeout"]
    assert "stopped after 15 s, the time limit for the whole submission" in result["problems"]
    assert set(result["possible"]) == QUESTIONS and total(result) == 0


@pytest.mark.parametrize("label, message", [
    ("python_file", "No Jupyter notebook (.ipynb) found in the submission (found: lab2-6.py)"),
    ("garbage", "lab2-6.ipynb is not a valid Jupyter notebook"),
    ("empty", "lab2-6.ipynb has no code to run"),
])
def test_unusable_submissions_score_zero_with_a_reason(graded, label, message):
    result = graded[label]
    assert set(result["possible"]) == QUESTIONS and total(result) == 0
    assert message in result["problems"]
    assert result["error"] is None


def test_batch_grading_writes_a_gradebook_and_skips_graded_submissions(tmp_path):
    folder = tmp_path / "submissions"
    folder.mkdir()
    write(folder, "alice.ipynb", b"not a notebook")
    write(folder, "bob.zip", b"not a zip")
    write(folder, "notes.txt", b"ignored")
    gradebook = batch.grade_folder("lab2-6", folder, tmp_path / "graded", workers=2)
    rows = list(csv.DictReader(gradebook.open()))
    assert [r["submission"] for r in rows] == ["alice.ipynb", "bob.zip"]
    assert set(QUESTIONS) <= set(rows[0]) and all(float(r["total"]) == 0 and float(r["possible"]) == 20 for r in rows)
    assert "not a valid Jupyter notebook" in rows[0]["problems"]
    assert "bob.zip is not a readable zip file" in rows[1]["problems"]
    results = tmp_path / "graded" / "alice.ipynb" / "results.json"
    stamp = results.stat().st_mtime_ns
    assert batch.grade_folder("lab2-6", folder, tmp_path / "graded").read_text() == gradebook.read_text()
    assert results.stat().st_mtime_ns == stamp


def test_harness_restores_what_a_submission_replaced():
    import sys
    import numpy
    import torch

    from labkit.autograder import harness

    saved = harness.snapshot()
    allclose = torch.allclose
    torch.allclose = lambda *args, **kwargs: True
    torch.Tensor.sneaky = lambda self: None
    sys.modules["numpy"] = None
    del harness.test_case.call_func
    changed = harness.restore(saved)
    assert sorted(changed) == ["sys.modules['numpy']", "test_case.call_func", "torch.Tensor.sneaky", "torch.allclose"]
    assert torch.allclose is allclose and sys.modules["numpy"] is numpy and not hasattr(torch.Tensor, "sneaky")
    assert callable(harness.test_case.call_func) and harness.restore(saved) == []
