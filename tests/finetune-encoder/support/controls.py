"""Controls: grading rules that run next to the student's code, not lab content. Tests reach them through the test
library (`labtest.numpy_only`): in the autograder the kernel defines this module anew from the grader's copy of
its source (testing.py), in the notebook it is imported from tests/<lab>/support/, next to labtest.py.

Self-contained: only the standard library, and module-level code is imports and definitions.

numpy_only  a copy of a notebook function that may use NumPy only: torch and the import machinery are out of reach
"""
import builtins
import sys
import types

RULE = "this function must use NumPy only (the lab's rule): {} is not available in it"
BARRED = {"torch", "importlib", "sys", "gc", "ctypes", "builtins", "subprocess", "os", "inspect", "types", "runpy",
          "multiprocessing", "pickle", "marshal", "code", "pydoc", "_frozen_importlib"}


def numpy_only(function, data, **replacements):
    """(run, kept): `run` is a copy of `function` that cannot reach torch, nor can the notebook functions it
    calls; `replacements` swap notebook names (e.g. a helper) for the test's versions. `data` (the model's
    weights) is sent once and kept next to the function: pass `kept` to `run` where it takes `data`, and
    the replacements receive `kept` wherever the notebook's code passes them `data`.
    While `run` runs, torch cannot be imported by any route (import statement, __import__, importlib,
    sys.modules); the copies cannot import the import machinery and process modules (importlib, sys, gc,
    ctypes, ...), and notebook globals that are such modules, or objects that hold torch, refuse to be used. This
    stops every ordinary route to torch; Python cannot fence in code that sets out to escape, and the lab says so."""
    assert isinstance(function, types.FunctionType), (
        "the function to test is not defined (or is not a plain Python function): run the cell that defines it")
    notebook, kept = function.__globals__, Kept()
    namespace = {key: Refused(f"the notebook's {key}") if holds_torch(value, notebook) else value
                 for key, value in notebook.items() if not key.startswith("__")}
    namespace["__builtins__"] = dict(vars(builtins), __import__=refuse)
    namespace["__name__"] = notebook.get("__name__", "__main__")
    for key, value in list(namespace.items()):
        if isinstance(value, types.FunctionType) and value.__globals__ is notebook:
            namespace[key] = rebuilt(value, namespace, notebook)
    namespace.update({key: forwarding(value, data, kept) for key, value in replacements.items()})
    copy = rebuilt(function, namespace, notebook)

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


def is_barred(name):
    return str(name).split(".")[0] in BARRED


def refuse(name, *args, **kwargs):
    """The copies' __import__: the barred modules say the rule, the others import as usual."""
    if is_barred(name):
        raise ImportError(RULE.format(name))
    return builtins.__import__(name, *args, **kwargs)


def from_torch(value):
    module = value.__name__ if isinstance(value, types.ModuleType) else getattr(value, "__module__", "")
    return is_barred(module or "") or str(getattr(type(value), "__module__", "")).split(".")[0] == "torch"


def holds_torch(value, notebook, depth=2):
    """Whether `value`, its attributes, items, closure or defaults (to `depth` levels) come from torch (or a barred
    module); functions of the `notebook` (its globals) are left out: they are copied too."""
    try:
        if from_torch(value):
            return True
        if depth == 0 or isinstance(value, (str, bytes, int, float, complex, bool, type(None), types.ModuleType)):
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
        return any(holds_torch(v, notebook, depth - 1) for v in inner
                   if not isinstance(v, types.FunctionType) or v.__globals__ is not notebook)
    except Exception:
        return False


class Refused:
    """Stands for a barred module or an object that holds torch: any use says the rule."""

    def __init__(self, what):
        object.__setattr__(self, "what", what)

    def __getattr__(self, name):
        raise ImportError(RULE.format(self.what))

    def __call__(self, *args, **kwargs):
        raise ImportError(RULE.format(self.what))


class NoTorchFinder:
    """On sys.meta_path while a copy runs: torch cannot be imported."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.split(".")[0] == "torch":
            raise ImportError(RULE.format(name))
        return None


class Kept:
    """Stands for `data` in the calls between the test and the notebook."""


def rebuilt(f, namespace, notebook):
    """A copy of the function `f` that reads `namespace` as its globals; closure cells that hold torch refuse."""
    closure = f.__closure__ and tuple(
        types.CellType(Refused(f"a torch object in the closure of {f.__name__}"))
        if holds_torch(c.cell_contents, notebook, 1) else c for c in f.__closure__)
    copy = types.FunctionType(f.__code__, namespace, f.__name__, f.__defaults__, closure)
    copy.__kwdefaults__ = f.__kwdefaults__
    return copy


def swapped(values, old, new):
    """`values` (a list or a dict) with `new` for every value that is `old`; numpy strings as str."""
    def swap(value):
        value = new if value is old else value
        return str(value) if isinstance(value, str) and type(value) is not str else value
    return [swap(v) for v in values] if isinstance(values, list) else {k: swap(v) for k, v in values.items()}


def forwarding(replacement, data, kept):
    """`replacement` as the copies call it: `kept` wherever the notebook's code passes `data`."""
    def forward(*args, **kwargs):
        return replacement(*swapped(list(args), data, kept), **swapped(kwargs, data, kept))
    return forward
