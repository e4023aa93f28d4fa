"""labtest: the checks every lab's tests share. Lab-agnostic: it knows no dataset, no model and no answer.

A test cell of a master imports it (`import labtest`) inside its test function. It is found
- by `grader.check` in the notebook: the build ships it as tests/<lab>/support/labtest.py (outside the folder
  Otter globs for test files) and the notebook puts that folder on sys.path;
- by the autograder's tests, which run in the trusted worker: the zip carries it as labkit_autograder/labtest.py.
A helper that must run next to the student's objects goes through `in_kernel`; in the autograder the kernel
receives the grader's own copy of this module's source with it, never a file the student could have replaced,
and the helper reads the library as the global name `labtest`.

Expected values and references never live here: they stay in the hidden test cells.
"""
import json
import pathlib
import sys
import types

import torch

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def in_kernel(helper):
    """`helper` (a self-contained function of a test) made to run in the student's kernel when grading in the
    autograder; in the notebook, where the tests already run next to the student's objects, `helper` itself.
    Either way it may use this library as the global name `labtest`."""
    try:
        from labkit_grading import in_kernel as define_in_kernel  # the isolated autograder
    except ImportError:
        namespace = {**helper.__globals__, "labtest": sys.modules[__name__]}
        return types.FunctionType(helper.__code__, namespace, helper.__name__, helper.__defaults__,
                                  helper.__closure__)
    return define_in_kernel(helper)


def call_writing_back(function, *args):
    """function(*args), and in the autograder the in-place edits of the arguments are copied back to the test."""
    try:
        from labkit_grading import call_writing_back as call  # the isolated autograder
    except ImportError:
        return function(*args)
    return call(function, *args)


class Random:
    """Random test inputs from a seed of their own, the same on every machine."""

    def __init__(self, seed, device=DEVICE):
        self.generator, self.device = torch.Generator().manual_seed(seed), device

    def randn(self, *shape):
        return torch.randn(*shape, generator=self.generator).to(self.device)

    def rand(self, *shape):
        return torch.rand(*shape, generator=self.generator).to(self.device)


def shape_of(args):
    """The arguments of a call as a test's message shows them: tensors by their shape, anything else by repr."""
    return ", ".join(str(tuple(a.shape)) if isinstance(a, torch.Tensor) else repr(a) for a in args)


def run(function, name, *args, hint_on_error=""):
    """function(*args); fails with a clear message if it is undefined, raises, edits an input tensor in place or
    returns no tensor."""
    assert callable(function), f"{name} is not defined: run the cell that defines it"
    before = [a.clone() if isinstance(a, torch.Tensor) else a for a in args]
    try:
        out = function(*args)
    except Exception as err:
        raise AssertionError(f"{name}({shape_of(args)}) raised {type(err).__name__}: {err}. {hint_on_error}")
    for position, (arg, copy) in enumerate(zip(args, before)):
        if isinstance(arg, torch.Tensor) and not torch.equal(arg, copy):
            raise AssertionError(f"{name} changed its input number {position + 1} in place (with /=, masked_fill_, "
                                 "an indexed assignment, ...): the caller may still need it. Compute and return a "
                                 "new tensor instead.")
    assert isinstance(out, torch.Tensor), f"{name} should return a tensor, not {type(out).__name__}"
    return out


def expect_shape(name, out, shape, hint=""):
    assert tuple(out.shape) == tuple(shape), (
        f"{name} should return shape {tuple(shape)}, but returned shape {tuple(out.shape)}. {hint}")


def expect_close(name, out, expected, label, hint="", atol=1e-5, rtol=1e-4):
    """Fails, naming the largest difference, unless `out` has the shape of `expected` and is close to it."""
    expect_shape(name, out, expected.shape, hint)
    if not torch.allclose(out.float(), expected.float(), atol=atol, rtol=rtol, equal_nan=False):
        difference = (out.float() - expected.float()).abs().nan_to_num(float("inf")).max().item()
        raise AssertionError(f"{name}, {label}: the result differs from the expected one by up to {difference:.3g}. "
                             f"{hint}")


def matching_hint(out, candidates, atol=1e-6, rtol=1e-5, equal_nan=False):
    """The hint of the first (hint, candidate) whose candidate `out` equals (a classic mistake's result), or ""."""
    return next((hint for hint, mistake in candidates if mistake.shape == out.shape and
                 torch.allclose(out, mistake, atol=atol, rtol=rtol, equal_nan=equal_nan)), "")


def as_answer(value, name, shape):
    """A by-hand answer (a tensor or nested list) as a float64 CPU tensor of `shape`, or an AssertionError that
    says what is wrong with it."""
    kind = "vector of 3 numbers" if len(shape) == 1 else f"matrix of {shape[0]} rows of {shape[1]} numbers"
    if value is None or value is Ellipsis:
        raise AssertionError(f"{name} is not set yet: replace the ... by your answer, a {kind}")
    try:
        if isinstance(value, torch.Tensor):
            answer = value.detach().to("cpu", torch.float64)
        else:
            answer = torch.as_tensor(value, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        raise AssertionError(f"{name} should be a {kind} (a tensor or a list), not a {type(value).__name__}")
    if tuple(answer.shape) != shape:
        hint = " Flatten it, e.g. with .reshape(-1) or by indexing a single row K[i]." if (
            len(shape) == 1 and answer.numel() == shape[0]) else ""
        raise AssertionError(f"{name} should have shape {shape}, but it has shape {tuple(answer.shape)}.{hint}")
    if not torch.isfinite(answer).all():
        raise AssertionError(f"{name} contains inf or NaN; use a large but finite number instead")
    return answer


def trace_calls(function, args, own, library):
    """Run in the kernel (through in_kernel): function(*args) with spies on the notebook functions named in `own`
    and on the library functions of `library`, [(module name, attribute path, label)]. Returns its output (None if
    it raised), the labels of the spied functions in call order ("!label" after one that raised) and the error
    (or None). Nothing is judged here."""
    import functools
    import importlib

    namespace = getattr(function, "__globals__", {})
    calls = []

    def spy(label, spied):
        def recorded(*args, **kwargs):
            calls.append(label)
            try:
                return spied(*args, **kwargs)
            except Exception:
                calls.append("!" + label)
                raise
        return recorded

    saved = {name: namespace[name] for name in own if callable(namespace.get(name))}
    owners = [(functools.reduce(getattr, path.split(".")[:-1], importlib.import_module(module)), path, label)
              for module, path, label in library]
    originals = [(owner, path.split(".")[-1], label, getattr(owner, path.split(".")[-1]))
                 for owner, path, label in owners]
    labels = {id(spied): label for _, _, label, spied in originals}
    aliases = {name: value for name, value in namespace.items() if id(value) in labels}
    try:
        for name, spied in saved.items():
            namespace[name] = spy(name, spied)
        for name, spied in aliases.items():
            namespace[name] = spy(labels[id(spied)], spied)
        for owner, attribute, label, spied in originals:
            setattr(owner, attribute, spy(label, spied))
        out, error = function(*args), None
    except Exception as err:
        out, error = None, f"{type(err).__name__}: {err}"
    finally:
        namespace.update(saved)
        namespace.update(aliases)
        for owner, attribute, label, spied in originals:
            setattr(owner, attribute, spied)
    return out, calls, error


def lab_folder(lab, marker):
    """The lab's data folder, found by a file `marker` it holds: data/ next to the notebook (and when grading),
    else data/build/<lab>/ of the course repository."""
    for candidate in ("data", f"../../data/build/{lab}"):
        if pathlib.Path(candidate, marker).exists():
            return pathlib.Path(candidate)
    raise AssertionError("the lab's data folder was not found (please tell the course staff)")


def load_arrays(path):
    """The arrays of the .npz file at `path`, as a dict (no pickles)."""
    import numpy as np

    with np.load(path, allow_pickle=False) as arrays:
        return {key: arrays[key] for key in arrays.files}


def load_json(path):
    return json.loads(pathlib.Path(path).read_text(encoding="utf-8"))


def numpy_only(function, data, **replacements):
    """(run, kept): `run` is a copy of `function` that cannot reach torch, nor can the notebook functions it
    calls; `replacements` swap notebook names (e.g. a helper) for the test's versions. `data` (the model's
    weights) is sent once and kept next to the function: pass `kept` to `run` where it takes `data`, and
    the replacements receive `kept` wherever the notebook's code passes them `data`.
    While `run` runs, torch cannot be imported by any route (import statement, __import__, importlib,
    sys.modules); the copies cannot import the import machinery and process modules (importlib, sys, gc,
    ctypes, ...), and notebook globals that are such modules, or objects that hold torch, refuse to be used. This stops every ordinary
    route to torch; Python cannot fence in code that sets out to escape, and the lab says so."""
    import builtins
    import sys
    import types
    assert isinstance(function, types.FunctionType), (
        "the function to test is not defined (or is not a plain Python function): run the cell that defines it")
    rule = "this function must use NumPy only (the lab's rule): {} is not available in it"
    barred = {"torch", "importlib", "sys", "gc", "ctypes", "builtins", "subprocess", "os", "inspect", "types",
              "runpy", "multiprocessing", "pickle", "marshal", "code", "pydoc", "_frozen_importlib"}
    def is_barred(name):
        return str(name).split(".")[0] in barred
    def refuse(name, *args, **kwargs):
        if is_barred(name):
            raise ImportError(rule.format(name))
        return builtins.__import__(name, *args, **kwargs)
    def from_torch(value):
        module = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", "")
        return is_barred(module or "") or str(getattr(type(value), "__module__", "")).split(".")[0] == "torch"
    def holds_torch(value, depth=2):
        """Whether `value`, its attributes, items, closure or defaults (to `depth` levels) come from torch."""
        try:
            if from_torch(value):
                return True
            if depth == 0 or isinstance(value, (str, bytes, int, float, complex, bool, type(None))):
                return False
            if isinstance(value, types.ModuleType):
                return False
            inner = list(getattr(value, "__dict__", {}).values()) if not isinstance(value, type) else [
                v for k, v in vars(value).items() if not k.startswith("__")]
            if isinstance(value, (list, tuple, set, frozenset)):
                inner += list(value)[:100]
            if isinstance(value, dict):
                inner += list(value.values())[:100]
            if getattr(type(value), "__module__", "") == notebook.get("__name__"):  # a notebook class's attributes
                inner += [v for k, v in vars(type(value)).items() if not k.startswith("__")]
            if isinstance(value, types.FunctionType):
                inner += [c.cell_contents for c in value.__closure__ or () if c.cell_contents is not value]
                inner += list(value.__defaults__ or ()) + list((value.__kwdefaults__ or {}).values())
            return any(holds_torch(v, depth - 1) for v in inner if not isinstance(v, types.FunctionType)
                       or v.__globals__ is not notebook)
        except Exception:
            return False
    class Refused:
        """Stands for a barred module or an object that holds torch: any use says the rule."""
        def __init__(self, what):
            object.__setattr__(self, "what", what)
        def __getattr__(self, name):
            raise ImportError(rule.format(self.what))
        def __call__(self, *args, **kwargs):
            raise ImportError(rule.format(self.what))
    class NoTorchFinder:
        """On sys.meta_path while the copy runs: torch cannot be imported."""
        @staticmethod
        def find_spec(name, path=None, target=None):
            if name.split(".")[0] == "torch":
                raise ImportError(rule.format(name))
            return None
    def rebuilt(f, namespace):
        closure = f.__closure__ and tuple(
            types.CellType(Refused(f"a torch object in the closure of {f.__name__}"))
            if holds_torch(c.cell_contents, 1) else c for c in f.__closure__)
        copy = types.FunctionType(f.__code__, namespace, f.__name__, f.__defaults__, closure)
        copy.__kwdefaults__ = f.__kwdefaults__
        return copy
    class Kept:
        """Stands for `data` in the calls between the test and the notebook."""
    kept = Kept()
    def swapped(values, old, new):
        """`values` (a list or a dict) with `new` for every value that is `old`; numpy strings as str."""
        def swap(value):
            value = new if value is old else value
            return str(value) if isinstance(value, str) and type(value) is not str else value
        return [swap(v) for v in values] if isinstance(values, list) else {k: swap(v) for k, v in values.items()}
    def forwarding(replacement):
        def forward(*args, **kwargs):
            return replacement(*swapped(list(args), data, kept), **swapped(kwargs, data, kept))
        return forward
    notebook = function.__globals__
    namespace = {key: Refused(f"the notebook's {key}") if holds_torch(value) else value
                 for key, value in notebook.items() if not key.startswith("__")}
    namespace["__builtins__"] = dict(vars(builtins), __import__=refuse)
    namespace["__name__"] = notebook.get("__name__", "__main__")
    for key, value in list(namespace.items()):
        if isinstance(value, types.FunctionType) and value.__globals__ is notebook:
            namespace[key] = rebuilt(value, namespace)
    namespace.update({key: forwarding(value) for key, value in replacements.items()})
    copy = rebuilt(function, namespace)
    def run(*args, **kwargs):
        hidden = {name: sys.modules.pop(name) for name in list(sys.modules) if name.split(".")[0] == "torch"}
        finder = NoTorchFinder()
        sys.meta_path.insert(0, finder)
        try:
            return copy(*swapped(list(args), kept, data), **swapped(kwargs, kept, data))
        finally:
            sys.meta_path.remove(finder)
            sys.modules.update(hidden)
    return run, kept


def seed_numpy(seed):
    """np.random.seed(seed) where it runs: through in_kernel, in the student's kernel, where notebook code draws."""
    import numpy as np

    np.random.seed(seed)
