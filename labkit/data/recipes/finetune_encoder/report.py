"""Report stage of finetune-encoder (`make bench`): time the lab's full CPU run and record what it reaches.

The solution notebook runs with LAB_FULL_RUN=1 (the real MiniLM, the CPU defaults) in a scratch folder whose
data/ is this recipe's output folder; a last cell prints the run's figures as JSON. They are written to
reports/full_run.json with the curves as reports/full_run_curves.png, and printed.
"""
import json
import os
import tempfile
import time
from pathlib import Path

import nbformat

from labkit import BUILD_DATA_DIR, REPO_ROOT

LAB = "finetune-encoder"
SUMMARY_CELL = '''
import json
print("SUMMARY" + json.dumps({
    "device": str(device), "settings": SETTINGS, "main_run_seconds": round(main_seconds, 1),
    "main_history": history, "chosen_run": best_name,
    "validation_best": {name: max(r["validation_balanced_accuracy"] for r in h) for name, (_, h) in runs.items()},
    "optimizers_best": {name: max(r["validation_balanced_accuracy"] for r in h) for name, h in optimizer_histories.items()},
    "test": {name: {"accuracy": (p == test_labels).float().mean().item(),
                    "balanced_accuracy": balanced_accuracy(p, test_labels)} for name, p in results.items()},
    "test_balance": class_counts(test_labels),
    "disputed": {str(paper): dict(counts, bag_of_words=bag_votes[paper]["verdict"], lab2_6=LAB_2_6[paper])
                 for paper, counts in votes.items()},
}))
'''


def full_run(notebook_path, data_dir, tests_dir):
    """Execute the notebook with LAB_FULL_RUN=1 next to data_dir; return (executed notebook, seconds)."""
    import nbclient

    notebook = nbformat.read(notebook_path, as_version=4)
    notebook.cells = [c for c in notebook.cells if "grader.export(" not in c.source]  # it needs the .ipynb file
    notebook.cells.append(nbformat.v4.new_code_cell(SUMMARY_CELL))
    with tempfile.TemporaryDirectory() as scratch:
        (Path(scratch) / "data").symlink_to(data_dir.resolve())
        (Path(scratch) / "tests").symlink_to(tests_dir.resolve())
        started = time.perf_counter()
        client = nbclient.NotebookClient(notebook, timeout=1800, resources={"metadata": {"path": scratch}})
        client.execute(env=dict(os.environ, LAB_FULL_RUN="1"))
        return notebook, time.perf_counter() - started


def summary_of(notebook):
    """The JSON printed by SUMMARY_CELL."""
    text = "".join(o.get("text", "") for o in notebook.cells[-1].outputs if o.output_type == "stream")
    return json.loads(text[text.index("SUMMARY") + len("SUMMARY"):])


def format_summary(summary, seconds):
    lines = [f"{LAB}: full run on {summary['device']} in {seconds:.0f} s (main fine-tuning "
             f"{summary['main_run_seconds']:.0f} s), settings {summary['settings']}",
             f"  test passages {summary['test_balance']}", f"  {'test':45s} {'accuracy':>9s} {'balanced':>9s}"]
    lines += [f"  {name:45s} {v['accuracy']:9.3f} {v['balanced_accuracy']:9.3f}" for name, v in summary["test"].items()]
    lines.append(f"  {'paper':>5s} {'Hamilton':>8s} {'Madison':>8s}  {'fine-tuned':10s} {'bag of words':12s} Lab 2-6")
    lines += [f"  {paper:>5s} {v['Hamilton']:8d} {v['Madison']:8d}  {v['verdict']:10s} {v['bag_of_words']:12s} {v['lab2_6']}"
              for paper, v in summary["disputed"].items()]
    return "\n".join(lines)


def bench():
    """Run the lab's full CPU run once; write reports/full_run.{json,png}; print the figures."""
    from labkit.authoring.build import solution_notebook
    from labkit.authoring.figures import tagged_images

    out = BUILD_DATA_DIR / LAB
    notebook, seconds = full_run(solution_notebook(LAB), out, REPO_ROOT / "tests" / LAB)
    summary = dict(summary_of(notebook), notebook_seconds=round(seconds, 1))
    reports = out / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "full_run.json").write_text(json.dumps(summary, indent=2))
    curves = tagged_images(notebook).get("curves")
    if curves:
        (reports / "full_run_curves.png").write_bytes(curves)
    print(format_summary(summary, seconds), flush=True)
