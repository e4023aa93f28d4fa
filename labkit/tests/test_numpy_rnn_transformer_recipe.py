"""numpy-rnn-transformer recipe: text processing, exports that NumPy reproduces, and the built files.

The tests of the built files need `make data models LABS=numpy-rnn-transformer` (CI builds them first).
"""
import json

import numpy as np
import pytest
import torch
from tokenizers import Tokenizer

from labkit import BUILD_DATA_DIR
from labkit.data.recipes import load
from labkit.data.recipes.numpy_rnn_transformer.data import (TEST_TEXT, TOKENIZER, TRAIN_TEXT, VOCABULARY,
                                                            federalist_prose, split_train_test, train_bpe)
from labkit.data.recipes.numpy_rnn_transformer.model import (CharGRU, CharRNN, Transformer, gru_arrays, rnn_arrays,
                                                             sinusoidal_positions, transformer_arrays)
from labkit.data.recipes.numpy_rnn_transformer.report import EXPECTED, MODEL_CARD, REPORT

pytestmark = pytest.mark.fast  # make test-fast: no grading, no notebook run

LAB = "numpy-rnn-transformer"
OUT = BUILD_DATA_DIR / LAB


def built(name):
    path = OUT / name
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make data models LABS={LAB}` first")
    return path


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# --- data stage -------------------------------------------------------------------------------------------

BOOK = ("Header of the ebook\n\nFEDERALIST No. 1\n\nGeneral Introduction\n\nTo the People:\n\nAFTER an "
        "unequivocal experience\nof 1787 things. It is so.\n\nFEDERALIST No. 2\n\nOn Union. The end came.\n"
        "More text here.\n\n*** END OF THE PROJECT GUTENBERG EBOOK ***\nlicense")


def test_prose_is_one_lowercase_line_without_digits():
    text = federalist_prose(BOOK)
    assert text.startswith("federalist no. general introduction to the people: after an unequivocal")
    assert "\n" not in text and "  " not in text
    assert not any(c.isdigit() or c.isupper() for c in text)
    assert "license" not in text and "header" not in text


def test_the_test_extract_is_the_last_paper_cut_after_a_sentence():
    train, test = split_train_test(federalist_prose(BOOK), test_chars=30)
    assert train.endswith("it is so.") and test.startswith("federalist no. on union.")
    assert test.endswith(".") and len(test) <= 30 and test not in train


def test_bpe_tokenizer_has_the_asked_size_and_decodes_exactly():
    text = "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n" * 20
    tokenizer = train_bpe(text, vocab_size=300)
    assert tokenizer.get_vocab_size() == 300
    sample = "Speak, Citizen! What's this?\n"
    assert tokenizer.decode(tokenizer.encode(sample).ids) == sample


# --- exports: NumPy with the documented names reproduces PyTorch ---------------------------------------------

def test_rnn_export_reproduces_the_torch_model():
    torch.manual_seed(0)
    model = CharRNN(7, sizes=(5, 4)).eval()
    W = rnn_arrays(model)
    assert {k: v.shape for k, v in W.items()} == {
        "W_xh1": (5, 7), "W_h1h1": (5, 5), "b_h1": (5,), "W_h1h2": (4, 5), "W_h2h2": (4, 4), "b_h2": (4,),
        "W_h2y": (7, 4), "b_y": (7,)}
    ids = [3, 1, 6, 0]
    with torch.no_grad():
        want = torch.softmax(model(torch.tensor([ids]))[0][0], -1).numpy()
    h1, h2 = np.zeros(5), np.zeros(4)
    for t, i in enumerate(ids):
        h1 = np.tanh(W["W_xh1"][:, i] + W["W_h1h1"] @ h1 + W["b_h1"])
        h2 = np.tanh(W["W_h1h2"] @ h1 + W["W_h2h2"] @ h2 + W["b_h2"])
        assert np.allclose(softmax(W["W_h2y"] @ h2 + W["b_y"]), want[t], atol=1e-5)


def test_gru_export_follows_the_lab_equations_and_keeps_b_hn_zero():
    torch.manual_seed(0)
    model = CharGRU(7, hidden=6)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.1)
    loss = model(torch.tensor([[1, 2, 3, 4]]))[0].sum()
    loss.backward()
    optimizer.step()  # a training step must leave the candidate's recurrent bias at zero
    W = gru_arrays(model.eval())  # asserts b_hn == 0
    ids = [3, 1, 6, 0]
    with torch.no_grad():
        want = torch.softmax(model(torch.tensor([ids]))[0][0], -1).numpy()
    sigmoid = lambda z: 1 / (1 + np.exp(-z))
    h = np.zeros(6)
    for t, i in enumerate(ids):
        u = sigmoid(W["W_ux"][:, i] + W["W_uh"] @ h + W["b_u"])
        r = sigmoid(W["W_rx"][:, i] + W["W_rh"] @ h + W["b_r"])
        c = np.tanh(W["W_hx"][:, i] + r * (W["W_hh"] @ h) + W["b_h"])
        h = (1 - u) * c + u * h
        assert np.allclose(softmax(W["W_y"] @ h + W["b_y"]), want[t], atol=1e-5)


def numpy_transformer(P, tokens, n_layers, n_heads):
    """The lab's transformer in NumPy, written from the lab's equations."""
    d = P["word_embedding.weight"].shape[1]
    x = P["word_embedding.weight"][tokens]
    angles = np.outer(np.arange(len(tokens)), 1.0 / 10000 ** (np.arange(0, d, 2) / d))
    x = x + np.concatenate([np.sin(angles), np.cos(angles)], axis=-1)
    n, hd = len(tokens), d // n_heads
    for i in range(n_layers):
        w = {m: P[f"layers.{i}.attention.w{m}.weight"].T for m in "qkvo"}
        heads = []
        for h in range(n_heads):
            cols = slice(h * hd, (h + 1) * hd)
            scores = (x @ w["q"][:, cols]) @ (x @ w["k"][:, cols]).T / np.sqrt(hd)
            scores = scores - 1e9 * np.triu(np.ones((n, n)), k=1)
            heads.append(softmax(scores) @ (x @ w["v"][:, cols]))
        x = x + np.concatenate(heads, axis=-1) @ w["o"]
        x = x + np.maximum(x @ P[f"layers.{i}.feed_forward.0.weight"].T, 0) @ P[f"layers.{i}.feed_forward.2.weight"].T
    return x @ P["fc_out.weight"].T + P["fc_out.bias"]


def test_transformer_export_has_the_seed_names_and_numpy_reproduces_it():
    torch.manual_seed(0)
    model = Transformer(50, d_model=16, n_layers=2, n_heads=4, d_ff=24, block_size=32).eval()
    P = transformer_arrays(model)
    layer = ["attention.wq.weight", "attention.wk.weight", "attention.wv.weight", "attention.wo.weight",
             "feed_forward.0.weight", "feed_forward.2.weight"]
    assert sorted(P) == sorted(["word_embedding.weight", "position_embedding.inv_freq", "fc_out.weight",
                                "fc_out.bias"] + [f"layers.{i}.{name}" for i in range(2) for name in layer])
    tokens = [4, 9, 0, 49, 17, 3]
    with torch.no_grad():
        want = model(torch.tensor([tokens]))[0].numpy()
    assert np.allclose(numpy_transformer(P, tokens, 2, 4), want, atol=1e-4)


def test_positions_are_sines_then_cosines():
    inv_freq = 1.0 / 10000 ** (torch.arange(0, 8, 2).float() / 8)
    pe = sinusoidal_positions(5, inv_freq)
    assert pe.shape == (5, 8)
    assert torch.allclose(pe[0], torch.tensor([0.0] * 4 + [1.0] * 4))
    assert torch.allclose(pe[3, 0], torch.sin(torch.tensor(3.0)))


# --- the built files --------------------------------------------------------------------------------------

def test_recipe_lists_files_that_exist():
    recipe = load(LAB)
    assert set(recipe.lab_files) <= set(recipe.data_files) | set(recipe.model_files)
    for name in recipe.lab_files:
        built(name)


def test_one_vocabulary_for_texts_and_models():
    vocabulary = json.loads(built(VOCABULARY).read_text(encoding="utf-8"))
    train, test = built(TRAIN_TEXT).read_text(encoding="utf-8"), built(TEST_TEXT).read_text(encoding="utf-8")
    assert vocabulary == sorted(set(train + test))
    assert not any(c.isdigit() or c.isupper() for c in vocabulary)
    assert 6000 < len(test) <= 7000 and test not in train
    card = json.loads(built(MODEL_CARD).read_text())
    for name in ("rnn", "gru"):
        with np.load(built(f"models/{name}.npz"), allow_pickle=False) as arrays:
            assert {k: list(arrays[k].shape) for k in arrays.files} == card[name]["shapes"]
            assert arrays["b_y"].shape == (len(vocabulary),)


def test_transformer_file_matches_the_card_and_the_tokenizer():
    card = json.loads(built(MODEL_CARD).read_text())["transformer"]
    tokenizer = Tokenizer.from_file(str(built(TOKENIZER)))
    assert tokenizer.get_vocab_size() == card["config"]["vocab_size"] == 1024
    text = "ROMEO:\nWhat light through yonder window breaks?\n"
    assert tokenizer.decode(tokenizer.encode(text).ids) == text
    with np.load(built("models/transformer.npz"), allow_pickle=False) as arrays:
        assert {k: list(arrays[k].shape) for k in arrays.files} == card["shapes"]
        assert all(arrays[k].dtype == np.float32 for k in arrays.files)


def test_expected_outputs_agree_with_numpy_on_the_weights():
    card = json.loads(built(MODEL_CARD).read_text())["transformer"]["config"]
    expected = json.loads(built(EXPECTED).read_text())
    with np.load(built("models/transformer.npz"), allow_pickle=False) as arrays:
        P = {k: arrays[k].astype(np.float64) for k in arrays.files}
    assert np.allclose(expected["embed_tokens([1, 2, 3])"], P["word_embedding.weight"][[1, 2, 3], :5])
    logits = numpy_transformer(P, [0, 1, 2], card["n_layers"], card["n_heads"])
    assert np.allclose(expected["transformer([0, 1, 2])"], logits[:3, :5], atol=1e-6)


def test_report_has_sizes_times_and_perplexities():
    report = json.loads(built(REPORT).read_text())["models"]
    for name in ("rnn", "gru", "transformer"):
        assert report[name]["parameters"] > 0 and report[name]["train_seconds"] > 0
    for name in ("rnn", "gru"):
        assert 1 < report[name]["test_perplexity"] < 39
    assert report["gru"]["hidden_sizes"] == [256] and report["rnn"]["hidden_sizes"] == [128, 64]
    assert built("reports/training_curves.png").stat().st_size > 10_000
