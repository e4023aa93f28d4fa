"""Kernel side of the grader: injected as the first cell, before any student code runs.

It imports and snapshots the modules the tests rely on, silences `grader.check`, seeds every generator, and
later (from the worker's final cells) restores anything the submission replaced, reports it, and runs the test
cases whose source the worker passes in, writing the outcome to a JSON file.
"""
import builtins
import json
import math
import random
import signal
import sys

import numpy
import otter
import otter.test_files
import otter.test_files.exception_test
import torch
import torch._dynamo  # noqa: F401  its first import (e.g. by any optimizer's step) rebinds torch.manual_seed
import torch.nn
import torch.nn.functional
import torch.testing
from otter.test_files.exception_test import ExceptionTestFile, test_case

GUARDED_MODULES = ["builtins", "math", "random", "json", "signal", "numpy", "torch", "torch.nn", "torch.nn.functional",
                   "torch.testing", "otter", "otter.test_files", "otter.test_files.exception_test"]
GUARDED_CLASSES = {"torch.Tensor": torch.Tensor, "torch.TensorBase": torch._C.TensorBase,
                   "torch.nn.Module": torch.nn.Module, "ExceptionTestFile": ExceptionTestFile,
                   "test_case": test_case}
IGNORED = {"_", "__", "___", "input", "getpass"}  # IPython's output history; ipykernel's stdin hooks
ADDED_BY_LIBRARIES = {"smart_apply"}  # transformers adds torch.nn.Module.smart_apply when it builds a model
MISSING = object()


def snapshot():
    """(sys.modules entries, {label: (object, copy of its __dict__)}) of everything the tests rely on."""
    objects = {name: sys.modules[name] for name in GUARDED_MODULES} | GUARDED_CLASSES
    return {name: sys.modules[name] for name in GUARDED_MODULES}, {k: (o, dict(vars(o))) for k, o in objects.items()}


def restore(saved):
    """Put back every replaced, deleted or (on classes) added attribute; return their names."""
    modules, objects = saved
    changed = []
    for name, module in modules.items():
        if sys.modules.get(name) is not module:
            changed.append(f"sys.modules[{name!r}]")
            sys.modules[name] = module
    for label, (obj, attributes) in objects.items():
        current = dict(vars(obj))
        for key, value in attributes.items():
            if key not in IGNORED and current.get(key, MISSING) is not value:
                changed.append(f"{label}.{key}")
                setattr(obj, key, value)
        if isinstance(obj, type):
            for key in current.keys() - attributes.keys() - ADDED_BY_LIBRARIES:
                changed.append(f"{label}.{key}")
                delattr(obj, key)
    return changed


def seed_all(seed):
    random.seed(seed)
    numpy.random.seed(seed)
    torch.manual_seed(seed)


class Timeout(BaseException):
    """Raised in a test case that runs past its time limit."""


def on_alarm(signum, frame):
    raise Timeout()


def run_case(test_file, case, env, seed, seconds):
    """(passed, message) of one test case, seeded and limited to `seconds`."""
    seed_all(seed)
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        case.body.call_func(env)
        return True, "✅ Test case passed"
    except Timeout:
        return False, f"❌ Test case failed\nTest {case.name} did not finish within {seconds} s"
    except BaseException as err:
        return False, "❌ Test case failed\n" + test_file._generate_error_message(err)
    finally:
        signal.alarm(0)


class Harness:
    """What the worker's cells call: `grading_mode()` first, `run_tests(...)` after the submission."""

    def __init__(self, seed):
        self.seed = seed
        self.saved = snapshot()
        self.open, self.dumps = builtins.open, json.dumps
        seed_all(seed)

    def grading_mode(self):
        """`grader.check`, `check_all` and `export` do nothing while grading (tests run at the end)."""
        otter.Notebook.init_grading_mode("tests")
        for name in ("check", "check_all", "export"):
            setattr(otter.Notebook, name, lambda *args, **kwargs: None)

    def run_tests(self, env, sources, results_path, seconds):
        """Run every case of the test files `sources` ({path: source}) against `env`, write the outcome."""
        tampered = restore(self.saved)
        outcome = {"tampered": tampered, "files": {}}
        for path, source in sources.items():
            test_file = ExceptionTestFile.from_string(source, path=path)
            outcome["files"][path] = [dict(zip(("name", "passed", "message"),
                                               (case.name, *run_case(test_file, case, env, self.seed, seconds))))
                                      for case in test_file.test_cases]
        outcome["tampered"] += [t for t in restore(self.saved) if t not in tampered]
        with self.open(results_path, "w") as f:
            f.write(self.dumps(outcome))
