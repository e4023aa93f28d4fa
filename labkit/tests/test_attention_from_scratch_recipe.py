"""attention-from-scratch recipe: the character corpus, the reference attention and the mask report."""
import json

import numpy as np
import pytest
import torch

from labkit import BUILD_DATA_DIR
from labkit.data.recipes.attention_from_scratch import data, report
from labkit.data.recipes.attention_from_scratch.model import (GPT, GPTConfig, causal_self_attention,
                                                              naive_causal_self_attention)

pytestmark = pytest.mark.fast  # make test-fast: no grading, no notebook run

OUT = BUILD_DATA_DIR / "attention-from-scratch"


def built(relative):
    path = OUT / relative
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make data models LABS=attention-from-scratch`")
    return path


def test_encode_maps_sorted_characters_to_uint8_ids():
    chars, ids = data.encode("abca\n")
    assert chars == ["\n", "a", "b", "c"]
    assert ids.dtype == np.uint8 and ids.tolist() == [1, 2, 3, 1, 0]


def test_corpus_loads_without_pickle_and_splits_ninety_ten():
    built(data.CORPUS_FILE)
    chars, train, val = data.load(OUT)
    assert len(chars) == 65 and chars[0] == "\n" and chars[1] == " "
    assert len(train) + len(val) == 1_115_394 and len(val) == 111_540
    assert "".join(chars[i] for i in train[:14]) == "First Citizen:"


def test_reference_attention_matches_pytorch():
    generator = torch.Generator().manual_seed(0)
    Q, K, V = (torch.randn(2, 5, 12, generator=generator) for _ in range(3))
    eye = torch.eye(12)
    expected, _ = torch.nn.functional.multi_head_attention_forward(
        Q.transpose(0, 1), K.transpose(0, 1), V.transpose(0, 1), 12, 3, torch.cat([eye, eye, eye]),
        torch.zeros(36), None, None, False, 0.0, eye, torch.zeros(12), training=False, need_weights=False,
        attn_mask=torch.ones(5, 5, dtype=torch.bool).triu(1))
    assert torch.allclose(causal_self_attention(Q, K, V, n_heads=3), expected.transpose(0, 1), atol=1e-5)


@pytest.mark.parametrize("attention, leaks", [(causal_self_attention, False), (naive_causal_self_attention, True)])
def test_only_the_naive_mask_lets_the_future_change_the_past(attention, leaks):
    torch.manual_seed(0)
    model = GPT(GPTConfig(vocab_size=65), attention).eval()
    x = torch.randint(65, (1, 16))
    changed = x.clone()
    changed[0, 10] = (x[0, 10] + 1) % 65
    with torch.no_grad():
        difference = (model(x)[0] - model(changed)[0])[:, :10].abs().max().item()
    assert (difference > 1e-4) == leaks, f"largest change of earlier logits: {difference}"


def test_mask_report_has_both_variants_and_a_figure():
    figures = json.loads(built(f"reports/{report.REPORT_JSON}").read_text())["final"]
    assert set(figures) == {"correct mask", "naive mask"}
    correct, naive = figures["correct mask"], figures["naive mask"]
    assert abs(correct["val_loss"] - correct["val_prefix_loss"]) < 0.05, "a causal model's two losses must agree"
    assert naive["val_prefix_loss"] > naive["val_loss"] + 0.5, "the naive model should be exposed by the prefix loss"
    assert built(f"reports/{report.REPORT_PNG}").read_bytes()[:4] == b"\x89PNG"
