"""The test cases, run in the trusted worker against the student's kernel.

A test case is an ordinary function of an Otter exception-based test file; each notebook variable it names (and
`env`, the notebook's globals) is a proxy into the kernel (channel.py), and what comes back is a copy. Test source
and expected values never enter the kernel. worker.py imports this module in the background while the notebook
runs, since torch and otter take seconds to import.

A test that must run code next to the student's objects (train a step, patch a method with a stand-in, check
that only NumPy is used) names a self-contained helper function that reveals no expected value and wraps it with
the test library's `labtest.in_kernel(helper)` (labtest.py), which comes here in the autograder and leaves the
helper as it is in the notebook. The kernel defines the helper anew from its source, after the grader's own copy
of labtest.py, so the helper reads the library as the global name `labtest` there too.

A test that runs a student function under a grading rule (e.g. "NumPy only") calls the test library
(`labtest.numpy_only`), which comes here in the autograder: the rule, a control of controls.py, is defined in the
kernel from the grader's copy of that module and applied there.

A lab's own test helpers come from its master's support cells (labkit/authoring/master.py), in the zip's lab/ folder:
lab_checks (public: also in tests/<lab>/support/, and its functions may run in the kernel) and lab_references
(hidden: grader side only). Both are imported here under their names, from the grader's copies.

A test that checks what a student function writes into its argument in place calls it through
`labtest.call_writing_back(function, *args)` (`function(*args)` in the notebook); any other call
leaves the test's arguments spoiled where the student changed them (see channel.py), never student-chosen.

A kernel that breaks the protocol, dies or ignores an interrupt during the tests ends them: no test case is
credited, and the student is told only that the tests could not finish (not in which test or phase, nor anything
the kernel sent); a protocol violation is flagged for the instructors with the phase and what the kernel sent.
"""
import importlib.util
import inspect
import linecache
import sys
import textwrap
import time
from pathlib import Path

import torch
from otter.test_files.exception_test import ExceptionTestFile

from . import controls, labtest
from .channel import Broken, CallTimeout, Channel, Violation, call_writing_back  # noqa: F401 (for tests)

current_channel = None
# the lab's own test modules (labkit.authoring.master.SUPPORT_MODULES)
LAB_MODULES = Path(__file__).resolve().parent / "lab"
KERNEL_MODULES = ("labtest", "lab_checks")  # what an in_kernel helper may use; never lab_references


def in_kernel(function):
    """A proxy of `function`, a test's helper, defined anew from its source in the student's kernel."""
    code = function.__code__
    if code.co_freevars:
        raise TypeError(f"in_kernel({function.__name__}): a helper that runs in the notebook's kernel must be "
                        f"self-contained, but it uses {', '.join(code.co_freevars)} of the test around it")
    if function.__module__ == "lab_references":
        raise TypeError(f"in_kernel({function.__name__}): the hidden references never enter the kernel")
    module = {"lab_checks": "lab_checks", labtest.__name__: "labtest"}.get(function.__module__)
    source = f"{function.__name__} = {module}.{function.__name__}" if module else textwrap.dedent(
        inspect.getsource(function))  # a module's function keeps its module's globals there too
    return current_channel.request("define", None, with_test_library(source), function.__name__)


def with_test_library(source):
    """A helper's `source` preceded by the modules it may use (KERNEL_MODULES), each built from the grader's copy
    (never a file in the student's reach): globals of the helper, and what `import labtest` gives there."""
    texts = {name: Path(sys.modules[name].__file__).read_text() for name in KERNEL_MODULES if name in sys.modules}
    return KERNEL_PRELUDE.replace("@TEXTS@", repr(texts)) + source


KERNEL_PRELUDE = """import builtins as _builtins, types as _types
def _test_modules(texts, builtins=_builtins, new_module=_types.ModuleType):
    own = {}
    def importing(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and name in own:
            return own[name]
        return builtins.__import__(name, globals, locals, fromlist, level)
    for name, text in texts.items():
        own[name] = new_module(name)
        own[name].__builtins__ = dict(vars(builtins), __import__=importing)
        exec(compile(text, name, "exec"), own[name].__dict__)
    return dict(own, __builtins__=dict(vars(builtins), __import__=importing))
globals().update(_test_modules(@TEXTS@))
del _builtins, _types, _test_modules
"""


def load_lab_modules():
    """Import the zip's lab test modules under their names, so that a test's `import lab_checks` gets them."""
    for path in sorted(LAB_MODULES.glob("*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        sys.modules[path.stem] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)


def numpy_only(function, data, **replacements):
    """controls.numpy_only applied in the student's kernel, which defines it from the grader's copy of controls.py."""
    control = current_channel.request("define", None, Path(controls.__file__).read_text(), "numpy_only")
    return control(function, data, **replacements)


sys.modules["labkit_grading"] = sys.modules[__name__]
sys.modules["labtest"] = labtest  # a test's `import labtest`: the grader's copy, whatever lies on sys.path
load_lab_modules()


def run_case(test_file, case, channel, seed, seconds):
    """(passed, message) of one test case, limited to `seconds` of calls into the kernel."""
    global current_channel
    current_channel = channel
    try:
        channel.begin_case(seed, seconds)
        case.body.call_func(channel.namespace())
        return True, "✅ Test case passed"
    except CallTimeout:
        return False, (f"❌ Test case failed\nTime-out: test {case.name} did not finish within {seconds} s, the time "
                       "limit per test case (not a wrong answer: the code it calls was too slow)")
    except Broken:
        raise
    except Exception as err:
        return False, "❌ Test case failed\n" + test_file._generate_error_message(err)
    finally:
        channel.end_case()


def run_tests(channel, sources, config):
    """{path: [{name, passed, message, seconds}]} for the cases of `sources`; raises Broken when the kernel cannot go on."""
    outcome = {}
    for path, source in sources.items():
        linecache.cache[path] = (len(source), None, source.splitlines(True), path)  # for in_kernel's helpers
        test_file = ExceptionTestFile.from_string(source, path=path)
        outcome[path] = [timed_case(test_file, case, channel, config) for case in test_file.test_cases]
    return outcome


def timed_case(test_file, case, channel, config):
    """{name, passed, message, seconds} of one test case: seconds is its wall time, calls into the kernel included."""
    started = time.monotonic()
    passed, message = run_case(test_file, case, channel, config["seed"], config["test_timeout"])
    return {"name": case.name, "passed": passed, "message": message, "seconds": time.monotonic() - started}


def test_notebook(sock, interrupt, grading, config):
    """Run the public, then the hidden test cases over the kernel's socket `sock`; fill `grading`."""
    torch.set_num_threads(1)  # tests compute on small tensors: one thread is fastest, above all on a shared CPU
    channel = Channel(sock, "trusted", interrupt)
    phase = "public"
    try:
        for phase, sources in (("public", grading.public_sources), ("hidden", grading.hidden_sources)):
            grading.outcomes[phase] = run_tests(channel, sources, config)
        channel.request("bye", None)
    except Broken as err:
        grading.outcomes.clear()  # every case "Not run": the public results would tell the phase
        if isinstance(err, Violation):
            channel.incidents.append(f"broke the grading protocol during the {phase} tests ({err})")
            grading.problems.append("The tests could not finish: the notebook's kernel broke the grading "
                                    "protocol. No test case is credited.")
        else:
            grading.problems.append(f"The tests could not finish: {err or 'the kernel stopped responding'}. "
                                    "No test case is credited.")
    finally:
        grading.flag([f"The submission's code {incident}." for incident in dict.fromkeys(channel.incidents)])
