"""Gradescope entry point (run_autograder calls it): always leaves a results.json, however the submission behaves.

It reads the pristine tests into memory and removes them from disk for the duration, grades in a worker
process (worker.py) under a time and memory limit, kills whatever the submission left running, and writes a
zero-score results.json with the reason when the worker produced none. The grading root is /autograder, or
$LABKIT_AUTOGRADER_ROOT for a local copy of Gradescope's layout (source/, submission/, results/).
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


def kill_leftovers():
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


def run_worker(root, config, sources):
    """Run worker.py; return None when it wrote results, else the reason it did not."""
    started = time.monotonic()
    # LABKIT_GRADING: labs shorten students' training runs. One BLAS/OpenMP thread: the labs' models are tiny,
    # Gradescope gives half a CPU, and spinning BLAS threads only slow a busy machine down.
    env = dict(os.environ, LABKIT_GRADING="1", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    worker = subprocess.Popen([sys.executable, str(HERE / "worker.py"), str(root)], stdin=subprocess.PIPE, env=env,
                              text=True, preexec_fn=limits(config["memory_mb"]), start_new_session=True)
    try:
        worker.communicate(json.dumps(sources), timeout=config["total_timeout"])
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        return f"Grading was stopped after {config['total_timeout']} s, the time limit for the whole submission."
    finally:
        kill_leftovers()
    if worker.returncode != 0:
        return (f"The grader stopped unexpectedly (exit code {worker.returncode} after "
                f"{time.monotonic() - started:.0f} s), for instance because the submission used too much memory.")
    return None


def has_results(root):
    try:
        return "tests" in json.loads((root / "results" / "results.json").read_text())
    except (OSError, ValueError):
        return False


def main(root):
    config = load_config(root)
    tests = root / "source" / "tests"
    sources = {f"tests/{p.name}": p.read_text() for p in sorted(tests.glob("*.py"))}
    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1)
    (root / "results" / "results.json").unlink(missing_ok=True)
    for path in tests.glob("*.py"):
        path.unlink()
    try:
        failure = run_worker(root, config, sources)
    finally:
        tests.mkdir(exist_ok=True)
        for path, source in sources.items():
            (root / "source" / path).write_text(source)
    if failure or not has_results(root):
        from results import Grading, write_results  # otter is slow to import: only when the worker failed

        grading = Grading(sources)
        grading.problems.append(failure or "The grader produced no results.")
        write_results(root, grading)
    for test in json.loads((root / "results" / "results.json").read_text())["tests"]:
        print(f"{test['name']}: {test.get('score', '')}/{test.get('max_score', '')}" if "max_score" in test
              else f"{test['name']}:\n{test['output']}")


if __name__ == "__main__":
    main(Path(os.environ.get("LABKIT_AUTOGRADER_ROOT", "/autograder")))
