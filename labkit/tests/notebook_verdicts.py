"""What `grader.check` says in the notebook: a variant submission run in a fresh process, as a student runs it.

The autograder grades in an isolated kernel and hands student code copies (contiguous tensors, values instead
of views). A variant suite compares the public verdicts found here with the autograder's PUBLIC_TESTS entry,
so that a student is never told one thing by the notebook and another by Gradescope.
"""
import contextlib
import io
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import matplotlib
import nbformat

from labkit.autograder.entries import PUBLIC_TESTS
from labkit.tests.variant_suite import solution_notebook, with_snippets


def notebook_public_verdicts(suite, label, questions):
    """{question: True when grader.check passes} after running the submission `label` of `suite` top to bottom
    in a fresh Python process (the way a student runs it; training shortened as when grading): nothing an
    earlier test left in the test runner's process (imported modules, patched functions) can change a verdict."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(run_in_this_process, suite, label, questions).result()


def run_in_this_process(suite, label, questions):
    """notebook_public_verdicts, computed in the calling process."""
    matplotlib.use("Agg")
    names = suite.submissions[label]
    snippets = [(suite.variants[n].anchor, (suite.folder / f"{n}.py").read_text()) for n in names]
    notebook = with_snippets(solution_notebook(suite.lab), snippets)
    namespace = {"__name__": "__main__"}
    here, grading = os.getcwd(), os.environ.get("LABKIT_GRADING")
    os.chdir(suite.master.parent)  # the setup cell finds the lab's data and tests from the master's folder
    os.environ["LABKIT_GRADING"] = "1"
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            for cell in notebook.cells:
                if cell.cell_type == "code" and not cell.source.startswith(("grader.check(", "grader.export")):
                    with contextlib.suppress(Exception):  # a failing cell fails its checks, as in Jupyter
                        exec(compile(cell.source, "<cell>", "exec"), namespace)
            grader = namespace["grader"]
            return {q: grader.check(q, global_env=namespace).passed_all for q in questions}
    finally:
        os.chdir(here)
        if grading is None:
            os.environ.pop("LABKIT_GRADING", None)
        else:
            os.environ["LABKIT_GRADING"] = grading
        import matplotlib.pyplot as plt
        plt.close("all")


def autograder_public_verdicts(result):
    """{question: True when its public tests pass}, from the autograder's PUBLIC_TESTS entry."""
    output = next(t["output"] for t in result["results"]["tests"] if t.get("name") == PUBLIC_TESTS)
    return {question: f"{question} results: All test cases passed!" in output for question in result["possible"]}
