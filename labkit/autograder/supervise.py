"""Gradescope entry point (run_autograder calls it): always leaves a results.json, however the submission behaves.

Before any student code runs it imports everything it needs, reads the pristine tests into memory, takes a
student account of its own (sandbox.py; created when missing) and closes source/, submission/ and results/ to it.
It grades in a worker process (worker.py) under a time limit; then it kills every process of the student's
account, and only then writes results.json, from what the worker reported or, when it reported nothing, with 0
points and the reason. Without root the student's code runs as the grader's user: isolation is reduced, and it
says so. The grading root is /autograder, or $LABKIT_AUTOGRADER_ROOT for a local copy of Gradescope's layout.
"""
import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import sandbox
from results import Grading, gradescope_results, write_results

HERE = Path(__file__).resolve().parent
PR_SET_CHILD_SUBREAPER = 36


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
    """Run worker.py; (the content of results.json, None) or (None, the reason there is none)."""
    started = time.monotonic()
    env = dict(os.environ, **sandbox.GRADING_ENVIRONMENT)
    worker = subprocess.Popen([sys.executable, str(HERE / "worker.py"), str(root)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=env, preexec_fn=limits(config["memory_mb"]),
                              start_new_session=True)
    try:
        found, _ = worker.communicate(json.dumps({"sources": sources, "account": account and account[:2]}),
                                      timeout=config["total_timeout"])
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        return None, f"Grading was stopped after {config['total_timeout']} s, the time limit for the whole submission."
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


def main(root):
    config = load_config(root)
    tests = root / "source" / "tests"
    sources = {f"tests/{p.name}": p.read_text() for p in sorted(tests.glob("*.py"))}
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1)
    (root / "results" / "results.json").unlink(missing_ok=True)
    reduced = sandbox.reduced_isolation_reason()
    account = None if reduced else sandbox.acquire_account()
    if reduced:
        print(f"WARNING: isolation is reduced ({reduced}): the submission runs as the grader's user and could "
              "tamper with grading. Grade as root for full isolation.", file=sys.stderr)
        gradescope_results(Grading(sources))  # imports otter now: later the submission could have replaced it
    else:
        sandbox.end_account(account[0])
        close_to_student(root)
    for path in tests.glob("*.py"):
        path.unlink()
    try:
        found, failure = run_worker(root, config, sources, account)
    finally:
        if account:
            sandbox.end_account(account[0])
        kill_descendants()
        tests.mkdir(exist_ok=True)
        for path, source in sources.items():
            (root / "source" / path).write_text(source)
    if failure:
        grading = Grading(sources)
        grading.problems.append(failure)
        found = gradescope_results(grading)
    write_results(root, found)
    for test in json.loads((root / "results" / "results.json").read_text())["tests"]:
        print(f"{test['name']}: {test.get('score', '')}/{test.get('max_score', '')}" if "max_score" in test
              else f"{test['name']}:\n{test['output']}")


if __name__ == "__main__":
    main(Path(os.environ.get("LABKIT_AUTOGRADER_ROOT", "/autograder")))
