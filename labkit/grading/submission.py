"""Grade one submission with an autograder zip exactly as Gradescope would, without Docker.

The zip is unpacked into a Gradescope-shaped folder (source/, submission/, results/) and its own
run_autograder runs with $LABKIT_AUTOGRADER_ROOT pointing there (which skips Gradescope's environment
activation), so what is tested is the zip itself.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from labkit.autograder.entries import (FLAGS, ISOLATION, PROBLEMS, TIME_OUTS, autograder_error, entry_output,
                                      question_scores)


class GradingError(RuntimeError):
    """run_autograder failed or produced no results."""


def gradescope_layout(autograder_zip, submission, root):
    """Unpack `autograder_zip` into root/source and copy `submission` (a file) into root/submission."""
    with zipfile.ZipFile(autograder_zip) as zf:
        zf.extractall(root / "source")
    (root / "submission").mkdir()
    (root / "results").mkdir()
    shutil.copy2(submission, root / "submission" / Path(submission).name)


def run_autograder(root, timeout=None, command_prefix=(), preexec_fn=None, path=None, environment=None):
    """Run root/source/run_autograder on root; return its output.

    `command_prefix` (e.g. setpriv ...) comes before `bash run_autograder`, `preexec_fn` runs in the child before
    it, `path` is the folder of the Python to grade with (default: this one's), `environment` adds variables."""
    env = dict(os.environ, **(environment or {}), LABKIT_AUTOGRADER_ROOT=str(root),
               PATH=f"{path or Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    done = subprocess.run([*command_prefix, "bash", str(root / "source" / "run_autograder")], capture_output=True,
                          text=True, env=env, cwd=root, timeout=timeout, preexec_fn=preexec_fn)
    output = done.stdout + done.stderr
    if done.returncode != 0 or not (root / "results" / "results.json").exists():
        raise GradingError(f"run_autograder exited with {done.returncode}:\n{output[-4000:]}")
    return output


def grade_submission(autograder_zip, submission, workdir, config=None):
    """Grade `submission` (.ipynb, export .zip or any file) with `autograder_zip`; results.json goes to `workdir`.

    `config` overrides settings of the zip's labkit_autograder/config.json (e.g. {"cell_timeout": 5}).
    Returns {"scores": {question: earned}, "possible": {question: max}, "results": parsed results.json,
    "error": Otter's autograder error message or None, "problems": what the student is told or None,
    "flags": integrity flags for instructors or None, "isolation": the isolation the grading achieved,
    "time_outs": what ran past a time limit or None, "output": what run_autograder printed}.
    """
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gradescope-") as tmp:
        root = Path(tmp)
        gradescope_layout(autograder_zip, submission, root)
        if config:
            path = root / "source" / "labkit_autograder" / "config.json"
            path.write_text(json.dumps({**json.loads(path.read_text()), **config}))
        output = run_autograder(root)
        shutil.copy2(root / "results" / "results.json", workdir / "results.json")
    results = json.loads((workdir / "results.json").read_text())
    scores = question_scores(results)
    return {
        "scores": {name: earned for name, (earned, _) in scores.items()},
        "possible": {name: possible for name, (_, possible) in scores.items()},
        "results": results,
        "error": autograder_error(results),
        "problems": entry_output(results, PROBLEMS),
        "flags": entry_output(results, FLAGS),
        "isolation": entry_output(results, ISOLATION),
        "time_outs": entry_output(results, TIME_OUTS),
        "output": output,
    }


def print_scores(grades):
    """One line per question, then the total (and the problems and autograder error, if any)."""
    for name, earned in grades["scores"].items():
        print(f"{name}: {earned:g} / {grades['possible'][name]:g}")
    print(f"total: {sum(grades['scores'].values()):g} / {sum(grades['possible'].values()):g}")
    for label in ("problems", "flags", "error"):
        if grades[label]:
            print(f"{label}:\n{grades[label]}")
