"""shakespeare-gpt recipe: the text and its vocabulary, the reference TransformerLM (the same code as the master's
solution, loadable without pickle) and its training report."""
import json
import re

import nbformat
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from labkit import BUILD_DATA_DIR, REPO_ROOT
from labkit.data.raw import TINY_SHAKESPEARE, sha256_of
from labkit.data.recipes.shakespeare_gpt import data, train
from labkit.data.recipes.shakespeare_gpt.model import TransformerLM

LAB = "shakespeare-gpt"
OUT = BUILD_DATA_DIR / LAB
MASTER = REPO_ROOT / "solutions" / LAB / f"{LAB}.ipynb"


def built(relative):
    path = OUT / relative
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make data models LABS={LAB}`")
    return path


@pytest.mark.fast
def test_prepare_writes_text_and_sorted_vocabulary(tmp_path):
    raw = tmp_path / TINY_SHAKESPEARE.filename
    raw.write_text("ROMEO:\nAy me!\n" * 10, encoding="utf-8")
    data.prepare({TINY_SHAKESPEARE.filename: raw}, tmp_path / "out")
    text, vocab = data.load(tmp_path / "out")
    assert text == raw.read_text(encoding="utf-8")
    assert vocab["chars"] == sorted(set(text)) and vocab["train_chars"] == int(0.9 * len(text))


@pytest.mark.fast
def test_built_text_is_the_verified_raw_text_with_65_characters():
    assert sha256_of(built(data.TEXT_FILE)) == TINY_SHAKESPEARE.sha256
    text, vocab = data.load(OUT)
    assert vocab["chars"] == sorted(set(text)) and len(vocab["chars"]) == 65
    assert vocab["train_chars"] == 1_003_854 and vocab["num_chars"] == 1_115_394


@pytest.mark.fast
def test_batches_are_windows_shifted_by_one():
    ids = torch.arange(100)
    x, y = train.get_batch(ids, context_window_size=8, batch_size=5, generator=torch.Generator().manual_seed(0))
    assert x.shape == y.shape == (5, 8)
    assert torch.equal(y, x + 1)


@pytest.mark.fast
def test_learning_rate_warms_up_then_decays_to_min_lr():
    config = train.NANOGPT_CPU
    rates = [train.learning_rate(config, it) for it in range(config.max_iters + 1)]
    assert rates[0] == pytest.approx(config.learning_rate / config.warmup_iters)
    assert max(rates) == pytest.approx(config.learning_rate)
    assert rates[-1] == pytest.approx(config.min_lr)
    assert all(a >= b for a, b in zip(rates[config.warmup_iters:], rates[config.warmup_iters + 1:]))


@pytest.mark.fast
def test_nanogpt_configuration_is_the_documented_cpu_run():
    c = train.NANOGPT_CPU
    assert (c.n_layers, c.num_heads, c.embed_size, c.context_window_size, c.batch_size) == (4, 4, 128, 64, 12)
    assert (c.max_iters, c.learning_rate, c.min_lr) == (2000, 1e-3, 1e-4)


def reference_model():
    config = json.loads(built(train.CONFIG_FILE).read_text())
    model = TransformerLM(**config)
    model.load_state_dict(torch.load(built(train.MODEL_FILE), weights_only=True))
    return model.eval(), config


@pytest.mark.fast
def test_reference_model_loads_without_pickle_and_uses_the_lab_names():
    model, config = reference_model()
    assert config == {"vocab_size": 65, **train.REFERENCE.model_args()}
    names = set(model.state_dict())
    for name in ["token_embedding_table.weight", "position_embedding_table.weight", "blocks.0.ln1.weight",
                 "blocks.0.atten_heads.heads.0.key.weight", "blocks.0.atten_heads.heads.0.query.weight",
                 "blocks.0.atten_heads.heads.0.value.weight", "blocks.0.atten_heads.proj.weight",
                 "blocks.0.feed_forward.net.0.weight", "ln_f.weight", "lm_head.weight"]:
        assert name in names, f"{name} missing from the reference state dict"


def master_namespace():
    """The master's solution classes (Head ... TransformerLM), executed from its code cells."""
    namespace = {"torch": torch, "nn": nn, "F": F}
    for cell in nbformat.read(MASTER, as_version=4).cells:
        if cell.cell_type == "code" and re.match(r"\s*class (Head|MultiHeadAttention|FeedForward|"
                                                   r"TransformerBlock|TransformerLM)\(", cell.source):
            exec(re.sub(r"^\s*# (BEGIN|END) SOLUTION\s*$", "", cell.source, flags=re.M), namespace)
    return namespace


@pytest.mark.fast
def test_master_transformer_matches_the_recipe_model_on_the_reference_weights():
    model, config = reference_model()
    student_class = master_namespace()["TransformerLM"]
    student = student_class(**config).eval()
    student.load_state_dict(model.state_dict())
    ids = torch.randint(65, (2, 40), generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert torch.allclose(student(ids)[0], model(ids)[0], atol=1e-5)


@pytest.mark.fast
def test_reference_report_meets_the_loss_target_and_is_complete():
    report = json.loads(built(train.REPORT_FILE).read_text())
    for key in ["val_loss", "train_loss", "iterations", "train_seconds", "cpu_seconds", "curve", "target", "sample"]:
        assert key in report, f"{key} missing from {train.REPORT_FILE}"
    assert report["val_loss"] <= 1.80, f"the reference model's validation loss is {report['val_loss']}"
    assert built(train.CURVE_FILE).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.fast
def test_reference_model_predicts_shakespeare_well():
    model, config = reference_model()
    text, vocab = data.load(OUT)
    _, val_ids = train.encode_splits(text, vocab)
    T = config["context_window_size"]
    x, y = val_ids[:4 * T].view(4, T), val_ids[1:4 * T + 1].view(4, T)
    with torch.no_grad():
        loss = model(x, y)[1].item()
    assert loss < 2.0, f"validation loss {loss:.3f} on the first 512 validation characters"


# The sample answers quote what the notebook's CPU settings give (validation loss after SMALL_ITERS or LARGE_ITERS
# iterations). A change of settings, of the solution or of the data that contradicts them fails here.
QUOTED_CPU_LOSSES = {"bigram": 2.50, "bigram + embeddings": 2.51, "one head": 2.54, "multi-head": 2.49,
                     "transformer": 2.31}
QUOTED_REFERENCE_LOSS = "loss of about 1.6"


def cpu_training_run():
    """{model name: (validation loss, batch losses)} of the master's training cells run with the CPU settings."""
    import matplotlib
    matplotlib.use("Agg")  # plots are drawn and closed, never shown
    import matplotlib.pyplot as plt

    from labkit.tests.variant_suite import solution_notebook
    namespace = {"__name__": "__main__"}
    setup = f"import pathlib\nDATA_DIR = pathlib.Path({str(OUT)!r})"
    for cell in solution_notebook(LAB).cells:
        source = cell.source
        if cell.cell_type != "code" or source.startswith("# Initialize Otter") or "grader." in source:
            continue
        if source.startswith("# Setup"):
            source = setup
        elif "reference_model" in source or "sample(" in source or "histories.items()" in source:
            break  # the provided transformer, sampling and the closing table are not part of the run
        exec(source, namespace)
        plt.close("all")
    assert namespace["device"].type == "cpu", "this test checks the CPU settings"
    models = {"bigram": "bigram_model", "bigram + embeddings": "bigram_embed_model", "one head": "single_head_model",
              "multi-head": "multi_head_model", "transformer": "transformer_model"}
    torch.manual_seed(0)  # 20 fixed validation batches: the quoted figures hold within 0.05
    return {name: (namespace["estimate_loss"](namespace[variable], 20, namespace["CONTEXT_WINDOW_SIZE"],
                                              namespace["device"])["val"], namespace["histories"][name])
            for name, variable in models.items()}


@pytest.fixture(scope="module")
def cpu_run():
    return cpu_training_run()


def answers_text():
    return "\n".join(c.source for c in nbformat.read(MASTER, as_version=4).cells if c.cell_type == "markdown")


@pytest.mark.fast
def test_sample_answers_quote_the_cpu_figures_this_test_checks():
    text = answers_text()
    for name, loss in QUOTED_CPU_LOSSES.items():
        assert f"{loss:.2f}" in text, f"the answers no longer quote the CPU loss {loss:.2f} of the {name} model"
    assert QUOTED_REFERENCE_LOSS in text


@pytest.mark.parametrize("name", list(QUOTED_CPU_LOSSES))
def test_cpu_loss_is_the_quoted_one(cpu_run, name):
    loss, _ = cpu_run[name]
    assert abs(loss - QUOTED_CPU_LOSSES[name]) <= 0.05, f"{name}: validation loss {loss:.3f} on CPU"


def test_cpu_story_of_the_answers_holds(cpu_run):
    loss = {name: value for name, (value, _) in cpu_run.items()}
    batches = cpu_run["bigram"][1]
    late, later = sum(batches[150:200]) / 50, sum(batches[-50:]) / 50
    assert abs(late - later) < 0.06, f"the bigram loss has not levelled off: {late:.3f} then {later:.3f}"
    assert abs(loss["bigram + embeddings"] - loss["bigram"]) < 0.06, "1.2.2: embeddings end about level with bigram"
    assert loss["one head"] > loss["bigram"] - 0.02, "the one-head answer says it does not beat the bigram on CPU"
    assert loss["multi-head"] < loss["one head"] - 0.02, "the multi-head answer says it ends below one head"
    assert loss["transformer"] < min(v for k, v in loss.items() if k != "transformer") - 0.1


@pytest.mark.fast
def test_reference_loss_is_the_quoted_one():
    report = json.loads(built(train.REPORT_FILE).read_text())
    assert 1.55 <= report["val_loss"] <= 1.65, f"answers quote about 1.6, the report says {report['val_loss']}"
