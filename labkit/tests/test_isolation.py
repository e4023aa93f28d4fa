"""The autograder's isolation and its results.json guarantees, on Lab 2-6's zip (issues 21 and 24).

Local grading as root (as CI does): the kernel sees only the system's folders, the interpreter and its grading
folder, has no network, and two gradings side by side never share an account whatever their TMPDIR. Whatever
the submission does (a 3,000-deep chain of folders, a full disk, a zip bomb), results.json is written, first as
"did not finish", at the end atomically. Gradings that need root and mount namespaces are skipped, saying so,
where the machine has neither. Needs the built zip (`python -m labkit build lab2-6`).
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from labkit import REPO_ROOT
from labkit.authoring import build
from labkit.autograder import channel, sandbox, testing, worker
from labkit.autograder.entries import FLAGS, ISOLATION, PROBLEMS, TIME_OUTS, question_scores
from labkit.autograder.results import Grading
from labkit.grading import gradescope
from labkit.grading.check import why
from labkit.grading.submission import grade_submission, gradescope_layout, run_autograder

AUTOGRADER_ZIP = build.autograder_zip("lab2-6")
VENV = Path(sys.prefix).resolve()
SOLUTION = build.solution_notebook("lab2-6")
FULLY_ISOLATED = sandbox.reduced_isolation_reason() is None and {"CAP_SYS_ADMIN", "CAP_SYS_CHROOT"} <= (
    sandbox.capabilities())
needs_root = pytest.mark.skipif(not FULLY_ISOLATED, reason="SKIPPED, not passed: local isolation needs root with "
                                f"CAP_SYS_ADMIN here ({sandbox.reduced_isolation_reason() or 'no CAP_SYS_ADMIN'})")
DEPTH = 3000
DEEP_CHAIN = f"""
import os
for top in ("/tmp", "."):
    fd = os.open(top, os.O_RDONLY)
    for _ in range({DEPTH}):
        os.mkdir("d", dir_fd=fd)
        deeper = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = deeper
    os.close(fd)
"""


def probe(port):
    """A cell that fails (a problem in results.json) if the kernel sees the course or reaches the network."""
    return f"""
import os, socket
for place in {[str(REPO_ROOT / "Makefile"), str(AUTOGRADER_ZIP), str(VENV.parent / "Makefile")]!r}:
    assert not os.path.exists(place), "the kernel sees " + place
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=3).close()
    raise AssertionError("the kernel reached the network")
except OSError:
    pass
"""


FILL_DISK = """
number = 0
try:
    while True:
        with open(f"filler{number}", "wb") as f:
            for _ in range(512):
                f.write(b"x" * (1 << 20))
        number += 1
except OSError as err:
    print("disk full:", err)
"""


def notebook_with(base, *cells):
    notebook = nbformat.read(base, as_version=4)
    notebook.cells += [nbformat.v4.new_code_cell(source) for source in cells]
    return notebook


def total(result):
    return sum(result["scores"].values()), sum(result["possible"].values())


def grade_in(root, notebook, environment=None):
    """Grade `notebook` (a NotebookNode) with Lab 2-6's zip in the Gradescope layout at `root`; results.json."""
    submission = root.parent / f"{root.name}-lab2-6.ipynb"
    nbformat.write(notebook, submission)
    gradescope_layout(AUTOGRADER_ZIP, submission, root)
    run_autograder(root, environment=environment)
    return json.loads((root / "results" / "results.json").read_text())


def entry(results, name):
    return next((t["output"] for t in results["tests"] if t.get("name") == name), None)


def score(results):
    scores = question_scores(results).values()
    return sum(earned for earned, _ in scores), sum(possible for _, possible in scores)


# Fast checks of the pieces.

@pytest.mark.fast
def test_remove_tree_survives_a_3000_deep_chain(tmp_path):
    fd = os.open(tmp_path, os.O_RDONLY)
    for _ in range(DEPTH):
        os.mkdir("d", dir_fd=fd)
        deeper = os.open("d", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = deeper
    os.symlink("/etc", "escape", dir_fd=fd)  # a link is removed, never followed
    os.close(fd)
    sandbox.remove_tree(tmp_path / "d")
    assert not (tmp_path / "d").exists() and Path("/etc/passwd").exists()
    sandbox.remove_tree(tmp_path / "missing")  # never raises


@pytest.mark.fast
def test_account_locks_are_machine_wide_whatever_tmpdir(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    tempfile.tempdir = None
    try:
        folder = sandbox.lock_folder()
    finally:
        tempfile.tempdir = None
    assert str(folder.parent) in sandbox.LOCK_FOLDERS and not folder.is_relative_to(tmp_path)


@pytest.mark.fast
def test_submitted_zip_extraction_is_capped(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("lab2-6.ipynb", b"0" * ((worker.MAX_UNPACKED_MB + 1) << 20))
    crowd = tmp_path / "crowd.zip"
    with zipfile.ZipFile(crowd, "w") as zf:
        for number in range(worker.MAX_ZIP_ENTRIES + 1):
            zf.writestr(f"{number}.txt", b"")
    deep = tmp_path / "deep.zip"
    with zipfile.ZipFile(deep, "w") as zf:
        zf.writestr("/".join(["d"] * worker.MAX_ZIP_DEPTH) + "/x.ipynb", b"{}")
    for archive, reason in ((bomb, "unpack to more than"), (crowd, "files, more than"), (deep, "deep")):
        with zipfile.ZipFile(archive) as zf, pytest.raises(ValueError, match=reason):
            worker.unpack_notebooks(zf, tmp_path / "out" / archive.stem)
    assert (tmp_path / "out" / "bomb" / "lab2-6.ipynb").stat().st_size <= worker.MAX_UNPACKED_MB << 20


def test_a_zip_bomb_is_a_submission_problem_with_results(tmp_path):
    bomb = tmp_path / "lab2-6_export.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("lab2-6.ipynb", b" " * ((worker.MAX_UNPACKED_MB + 50) << 20))
    result = grade_submission(AUTOGRADER_ZIP, bomb, tmp_path / "results")
    assert "was not unpacked: its notebooks unpack to more than" in result["problems"]
    assert total(result) == (0, 20)


@pytest.mark.fast
def test_a_time_out_says_so_names_the_test_and_the_limit_and_is_listed_for_instructors():
    def hang(env):
        raise channel.CallTimeout()

    calls = SimpleNamespace(begin_case=lambda seed, seconds: None, end_case=lambda: None, namespace=lambda: {})
    case = SimpleNamespace(name="test_sampling_frequencies", body=SimpleNamespace(call_func=hang))
    passed, message = testing.run_case(None, case, calls, 0, 7)
    assert not passed
    assert "Time-out: test test_sampling_frequencies did not finish within 7 s" in message
    grading = Grading({})
    grading.outcomes = {"hidden": {"tests/sample.py": [{"name": case.name, "passed": False, "message": message}]}}
    listed = worker.time_outs(grading)
    assert listed["name"] == TIME_OUTS and listed["visibility"] == "hidden"
    assert "tests/sample.py" in listed["output"] and "7 s" in listed["output"]
    grading.outcomes["hidden"]["tests/sample.py"][0]["message"] = "❌ Test case failed\nwrong answer"
    assert worker.time_outs(grading) == []  # a wrong answer is not a time-out


@pytest.mark.fast
def test_each_case_is_timed_and_the_slowest_are_listed_for_instructors():
    def slow(env):
        time.sleep(0.3)

    calls = SimpleNamespace(begin_case=lambda seed, seconds: None, end_case=lambda: None, namespace=lambda: {})
    cases = [SimpleNamespace(name=name, body=SimpleNamespace(call_func=body))
             for name, body in (("quick", lambda env: None), ("slow", slow))]
    timed = [testing.timed_case(None, case, calls, {"seed": 0, "test_timeout": 60}) for case in cases]
    assert [t["passed"] for t in timed] == [True, True] and timed[0]["seconds"] < 0.3 <= timed[1]["seconds"]
    grading = Grading({})
    grading.outcomes = {"public": {"tests/a.py": timed[:1]}, "hidden": {"tests/a.py": timed[1:]}}
    entry = worker.timing(grading, {"test_timeout": 60})
    assert entry["visibility"] == "hidden" and entry["output"].splitlines()[1].startswith("slow (hidden): 0.3")
    seconds, name, limit = gradescope.slowest_case({"tests": [entry]})
    assert name == "slow (hidden)" and 0.3 <= seconds < 1 and limit == 60
    assert worker.timing(Grading({}), {"test_timeout": 60}) is None  # no case ran (e.g. the tests could not finish)


@pytest.mark.fast
def test_make_check_says_why():
    results = {"tests": [
        {"name": PROBLEMS, "output": "code cell 3 (`x = 1 / 0`) raised ZeroDivisionError: division by zero"},
        {"name": "attention", "score": 0, "max_score": 6, "output":
            "attention - 1 result:\n    ✅ Test case passed\nattention - 2 result:\n    ❌ Test case failed\n"
            "    the weights should sum to 1 over the keys"},
        {"name": FLAGS, "output": "The submission wrote test files: tests/x.py"},
        {"name": ISOLATION, "status": "passed", "output": "Full isolation."}]}
    said = why({"results": results, "error": None}, ["attention"])
    assert "weights should sum to 1 over the keys" in said and "Test case passed" not in said
    assert "ZeroDivisionError" in said and "wrote test files" in said and "Full isolation" not in said


# Whole gradings, two at a time.

@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    if not AUTOGRADER_ZIP.exists():
        pytest.fail(f"{AUTOGRADER_ZIP} does not exist: build it with `python -m labkit build lab2-6`")
    if not FULLY_ISOLATED:
        pytest.skip(needs_root.kwargs["reason"])
    base = tmp_path_factory.mktemp("isolation")
    listener = socket.create_server(("127.0.0.1", 0))
    connections = []
    threading.Thread(target=lambda: connections.append(listener.accept()), daemon=True).start()
    port = listener.getsockname()[1]

    def probe_grading():
        return grade_in(base / "probe", notebook_with(SOLUTION, probe(port), DEEP_CHAIN))

    def side_by_side(name):
        """Lab 2-6's solution with a TMPDIR of its own, its kernel alive for 20 s more than it needs, so that the
        two overlap however fast the machine: (results.json, when grading started, when it ended)."""
        tmpdir = base / f"tmpdir-{name}"
        tmpdir.mkdir()
        started = time.monotonic()
        results = grade_in(base / name, notebook_with(SOLUTION, "import time\ntime.sleep(20)"), {"TMPDIR": str(tmpdir)})
        return results, started, time.monotonic()

    def disk_full():
        disk = base / "small-disk"
        disk.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=100m", "tmpfs", str(disk)], check=True)
        try:
            return grade_in(disk / "root", notebook_with(SOLUTION, FILL_DISK))
        finally:
            subprocess.run(["umount", "-l", str(disk)], check=False)

    def watched():
        """A slow notebook, with results.json read while it is graded: [results.json during, after]."""
        root, during, final = base / "watched", [], []
        grading = threading.Thread(target=lambda: final.append(grade_in(root, notebook_with(
            SOLUTION, "import time\ntime.sleep(20)"))))
        grading.start()
        while grading.is_alive() and not during:
            try:
                during.append(json.loads((root / "results" / "results.json").read_text()))
            except (OSError, ValueError):
                time.sleep(0.2)
        grading.join()
        return during + final

    # "a" and "b" first: the two workers start them together, so they run side by side
    gradings = {"a": lambda: side_by_side("a"), "b": lambda: side_by_side("b"), "probe": probe_grading,
                "disk": disk_full, "watched": watched}
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(run) for name, run in gradings.items()}
        results = {name: future.result() for name, future in futures.items()}
    listener.close()
    return {**results, "connections": connections, "base": base}


@needs_root
def test_the_kernel_sees_neither_the_course_nor_the_network(graded):
    results = graded["probe"]
    assert entry(results, PROBLEMS) is None, entry(results, PROBLEMS)
    earned, possible = score(results)
    assert earned == possible > 0
    assert graded["connections"] == []
    isolation = entry(results, ISOLATION)
    assert isolation.startswith("Full isolation.")
    assert "root filesystem: own" in isolation and "network: blocked" in isolation and "capabilities: none" in isolation


@needs_root
def test_a_3000_deep_chain_in_tmp_and_home_neither_breaks_grading_nor_stays(graded):
    earned, possible = score(graded["probe"])
    assert earned == possible
    assert not (graded["base"] / "probe" / "grading").exists()  # the kernel's home, chain included, is gone
    assert not [p for p in Path("/tmp").iterdir() if p.name == "d"]


@needs_root
def test_two_gradings_with_different_tmpdirs_side_by_side_keep_full_marks(graded):
    # sharing an account, the first to finish would kill the other's kernel (0 points, "stopped unexpectedly")
    (a, a_start, a_end), (b, b_start, b_end) = graded["a"], graded["b"]
    assert min(a_end, b_end) - max(a_start, b_start) > 10  # they ran side by side
    for results in (a, b):
        earned, possible = score(results)
        assert earned == possible > 0, entry(results, PROBLEMS)
        assert entry(results, ISOLATION).startswith("Full isolation.")


@needs_root
def test_a_kernel_that_fills_the_disk_still_leaves_results(graded):
    results = graded["disk"]
    earned, possible = score(results)
    assert earned == possible > 0, entry(results, PROBLEMS)


@needs_root
def test_results_json_says_unfinished_while_grading_then_is_replaced(graded):
    during, final = graded["watched"]
    assert during["score"] == 0 and "Grading did not finish" in entry(during, PROBLEMS)
    earned, possible = score(final)
    assert earned == possible > 0
