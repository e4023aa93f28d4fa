"""The test library labtest.py (labkit/autograder/labtest.py): its checks and their messages, how it reaches the
tests (notebook, autograder, the student's kernel) and that Otter, the grader and the leak scan treat it right.
Fast: no grading."""
import importlib.util
import socket
import sys
import threading
from pathlib import Path

import pytest
import torch
from otter.check.utils import list_test_files

from labkit.authoring import build
from labkit.autograder import channel, labtest, testing
from labkit.grading.check import find_leaks, published_lines

pytestmark = pytest.mark.fast  # make test-fast: no grading, no notebook run


def in_notebook(monkeypatch):
    """As in the notebook's grader.check: no autograder to define helpers in a kernel."""
    monkeypatch.setitem(sys.modules, "labkit_grading", None)


def test_run_explains_every_way_a_call_fails():
    with pytest.raises(AssertionError, match="f is not defined: run the cell that defines it"):
        labtest.run(None, "f", torch.ones(2))
    with pytest.raises(AssertionError, match=r"f\(\(2, 3\), 4\) raised ValueError: bad. Try again"):
        labtest.run(lambda x, n: (_ for _ in ()).throw(ValueError("bad")), "f", torch.ones(2, 3), 4,
                    hint_on_error="Try again")
    with pytest.raises(AssertionError, match="f changed its input number 1 in place"):
        labtest.run(lambda x: x.mul_(2), "f", torch.ones(2))
    with pytest.raises(AssertionError, match="f should return a tensor, not list"):
        labtest.run(lambda x: [1], "f", torch.ones(2))
    assert torch.equal(labtest.run(lambda x: x * 2, "f", torch.ones(2)), torch.full((2,), 2.0))


def test_expect_close_names_the_shape_or_the_largest_difference():
    with pytest.raises(AssertionError, match=r"f should return shape \(2,\), but returned shape \(3,\). hint"):
        labtest.expect_close("f", torch.zeros(3), torch.zeros(2), "zeros", "hint")
    with pytest.raises(AssertionError, match="f, zeros: the result differs from the expected one by up to 0.5. hint"):
        labtest.expect_close("f", torch.tensor([0.0, 0.5]), torch.zeros(2), "zeros", "hint")
    with pytest.raises(AssertionError, match="by up to inf"):
        labtest.expect_close("f", torch.tensor([0.0, float("nan")]), torch.zeros(2), "zeros")
    labtest.expect_close("f", torch.tensor([1.0 + 1e-6]), torch.ones(1), "one")


def test_matching_hint_names_the_first_classic_mistake_that_matches():
    out = torch.tensor([2.0, 4.0])
    candidates = [("halved", out / 2), ("doubled", out.clone()), ("also doubled", out.clone())]
    assert labtest.matching_hint(out, candidates) == "doubled"
    assert labtest.matching_hint(out, [("other shape", torch.zeros(3))]) == ""
    assert labtest.matching_hint(torch.tensor([float("nan")]), [("nan", torch.tensor([float("nan")]))],
                                 equal_nan=True) == "nan"


def test_as_answer_says_what_is_wrong_with_a_by_hand_answer():
    with pytest.raises(AssertionError, match=r"q is not set yet: replace the \.\.\. by your answer, a vector of 3"):
        labtest.as_answer(..., "q", (3,))
    with pytest.raises(AssertionError, match=r"shape \(3,\), but it has shape \(1, 3\). Flatten it"):
        labtest.as_answer([[1, 2, 3]], "q", (3,))
    with pytest.raises(AssertionError, match="should be a matrix of 4 rows of 3 numbers .* not a str"):
        labtest.as_answer("abc", "Q", (4, 3))
    with pytest.raises(AssertionError, match="contains inf or NaN"):
        labtest.as_answer([1, float("inf"), 0], "q", (3,))
    assert labtest.as_answer(torch.tensor([1, 2, 3]), "q", (3,)).dtype == torch.float64


def test_random_inputs_depend_on_the_seed_only():
    first, second = labtest.Random(5), labtest.Random(5)
    assert torch.equal(first.randn(2, 3), torch.randn(2, 3, generator=torch.Generator().manual_seed(5)))
    assert torch.equal(second.randn(2, 3), torch.randn(2, 3, generator=torch.Generator().manual_seed(5)))
    assert torch.equal(first.rand(4), second.rand(4)) and first.randn(1).device == labtest.DEVICE


def spied_sum(x, y):
    return torch.add(x, y).sum()


def test_trace_calls_records_the_notebook_and_library_functions_a_call_uses_then_restores_them():
    helper = lambda x: x * 2  # noqa: E731
    namespace = {"torch": torch, "helper": helper}
    function = type(spied_sum)(spied_sum.__code__, namespace)
    calls_helper = type(spied_sum)(compile("def f(x):\n    return helper(x)\n", "<f>", "exec").co_consts[0],
                                   namespace)
    add = torch.add
    out, calls, error = labtest.trace_calls(function, (torch.ones(2), torch.ones(2)), ["helper"],
                                            [("torch", "add", "torch.add")])
    assert out.item() == 4.0 and calls == ["torch.add"] and error is None
    out, calls, error = labtest.trace_calls(calls_helper, ("text",), ["helper"], [])
    assert out == "texttext" and calls == ["helper"]
    out, calls, error = labtest.trace_calls(calls_helper, (None,), ["helper"], [])
    assert out is None and calls == ["helper", "!helper"] and error.startswith("TypeError")
    assert torch.add is add and namespace["helper"] is helper


def test_in_kernel_in_the_notebook_gives_the_helper_the_library(monkeypatch):
    in_notebook(monkeypatch)

    def describe(x, *, n=4):
        return labtest.shape_of((x, n))  # noqa: F821 (the global that in_kernel provides)

    assert labtest.in_kernel(describe)(torch.ones(2, 3)) == "(2, 3), 4"
    assert labtest.call_writing_back(lambda x: x.add_(1), torch.zeros(1)).item() == 1.0


def kernel_case(notebook):
    """The grader's end of a channel to a kernel thread serving `notebook`, with a test case begun on it."""
    trusted, student = socket.socketpair()
    threading.Thread(target=channel.Channel(student, "student").serve, args=(notebook,), daemon=True).start()
    wire = channel.Channel(trusted, "trusted", interrupt=lambda: None)
    testing.current_channel = wire
    wire.begin_case(seed=0, seconds=10)
    return wire


def test_in_kernel_in_the_autograder_sends_the_graders_copy_of_the_library(tmp_path, monkeypatch):
    (tmp_path / "labtest.py").write_text("raise SystemExit('the student planted this')\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))  # the kernel's folder, where a student can write

    def describe(x):
        return labtest.shape_of((x, 4)), labtest.__name__  # noqa: F821

    wire = kernel_case({"x": torch.ones(2, 3)})
    assert labtest.in_kernel(describe)(wire.namespace()["x"]) == ("(2, 3), 4", "labtest")
    wire.end_case()
    assert "the student planted" not in testing.with_test_library("")


def test_in_kernel_runs_lab_checks_functions_with_their_module_and_the_library(tmp_path, monkeypatch):
    (tmp_path / "lab_checks.py").write_text(
        "import labtest\n\ndef outer(x):\n    return inner(x), labtest.__name__\n\n"
        "def inner(x):\n    from labtest import shape_of\n    return shape_of((x,))\n")
    spec = importlib.util.spec_from_file_location("lab_checks", tmp_path / "lab_checks.py")
    lab_checks = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "lab_checks", lab_checks)
    spec.loader.exec_module(lab_checks)
    wire = kernel_case({"x": torch.ones(2, 3)})
    assert labtest.in_kernel(lab_checks.outer)(wire.namespace()["x"]) == ("(2, 3)", "labtest")
    wire.end_case()
    assert sys.modules["labtest"] is labtest  # the kernel's modules never replace the grader's

def test_in_kernel_runs_the_librarys_functions_with_the_librarys_globals():
    notebook = {}
    exec("def step(x):\n    return x + 1\ndef double(x):\n    return 2 * x\ndef chain(x):\n    return step(step(x))\n",
         notebook)
    wire = kernel_case(notebook)
    chained = labtest.in_kernel(labtest.with_globals)(wire.namespace()["chain"], step=wire.namespace()["double"])
    assert chained(1) == 4  # with_globals calls notebook_names, its neighbour in the library, in the kernel
    assert wire.namespace()["chain"](1) == 3  # and the notebook's own step is back
    wire.end_case()

def test_otter_and_the_grader_never_take_the_library_for_a_test_file(tmp_path):
    (tmp_path / "q1.py").write_text("")
    build.ship_test_library(tmp_path, {"lab_checks": "X = 1\n", "lab_references": "Y = 2\n"})
    assert (tmp_path / build.TEST_LIBRARY_FOLDER / "lab_checks.py").read_text() == "X = 1\n"
    assert not list(tmp_path.rglob("lab_references*"))  # the hidden module goes to the zip only
    shipped = tmp_path / build.TEST_LIBRARY_FOLDER / "labtest.py"
    assert shipped.read_text() == Path(labtest.__file__).read_text()
    assert list_test_files(str(tmp_path)) == [str(tmp_path / "q1.py")]  # what grader.check_all runs
    assert sorted(p.name for p in tmp_path.glob("*.py")) == ["q1.py"]  # what the autograder's supervisor reads
    assert sys.modules["labtest"] is testing.labtest is labtest  # a test's `import labtest` in the grader: its own copy


@pytest.mark.parametrize("lab", build.lab_names())
def test_the_leak_scan_covers_the_library(lab, tmp_path):
    build.ship_test_library(tmp_path, {})
    published = published_lines([tmp_path])
    assert "def expect_close(name, out, expected, label, hint=\"\", atol=1e-5, rtol=1e-4):" in published
    assert find_leaks(build.master_path(lab), published) == []


def test_lab_files_are_found_beside_the_notebook_first_then_in_the_course_build(tmp_path, monkeypatch):
    notebook = tmp_path / "labs" / "some-lab"
    (tmp_path / "data" / "build" / "some-lab" / "models").mkdir(parents=True)
    (tmp_path / "data" / "build" / "some-lab" / "models" / "card.json").write_text('{"a": 1}')
    notebook.mkdir(parents=True)
    monkeypatch.chdir(notebook)
    assert labtest.lab_file("some-lab", "models/card.json") == Path("../../data/build/some-lab/models/card.json")
    assert labtest.load_json(labtest.lab_folder("some-lab", "models/card.json") / "models" / "card.json") == {"a": 1}
    (notebook / "data" / "models").mkdir(parents=True)
    (notebook / "data" / "models" / "card.json").write_text("{}")
    assert labtest.lab_file("some-lab", "models/card.json") == Path("data/models/card.json")
    with pytest.raises(AssertionError, match="the lab's file other.json was not found"):
        labtest.lab_file("some-lab", "other.json")


def test_shipped_weights_names_the_tensors_a_model_changed(tmp_path):
    model = torch.nn.Linear(2, 1)
    torch.save(model.state_dict(), tmp_path / "w.pt")
    assert set(labtest.shipped_weights(model, "m", tmp_path / "w.pt", "reload it")) == {"weight", "bias"}
    with torch.no_grad():
        model.bias.add_(1)
    with pytest.raises(AssertionError, match=r"m does not hold the trained weights of w.pt \(bias differ\): reload it"):
        labtest.shipped_weights(model, "m", tmp_path / "w.pt", "reload it")


def test_check_causal_tells_a_causal_sequence_model_from_one_that_sees_the_future():
    torch.manual_seed(0)
    labtest.check_causal(lambda x: x.cumsum(1), torch.randn(2, 5, 3), "running sum")
    with pytest.raises(AssertionError, match="reversed sum is not causal"):
        labtest.check_causal(lambda x: x.flip(1).cumsum(1).flip(1), torch.randn(2, 5, 3), "reversed sum")
    with pytest.raises(AssertionError, match="changed its input in place"):
        labtest.check_causal(lambda x: x.mul_(2), torch.randn(2, 5, 3), "doubler")


class Bigram(torch.nn.Module):
    def __init__(self, V, reduction="mean"):
        super().__init__()
        self.table, self.reduction = torch.nn.Embedding(V, V), reduction

    def forward(self, ids, targets=None):
        logits = self.table(ids)
        if targets is None:
            return logits, None
        V = logits.shape[-1]
        return logits, torch.nn.functional.cross_entropy(logits.view(-1, V), targets.view(-1), reduction=self.reduction)


def test_check_lm_loss_accepts_the_mean_cross_entropy_and_names_a_summed_one():
    labtest.check_lm_loss(Bigram(11), 11, "Bigram")
    with pytest.raises(AssertionError, match="It looks like the loss is SUMMED"):
        labtest.check_lm_loss(Bigram(11, reduction="sum"), 11, "Bigram")


def test_with_globals_swaps_notebook_names_for_one_call_only(monkeypatch):
    in_notebook(monkeypatch)
    namespace = {"helper": lambda x: x + 1}
    exec("def f(x):\n    return helper(x) * extra\n", namespace)
    run = labtest.in_kernel(labtest.with_globals)(namespace["f"], helper=lambda x: x - 1, extra=10)
    assert run(5) == 40
    assert namespace["helper"](5) == 6 and "extra" not in namespace  # restored, and nothing left behind
    with pytest.raises(NameError):
        namespace["f"](5)


def test_looks_like_names_the_first_classic_mistake_that_matches():
    import numpy as np
    got = np.array([2.0, 4.0])
    assert labtest.looks_like(got, {"halved": got / 2, "doubled": got + 1e-9, "also": got}) == (
        " It looks like doubled.")
    computed = []
    mistakes = ((what, computed.append(what) or value) for what, value in [("a", got), ("b", got)])
    assert labtest.looks_like(got, mistakes, atol=0, rtol=0) == " It looks like a." and computed == ["a"]
    assert labtest.looks_like(got, {"far": got + 1e-3}, atol=1e-4, rtol=0) == ""


def test_record_forward_calls_sees_the_mode_the_grad_mode_and_the_arguments():
    model = torch.nn.Linear(2, 1)
    calls = labtest.record_forward_calls(model, "input", "other")
    x = torch.ones(1, 2)
    model.eval()
    with torch.no_grad():
        model(x)
    model.train()
    model(input=x)
    assert [(c["training"], c["grad"], c["input"] is x, c["other"]) for c in calls] == [
        (False, False, True, None), (True, True, True, None)]


def test_as_number_converts_or_names_the_variable():
    assert labtest.as_number("2.5", "x") == 2.5
    with pytest.raises(AssertionError, match="ppl should be a number, not NoneType"):
        labtest.as_number(None, "ppl")


def test_notebook_names_swaps_names_in_and_restores_the_notebook():
    notebook = {"attention": "student's"}
    with pytest.raises(RuntimeError):
        with labtest.notebook_names(notebook, attention="reference", causal_mask="reference mask"):
            assert notebook == {"attention": "reference", "causal_mask": "reference mask"}
            raise RuntimeError("a failing check")
    assert notebook == {"attention": "student's"}
