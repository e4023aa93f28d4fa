"""`make bench`: median wall time of running each solution notebook and of grading it with its autograder zip,
then each recipe's own benchmark (e.g. training figures), if it has one."""
import statistics
import tempfile
import time

from labkit.authoring.build import autograder_zip, build_lab, execute_notebook, lab_names, solution_notebook
from labkit.data import recipes
from labkit.grading.submission import grade_submission

TARGETS = {"notebook": 60.0, "grading": 60.0}  # ../shared/LAB-STANDARD.md, on 2 CPU cores


def grade_solution(lab):
    with tempfile.TemporaryDirectory() as workdir:
        grade_submission(autograder_zip(lab), solution_notebook(lab), workdir)


def median_seconds(task, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        task()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench(labs=None, runs=3):
    """Print the median of `runs` timings per lab and measurement, against its target."""
    for lab in labs or lab_names():
        build_lab(lab)
        tasks = {"notebook": lambda: execute_notebook(solution_notebook(lab)), "grading": lambda: grade_solution(lab)}
        for name, task in tasks.items():
            seconds = median_seconds(task, runs)
            verdict = "ok" if seconds <= TARGETS[name] else "SLOW"
            print(f"{lab:<12} {name:<10} median {seconds:6.2f} s of {runs} runs (target <= {TARGETS[name]:g} s) {verdict}",
                  flush=True)
        recipe = recipes.load(lab)
        if recipe.bench:
            recipe.bench()
