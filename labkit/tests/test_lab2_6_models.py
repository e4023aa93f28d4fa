"""Lab 2-6 recipe, model stage: reference models, training and evaluation."""
import math

import pytest
import torch
import torch.nn.functional as F

from labkit.data.recipes.lab2_6.evaluate import UnigramLM, own_author_wins, perplexity
from labkit.data.recipes.lab2_6.models import ARCHITECTURES, load_model, model_filename
from labkit.data.recipes.lab2_6.train import mean_nll, train_model, windows

pytestmark = pytest.mark.fast  # make test-fast: no grading, no notebook run

VOCAB = 50


@pytest.fixture(params=sorted(ARCHITECTURES))
def model(request):
    torch.manual_seed(0)
    return ARCHITECTURES[request.param](VOCAB, embedding_size=16, hidden_size=16)


def test_forward_shape(model):
    ids = torch.randint(0, VOCAB, (3, 7))
    assert model(ids).shape == (3, 7, VOCAB)


def test_changing_a_later_token_never_changes_earlier_logits(model):
    ids = torch.randint(2, VOCAB, (2, 10))
    changed = ids.clone()
    changed[:, 6:] = (changed[:, 6:] + 1) % VOCAB
    before, after = model(ids), model(changed)
    assert torch.allclose(before[:, :6], after[:, :6], atol=1e-6)
    assert not torch.allclose(before[:, 6:], after[:, 6:])


def test_uniform_model_averages_the_embeddings_seen_so_far():
    model = ARCHITECTURES["ualm"](VOCAB, 8, 8)
    ids = torch.tensor([[3, 5, 7]])
    mean_of_two = model.embed(ids[:, :2]).mean(dim=1)
    assert torch.allclose(model(ids)[:, 1], model.hidden2output(mean_of_two), atol=1e-6)


def test_attention_model_matches_pytorch_scaled_dot_product_attention():
    model = ARCHITECTURES["attnlm"](VOCAB, 8, 8)
    ids = torch.randint(0, VOCAB, (2, 5))
    x = model.embed(ids)
    context = F.scaled_dot_product_attention(model.q_proj(x), model.k_proj(x), model.v_proj(x), is_causal=True)
    assert torch.allclose(model(ids), model.hidden2output(context), atol=1e-5)


def test_windows_prepend_bos_and_ignore_padding():
    inputs, targets = windows([[5, 6, 7, 8, 9]], pad_id=1, seq_len=3)
    assert inputs.tolist() == [[1, 5, 6], [1, 8, 1]]
    assert targets.tolist() == [[5, 6, 7], [8, 9, -100]]


def test_a_short_training_run_lowers_the_loss(model):
    torch.manual_seed(0)
    text = [[2 + (i % 7) for i in range(120)]]  # a repeating pattern is easy to learn
    train = valid = windows(text, pad_id=1, seq_len=20)
    before = mean_nll(model, *train)
    trained, history = train_model(model, train, valid, "test", learning_rate=3e-2, max_epochs=30, patience=30)
    assert mean_nll(trained, *train) < 0.6 * before
    assert len(history) == 30 and history[-1]["val_ppl"] < history[0]["val_ppl"]


def test_saved_weights_load_with_weights_only(model, tmp_path):
    arch = next(a for a, cls in ARCHITECTURES.items() if isinstance(model, cls))
    model = ARCHITECTURES[arch](VOCAB)
    path = tmp_path / model_filename(arch, "Madison")
    torch.save(model.state_dict(), path)
    loaded = load_model(arch, path, VOCAB)
    ids = torch.randint(0, VOCAB, (1, 4))
    assert torch.equal(loaded(ids), model.eval()(ids))


def test_perplexity_is_log2_with_bos_and_equals_the_token_by_token_loop(model):
    model.eval()
    ids = [4, 9, 2, 30, 11]
    nll_bits = 0.0
    for i, token in enumerate(ids):
        logits = model(torch.tensor([[1] + ids[:i]]))[0, -1]
        nll_bits -= F.log_softmax(logits, -1)[token].item() / math.log(2)
    assert perplexity(model, ids, bos_id=1) == pytest.approx(2 ** (nll_bits / len(ids)), rel=1e-5)


def test_unigram_baseline_is_add_one_smoothed():
    unigram = UnigramLM([0, 0, 1], vocab_size=2)  # p(0) = 3/5, p(1) = 2/5
    assert unigram.perplexity([0, 1]) == pytest.approx(2 ** (-(math.log2(0.6) + math.log2(0.4)) / 2))


def test_own_author_wins_counts_papers_where_the_own_model_is_better():
    rows = [
        {"authors": "Madison", "attention Madison": 100.0, "attention Hamilton": 120.0},
        {"authors": "Hamilton", "attention Madison": 90.0, "attention Hamilton": 95.0},
    ]
    assert own_author_wins(rows, "attention") == (1, 2)


def test_training_curves_are_written_as_png(tmp_path):
    from labkit.data.recipes.lab2_6.train import plot_curves

    history = [{"epoch": 1, "train_loss": 6.0, "val_ppl": 300.0}, {"epoch": 2, "train_loss": 5.5, "val_ppl": 250.0}]
    names = ["uniform base", "uniform Hamilton", "attention base", "attention Madison"]
    plot_curves({name: history for name in names}, tmp_path / "curves.png")
    assert (tmp_path / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
