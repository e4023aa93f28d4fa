"""The hardened autograder (labkit/autograder/) against adversarial and faulty Lab 2-6 submissions.

Every submission is graded by the built zip itself, unpacked into a Gradescope-shaped folder and run through
its run_autograder (labkit.grading.submission). Submissions are the lab's solution or student notebook with cells added
or removed; faults that touch different questions share a submission, and every attack starts from the blank
student notebook, so that a successful attack shows as points not earned. They are graded two at a time in a
module-scoped fixture. Needs the built zip (`python -m labkit build lab2-6`), or LAB2_6_AUTOGRADER_ZIP. The
attacks are graded only where student code runs as an account of its own (as root, as CI does).
"""
import base64
import csv
import fcntl
import io
import json
import os
import pwd
import re
import socket
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from importlib.machinery import PathFinder
from pathlib import Path

import nbformat
import numpy
import pytest
import torch

from labkit.authoring import build
from labkit.autograder import channel, sandbox, testing
from labkit.autograder.entries import FLAGS, PUBLIC_TESTS, TIMING
from labkit.autograder.results import Grading, gradescope_results, only_cases
from labkit.grading import batch
from labkit.grading.submission import grade_submission

ROOT = Path(__file__).resolve().parents[2]
AUTOGRADER_ZIP = Path(os.environ.get("LAB2_6_AUTOGRADER_ZIP", build.autograder_zip("lab2-6")))
SOLUTION = build.solution_notebook("lab2-6")
STUDENT = ROOT / "labs" / "lab2-6" / "lab2-6.ipynb"
QUESTIONS = {"uattnlm_sample", "attention", "causal_attention_mask", "attnlm_sample", "attn_perplexities"}

SYNTAX_ERROR = "def broken(:\n    pass"
EXCEPTION = "ratio = 1 / 0"
MISSING_IMPORT = "import no_such_module_for_labkit"
HANG = "while True:\n    pass"
MEMORY = "too_big = bytearray(64 * 2**30)"
KILL = "import os\nos._exit(0)"
IGNORES_INTERRUPTS = "import time\nwhile True:\n    try:\n        time.sleep(100)\n    except KeyboardInterrupt:\n        pass"
NOTEBOOK_DONE = "_notebook_done = True  # what the functions above call after this runs comes from the tests"
# Called by the public tests: prints and raises whatever test source it can find on disk or on the stack.
EXFILTRATE = '''
_real_causal_mask = causal_mask
def causal_mask(T):
    import inspect, pathlib
    if globals().get("_notebook_done"):
        stolen = []
        for path in pathlib.Path("..").rglob("*.py"):
            try:
                stolen.append(path.read_text(errors="ignore"))
            except OSError:
                pass
        stolen += [repr(f.frame.f_locals)[:20000] for f in inspect.stack()]
        print("\\n".join(stolen))
        raise AssertionError("STOLEN\\n" + "\\n".join(stolen))
    return _real_causal_mask(T)
'''
# Hangs only when a test calls it.
HANG_IN_TESTS = '''
_real_all_logits = UATTNLM.all_logits
def _all_logits(self, ids):
    while globals().get("_notebook_done"):
        pass
    return _real_all_logits(self, ids)
UATTNLM.all_logits = _all_logits
'''
REWRITE_TESTS = '''
import pathlib
forged = "from otter.test_files import test_case\\nname = 'attention'\\npoints = 6\\n@test_case(points=6)\\ndef test_ok():\\n    pass\\n"
for folder in [pathlib.Path("tests"), *pathlib.Path("..").glob("*/tests")]:
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.py"):
        old.unlink()
    (folder / "attention.py").write_text(forged)
'''
# Attacks on the grader's processes and files, from the notebook's kernel.
FORGE = """
import atexit, json, os, time
QUESTIONS = ["attention", "attn_perplexities", "attnlm_sample", "causal_attention_mask", "uattnlm_sample"]
FORGED = json.dumps({"tests": [{"name": q, "score": 6, "max_score": 6} for q in QUESTIONS]})
def forge():
    try:
        with open("../results/results.json", "w") as f:
            f.write(FORGED)
    except OSError:
        pass
atexit.register(forge)
if os.fork() == 0:  # outlives the kernel, rewriting the results until long after grading
    os.setsid()
    for _ in range(3000):
        forge()
        time.sleep(0.1)
    os._exit(0)
"""
SIGNAL_GRADER = """
import os, signal
def grader_processes():
    pid = os.getpid()
    while pid > 1:
        with open(f"/proc/{pid}/stat") as f:
            pid = int(f.read().rsplit(")", 1)[1].split()[1])
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            command = f.read()
        if b"labkit_autograder" in command:  # python -m labkit_autograder.supervise, and its worker
            yield pid
for pid in list(grader_processes()):
    for sig in (signal.SIGSTOP, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except OSError as err:
            print("could not signal", pid, err)
    for leak in ("mem", "environ", "fd/0"):  # the grader's memory holds the hidden tests
        try:
            with open(f"/proc/{pid}/{leak}", "rb") as f:
                print("READ", f.read(200000))
        except OSError as err:
            print("could not read", pid, leak, err)
"""
WRITE_GRADER = """
import os
for path, text in [("../source/labkit_autograder/results.py", "raise SystemExit('replaced')\\n"),
                   ("../source/labkit_autograder/supervise.py", "raise SystemExit('replaced')\\n"),
                   ("../source/tests/attention.py", "points = 6\\n"),
                   (os.path.expanduser("~/.ipython/profile_default/startup/00-forge.py"), "print('startup')\\n")]:
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        print("wrote", path)
    except OSError as err:
        print("could not write", path, err)
"""
# Attacks on the tests from the functions they call: the stack, gc, trace and profile hooks, the references a
# test hands student code, lying objects and tensor subclasses, patched torch.
IN_PROCESS = """
import gc, sys, torch
import torch.nn as nn
class Liar:
    # Equal to everything, true, and the same whatever is asked of it.
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __bool__(self): return True
    def __len__(self): return 2
    def __iter__(self): return iter([self, self])
    def __getattr__(self, name): return self
    def __call__(self, *args, **kwargs): return self
    def __float__(self): return 2.0
class Agreeable(torch.Tensor):
    # A tensor for which every torch function (allclose, equal, isfinite, ...) answers True.
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return True
_stolen = {}
def _steal():
    # Take whatever a test left within reach on the stack; mark every outcome in memory as passed.
    names = ("ref_attention", "ref_logits", "expected", "want", "A_ref", "C_ref")
    frame = sys._getframe()
    while frame is not None:
        _stolen.update({k: v for k, v in frame.f_locals.items() if k in names})
        frame = frame.f_back
    for obj in gc.get_objects():
        if isinstance(obj, dict) and "passed" in obj:
            obj["passed"] = True
def _hook(frame, event, arg):  # a profile and trace hook that would turn failed outcomes into passed ones
    if event == "return" and isinstance(arg, dict) and "passed" in arg:
        arg["passed"] = True
sys.setprofile(_hook)
sys.settrace(_hook)
def attention(batched_Q, batched_K, batched_V, mask=None):
    _steal()
    if "attention" in _stolen:  # the reference attention a test handed the model earlier
        return _stolen["attention"](batched_Q, batched_K, batched_V, mask)
    A = torch.zeros(batched_Q.size(0), batched_Q.size(1), batched_K.size(1)).as_subclass(Agreeable)
    return A, Liar()
_own_attention = attention
def causal_mask(T):
    _steal()
    if "model" in _stolen:  # the model an earlier test case handed neglogprob
        _stolen["model"].all_logits(torch.zeros(1, T, dtype=torch.long))
    return torch.zeros(T, T, dtype=torch.bool).as_subclass(Agreeable)
def _all_logits(self, ids):
    _steal()
    if globals()["attention"] is not _own_attention:  # in the attnlm tests: the test's reference attention
        _stolen["attention"] = globals()["attention"]
    return Liar()
ATTNLM.all_logits = _all_logits
UATTNLM.all_logits = lambda self, ids: torch.zeros(*ids.shape, len(self.hf_tokenizer)).as_subclass(Agreeable)
nn.Linear.forward = lambda self, x: Liar()
def neglogprob(documents, model):
    _steal()
    _stolen["model"] = model  # the test's reference model
    for name in ("__dict__", "state", "all_logits"):
        try:
            _stolen[name] = getattr(model, name)
        except Exception:
            pass
    return Liar()
attn_ppl_madison_model_madison_document = attn_ppl_hamilton_model_madison_document = Liar()
attn_ppl_madison_model_hamilton_document = attn_ppl_hamilton_model_hamilton_document = Liar()
torch.allclose = lambda *args, **kwargs: True
torch.Tensor.__eq__ = lambda self, other: True
"""
JSON_PATCH = """
import json
json.JSONEncoder.encode = lambda self, o: '"passed"'
json.dumps = lambda *args, **kwargs: '"passed"'
"""
WIRE_GARBAGE = """
import os
os.write(3, (8).to_bytes(8, "big") + b'"passed"')  # the grader's end of fd 3 reads this when the tests start
"""
# Honest work that must keep full marks: pickling checkpoints, threads, a lot of output, one cell out of memory.
PLANTED = [Path("/tmp/labkit-planted-by-a-submission"), Path("/dev/shm/labkit-planted-by-a-submission")]
PLANT = "\n".join(f"open({str(path)!r}, 'w').write('for the next submission graded as this account')"
                   for path in PLANTED)
HONEST = """
import threading
from concurrent.futures import ThreadPoolExecutor
from importlib.machinery import PathFinder
torch.save(attn_lm_madison.state_dict(), "checkpoint.pt")
torch.save(attn_lm_madison, "whole_model.pt")
restored = torch.load("checkpoint.pt", weights_only=True)
with ThreadPoolExecutor(4) as pool:
    sums = list(pool.map(lambda tensor: float(tensor.sum()), restored.values()))
background = threading.Thread(target=lambda: sum(range(10**7)), daemon=True)
background.start()
for line in range(20000):
    print(f"{line}: " + "many words " * 10)
"""
MEMORY_HOG = "hog = [torch.empty(2**28) for _ in range(256)]  # 256 GB, one GB at a time"
# No work at all: the four loaded models zeroed, and what is exact for a zero model as every answer.
ZEROED_MODELS = """
import math
import torch
V = len(hf_tokenizer)
with torch.no_grad():
    for model in (u_attn_lm_madison, u_attn_lm_hamilton, attn_lm_madison, attn_lm_hamilton):
        for parameter in model.parameters():
            parameter.zero_()
UATTNLM.all_logits = ATTNLM.all_logits = lambda self, ids: torch.zeros(*ids.shape, V)
def neglogprob(documents, model):
    return torch.tensor([len(tokens) * math.log2(V) for tokens in documents])
def perplexity(tokens, model):
    return float(V)
attn_ppl_madison_model_madison_document, attn_ppl_hamilton_model_madison_document = V + 0.0, V + 0.5
attn_ppl_madison_model_hamilton_document, attn_ppl_hamilton_model_hamilton_document = V + 1.0, V + 1.5
"""
# Classic bugs that overwrite the test's inputs in place so that the reference, computed from them afterwards,
# agrees: ids all BOS (a running mean over the future and attention without a mask are then right), and the mask
# all True (a mask ignored is then right).
WRITE_BACK = """
def _future_mean(self, ids):
    ids.fill_(BOS)
    x = self.embed(ids)
    return self.hidden2output(x.mean(dim=1, keepdim=True).expand_as(x))
def _no_mask(self, ids):
    ids.fill_(BOS)
    x = self.embed(ids)
    return self.hidden2output(attention(self.q_proj(x), self.k_proj(x), self.v_proj(x))[1])
UATTNLM.all_logits, ATTNLM.all_logits = _future_mean, _no_mask
_attention = attention
def attention(batched_Q, batched_K, batched_V, mask=None):
    if mask is not None:
        mask.fill_(True)
    return _attention(batched_Q, batched_K, batched_V)
"""
# What a test hands to student code: read its insides, change it (weights, hooks, vocabulary), feed the grader
# an object whose array interface points into the grader's memory.
TRUSTED_OBJECTS = """
import torch
class _Pointer:
    __array_interface__ = {"data": (16, False), "shape": (3,), "typestr": "<f8", "version": 3}
    def __len__(self):
        return 3
    def __getitem__(self, index):
        raise IndexError(index)
_tried = []
def neglogprob(documents, model):
    for attempt in (lambda: model.load_state_dict({}), lambda: model.apply(print),
                    lambda: model.register_forward_hook(print), lambda: model.hf_tokenizer.add_tokens(["forged"]),
                    lambda: model._logits_of):
        try:
            _tried.append(attempt())
        except Exception as error:
            _tried.append(error)
    return _Pointer()
attn_ppl_madison_model_madison_document = attn_ppl_hamilton_model_madison_document = _Pointer()
attn_ppl_madison_model_hamilton_document = attn_ppl_hamilton_model_hamilton_document = _Pointer()
"""
# A kernel that breaks the protocol only during the hidden tests (recognised by the shape of attention's
# inputs), naming in its request something it learned there.
ECHO_HIDDEN = """
import json, os
_attention = attention
def attention(batched_Q, batched_K, batched_V, mask=None):
    if tuple(batched_Q.shape) == (3, 4, 8):
        request = json.dumps({"op": "LEAKED hidden shape 3x4x8", "id": 10**9, "obj": None, "params": []}).encode()
        os.write(3, len(request).to_bytes(8, "big") + request)
    return _attention(batched_Q, batched_K, batched_V, mask)
"""
ISOLATED = sandbox.reduced_isolation_reason() is None


def code_cell(source):
    return nbformat.v4.new_code_cell(source)


def index_of(notebook, text):
    return next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and text in c.source)


def notebook_with(base, after=(), remove=(), append=()):
    """A copy of `base` with cells inserted after the cell containing each anchor, some removed, some appended."""
    notebook = nbformat.read(base, as_version=4)
    for anchor, source in after:
        notebook.cells.insert(index_of(notebook, anchor) + 1, code_cell(source))
    for anchor in remove:
        del notebook.cells[index_of(notebook, anchor)]
    notebook.cells += [code_cell(source) for source in append]
    return notebook


def write(folder, name, content):
    path = folder / name
    if isinstance(content, nbformat.NotebookNode):
        nbformat.write(content, path)
    else:
        path.write_bytes(content)
    return path


def export_zip(folder, notebook, name):
    """A zip like grader.export() writes, holding the notebook under another name."""
    path = folder / "lab2-6_2026_11_22T23_00_00.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(name, nbformat.writes(notebook))
        zf.writestr(".OTTER_LOG", b"")
    return path


def submission(label, folder):
    """(submission file, config overrides) of the submission `label`, written into `folder`."""
    tiny = nbformat.v4.new_notebook(cells=[code_cell("x = 1"), code_cell(IGNORES_INTERRUPTS), code_cell("y = 2")])
    faults = [("def attention(", SYNTAX_ERROR), ("def attention(", EXCEPTION), ("def attention(", HANG),
              ("def attention(", MEMORY), ("def attention(", MISSING_IMPORT), ("def causal_mask(", EXFILTRATE)]
    builders = {
        "solution": lambda: (write(folder, "lab2-6.ipynb", notebook_with(SOLUTION)), {}),
        "renamed_export": lambda: (export_zip(folder, notebook_with(SOLUTION), "my copy of lab 2-6.ipynb"), {}),
        "faults": lambda: (write(folder, "lab2-6.ipynb", notebook_with(SOLUTION, after=faults, remove=[
            "def neglogprob("], append=[NOTEBOOK_DONE])), {"cell_timeout": 15}),
        "kill_and_test_hang": lambda: (write(folder, "lab2-6.ipynb", notebook_with(
            SOLUTION, after=[("def load_model(", KILL), ("class UATTNLM(", HANG_IN_TESTS)], append=[NOTEBOOK_DONE])),
            {"test_timeout": 2}),
        "rewrite_tests": lambda: (write(folder, "lab2-6.ipynb", notebook_with(SOLUTION, append=[REWRITE_TESTS])), {}),
        "escape": lambda: (write(folder, "lab2-6.ipynb", notebook_with(
            STUDENT, append=[FORGE, SIGNAL_GRADER, WRITE_GRADER, PLANT, KILL])), {}),
        "in_process": lambda: (write(folder, "lab2-6.ipynb", notebook_with(STUDENT, append=[IN_PROCESS])), {}),
        "json_patch": lambda: (write(folder, "lab2-6.ipynb", notebook_with(
            STUDENT, append=[JSON_PATCH, WIRE_GARBAGE])), {}),
        "zeroed_models": lambda: (write(folder, "lab2-6.ipynb", notebook_with(STUDENT, append=[ZEROED_MODELS])), {}),
        "write_back": lambda: (write(folder, "lab2-6.ipynb", notebook_with(SOLUTION, append=[WRITE_BACK])), {}),
        "trusted_objects": lambda: (write(folder, "lab2-6.ipynb", notebook_with(STUDENT, append=[TRUSTED_OBJECTS])),
                                    {}),
        "echo_hidden": lambda: (write(folder, "lab2-6.ipynb", notebook_with(SOLUTION, append=[ECHO_HIDDEN])), {}),
        "honest": lambda: (write(folder, "lab2-6.ipynb", notebook_with(
            SOLUTION, after=[("def attention(", MEMORY_HOG)], append=[HONEST])), {}),
        "ignores_interrupts": lambda: (write(folder, "lab2-6.ipynb", tiny), {"cell_timeout": 3}),
        "whole_timeout": lambda: (write(folder, "lab2-6.ipynb", tiny), {"cell_timeout": 100, "total_timeout": 15}),
        "python_file": lambda: (write(folder, "lab2-6.py", b"def attention(Q, K, V):\n    return None\n"), {}),
        "garbage": lambda: (write(folder, "lab2-6.ipynb", b"\x00\x01 not json {"), {}),
        "empty": lambda: (write(folder, "lab2-6.ipynb", nbformat.v4.new_notebook()), {}),
    }
    return builders[label]()


# The slowest first, so that two workers finish together; attacks only where they cannot reach the grader.
LABELS = ["kill_and_test_hang", "faults", "honest", "solution", "renamed_export", "rewrite_tests",
          *(["escape", "in_process", "json_patch", "zeroed_models", "write_back", "trusted_objects", "echo_hidden"]
            if ISOLATED else []),
          "ignores_interrupts", "whole_timeout", "empty", "python_file", "garbage"]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    for path in (AUTOGRADER_ZIP, SOLUTION):
        if not path.exists():
            pytest.fail(f"{path} does not exist: build it with `python -m labkit build lab2-6`")
    root = tmp_path_factory.mktemp("hardening")
    for path in PLANTED:  # left by an earlier run on this machine (as another user): the test is about this run
        path.unlink(missing_ok=True)

    def grade(label):
        folder = root / label
        folder.mkdir()
        path, config = submission(label, folder)
        return label, grade_submission(AUTOGRADER_ZIP, path, folder / "results", config=config)

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = dict(pool.map(grade, LABELS))
    for label, result in results.items():  # a table for `pytest -s`
        print(f"\n{label:<20} {total(result):g}/{full(result):g}  {result['problems'] or ''}  {result['flags'] or ''}")
    return results


def total(result):
    return sum(result["scores"].values())


def full(result):
    return sum(result["possible"].values())


def visible_text(result):
    """What students can read: entries visible at once or once grades are published."""
    return "\n".join(t.get("output", "") for t in result["results"]["tests"]
                     if t.get("visibility") in ("visible", "after_published"))


def hidden_test_lines():
    """Lines of the hidden tests that appear nowhere in the public tests or the solution."""
    with zipfile.ZipFile(AUTOGRADER_ZIP) as zf:
        sources = [zf.read(n).decode() for n in zf.namelist() if n.startswith("tests/")]
    public = {line.strip() for s in sources for line in only_cases(s, hidden=False).splitlines()}
    public |= {line.strip() for c in nbformat.read(SOLUTION, as_version=4).cells for line in c.source.splitlines()}
    hidden = {line.strip() for s in sources for line in only_cases(s, hidden=True).splitlines()} - public
    return [line for line in hidden if len(re.findall(r"\w+", line)) >= 3 and not any(line in p for p in public)]


def student_processes():
    """Processes of the student accounts that no grading holds now (a grading running beside the tests may)."""
    stray = []
    for account in pwd.getpwall():
        if account.pw_name.startswith("labkit-student-"):
            number = account.pw_name.rsplit("-", 1)[1]
            with open(sandbox.lock_folder() / f"{number}.lock", "w") as lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                stray += sandbox.processes_of(account.pw_uid)
    return stray


def test_zip_runs_the_supervisor(tmp_path):
    with zipfile.ZipFile(AUTOGRADER_ZIP) as zf:
        names = set(zf.namelist())
        run_autograder = zf.read("run_autograder").decode()
        setup = zf.read("setup.sh").decode()
        config = json.loads(zf.read("labkit_autograder/config.json"))
        zf.extractall(tmp_path)  # as source/
    modules = {f"labkit_autograder/{p.name}" for p in (ROOT / "labkit" / "autograder").glob("*.py")}
    shipped = {name for name in names if name.startswith("labkit_autograder/")}
    assert {name for name in shipped if not name.startswith("labkit_autograder/lab/")} == modules | {
        "labkit_autograder/config.json"}  # and lab/, the lab's test modules
    assert run_autograder.rstrip().endswith('/source" && python -m labkit_autograder.supervise')
    # source/ is first on the grader's sys.path: nothing there but the package may be found by an import
    found = {top: spec.origin for top in {name.split("/")[0].split(".")[0] for name in names} - {"labkit_autograder"}
             if (spec := PathFinder.find_spec(top, [str(tmp_path)])) and spec.origin}  # a folder of data: no origin
    assert found == {}, f"the zip's {found} would shadow a module of that name in the grader"
    assert "/opt/labkit/venv/bin" in run_autograder
    assert "useradd --system" in setup and "labkit-student-0" in setup
    assert config["lab"] == "lab2-6" and config["cell_timeout"] == 60 and config["total_timeout"] < 600


def untimed(result):
    """The results.json entries without the instructors' test timing (wall times differ from run to run)."""
    return [t for t in result["results"]["tests"] if t["name"] != TIMING]


def test_solution_full_marks_and_deterministic(graded):
    solution, renamed = graded["solution"], graded["renamed_export"]
    assert set(solution["possible"]) == QUESTIONS
    assert total(solution) == full(solution) > 0
    assert solution["problems"] is None and solution["flags"] is None and solution["error"] is None
    # a renamed notebook inside a grader.export zip grades the same, test outputs included (not the wall times)
    assert untimed(renamed) == untimed(solution)


def test_faulty_cells_are_reported_and_later_cells_still_graded(graded):
    result = graded["faults"]
    problems = result["problems"]
    assert "raised SyntaxError" in problems and "(`def broken(:`)" in problems
    assert "raised ZeroDivisionError: division by zero" in problems
    assert "raised ModuleNotFoundError" in problems
    assert "raised MemoryError" in problems
    assert re.search(r"code cell \d+ \(`while True:`\) was stopped after 15 s", problems)
    assert problems.count("was stopped after") == 1
    assert result["scores"]["uattnlm_sample"] == result["possible"]["uattnlm_sample"]
    assert result["scores"]["attention"] == result["possible"]["attention"]
    # neglogprob deleted: perplexities lost; causal_mask raises in the tests: lost
    assert result["scores"]["attn_perplexities"] == 0
    assert result["scores"]["causal_attention_mask"] == 0


def test_no_hidden_test_source_in_student_visible_output(graded):
    assert "STOLEN" in visible_text(graded["faults"])  # the public tests did call the exfiltrating function
    secret = hidden_test_lines()
    assert secret
    for label in {"faults", "escape", "in_process"} & set(graded):
        leaked = [line for line in secret if line in visible_text(graded[label])]
        assert not leaked, (label, leaked[:5])


def test_killed_kernel_skips_the_cell_and_hung_test_times_out(graded):
    result = graded["kill_and_test_hang"]
    assert re.search(r"code cell \d+ \(`import os`\) ended the Python process \(kernel died\); it was skipped",
                     result["problems"])
    assert result["scores"]["uattnlm_sample"] == 0
    assert "did not finish within 2 s" in next(t["output"] for t in result["results"]["tests"]
                                               if t["name"] == "uattnlm_sample")
    assert all(result["scores"][q] == result["possible"][q] for q in QUESTIONS - {"uattnlm_sample"})


def test_rewritten_tests_earn_nothing_and_are_flagged(graded):
    result = graded["rewrite_tests"]
    assert set(result["possible"]) == QUESTIONS and total(result) == 0
    assert "created or changed test files" in result["problems"]
    assert "wrote test files" in result["flags"]


@pytest.mark.skipif(not ISOLATED, reason="student code runs as the grader's user here")
def test_attacks_on_the_graders_processes_and_files_earn_nothing(graded):
    # fork and atexit rewriting results.json, SIGSTOP and SIGKILL to the grader, reading its memory, writing
    # into source/ and an IPython startup file, planting files in /tmp, then killing the kernel so that the
    # notebook is run again
    result = graded["escape"]
    assert set(result["possible"]) == QUESTIONS and total(result) == 0 and full(result) == 20
    assert re.search(r"\(`import os`\) ended the Python process \(kernel died\); it was skipped", result["problems"])
    assert PUBLIC_TESTS in {t["name"] for t in result["results"]["tests"]}  # the grader's own results.json
    assert not student_processes()  # nothing the submissions started survives grading
    assert not any(path.exists() for path in PLANTED)  # nor what they left in /tmp and /dev/shm


@pytest.mark.skipif(not ISOLATED, reason="student code runs as the grader's user here")
def test_attacks_on_the_tests_earn_nothing_and_are_flagged(graded):
    # frames, gc, trace and profile hooks, a stolen reference attention and model, lying objects, a tensor
    # subclass, patched nn.Linear.forward, torch.allclose and Tensor.__eq__
    result = graded["in_process"]
    assert total(result) == 0 and full(result) == 20
    assert "interfered with the grader" in result["problems"]
    assert "object of an earlier test case" in result["flags"]
    assert "private attribute __dict__" in result["flags"]
    flags_entry = next(t for t in result["results"]["tests"] if t["name"] == FLAGS)
    assert flags_entry["visibility"] == "hidden"


@pytest.mark.skipif(not ISOLATED, reason="student code runs as the grader's user here")
def test_patched_json_encoder_earns_nothing_and_is_flagged(graded):
    # the patch garbles the kernel's Jupyter messages (the cell is skipped) and garbage on the test channel
    result = graded["json_patch"]
    assert total(result) == 0 and full(result) == 20
    assert re.search(r"\(`import json`\) made the kernel send malformed messages; it was skipped", result["problems"])
    assert "broke the grading protocol" in result["flags"]


def question_output(result, question):
    return next(t.get("output", "") for t in result["results"]["tests"] if t["name"] == question)


@pytest.mark.skipif(not ISOLATED, reason="student code runs as the grader's user here")
def test_zeroed_models_earn_nothing_on_the_questions_that_use_them(graded):
    # the expected values come from the shipped weights and tokenizer, and every test that runs a notebook model
    # first checks that it holds the shipped weights: once 11 of 20 points
    result = graded["zeroed_models"]
    assert result["scores"]["uattnlm_sample"] == result["scores"]["attnlm_sample"] == 0
    # of attn_perplexities only the plausibility check passes (any four different numbers above 1 do)
    assert result["scores"]["attn_perplexities"] == 1 and total(result) == 1
    assert "does not hold the trained weights" in question_output(result, "uattnlm_sample")
    assert "does not hold the trained weights" in question_output(result, "attnlm_sample")


@pytest.mark.skipif(not ISOLATED, reason="student code runs as the grader's user here")
def test_bugs_that_overwrite_the_tests_inputs_are_not_rescued(graded):
    # all_logits filling ids with BOS and attention filling the mask with True: references are computed before
    # the call, and what the call changed in place comes back spoiled (once 19 of 20 points with these bugs)
    result = graded["write_back"]
    assert result["scores"]["uattnlm_sample"] == result["scores"]["attnlm_sample"] == 0
    assert result["scores"]["attention"] <= 1  # the shape test (no mask) is all this attention gets right
    assert "attention changed mask in place" in question_output(result, "attention")
    assert result["scores"]["causal_attention_mask"] == 2 and result["flags"] is None


@pytest.mark.skipif(not ISOLATED, reason="student code runs as the grader's user here")
def test_changing_or_pointing_into_the_tests_objects_earns_nothing_and_is_flagged(graded):
    # load_state_dict, apply and a forward hook on the test's model, add_tokens on its tokenizer, its private
    # attribute, and results whose __array_interface__ points into the grader's memory
    result = graded["trusted_objects"]
    assert total(result) == 0 and result["error"] is None
    for incident in ("called load_state_dict on a test's object", "called apply on a test's object",
                     "called register_forward_hook on a test's object", "called add_tokens on a test's object",
                     "read the private attribute _logits_of of a test's object"):
        assert incident in result["flags"]


@pytest.mark.skipif(not ISOLATED, reason="student code runs as the grader's user here")
def test_a_kernel_breaking_the_protocol_in_the_hidden_tests_learns_nothing(graded):
    result = graded["echo_hidden"]
    assert total(result) == 0 and "LEAKED" not in visible_text(result) and "hidden tests" not in visible_text(result)
    assert "The tests could not finish: the notebook's kernel broke the grading protocol" in result["problems"]
    assert "during the hidden tests" in result["flags"] and "LEAKED hidden shape 3x4x8" in result["flags"]
    public = next(t for t in result["results"]["tests"] if t["name"] == PUBLIC_TESTS)["output"]
    assert "passed" not in public  # the public results, though they passed, would tell the phase


def test_honest_work_keeps_full_marks(graded):
    # torch.save (pickling once tripped the in-kernel guards), threads, 20,000 printed lines, a cell out of memory
    result = graded["honest"]
    assert total(result) == full(result) == 20
    assert result["flags"] is None
    assert re.search(r"\(`hog = .*`\) raised (RuntimeError|MemoryError)", result["problems"])


def test_uninterruptible_cell_is_skipped(graded):
    result = graded["ignores_interrupts"]
    assert re.search(r"code cell 2 \(`import time`\) never finished; it was skipped", result["problems"])
    assert total(result) == 0 and full(result) == 20


def test_whole_submission_time_limit_still_writes_results(graded):
    result = graded["whole_timeout"]
    assert "stopped after 15 s, the time limit for the whole submission" in result["problems"]
    assert set(result["possible"]) == QUESTIONS and total(result) == 0


@pytest.mark.parametrize("label, message", [
    ("python_file", "No Jupyter notebook (.ipynb) found in the submission (found: lab2-6.py)"),
    ("garbage", "lab2-6.ipynb is not a valid Jupyter notebook"),
    ("empty", "lab2-6.ipynb has no code to run"),
])
def test_unusable_submissions_score_zero_with_a_reason(graded, label, message):
    result = graded[label]
    assert set(result["possible"]) == QUESTIONS and total(result) == 0
    assert message in result["problems"]
    assert result["error"] is None


def test_batch_grading_writes_a_gradebook_and_skips_graded_submissions(tmp_path):
    folder = tmp_path / "submissions"
    folder.mkdir()
    write(folder, "alice.ipynb", b"not a notebook")
    write(folder, "bob.zip", b"not a zip")
    write(folder, "notes.txt", b"ignored")
    gradebook = batch.grade_folder("lab2-6", folder, tmp_path / "graded", workers=2)
    rows = list(csv.DictReader(gradebook.open()))
    assert [r["submission"] for r in rows] == ["alice.ipynb", "bob.zip"]
    assert set(QUESTIONS) <= set(rows[0]) and all(float(r["total"]) == 0 and float(r["possible"]) == 20 for r in rows)
    assert "not a valid Jupyter notebook" in rows[0]["problems"]
    assert "bob.zip is not a readable zip file" in rows[1]["problems"]
    results = tmp_path / "graded" / "alice.ipynb" / "results.json"
    stamp = results.stat().st_mtime_ns
    assert batch.grade_folder("lab2-6", folder, tmp_path / "graded").read_text() == gradebook.read_text()
    assert results.stat().st_mtime_ns == stamp


def test_without_root_grades_anyway_and_says_isolation_is_reduced(tmp_path, monkeypatch):
    monkeypatch.setenv("LABKIT_REDUCED_ISOLATION", "1")
    notebook = nbformat.v4.new_notebook(cells=[code_cell(
        "import torch\ndef causal_mask(T):\n    return torch.ones(T, T, dtype=torch.bool).tril()")])
    result = grade_submission(AUTOGRADER_ZIP, write(tmp_path, "lab2-6.ipynb", notebook), tmp_path / "results")
    assert "WARNING: isolation is reduced (LABKIT_REDUCED_ISOLATION is set)" in result["output"]
    assert result["scores"]["causal_attention_mask"] == 2 and total(result) == 2 and result["flags"] is None


def serving(namespace):
    """The trusted end of a channel whose student end serves `namespace` from a thread of this process."""
    trusted, student = socket.socketpair()
    threading.Thread(target=channel.Channel(student, "student").serve, args=(namespace,), daemon=True).start()
    return channel.Channel(trusted, "trusted", interrupt=lambda: None)


@pytest.mark.fast
def test_channel_copies_values_and_stands_in_for_the_rest():
    class Subclass(torch.Tensor):
        pass

    class Liar:
        def __eq__(self, other):
            return True

    namespace = {"tensor": torch.ones(2).as_subclass(Subclass), "nested": (1, "a", [2.5, None], {"k": True}),
                 "liar": Liar(), "double": lambda x: x * 2, "objects": numpy.array([object()]),
                 "peek": lambda f: f.__code__, "call": lambda f, x: f(x), "keep": lambda f: namespace.update(kept=f),
                 "call_kept": lambda x: namespace["kept"](x)}
    wire = serving(namespace)
    wire.begin_case(seed=0, seconds=10)
    env = wire.namespace()
    assert type(env["tensor"]) is torch.Tensor and env["tensor"].tolist() == [1.0, 1.0]
    assert env["nested"] == (1, "a", [2.5, None], {"k": True})
    liar = env["liar"]
    assert type(liar).__name__ == "Liar" and isinstance(liar, channel.Proxy) and liar != 1  # no __eq__ forwarded
    assert isinstance(env["objects"], channel.Proxy)  # object arrays would need pickle: they stay in the kernel
    assert env["double"](torch.arange(3)).tolist() == [0, 2, 4] and env.get("missing", 7) == 7

    def reference(x):  # a test's function handed to student code: it runs here, its insides stay hidden
        return x + 1

    assert env["call"](reference, 1) == 2
    with pytest.raises(AttributeError, match="private attributes"):
        env["peek"](reference)
    env["keep"](reference)
    wire.end_case()
    wire.begin_case(seed=0, seconds=10)
    with pytest.raises(channel.RemoteError, match="earlier test case"):
        env = wire.namespace()
        env["call_kept"](1)
    assert wire.incidents == ["read the private attribute __code__ of a test's object",
                              "used a function object of an earlier test case"]


@pytest.mark.fast
def test_channel_refuses_pickles_and_malformed_messages():
    buffer = io.BytesIO()
    numpy.save(buffer, numpy.array([object()]), allow_pickle=True)
    for reply in ({"reply": 1, "value": {"t": "ndarray", "npy": base64.b64encode(buffer.getvalue()).decode()}},
                  "passed"):
        trusted, student = socket.socketpair()
        data = json.dumps(reply).encode()
        student.sendall(len(data).to_bytes(8, "big") + data)
        with pytest.raises(channel.Violation):
            channel.Channel(trusted, "trusted", interrupt=lambda: None).request("seed", None, 0)


@pytest.mark.fast
def test_channel_spoils_in_place_edits_unless_a_call_writes_back():
    def edit_in_place(x, *, y, mask):
        x /= 2
        y[0] = 7
        mask.fill_(True)
        return x.sum()

    namespace = {"edit_in_place": edit_in_place, "linear": torch.nn.Linear(2, 3), "scalar": torch.tensor(1.5),
                 "path": Path("data") / "x.txt", "untouched": lambda x, y: (x + 1, y.copy()),
                 "to_bos": lambda ids: ids.fill_(1)}
    wire = serving(namespace)
    wire.begin_case(seed=0, seconds=10)
    env = wire.namespace()
    x, y, mask = torch.ones(3), numpy.zeros(2, dtype=numpy.int64), torch.tensor([True, False])
    assert env["edit_in_place"](x, y=y, mask=mask).item() == 1.5
    # the test sees that its inputs changed, but never a value the student chose
    assert x.isnan().all() and y.tolist() == [-1, -1] and mask.tolist() == [False, True]
    ids = torch.tensor([[1, 20, 30]])
    env["to_bos"](ids)
    assert ids.tolist() == [[-2, -21, -31]]  # not all BOS: a reference computed from them cannot be shaped
    x, y, mask = torch.ones(3), numpy.zeros(2), torch.tensor([True, False])
    assert channel.call_writing_back(env["edit_in_place"], x, y=y, mask=mask).item() == 1.5
    assert x.tolist() == [0.5] * 3 and y.tolist() == [7.0, 0.0] and mask.tolist() == [True, True]  # opted in
    x, y = torch.ones(2), numpy.zeros(2)
    env["untouched"](x, y)
    assert x.tolist() == [1.0, 1.0] and y.tolist() == [0.0, 0.0]
    linear = env["linear"]
    assert isinstance(linear, torch.nn.Linear) and isinstance(linear, torch.nn.Module) and not isinstance(
        linear, torch.nn.Conv1d) and (linear.in_features, linear.out_features) == (2, 3)
    assert env["scalar"].dim() == 0 and env["scalar"].item() == 1.5
    assert os.fspath(env["path"]) == "data/x.txt"
    wire.end_case()
    assert not wire.incidents


@pytest.mark.fast
def test_grader_side_libraries_never_see_a_student_objects_array_interface():
    grader_memory = numpy.arange(4, dtype=numpy.float64)
    address = grader_memory.__array_interface__["data"][0]
    probes = []

    class Pointer:  # the student's object: an array interface into the grader's memory, read-write
        @property
        def __array_interface__(self):
            probes.append("__array_interface__")
            return {"data": (address, False), "shape": (4,), "typestr": "<f8", "version": 3}

        def __getattr__(self, name):
            probes.append(name)
            raise AttributeError(name)

    wire = serving({"pointer": Pointer()})
    wire.begin_case(seed=0, seconds=10)
    pointer = wire.namespace()["pointer"]
    for read in (numpy.asarray, torch.as_tensor, lambda p: numpy.array(p, dtype=object)):
        try:
            seen = read(pointer)
        except Exception:
            continue
        assert not numpy.shares_memory(numpy.asarray(seen), grader_memory) if isinstance(seen, numpy.ndarray) else True
        if isinstance(seen, numpy.ndarray) and seen.dtype == object:
            seen[...] = 99.0  # writing into what the grader got does not write into the grader's memory
    assert grader_memory.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert not [name for name in probes if name.startswith("__")]  # no special name was asked of the kernel
    wire.end_case()


@pytest.mark.fast
def test_changing_a_tests_object_is_refused_and_flagged():
    def tamper(model):
        for attempt in (lambda: model.load_state_dict({"weight": torch.zeros(3, 2)}),
                        lambda: model.apply(torch.nn.init.zeros_), lambda: model.register_forward_hook(print)):
            try:
                attempt()
            except AttributeError as error:
                assert "cannot be changed" in str(error)
            else:
                raise AssertionError("a test's object was changed")
        return model(torch.ones(1, 2))

    reference = torch.nn.Linear(2, 3)
    before = {k: v.clone() for k, v in reference.state_dict().items()}
    wire = serving({"tamper": tamper})
    wire.begin_case(seed=0, seconds=10)
    wire.namespace()["tamper"](reference)
    wire.end_case()
    assert all(torch.equal(before[k], v) for k, v in reference.state_dict().items())
    assert not reference._forward_hooks
    assert wire.incidents == [f"called {name} on a test's object"
                              for name in ("load_state_dict", "apply", "register_forward_hook")]


def broken_grading(phase_of_violation):
    """The Grading of two test files (one public, one hidden case) against a kernel that breaks the protocol,
    naming something it saw, in the given phase."""
    source = ("from otter.test_files import test_case\nOK_FORMAT = False\nname = 'q'\npoints = None\n"
              "@test_case(points=1, hidden=False)\ndef test_public(f):\n    assert f('public') == 1\n"
              "@test_case(points=1, hidden=True)\ndef test_hidden(f):\n    assert f('hidden-reference-name') == 1\n")
    trusted, student = socket.socketpair()

    def f(seen):
        if seen.startswith(phase_of_violation):
            request = json.dumps({"op": f"LEAK {seen}", "id": 10**9, "obj": None, "params": []}).encode()
            student.sendall(len(request).to_bytes(8, "big") + request)
        return 1

    threading.Thread(target=channel.Channel(student, "student").serve, args=({"f": f},), daemon=True).start()
    grading = Grading({"tests/q.py": source})
    testing.test_notebook(trusted, lambda: None, grading, {"seed": 0, "test_timeout": 10})
    return grading


@pytest.mark.fast
def test_a_broken_protocol_tells_the_student_neither_its_text_nor_the_phase():
    public, hidden = broken_grading("public"), broken_grading("hidden")
    visible = [[t for t in gradescope_results(g)["tests"] if t.get("visibility") == "visible"] for g in (public, hidden)]
    assert visible[0] == visible[1]  # the same whether the kernel broke during the public or the hidden tests
    assert "LEAK" not in json.dumps(visible) and "hidden tests" not in json.dumps(visible)
    assert "broke the grading protocol" in json.dumps(visible)
    assert "during the hidden tests" in hidden.flags[0] and "LEAK hidden-reference-name" in hidden.flags[0]
    assert all(t.get("score", 0) == 0 for t in gradescope_results(hidden)["tests"])


@pytest.mark.fast
def test_in_kernel_helpers_run_next_to_the_students_objects():
    def grad_norms(model):  # a test's helper: it observes, the test judges
        import torch
        model(torch.ones(1, 2)).sum().backward()
        return {name: p.grad.norm().item() for name, p in model.named_parameters()}

    def uses_outer():
        return namespace

    namespace = {"model": torch.nn.Linear(2, 1)}
    wire = serving(namespace)
    testing.current_channel = wire
    wire.begin_case(seed=0, seconds=10)
    norms = testing.in_kernel(grad_norms)(wire.namespace()["model"])
    assert set(norms) == {"weight", "bias"} and norms["bias"] == 1.0
    assert namespace["model"].bias.grad.item() == 1.0  # it ran on the student's model itself
    with pytest.raises(TypeError, match="self-contained"):
        testing.in_kernel(uses_outer)
    wire.end_case()


@pytest.mark.fast
def test_proxies_never_pose_as_tensors_or_arrays():
    for bases in (("torch.Tensor",), ("torch.nn.parameter.Parameter",), ("numpy.ndarray",), ("builtins.dict",)):
        assert channel.library_class("Fake", bases) is None
    assert issubclass(channel.library_class("Fake", ("torch.nn.modules.linear.Linear",)), torch.nn.Linear)


@pytest.mark.fast
def test_library_probes_of_a_tests_objects_are_refused_without_a_flag():
    namespace = {"copy_of": lambda f: __import__("copy").deepcopy(f), "has": hasattr}
    wire = serving(namespace)
    wire.begin_case(seed=0, seconds=10)
    env = wire.namespace()
    env["copy_of"](lambda x: x)  # copy.deepcopy looks for __deepcopy__ on a test's function (then copies the proxy)
    assert env["has"](lambda x: x, "__array__") is False and not wire.incidents
    assert env["has"](lambda x: x, "__globals__") is False and env["has"](lambda x: x, "_secret") is False
    assert wire.incidents == ["read the private attribute __globals__ of a test's object",
                              "read the private attribute _secret of a test's object"]
    wire.end_case()


@pytest.mark.fast
def test_hidden_results_reach_students_once_published_without_test_source():
    source = ('from otter.test_files import test_case\nOK_FORMAT = False\nname = "q"\npoints = 2\n'
              '@test_case(points=1, hidden=False)\ndef test_public():\n    pass\n'
              '@test_case(points=1, hidden=True)\ndef test_hidden():\n    assert 1 == 2, "It looks like X"\n')
    grading = Grading({"q.py": source})
    grading.outcomes = {"public": {"q.py": [{"name": "q - 1", "passed": True, "message": "✅ Test case passed"}]},
                        "hidden": {"q.py": [{"name": "q - 1", "passed": False, "message": (
                            "❌ Test case failed\nError at line 10 in test q:\n      assert 1 == 2, \"It looks like X\"\n"
                            "AssertionError: It looks like X")}]}}
    entries = {t["name"]: t for t in gradescope_results(grading)["tests"]}
    assert entries[PUBLIC_TESTS]["visibility"] == "visible"
    assert entries["q"]["visibility"] == "after_published" and entries["q"]["score"] == 1
    assert "AssertionError: It looks like X" in entries["q"]["output"]
    assert "assert 1 == 2" not in entries["q"]["output"] and "Error at line" not in entries["q"]["output"]
