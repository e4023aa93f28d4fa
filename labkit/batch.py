"""`make grade LAB=<lab> SUBMISSIONS=<dir>`: grade every notebook or export zip in a folder, without Docker.

Each submission is graded by the lab's autograder zip in a Gradescope-shaped folder (labkit.grading), a few
at a time. Results go to <out>/<submission>/results.json (already graded submissions are skipped on a rerun)
and one row per submission to <out>/gradebook.csv.
"""
import csv
import json
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tqdm import tqdm

from labkit.build import autograder_zip, solution_notebook
from labkit.grading import GradingError, grade_submission, question_scores

SUFFIXES = (".ipynb", ".zip")


def submissions(folder):
    return sorted(p for p in Path(folder).iterdir() if p.is_file() and p.suffix in SUFFIXES)


def grade_one(zip_path, submission, out):
    """Grade `submission` into out/<name>/ unless already done; return its gradebook row."""
    results = out / submission.name / "results.json"
    error = None
    if not results.exists():
        try:
            grade_submission(zip_path, submission, results.parent)
        except GradingError as err:
            error = str(err)[-500:]
    return row(submission.name, json.loads(results.read_text()) if results.exists() else None, error)


def entry(results, prefix):
    return "\n".join(t.get("output", "") for t in results["tests"] if t.get("name", "").startswith(prefix))


def row(name, results, error):
    if results is None:
        return {"submission": name, "error": error}
    scores = question_scores(results)
    return {"submission": name, **{q: earned for q, (earned, _) in scores.items()},
            "total": sum(earned for earned, _ in scores.values()),
            "possible": sum(possible for _, possible in scores.values()),
            "flags": entry(results, "Integrity flags"), "problems": entry(results, "Submission problems"),
            "error": error or entry(results, "Autograder")}


def write_gradebook(rows, path):
    questions = sorted({k for r in rows for k in r} - {"submission", "total", "possible", "flags", "problems", "error"})
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, ["submission", *questions, "total", "possible", "flags", "problems", "error"])
        writer.writeheader()
        writer.writerows(rows)


def grade_folder(lab, folder, out=None, workers=2):
    """Grade every submission in `folder` with `workers` in parallel; return the gradebook path."""
    out = Path(out or Path(folder) / "graded")
    out.mkdir(parents=True, exist_ok=True)
    zip_path, todo = autograder_zip(lab), submissions(folder)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        rows = list(tqdm(pool.map(lambda s: grade_one(zip_path, s, out), todo), total=len(todo), unit="submission"))
    write_gradebook(rows, out / "gradebook.csv")
    return out / "gradebook.csv"


def benchmark(lab, count=6, workers=2):
    """Grade `count` copies of the lab's solution with `workers`; print submissions per minute."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submissions"
        folder.mkdir()
        for i in range(count):
            shutil.copy2(solution_notebook(lab), folder / f"student{i:02d}.ipynb")
        start = time.perf_counter()
        grade_folder(lab, folder, Path(tmp) / "graded", workers)
        minutes = (time.perf_counter() - start) / 60
    print(f"{lab}: {count} submissions in {minutes * 60:.0f} s with {workers} workers: "
          f"{count / minutes:.1f} submissions per minute")
