"""Gradescope entry point (run_autograder runs `python -m labkit_autograder.supervise` in source/): always leaves
a results.json, however the submission behaves.

Before any student code runs it writes a results.json that says grading did not finish (0 points) and sets
disk space aside, imports everything it needs, reads the pristine tests into memory, takes a student account
of its own (sandbox.py; created when missing) and closes source/, submission/ and results/ to it. It grades in
a worker process (worker.py) under a time limit; then it kills every process of the student's account, deletes
what it wrote (each cleanup step on its own: one that fails stops no other), frees the space set aside and only
then replaces results.json, atomically, from what the worker reported or, when it reported nothing, with 0
points and the reason. An instructors-only entry states the isolation the grading achieved; where it is
reduced (no account of its own: without root, CAP_SETUID/CAP_SETGID or useradd, or with an interpreter others
may not reach) the submission is graded for feedback and marked as not trustworthy for credit. The grading root
is /autograder, or $LABKIT_AUTOGRADER_ROOT for a local copy of Gradescope's layout.
"""
import ctypes
import importlib.util
import json
import os
import resource
import signal
import subprocess
import sys
import time
import types
from pathlib import Path

from . import sandbox
from .entries import ISOLATION, TIME_OUTS, instructors_entry, problems_entry
from .results import Grading, gradescope_results, write_results

PACKAGE_PARENT = Path(__file__).resolve().parents[1 + __package__.count(".")]  # where `python -m` finds us
PR_SET_CHILD_SUBREAPER = 36
RESERVE_MB = 16  # disk space set aside before grading, so that a kernel that fills the disk leaves a results.json
UNFINISHED = ("Grading did not finish (the grader was stopped before it could report), so this submission "
              "has 0 points for now.")


def lean_otter():
    """Let `import otter.<module>` skip otter/__init__.py, which loads nbconvert and the notebook exporters that
    grading never uses, and keep jsonschema from compiling an IRI grammar nobody validates (together ~40 MiB of
    the 768 MB that grader and kernel share, and seconds at a quarter of a CPU)."""
    spec = importlib.util.find_spec("otter")
    if spec is None:  # not installed: the first import of otter says so
        return
    package = types.ModuleType("otter")
    package.__path__, package.__spec__ = list(spec.submodule_search_locations), spec
    sys.modules.setdefault("otter", package)
    sys.modules.setdefault("rfc3987_syntax", None)


def load_config(root):
    return json.loads((root / "source" / "labkit_autograder" / "config.json").read_text())


def limits(memory_mb):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
    return apply


def children(pid):
    """Direct children of `pid`, from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def kill_descendants():
    """Kill every process still descending from us (orphans are reparented to us: we are a subreaper)."""
    for _ in range(5):
        pids = children(os.getpid())
        if not pids:
            return
        for pid in pids:
            try:
                os.killpg(pid, signal.SIGKILL) if os.getpgid(pid) == pid else os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for pid in pids:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass


def run_worker(root, config, sources, account):
    """Run worker.py; (what it reported: {"results", "isolation"}, None) or (None, the reason there is none)."""
    started = time.monotonic()
    env = dict(os.environ, **sandbox.GRADING_ENVIRONMENT)
    worker = subprocess.Popen([sys.executable, "-m", f"{__package__}.worker", str(root)], cwd=PACKAGE_PARENT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
                              preexec_fn=limits(config["memory_mb"]), start_new_session=True)
    try:
        found, _ = worker.communicate(json.dumps({"sources": sources, "account": account and account[:2]}),
                                      timeout=config["total_timeout"])
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        return None, (f"Time-out: grading was stopped after {config['total_timeout']} s, the time limit for the "
                      "whole submission.")
    try:
        return json.loads(found.splitlines()[-1]), None  # the last line: a library may have printed before
    except (ValueError, IndexError):
        return None, (f"The grader stopped unexpectedly (exit code {worker.returncode} after "
                      f"{time.monotonic() - started:.0f} s), for instance because the submission used too much memory.")


def close_to_student(root):
    """The student's account may enter the grading root (its home is there) but not read the grader's folders."""
    root.chmod(0o711)
    for name in ("source", "submission", "results"):
        (root / name).chmod(0o700)


def unfinished_results():
    """results.json while grading runs: 0 points and why (written before any student code runs)."""
    return {"score": 0.0, "tests": [problems_entry(UNFINISHED)]}


def set_aside(path):
    """Disk space for the final results.json, in a file that grading deletes before writing it."""
    with open(path, "wb") as reserve:
        os.posix_fallocate(reserve.fileno(), 0, RESERVE_MB << 20)


def attempt(step, *args):
    """Run one cleanup step; report (never raise) what goes wrong, so that the next one still runs."""
    try:
        step(*args)
    except Exception as err:
        print(f"labkit: cleanup step {getattr(step, '__name__', step)} failed: {type(err).__name__}: {err}",
              file=sys.stderr)


def restore_tests(root, sources):
    (root / "source" / "tests").mkdir(exist_ok=True)
    for path, source in sources.items():
        (root / "source" / path).write_text(source)


def isolation_entry(reduced, observed):
    """The instructors-only statement of what isolation this grading achieved (from /proc, see sandbox.observe)."""
    shortfalls = ([f"no student account of its own: {reduced}"] if reduced else []) + observed.get("reduced", [])
    if not observed:
        shortfalls.append("the kernel could not be observed (it never started)")
    details = [f"{name}: {value}" for name, value in observed.items() if name != "reduced"]
    if shortfalls:
        verdict = ("NOT TRUSTWORTHY FOR CREDIT: isolation was reduced, so this submission was graded for feedback "
                   "only (" + "; ".join(shortfalls) + ")")
    elif observed["network"].startswith("open"):
        verdict = "Isolated, but the kernel had network access (the platform allows no network namespace)."
    else:
        verdict = "Full isolation."
    return instructors_entry(ISOLATION, "\n".join([verdict, *details]), passed=not shortfalls)


def main(root):
    write_results(root, unfinished_results())
    attempt(set_aside, root / "results" / ".reserve")
    config = load_config(root)
    tests = root / "source" / "tests"
    sources = {f"tests/{p.name}": p.read_text() for p in sorted(tests.glob("*.py"))}
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1)
    lean_otter()
    reduced = sandbox.reduced_isolation_reason()
    account = None if reduced else sandbox.acquire_account()
    if reduced:
        print(f"WARNING: isolation is reduced ({reduced}): the submission runs as the grader's user and could "
              "tamper with grading; results.json marks it as not trustworthy for credit.", file=sys.stderr)
        gradescope_results(Grading(sources))  # imports otter now: later the submission could have replaced it
    else:
        sandbox.end_account(account[0])
        close_to_student(root)
    for path in tests.glob("*.py"):
        path.unlink()
    found, failure = None, "The grader stopped before grading started."
    try:
        found, failure = run_worker(root, config, sources, account)
    finally:
        if account:
            attempt(sandbox.end_account, account[0])
        attempt(kill_descendants)
        attempt(sandbox.remove_tree, root / "grading")
        attempt(restore_tests, root, sources)
        attempt(os.remove, root / "results" / ".reserve")
    if failure:
        grading = Grading(sources)
        grading.problems.append(failure)
        found = {"results": gradescope_results(grading), "isolation": {}}
        if failure.startswith("Time-out"):
            found["results"]["tests"].append(instructors_entry(TIME_OUTS, failure))
    found["results"]["tests"].append(isolation_entry(reduced, found["isolation"]))
    write_results(root, found["results"])
    for test in found["results"]["tests"]:
        print(f"{test['name']}: {test.get('score', '')}/{test.get('max_score', '')}" if "max_score" in test
              else f"{test['name']}:\n{test['output']}")


if __name__ == "__main__":
    main(Path(os.environ.get("LABKIT_AUTOGRADER_ROOT", "/autograder")))
