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
import contextlib
import json
import math
import pathlib
import sys
import types

import torch
import torch.nn.functional as F

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def in_kernel(helper):
    """`helper` (a self-contained function of a test) made to run in the student's kernel when grading in the
    autograder; in the notebook, where the tests already run next to the student's objects, `helper` itself.
    Either way it may use this library as the global name `labtest`."""
    try:
        from labkit_grading import in_kernel as define_in_kernel  # the isolated autograder
    except ImportError:
        namespace = {**helper.__globals__, "labtest": sys.modules[__name__]}
        copy = types.FunctionType(helper.__code__, namespace, helper.__name__, helper.__defaults__,
                                  helper.__closure__)
        copy.__kwdefaults__ = helper.__kwdefaults__
        return copy
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
    """The hint of the first (hint, candidate) whose candidate `out` equals (a classic mistake's result: tensors, or
    NumPy arrays), or ""."""
    return next((hint for hint, mistake in candidates if same_result(out, mistake, atol, rtol, equal_nan)), "")


def same_result(out, mistake, atol, rtol, equal_nan):
    if isinstance(out, torch.Tensor):
        return mistake.shape == out.shape and torch.allclose(out, mistake, atol=atol, rtol=rtol, equal_nan=equal_nan)
    import numpy as np

    return np.shape(out) == np.shape(mistake) and bool(np.allclose(out, mistake, atol=atol, rtol=rtol,
                                                                   equal_nan=equal_nan))


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


def data_folders(lab):
    """Where a lab's files may be: data/ next to the notebook (and when grading), else data/build/<lab>/ of the
    course repository (the master and the student notebook there)."""
    return ["data", f"../../data/build/{lab}"]


def lab_folder(lab, marker):
    """The lab's data folder, found by a file `marker` it holds."""
    for candidate in data_folders(lab):
        if pathlib.Path(candidate, marker).exists():
            return pathlib.Path(candidate)
    raise AssertionError("the lab's data folder was not found (please tell the course staff)")


def lab_file(lab, name):
    """A file as the lab ships it (not as the notebook may have changed it)."""
    for folder in data_folders(lab):
        if pathlib.Path(folder, name).exists():
            return pathlib.Path(folder, name)
    raise AssertionError(f"the lab's file {name} was not found (please tell the course staff)")


def shipped_weights(model, name, path, advice):
    """The tensors saved at `path` (weights only), once the notebook's `model` is shown to hold exactly them."""
    shipped = torch.load(path, map_location="cpu", weights_only=True)
    state = model.state_dict()
    differ = [key for key, value in shipped.items() if key not in state or not torch.equal(state[key].cpu(), value)]
    assert not differ, (f"{name} does not hold the trained weights of {pathlib.Path(path).name} "
                        f"({', '.join(differ)} differ): {advice}")
    return shipped


def load_arrays(path):
    """The arrays of the .npz file at `path`, as a dict (no pickles)."""
    import numpy as np

    with np.load(path, allow_pickle=False) as arrays:
        return {key: arrays[key] for key in arrays.files}


def load_json(path):
    return json.loads(pathlib.Path(path).read_text(encoding="utf-8"))


def numpy_only(function, data, **replacements):
    """(run, kept): a copy of `function` that may use NumPy only, run where the student's code runs, with `data`
    kept there (pass `kept` to `run` in its place) and notebook names swapped for `replacements`. The control is
    the autograder's (controls.py): in the autograder it is applied in the student's kernel, in the notebook here."""
    try:
        from labkit_grading import numpy_only as control  # the isolated autograder
    except ImportError:
        control = local_controls().numpy_only
    return control(function, data, **replacements)


def local_controls():
    """The autograder's controls.py next to this file: in labkit's package, or in tests/<lab>/support/."""
    try:
        from . import controls
    except ImportError:  # tests/<lab>/support/labtest.py, a top-level module
        import controls
    return controls


def seed_numpy(seed):
    """np.random.seed(seed) where it runs: through in_kernel, in the student's kernel, where notebook code draws."""
    import numpy as np

    np.random.seed(seed)


# Language models with the nanoGPT interface: model(ids, targets=None) -> (logits (B, T, V), loss or None),
# model.generate(ids, max_new_tokens).

def require(module, *names):
    """Fails with a clear message when `module` lacks one of the attributes the lab prescribes."""
    missing = [n for n in names if not hasattr(module, n)]
    assert not missing, (f"{type(module).__name__} has no attribute(s) {missing}: keep the attribute names the "
                         f"lab prescribes, the tests (and the reference weights) use them")


def check_lm_loss(model, V, name):
    """forward returns logits (B, T, V) and the mean cross-entropy of the targets; loss is None without targets."""
    torch.manual_seed(1)
    ids = torch.randint(V, (3, 7))
    targets = torch.randint(V, (3, 7))
    try:
        logits, loss = model(ids, targets)
    except Exception as err:
        hint = ""
        if "target size" in str(err):
            hint = (" F.cross_entropy takes logits of shape (N, V) and targets of shape (N,): flatten both first, "
                    "logits.view(B * T, V) and targets.view(B * T).")
        elif "mat1 and mat2" in str(err):
            hint = (" A linear layer got vectors of another size than it expects: lm_head must take what comes "
                    "before it (embed_size features, or num_heads * head_size), and map it to vocab_size.")
        raise AssertionError(f"{name}(token ids of shape (3, 7), targets of shape (3, 7)) raised "
                             f"{type(err).__name__}: {err}.{hint}")
    assert tuple(logits.shape) == (3, 7, V), (
        f"{name}: logits should have shape (B, T, V) = (3, 7, {V}), got {tuple(logits.shape)}")
    assert loss is not None and torch.is_tensor(loss) and loss.dim() == 0, (
        f"{name}: with targets, forward should return the loss as a scalar tensor, got {loss!r}")
    expected = F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1))
    if not torch.allclose(loss, expected, atol=1e-5):
        hint = ""
        if torch.allclose(loss, expected * 21, atol=1e-3):
            hint = " It looks like the loss is SUMMED over the 21 positions: take the mean (per character)."
        raise AssertionError(f"{name}: the loss {loss.item():.4f} is not the cross-entropy of the returned logits "
                             f"and the targets ({expected.item():.4f})." + hint)
    logits2, loss2 = model(ids)
    assert loss2 is None, f"{name}: without targets the loss should be None"
    assert torch.allclose(logits, logits2, atol=1e-6), f"{name}: the logits should not depend on the targets"


def check_causal(fn, x, what):
    """Changing the last position of x must leave the outputs at all earlier positions unchanged."""
    with torch.set_grad_enabled(False):  # no graph
        original = x.clone()
        out = fn(x)
        assert torch.equal(x, original), (
            f"{what} changed its input in place (x += ... or x[...] = ...): the caller's tensor is modified. "
            f"Write the residual connections as x = x + ..., which makes a new tensor.")
        changed = x.clone()
        if changed.dtype == torch.long:
            changed[:, -1] = (changed[:, -1] + 1) % 5
        else:
            changed[:, -1] = torch.randn_like(changed[:, -1]) * 3
        out2 = fn(changed)
    out = out[0] if isinstance(out, tuple) else out
    out2 = out2[0] if isinstance(out2, tuple) else out2
    moved = (out[:, -1] - out2[:, -1]).abs().max().item()
    assert moved > 1e-6, (f"{what} ignores its input: changing the last position does not change the output "
                          f"there at all.")
    diff = (out[:, :-1] - out2[:, :-1]).abs().max().item()
    assert diff < 1e-5, (f"{what} is not causal: changing only the LAST position changed the outputs at earlier "
                         f"positions (by up to {diff:.3g}). Each position may only look at itself and earlier "
                         f"positions: mask the attention scores above the diagonal with -inf before the softmax.")


def check_lm_reference(model, expected_fn, name, hints=()):
    """model(ids) must equal expected_fn(ids) on several batches; `hints` are (text, wrong_fn) pairs."""
    for seed, (B, T) in enumerate([(3, 8), (1, 5), (2, 1)]):
        torch.manual_seed(seed)
        ids = torch.randint(model.token_embedding_table.num_embeddings, (B, T))
        with torch.set_grad_enabled(False):  # no graph
            logits, loss = model(ids)
            expected = expected_fn(ids)
        if torch.allclose(logits, expected, atol=1e-5):
            continue
        hint = ""
        with torch.set_grad_enabled(False):  # no graph
            for text, wrong_fn in hints:
                wrong = wrong_fn(ids)
                if wrong.shape == logits.shape and torch.allclose(logits, wrong, atol=1e-5):
                    hint = " It looks like " + text + "."
        raise AssertionError(f"{name}: the logits differ from the reference computed with your own layers for "
                             f"B={B}, T={T} (largest difference {(logits - expected).abs().max().item():.3g})." + hint)


def load_parameters(model, values):
    """In the notebook's kernel: copies `values`, {parameter name: tensor}, into the model's parameters."""
    import torch
    with torch.set_grad_enabled(False):  # no graph
        for name, value in values.items():
            model.get_parameter(name).copy_(value)


def adam_steps(model, x, y, lr, steps):
    """In the notebook's kernel: `steps` Adam steps on the batch (x, y); returns the loss before and after them."""
    import torch
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    first = model(x, y)[1].item()
    for _ in range(steps):
        loss = model(x, y)[1]
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return first, model(x, y)[1].item()


def next_token_table(V):
    """Logits (V, V) whose row v puts probability 0.7 on (v + 1) % V and 0.3 on (v + 2) % V."""
    table = torch.full((V, V), -30.0)
    ids = torch.arange(V)
    table[ids, (ids + 1) % V] = math.log(0.7)
    table[ids, (ids + 2) % V] = math.log(0.3)
    return table


def sample_from(model, context, new, table, stand_in):
    """In the notebook's kernel: model.generate(context, new) without gradients, with the model's own forward or
    (stand_in) a forward(token_ids, targets=None) whose logits at each position are the row of `table` of that
    token and which records how many tokens it is fed; returns generate's output and those numbers of tokens."""
    import torch
    seen = []

    def forward(token_ids, targets=None):
        seen.append(token_ids.shape[1])
        return table[token_ids], None
    if stand_in:
        model.forward = forward
    try:
        with torch.set_grad_enabled(False):  # no graph
            out = model.generate(context.clone(), new)
    finally:
        if stand_in:
            del model.forward
    return out, seen


def check_generate(model, V, name, stand_in=False):
    """generate: shape, keeps the context, samples (not argmax) from the LAST position; returns how many tokens
    each call of the stand-in forward was fed (stand_in)."""
    sample = in_kernel(sample_from)
    torch.manual_seed(0)
    context = torch.randint(V, (400, 6))
    new = 5
    out, seen = sample(model, context, new, next_token_table(V), stand_in)
    assert not stand_in or seen, (f"{name}.generate should get its logits by calling the model itself, "
                                  f"self(token_ids), which runs forward")
    assert isinstance(out, torch.Tensor), f"{name}.generate should return a tensor, got {type(out).__name__}"
    if tuple(out.shape) == (400, new):
        raise AssertionError(f"{name}.generate returned only the {new} new tokens: return the context with the "
                             f"new tokens appended, shape (B, T + max_new_tokens) = (400, {6 + new})")
    assert tuple(out.shape) == (400, 6 + new), (
        f"{name}.generate(context of shape (400, 6), max_new_tokens={new}) returned shape {tuple(out.shape)}, "
        f"expected (400, {6 + new})")
    assert torch.equal(out[:, :6], context), f"{name}.generate must keep the context as the first T tokens"
    steps = (out[:, 6:] - out[:, 5:-1]) % V   # next token minus current token
    from_first = (out[:, 6] - context[:, 0]) % V
    if not bool(((steps == 1) | (steps == 2)).all()):
        hint = ""
        if bool(((from_first == 1) | (from_first == 2)).all()):
            hint = " It looks like it uses the logits of the FIRST position: use logits[:, -1, :]."
        raise AssertionError(f"{name}.generate does not draw each new token from the distribution predicted at the "
                             f"last position of the current context." + hint)
    share = (steps == 1).float().mean().item()
    assert share < 0.95, (f"{name}.generate always picks the most likely token: that is argmax (greedy) decoding. "
                          f"Sample from softmax(logits) with torch.multinomial instead.")
    assert 0.6 < share < 0.8, (f"{name}.generate picked a token of probability 0.7 in {share:.0%} of the cases: "
                               f"apply the softmax to the logits (not to log-probabilities twice) and sample once")
    single, _ = sample(model, context[:1], 40, next_token_table(V), stand_in)  # B = 1, as in the notebook
    single_steps = (single[:, 6:] - single[:, 5:-1]) % V
    assert bool(((single_steps == 1) | (single_steps == 2)).all()), (
        f"{name}.generate with a batch of ONE sequence draws tokens the model gives no probability. Is the "
        f"softmax taken over the batch dimension? Normalise over the vocabulary: F.softmax(logits, dim=-1).")
    return seen


def check_generate_with_window(model, V, name, window):
    """check_generate with a stand-in forward that records how many tokens generate feeds the model."""
    seen = check_generate(model, V, name, stand_in=True)
    assert max(seen) <= window, (
        f"{name}.generate fed the model {max(seen)} tokens, more than its context_window_size ({window}): crop "
        f"the context to its last context_window_size tokens before each call (the position embeddings only "
        f"cover {window} positions)")
    assert max(seen) == window, (
        f"{name}.generate cropped the context to {max(seen)} tokens: keep the last context_window_size ({window})")


# Spies and stand-ins in the notebook's kernel (call these from helpers that run through in_kernel).

def record_forward_calls(module, *names):
    """A list that gets, for every forward call of `module`, a dict: its training mode ("training"), whether
    gradients were recorded ("grad") and the value of each argument of `names`, the forward's leading parameters
    (given by keyword or by position; None when not given)."""
    calls = []

    def record(module, args, kwargs):
        given = {name: kwargs.get(name, args[i] if len(args) > i else None) for i, name in enumerate(names)}
        calls.append({"training": module.training, "grad": torch.is_grad_enabled(), **given})
    module.register_forward_pre_hook(record, with_kwargs=True)
    return calls


# Values and names of the notebook.

def as_number(value, name):
    """float(value), or an AssertionError saying that the notebook's `name` should be a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        raise AssertionError(f"{name} should be a number, not {type(value).__name__}")


@contextlib.contextmanager
def notebook_names(namespace, **replacements):
    """Within the block, the notebook's names in `replacements` stand for the given objects (e.g. references, so
    that a test checks one function on its own); afterwards the notebook's own objects (or their absence) are back.
    `namespace` is the notebook's globals (a test's `env`)."""
    missing = object()
    saved = {name: namespace.get(name, missing) for name in replacements}
    try:
        for name, value in replacements.items():
            namespace[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is missing:
                namespace.pop(name, None)
            else:
                namespace[name] = value


def with_globals(function, **names):
    """Run in the kernel (through in_kernel): `function` that, while it runs, sees the notebook globals `names`
    (e.g. a stand-in for a helper it calls) instead of its own (notebook_names around each call)."""
    def run(*args, **kwargs):
        with notebook_names(function.__globals__, **names):
            return function(*args, **kwargs)
    return run


def looks_like(got, mistakes, atol=1e-8, rtol=1e-5):
    """" It looks like <what>." for the first classic mistake (what, result) of `mistakes` (a dict or pairs, e.g. a
    generator that computes each result when asked) whose NumPy result `got` matches (matching_hint), else ""."""
    import numpy as np

    pairs = mistakes.items() if isinstance(mistakes, dict) else mistakes
    what = matching_hint(np.asarray(got), pairs, atol=atol, rtol=rtol)
    return "" if not what else f" It looks like {what}."
