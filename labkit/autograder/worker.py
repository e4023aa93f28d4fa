"""Grades one submission: runs its code cells in a kernel of the student's, then the tests here, in trusted code.

Started by supervise.py with {"sources": test sources, "account": [uid, gid] or null} on stdin; prints the
content of results.json on stdout. The kernel runs as the student's account (sandbox.py) and never receives test
source: the test cases run in this process (testing.py) against proxies of the notebook's variables. Each cell
has a time limit; a cell that outlives it twice, or that kills the kernel, is skipped and the notebook run again
without it.
"""
import importlib
import json
import os
import secrets
import shutil
import signal
import socket
import sys
import threading
import zipfile
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from . import sandbox
from .answers import manual_answers, results_entries
from .entries import TIME_OUTS, TIMING, instructors_entry
from .results import Grading, gradescope_results
from .supervise import lean_otter, load_config

HERE = Path(__file__).resolve().parent
MAX_RUNS = 4
# What a submitted zip may hold: only its notebooks are unpacked, and only this much of them.
MAX_ZIP_ENTRIES, MAX_ZIP_DEPTH, MAX_UNPACKED_MB = 1000, 20, 200
TIME_OUT = "Time-out:"
# The kernel's `otter` while grading: the notebook only makes a `grader` whose checks do nothing (the tests run in
# the grader afterwards). The real otter loads pandas, nbconvert and its exporters: 90 MiB the kernel does not need.
OTTER_STAND_IN = """
import sys as _sys, types as _types
class _Notebook:
    def __init__(self, *args, **kwargs):
        pass
    def __getattr__(self, name):
        return lambda *args, **kwargs: None
    @classmethod
    def init_grading_mode(cls, *args, **kwargs):
        pass
_sys.modules["otter"] = _types.ModuleType("otter")
_sys.modules["otter"].Notebook = _Notebook
del _sys, _types, _Notebook
"""  # how testing.py's message for a test case that ran past its limit begins


def find_notebook(submission, lab, problems):
    """The notebook to grade among the submitted files (inside a grader.export zip too), or None."""
    files = sorted(p for p in submission.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts)
    unpacked = submission.parent / "unpacked"
    for archive in (p for p in files if p.suffix == ".zip"):
        try:
            with zipfile.ZipFile(archive) as zf:
                unpack_notebooks(zf, unpacked / archive.stem)
        except ValueError as err:
            problems.append(f"{archive.name} was not unpacked: {err}.")
        except (zipfile.BadZipFile, OSError, NotImplementedError, EOFError) as err:
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


def unpack_notebooks(zf, target):
    """Unpack the notebooks of `zf` into `target`, within MAX_ZIP_ENTRIES, MAX_ZIP_DEPTH and MAX_UNPACKED_MB
    (counted while unpacking: a zip's declared sizes may lie); ValueError when the zip exceeds them."""
    entries = zf.infolist()
    if len(entries) > MAX_ZIP_ENTRIES:
        raise ValueError(f"it holds {len(entries)} files, more than the {MAX_ZIP_ENTRIES} a submission may")
    budget = MAX_UNPACKED_MB << 20
    for entry in entries:
        parts = Path(entry.filename).parts
        if not entry.filename.endswith(".ipynb") or ".." in parts or Path(entry.filename).is_absolute():
            continue
        if len(parts) > MAX_ZIP_DEPTH:
            raise ValueError(f"it nests folders more than {MAX_ZIP_DEPTH} deep")
        destination = target.joinpath(*parts)
        destination.parent.mkdir(parents=True, exist_ok=True)
        with zf.open(entry) as source, open(destination, "wb") as copy:
            while chunk := source.read(1 << 20):
                budget -= len(chunk)
                if budget < 0:
                    raise ValueError(f"its notebooks unpack to more than {MAX_UNPACKED_MB} MB")
                copy.write(chunk)


def read_notebook(path, problems):
    try:
        return nbformat.read(path, as_version=4)
    except Exception as err:
        problems.append(f"{path.name} is not a valid Jupyter notebook: {type(err).__name__}: {str(err)[:200]}")
        return None


class KernelGarbled(RuntimeError):
    """The kernel sent messages that cannot be read (only a kernel whose code was tampered with does)."""


def describe(index, cell):
    first = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    return f"code cell {index + 1} (`{first[:60]}`)"


class SandboxedKernelManager(AsyncKernelManager):
    """Starts the kernel through sandbox.py, over ipc sockets in the kernel's home (it may have no network)."""

    @property
    def kernel_spec(self):
        return KernelSpec(argv=[sys.executable, str(HERE / "sandbox.py"), "{connection_file}"],
                          display_name="Python 3 (student)", language="python")


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
    """One kernel session as the student: the setup cell, the student's code cells, then the channel for the tests."""

    def __init__(self, home, config, account):
        self.home, self.config, self.account = home, config, account
        self.observed = {}  # the kernel's isolation, once it runs (sandbox.observe)
        self.report = home.parent / ".labkit-isolation.json"  # written by the launcher: the grader's folder
        self.name = f"_labkit_{secrets.token_hex(8)}"
        self.sock, self.kernel_end = socket.socketpair()
        notebook = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "language": "python",
                                                                     "display_name": "Python 3"}})
        manager = SandboxedKernelManager(transport="ipc", ip=str(home / ".kernel"))
        self.client = Client(notebook, km=manager, timeout_func=lambda cell: cell.metadata["labkit_timeout"],
                             allow_errors=True, interrupt_on_timeout=True, shutdown_kernel="immediate",
                             startup_timeout=config["total_timeout"],  # a busy quarter CPU starts kernels slowly
                             resources={"metadata": {"path": str(home)}})

    def kernel(self):
        """A context in which the kernel runs (as the student when `account` is set)."""
        uid, gid = self.account or (None, None)
        settings = {"uid": uid, "gid": gid, "home": str(self.home), "channel": self.kernel_end.fileno(),
                    "memory_mb": self.config["memory_mb"], "report": str(self.report)}
        return self.client.setup_kernel(env=dict(os.environ, LABKIT_SANDBOX=json.dumps(settings)),
                                        pass_fds=[self.kernel_end.fileno()])

    def execute(self, source, index, timeout):
        cell = nbformat.v4.new_code_cell(source, metadata={"labkit_timeout": timeout})
        self.client.nb.cells.append(cell)
        try:
            self.client.execute_cell(cell, index)
        except (CellTimeoutError, DeadKernelError):
            raise
        except Exception as err:
            raise KernelGarbled(f"{type(err).__name__}: {err}") from err
        return cell

    def setup(self):
        """The first cell: a stand-in for otter, load channel.py as a module of its own, silence grader.check, seed."""
        return (f"{OTTER_STAND_IN}\nimport types\n{self.name} = types.ModuleType('labkit_channel')\n"
                f"exec(compile({(HERE / 'channel.py').read_text()!r}, 'labkit_channel', 'exec'), "
                f"{self.name}.__dict__)\n{self.name}.grading_mode()\n{self.name}.seed_all({self.config['seed']})\n"
                "del types")

    def start_serving(self):
        """Leave the kernel running a cell that serves the tests over its end of the socket pair."""
        self.client.kc.execute(f"{self.name}.serve(3, globals())", store_history=False)

    def interrupt(self):
        os.kill(self.client.km.provisioner.process.pid, signal.SIGINT)


def execute_submission(cells, config, run, grading):
    """Run `cells`, then the public and the hidden test cases; fill `grading`.

    Raises DeadKernelError, CellTimeoutError or KernelGarbled when a student cell kills the kernel, cannot be
    interrupted or garbles the kernel's messages.
    """
    setup = run.execute(run.setup(), 0, config["total_timeout"])
    run.observed = sandbox.observe(run.client.km.provisioner.process.pid, run.report,
                                   sandbox.memory_limits(config["memory_mb"]))
    if any(o.get("output_type") == "error" for o in setup.outputs):
        raise RuntimeError(f"grading setup failed: {setup.outputs}")
    for index, cell in enumerate(cells):
        grading.last_cell = index
        grading.note_cell(describe(index, cell), run.execute(cell.source, index + 1, config["cell_timeout"]),
                          config["cell_timeout"])
    grading.last_cell = None
    run.kernel_end.close()
    run.start_serving()
    from . import testing

    testing.test_notebook(run.sock, run.interrupt, grading, config)


def fresh_home(files, home, account):
    """An empty `home` holding a copy of the autograder's files (data/...), owned by the student's account."""
    sandbox.remove_tree(home)
    shutil.copytree(files, home) if files.is_dir() else home.mkdir()
    if account:
        for path in [home, *home.rglob("*")]:
            os.chown(path, *account, follow_symlinks=False)
        home.chmod(0o700)


def grade(root, config, sources, account):
    """Grade root/submission with the test `sources`; (the Grading, the kernel's isolation: sandbox.observe)."""
    grading, observed = Grading(sources), {}
    notebook_path = find_notebook(root / "submission", config["lab"], grading.problems)
    notebook = notebook_path and read_notebook(notebook_path, grading.problems)
    if notebook is None:
        return grading, observed
    grading.answer_entries = results_entries(manual_answers(notebook.cells, config.get("manual_questions", [])))
    cells = [c for c in notebook.cells if c.cell_type == "code"]
    if not any(c.source.strip() for c in cells):
        grading.problems.append(f"{notebook_path.name} has no code to run.")
    home = root / "grading"
    os.chdir(root / "source" / "files" if (root / "source" / "files").is_dir() else root)  # pristine data
    skipped = {}
    for _ in range(MAX_RUNS):
        if account:
            sandbox.kill_account(account[0])  # what an earlier run left
        fresh_home(root / "source" / "files", home, account)
        grading.reset(skipped)
        run = Run(home, config, account)
        try:
            with run.kernel():
                execute_submission([nbformat.v4.new_code_cell("pass") if i in skipped else c
                                    for i, c in enumerate(cells)], config, run, grading)
            break
        except (DeadKernelError, CellTimeoutError, KernelGarbled) as err:
            index = grading.last_cell
            if index is None or index in skipped:
                raise
            why = {CellTimeoutError: "never finished", KernelGarbled: "made the kernel send malformed messages"}.get(
                type(err), "ended the Python process (kernel died)")
            skipped[index] = f"{describe(index, cells[index])} {why}; it was skipped and the notebook run again."
        finally:
            observed = run.observed or observed
            run.sock.close()
            run.kernel_end.close()
    else:
        grading.problems.append("Too many cells had to be skipped; grading gave up.")
    check_tests_untouched(root, home, grading)
    return grading, observed


def check_tests_untouched(root, home, grading):
    """Flag a submission that wrote test files (the tests are graded from memory, never from disk)."""
    written = [p for d in (root / "source" / "tests", home / "tests") if d.is_dir() for p in d.rglob("*")]
    if written:
        grading.problems.append("The submission created or changed test files, so it earns no credit.")
        grading.flag([f"The submission wrote test files: {', '.join(map(str, written))[:1000]}"])


def time_outs(grading):
    """The instructors-only entry listing what ran past a time limit (test cases and cells), or None."""
    found = [f"{path}: {outcome['message'].split(TIME_OUT, 1)[1].strip()}"
             for phase in grading.outcomes.values() for path, outcomes in phase.items() for outcome in outcomes
             if outcome["message"].startswith(f"❌ Test case failed\n{TIME_OUT}")]
    found += [note for note in grading.cell_notes if "(the time limit per cell)" in note]
    found += [note for note in grading.skipped.values() if "never finished" in note]
    return found and instructors_entry(TIME_OUTS, "Ran past a time limit (not a wrong answer):\n" + "\n".join(found))


def timing(grading, config, shown=5):
    """The instructors-only entry naming the slowest test cases and their wall times, or None when none ran."""
    cases = sorted(((outcome["seconds"], f"{outcome['name']} ({phase})") for phase, files in grading.outcomes.items()
                    for outcomes in files.values() for outcome in outcomes), reverse=True)
    if not cases:
        return None
    lines = [f"{name}: {seconds:.1f} s" for seconds, name in cases[:shown]]
    header = f"The slowest test cases (of {len(cases)}; limit {config['test_timeout']} s each):"
    return instructors_entry(TIMING, "\n".join([header, *lines]), passed=True)


def main(root):
    lean_otter()
    threading.Thread(target=importlib.import_module, args=(f"{__package__}.testing",), daemon=True).start()
    request, config = json.loads(sys.stdin.read()), load_config(root)
    grading, observed = grade(root, config, request["sources"], request["account"])
    results = gradescope_results(grading)
    for entry in (time_outs(grading), timing(grading, config)):
        if entry:
            results["tests"].append(entry)
    print(json.dumps({"results": results, "isolation": observed}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
