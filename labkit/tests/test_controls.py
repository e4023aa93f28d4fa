"""The autograder's controls (labkit/autograder/controls.py): "this function may use NumPy only", applied in the
notebook (labtest imports the control shipped next to it) and in the autograder (the kernel defines it from the
grader's copy). Fast: no grading."""
import socket
import subprocess
import sys
import threading

import numpy as np
import pytest
import torch

from labkit.authoring import build
from labkit.autograder import channel, controls, labtest, testing

pytestmark = pytest.mark.fast  # make test-fast: no grading, no notebook run

NOTEBOOK = """
import importlib
import numpy as np
import torch
weights = torch.ones(2)

def helper(x):
    return np.asarray(x) * 2

def total(data, x):
    return helper(x).sum() + data["b"]

def imports_torch(data, x):
    import torch
    return torch.tensor(x).sum()

def calls_import(data, x):
    return __import__("torch").tensor(x)

def uses_importlib(data, x):
    return importlib.import_module("torch")

def uses_global_torch(data, x):
    return torch.tensor(x)

def reads_torch_weights(data, x):
    return weights.sum()

def helper_imports_torch(data, x):
    return imports_torch(data, x)

def asks_helper(data, x):
    return helper(data, x)
"""


def notebook():
    """The globals of a notebook that defines NOTEBOOK's functions."""
    namespace = {"__name__": "__main__"}
    exec(NOTEBOOK, namespace)
    return namespace


def test_numpy_only_runs_numpy_code_with_the_data_kept_beside_it():
    run, kept = controls.numpy_only(notebook()["total"], {"b": 1})
    assert run(kept, [1, 2]) == 7
    seen = []
    run, kept = controls.numpy_only(notebook()["asks_helper"], {"b": 1},
                                    helper=lambda data, x: seen.append(data) or len(x))
    assert run(kept, [1, 2]) == 2 and seen == [kept]  # a replacement gets `kept` where the notebook passes data


@pytest.mark.parametrize("name, refused", [
    ("imports_torch", "torch"), ("calls_import", "torch"), ("uses_importlib", "the notebook's importlib"),
    ("uses_global_torch", "the notebook's torch"), ("reads_torch_weights", "the notebook's weights"),
    ("helper_imports_torch", "torch")])
def test_numpy_only_refuses_every_ordinary_route_to_torch(name, refused):
    run, kept = controls.numpy_only(notebook()[name], {})
    with pytest.raises(ImportError, match=f"must use NumPy only .*: {refused} is not available in it"):
        run(kept, [1, 2])
    assert sys.modules["torch"] is torch  # restored after the run


def test_numpy_only_needs_a_notebook_function():
    with pytest.raises(AssertionError, match="the function to test is not defined"):
        controls.numpy_only(None, {})


def test_labtest_applies_the_control_in_the_notebook(monkeypatch):
    monkeypatch.setitem(sys.modules, "labkit_grading", None)  # as in grader.check: no autograder
    run, kept = labtest.numpy_only(notebook()["total"], {"b": 1})
    assert run(kept, [1, 2]) == 7
    run, kept = labtest.numpy_only(notebook()["imports_torch"], {})
    with pytest.raises(ImportError, match="must use NumPy only"):
        run(kept, [1, 2])


def test_the_notebook_finds_the_control_shipped_next_to_the_library(tmp_path):
    build.ship_test_library(tmp_path, {})
    support = tmp_path / build.TEST_LIBRARY_FOLDER
    assert (support / "controls.py").read_text() == build.TEST_CONTROLS.read_text()
    script = (f"import sys; sys.path.insert(0, {str(support)!r}); import labtest\n"
              "def f(data, x):\n    import torch\n"
              "run, kept = labtest.numpy_only(f, {})\n"
              "try:\n    run(kept, 1)\nexcept ImportError as error:\n    print(error)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert "must use NumPy only" in out.stdout


def test_the_autograder_applies_the_graders_control_in_the_kernel(tmp_path, monkeypatch):
    (tmp_path / "controls.py").write_text("def numpy_only(*args, **kwargs):\n    return 'the student planted this'\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))  # the kernel's folder, where a student can write
    trusted, student = socket.socketpair()
    threading.Thread(target=channel.Channel(student, "student").serve, args=(notebook(),), daemon=True).start()
    wire = channel.Channel(trusted, "trusted", interrupt=lambda: None)
    monkeypatch.setattr(testing, "current_channel", wire)
    wire.begin_case(seed=0, seconds=30)
    try:
        run, kept = labtest.numpy_only(wire.namespace()["total"], {"b": np.float64(1)})
        assert run(kept, [1, 2]) == 7
        run, kept = labtest.numpy_only(wire.namespace()["imports_torch"], {})
        with pytest.raises(ImportError, match="must use NumPy only"):
            run(kept, [1, 2])
    finally:
        wire.end_case()
