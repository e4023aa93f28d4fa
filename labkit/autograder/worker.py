"""Grades one submission: run its code cells in a fresh kernel, then the pristine tests, then write results.json.

Started by supervise.py with the test sources on stdin. Each cell has a time limit; a cell that outlives it
twice, or that kills the kernel (os._exit, a crash), is skipped and the notebook is run again without it.
Public test cases run before the hidden ones reach the kernel, so nothing a submission does while the public
tests run can see hidden tests.
"""
import json
import secrets
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from answers import manual_answers, results_entries
from results import Grading, write_results
from supervise import load_config

HARNESS = Path(__file__).with_name("harness.py")
MAX_RUNS = 4


def find_notebook(submission, lab, problems):
    """The notebook to grade among the submitted files (inside a grader.export zip too), or None."""
    files = sorted(p for p in submission.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts)
    unpacked = submission.parent / "unpacked"
    for archive in (p for p in files if p.suffix == ".zip"):
        try:
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(unpacked / archive.stem)
        except (zipfile.BadZipFile, OSError) as err:
            problems.append(f"{archive.name} is not a readable zip file ({err}).")
    notebooks = [p for p in files if p.suffix == ".ipynb"]
    notebooks += sorted(p for p in unpacked.rglob("*.ipynb") if not any(part.startswith((".", "__")) for part in
                                                                       p.relative_to(unpacked).parts))
    if not notebooks:
        names = ", ".join(p.name for p in files) or "nothing"
        problems.append(f"No Jupyter notebook (.ipynb) found in the submission (found: {names}). "
                        f"Submit {lab}.ipynb or the zip written by grader.export().")
        return None
    chosen = next((p for p in notebooks if p.name == f"{lab}.ipynb"), notebooks[0])
    if len(notebooks) > 1:
        problems.append(f"Several notebooks were submitted; graded {chosen.name}.")
    return chosen


def read_notebook(path, problems):
    try:
        return nbformat.read(path, as_version=4)
    except Exception as err:
        problems.append(f"{path.name} is not a valid Jupyter notebook: {type(err).__name__}: {str(err)[:200]}")
        return None


def describe(index, cell):
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    return f"code cell {index + 1} (`{first[:60]}`)"


class Client(NotebookClient):
    """A NotebookClient that interrupts a cell at its time limit and gives up on it at twice the limit.

    Each cell's limit is its metadata's `labkit_timeout`.
    """

    async def _async_handle_timeout(self, timeout, cell=None):
        if cell.metadata.get("labkit_interrupted"):
            raise CellTimeoutError.error_from_timeout_and_cell("Cell execution timed out", timeout, cell)
        cell.metadata["labkit_interrupted"] = True
        await self.km.interrupt_kernel()


class Run:
    """One kernel session: the harness cell, the student's code cells, then the test cells."""

    def __init__(self, workdir, config):
        self.config = config
        self.name = f"_labkit_{secrets.token_hex(8)}"
        notebook = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                     "display_name": "Python 3"}})
        self.client = Client(notebook, timeout_func=lambda cell: cell.metadata["labkit_timeout"], allow_errors=True,
                             kernel_name="python3", interrupt_on_timeout=True,
                             resources={"metadata": {"path": str(workdir)}})

    def execute(self, source, index, timeout):
        cell = nbformat.v4.new_code_cell(source, metadata={"labkit_timeout": timeout})
        self.client.nb.cells.append(cell)
        self.client.execute_cell(cell, index)
        return cell

    def harness(self):
        """The first cell: load harness.py as a module of its own, snapshot, seed, silence grader.check."""
        return (f"import types\n{self.name} = types.ModuleType('labkit_harness')\n"
                f"exec(compile({HARNESS.read_text()!r}, 'labkit_harness', 'exec'), {self.name}.__dict__)\n"
                f"{self.name} = {self.name}.Harness({self.config['seed']})\n{self.name}.grading_mode()\ndel types")

    def tests(self, sources, results_path):
        """Run the test cases of `sources` in the kernel; their outcome, or None when none was written."""
        self.execute(f"{self.name}.run_tests(globals(), {sources!r}, {str(results_path)!r}, "
                     f"{self.config['test_timeout']})", len(self.client.nb.cells), self.config["total_timeout"])
        outcome = json.loads(results_path.read_text()) if results_path.exists() else None
        shutil.rmtree(results_path.parent, ignore_errors=True)
        return outcome


def execute_submission(cells, config, run, grading):
    """Run `cells`, then the public and then the hidden test cases; fill `grading`.

    Raises DeadKernelError or CellTimeoutError when a student cell kills the kernel or cannot be interrupted.
    """
    harness = run.execute(run.harness(), 0, config["total_timeout"])
    if any(o.get("output_type") == "error" for o in harness.outputs):
        raise RuntimeError(f"grading harness failed: {harness.outputs}")
    for index, cell in enumerate(cells):
        grading.last_cell = index
        grading.note_cell(describe(index, cell), run.execute(cell.source, index + 1, config["cell_timeout"]),
                           config["cell_timeout"])
    grading.last_cell = None
    for phase, sources in (("public", grading.public_sources), ("hidden", grading.hidden_sources)):
        results_path = Path(tempfile.mkdtemp()) / f"{secrets.token_hex(8)}.json"
        try:
            outcome = run.tests(sources, results_path)
        except (DeadKernelError, CellTimeoutError):
            outcome = None
        if outcome is None:
            grading.problems.append(f"The {phase} tests could not finish (the submission stopped or disrupted "
                                    "them); those tests score 0.")
            return
        grading.record(phase, outcome)


def fresh_workdir(files, workdir):
    """An empty `workdir` holding a copy of the autograder's files (data/...), as each run's working directory."""
    shutil.rmtree(workdir, ignore_errors=True)
    shutil.copytree(files, workdir) if files.is_dir() else workdir.mkdir()


def grade(root, config, sources):
    """Grade root/submission with the test `sources`; return the Grading (results not yet written)."""
    grading = Grading(sources)
    notebook_path = find_notebook(root / "submission", config["lab"], grading.problems)
    notebook = notebook_path and read_notebook(notebook_path, grading.problems)
    if notebook is None:
        return grading
    grading.answer_entries = results_entries(manual_answers(notebook.cells, config.get("manual_questions", [])))
    cells = [c for c in notebook.cells if c.cell_type == "code"]
    if not any(c.source.strip() for c in cells):
        grading.problems.append(f"{notebook_path.name} has no code to run.")
    workdir = root / "grading"
    skipped = {}
    for _ in range(MAX_RUNS):
        fresh_workdir(root / "source" / "files", workdir)
        grading.reset(skipped)
        run = Run(workdir, config)
        try:
            with run.client.setup_kernel():
                execute_submission([nbformat.v4.new_code_cell("pass") if i in skipped else c
                                    for i, c in enumerate(cells)], config, run, grading)
            break
        except (DeadKernelError, CellTimeoutError) as err:
            index = grading.last_cell
            if index is None or index in skipped:
                raise
            why = "never finished" if isinstance(err, CellTimeoutError) else "ended the Python process (kernel died)"
            skipped[index] = f"{describe(index, cells[index])} {why}; it was skipped and the notebook run again."
    else:
        grading.problems.append("Too many cells had to be skipped; grading gave up.")
    check_tests_untouched(root, workdir, grading)
    return grading


def check_tests_untouched(root, workdir, grading):
    """Flag a submission that wrote test files (the tests are graded from memory, never from disk)."""
    written = [p for d in (root / "source" / "tests", workdir / "tests") if d.is_dir() for p in d.rglob("*")]
    if written:
        grading.flags.append(f"The submission wrote test files: {', '.join(map(str, written))[:1000]}")
        grading.problems.append("The submission created or changed test files, so it earns no credit.")


def main(root):
    config = load_config(root)
    sources = json.loads(sys.stdin.read())
    grading = grade(root, config, sources)
    write_results(root, grading)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
