"""Reports of the model stage: training curves, samples, the model card and the lab's "expected output" values."""
import copy
import json

import torch

from .model import GRU_HIDDEN, RNN_SIZES, TRANSFORMER, count_parameters

CURVES = "reports/training_curves.png"
REPORT = "reports/training.json"
EXPECTED = "reports/expected_outputs.json"
MODEL_CARD = "models/model_card.json"
CHAR_PROMPT = "the people of the united states "


def plot_curves(histories, path):
    """Training loss of the three models and the held-out figure of each (test perplexity, validation loss)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_chars, ax_ppl, ax_tokens) = plt.subplots(1, 3, figsize=(14, 4))
    for name, colour in (("rnn", "tab:blue"), ("gru", "tab:red")):
        steps = [h["step"] for h in histories[name]]
        ax_chars.plot(steps, [h["train_loss"] for h in histories[name]], color=colour, label=name.upper())
        ax_ppl.plot(steps, [h["test_perplexity"] for h in histories[name]], color=colour, label=name.upper())
    steps = [h["step"] for h in histories["transformer"]]
    ax_tokens.plot(steps, [h["train_loss"] for h in histories["transformer"]], label="training")
    ax_tokens.plot(steps, [h["validation_loss"] for h in histories["transformer"]], label="validation")
    ax_chars.set(title="Problem 1: training loss (nats per character)", xlabel="step")
    ax_ppl.set(title="Problem 1: perplexity on the test extract", xlabel="step")
    ax_tokens.set(title="Problem 2: transformer loss (nats per token)", xlabel="step")
    for ax in (ax_chars, ax_ppl, ax_tokens):
        ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


@torch.no_grad()
def sample_characters(model, vocabulary, prompt, n, seed=0):
    """The prompt followed by `n` characters drawn one at a time from a character model."""
    generator = torch.Generator().manual_seed(seed)
    index = {c: i for i, c in enumerate(vocabulary)}
    logits, state = model(torch.tensor([[index[c] for c in prompt]]))
    text = prompt
    for _ in range(n):
        probs = torch.softmax(logits[0, -1], dim=-1)  # (V,)
        next_id = torch.multinomial(probs, 1, generator=generator)
        text += vocabulary[next_id.item()]
        logits, state = model(next_id.view(1, 1), state)
    return text


@torch.no_grad()
def sample_tokens(model, tokenizer, prompt, n, temperature=0.8, seed=0):
    """The prompt followed by `n` BPE tokens drawn from the transformer at `temperature`."""
    generator = torch.Generator().manual_seed(seed)
    ids = tokenizer.encode(prompt).ids
    for _ in range(n):
        logits = model(torch.tensor([ids[-model.block_size:]]))[0, -1]  # (V,)
        ids.append(torch.multinomial(torch.softmax(logits / temperature, -1), 1, generator=generator).item())
    return tokenizer.decode(ids)


@torch.no_grad()
def expected_outputs(model):
    """The top-left 3 x 5 corner of each function's output on the lab's check inputs, in float64."""
    model = model.double().eval()
    block = model.layers[0]
    ones = torch.ones(1, TRANSFORMER["block_size"], TRANSFORMER["d_model"], dtype=torch.float64)
    corner = lambda t: t.reshape(-1, t.size(-1))[:3, :5].tolist()
    return {
        "embed_tokens([1, 2, 3])": corner(model.word_embedding.weight[[1, 2, 3]]),
        "multi_head_attention(ones)": corner(block.attention(ones)),
        "mlp(ones)": corner(block.feed_forward(ones)),
        "prediction_head(ones)": corner(model.fc_out(ones)),
        "transformer([0, 1, 2])": corner(model(torch.tensor([[0, 1, 2]]))),
    }


def model_card(vocabulary, vocab_size):
    """Sizes and array names of the three exported models (the lab reads the transformer's configuration)."""
    V, (H1, H2), H = len(vocabulary), RNN_SIZES, GRU_HIDDEN
    d, ff = TRANSFORMER["d_model"], TRANSFORMER["d_ff"]
    layer = {"attention.wq.weight": [d, d], "attention.wk.weight": [d, d], "attention.wv.weight": [d, d],
             "attention.wo.weight": [d, d], "feed_forward.0.weight": [ff, d], "feed_forward.2.weight": [d, ff]}
    return {
        "rnn": {"file": "rnn.npz", "shapes": {
            "W_xh1": [H1, V], "W_h1h1": [H1, H1], "b_h1": [H1], "W_h1h2": [H2, H1], "W_h2h2": [H2, H2],
            "b_h2": [H2], "W_h2y": [V, H2], "b_y": [V]}},
        "gru": {"file": "gru.npz", "hidden_size": H, "shapes": {
            **{name: [H, V] for name in ("W_ux", "W_rx", "W_hx")},
            **{name: [H, H] for name in ("W_uh", "W_rh", "W_hh")},
            **{name: [H] for name in ("b_u", "b_r", "b_h")}, "W_y": [V, H], "b_y": [V]}},
        "transformer": {"file": "transformer.npz", "config": dict(TRANSFORMER, vocab_size=vocab_size), "shapes": {
            "word_embedding.weight": [vocab_size, d], "position_embedding.inv_freq": [d // 2],
            **{f"layers.{i}.{name}": shape for i in range(TRANSFORMER["n_layers"]) for name, shape in layer.items()},
            "fc_out.weight": [vocab_size, d], "fc_out.bias": [vocab_size]}},
    }


def write_reports(out, results, vocabulary, tokenizer):
    """Write the curves (PNG), the expected outputs and training.json (sizes, times, held-out figures, samples)."""
    (out / "reports").mkdir(parents=True, exist_ok=True)
    histories = {name: trained.history for name, trained in results.items()}
    plot_curves(histories, out / CURVES)
    (out / EXPECTED).write_text(json.dumps(expected_outputs(copy.deepcopy(results["transformer"].model)), indent=2))
    sizes = {"rnn": {"hidden_sizes": list(RNN_SIZES)}, "gru": {"hidden_sizes": [GRU_HIDDEN]},
             "transformer": dict(TRANSFORMER, vocab_size=tokenizer.get_vocab_size())}
    models = {}
    for name, trained in results.items():
        final = trained.history[-1]
        models[name] = {**sizes[name], "parameters": count_parameters(trained.model),
                        "train_seconds": round(trained.seconds, 1), **trained.settings,
                        **{key: value for key, value in final.items() if key != "step"}}
    for name in ("rnn", "gru"):
        models[name]["sample"] = sample_characters(results[name].model, vocabulary, CHAR_PROMPT, 300)
    models["transformer"]["sample"] = sample_tokens(results["transformer"].model, tokenizer,
                                                    "ANTONIO:\nDo you not hear me speak?\n", 100)
    report = {"models": models, "histories": histories}
    (out / REPORT).write_text(json.dumps(report, indent=2))
    return report
