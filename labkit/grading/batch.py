"""`make grade LAB=<lab> SUBMISSIONS=<dir>`: grade every notebook or export zip in a folder, without Docker.

Each submission is graded by the lab's autograder zip in a Gradescope-shaped folder (labkit.grading.submission), a few
at a time. Results go to <out>/<submission>/results.json (already graded submissions are skipped on a rerun),
one row per submission to <out>/gradebook.csv (with the manual scores of out/answers/manual_scores.csv, when
filled in) and the class at a glance to <out>/report.html (labkit.grading.report).
"""
import csv
import json
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tqdm import tqdm

from labkit.authoring.build import autograder_zip, solution_notebook
from labkit.autograder.entries import FLAGS, PROBLEMS, autograder_error, entry_output, question_scores
from labkit.grading.report import manual_scores, write_answers, write_report
from labkit.grading.submission import GradingError, grade_submission

SUFFIXES = (".ipynb", ".zip")


def submissions(folder):
    return sorted(p for p in Path(folder).iterdir() if p.is_file() and p.suffix in SUFFIXES)


def grade_one(zip_path, submission, out):
    """Grade `submission` into out/<name>/ unless already done; return its gradebook row."""
    results, timing = out / submission.name / "results.json", out / submission.name / "timing.json"
    error = None
    if not results.exists():
        started = time.perf_counter()
        try:
            grade_submission(zip_path, submission, results.parent)
        except GradingError as err:
            error = str(err)[-500:]
        timing.parent.mkdir(parents=True, exist_ok=True)
        timing.write_text(json.dumps({"seconds": round(time.perf_counter() - started, 1)}))
    seconds = json.loads(timing.read_text())["seconds"] if timing.exists() else None
    return {**row(submission.name, json.loads(results.read_text()) if results.exists() else None, error),
            "seconds": seconds}


def row(name, results, error):
    if results is None:
        return {"submission": name, "error": error}
    scores = question_scores(results)
    return {"submission": name, **{q: earned for q, (earned, _) in scores.items()},
            "total": sum(earned for earned, _ in scores.values()),
            "possible": sum(possible for _, possible in scores.values()),
            "flags": entry_output(results, FLAGS) or "", "problems": entry_output(results, PROBLEMS) or "",
            "error": error or autograder_error(results) or ""}


def with_manual_scores(rows, scores):
    """Rows with the manual questions' scores added as `<question> (manual)` columns and into the total."""
    merged = []
    for row in rows:
        manual = scores.get(row["submission"], {})
        extra = {f"{q} (manual)": points for q, points in manual.items()}
        total = row.get("total", 0) + sum(manual.values()) if "total" in row else row.get("total")
        merged.append({**row, **extra, **({"total": total} if total is not None else {})})
    return merged


def write_gradebook(rows, path):
    fixed = ["total", "possible", "flags", "problems", "error", "seconds"]
    questions = sorted({k for r in rows for k in r} - {"submission", *fixed})
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, ["submission", *questions, *fixed])
        writer.writeheader()
        writer.writerows(rows)


def grade_folder(lab, folder, out=None, workers=2):
    """Grade every submission in `folder` with `workers` in parallel; return the gradebook path."""
    out = Path(out or Path(folder) / "graded")
    out.mkdir(parents=True, exist_ok=True)
    zip_path, todo = autograder_zip(lab), submissions(folder)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        rows = list(tqdm(pool.map(lambda s: grade_one(zip_path, s, out), todo), total=len(todo), unit="submission"))
    write_gradebook(with_manual_scores(rows, manual_scores(out)), out / "gradebook.csv")
    print(f"report: {write_report(lab, out, rows)}")
    return out / "gradebook.csv"


def answers(lab, folder, out=None, anonymise=False):
    """Grade the folder (graded submissions are skipped), then write its answer pages; return their folder."""
    out = Path(out or Path(folder) / "graded")
    grade_folder(lab, folder, out)
    return write_answers(lab, out, anonymise)


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
