"""Grade one notebook against an Otter autograder zip with `otter run` (no Docker needed)."""
import json
import subprocess
import sys
from pathlib import Path


class GradingError(RuntimeError):
    """`otter run` failed or produced no results."""


def run_otter(autograder_zip, submission, outdir):
    """Run `otter run` and return its combined output; raise GradingError when it fails."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "otter", "run", "--no-logo",
               "-a", str(Path(autograder_zip).resolve()), "-o", str(outdir.resolve()),
               str(Path(submission).resolve())]
    done = subprocess.run(command, capture_output=True, text=True, cwd=outdir)
    output = done.stdout + done.stderr
    if done.returncode != 0 or not (outdir / "results.json").exists():
        raise GradingError(f"otter run exited with {done.returncode}:\n{output[-4000:]}")
    return output


def question_scores(results):
    """Map each graded question in an Otter results.json to (earned, possible)."""
    graded = [t for t in results["tests"] if "max_score" in t and t.get("name") != "Public Tests"]
    return {t["name"]: (t.get("score") or 0.0, t["max_score"]) for t in graded}


def autograder_error(results):
    """The message of Otter's 'Autograder Error' entry, or None when grading ran cleanly."""
    errors = [t.get("output", "") for t in results["tests"] if t.get("name") == "Autograder Error"]
    return "\n".join(errors) or None


def grade_submission(autograder_zip, submission, workdir):
    """Grade `submission` (.ipynb or .zip) with `autograder_zip`; results.json is written to `workdir`.

    Returns {"scores": {question: earned}, "possible": {question: max}, "results": parsed results.json,
    "error": Otter's autograder error message or None, "output": what otter run printed}.
    """
    output = run_otter(autograder_zip, submission, workdir)
    results = json.loads((Path(workdir) / "results.json").read_text())
    scores = question_scores(results)
    return {
        "scores": {name: earned for name, (earned, _) in scores.items()},
        "possible": {name: possible for name, (_, possible) in scores.items()},
        "results": results,
        "error": autograder_error(results),
        "output": output,
    }


def print_scores(grades):
    """One line per question, then the total (and the autograder error, if any)."""
    for name, earned in grades["scores"].items():
        print(f"{name}: {earned:g} / {grades['possible'][name]:g}")
    print(f"total: {sum(grades['scores'].values()):g} / {sum(grades['possible'].values()):g}")
    if grades["error"]:
        print(f"autograder error: {grades['error']}")
