"""The mask comparison report: final losses as JSON, curves as PNG."""
import json
import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

REPORT_JSON = "mask_comparison.json"
REPORT_PNG = "mask_comparison.png"


def summary(histories):
    """{variant: final figures} in nats per character."""
    return {name: {"iters": h["iter"][-1], "train_loss": h["train_loss"][-1], "val_loss": h["val_loss"][-1],
                   "val_prefix_loss": h["val_prefix_loss"][-1], "seconds": round(h["seconds"], 1)}
            for name, h in histories.items()}


def plot(histories, path):
    fig, ax = plt.subplots(figsize=(7, 4))
    for (name, h), color in zip(histories.items(), ("tab:blue", "tab:red")):
        ax.plot(h["iter"][1:], h["train_loss"][1:], color=color, alpha=0.4, label=f"{name}: training")
        ax.plot(h["iter"], h["val_loss"], color=color, label=f"{name}: validation")
        ax.plot(h["iter"], h["val_prefix_loss"], color=color, linestyle="--",
                label=f"{name}: validation, prefix only")
    ax.axhline(math.log(65), color="gray", linewidth=0.8, linestyle=":", label="uniform guess, ln 65")
    ax.set_xlabel("training iteration")
    ax.set_ylabel("cross-entropy (nats per character)")
    ax.set_title("Causal mask before vs after the softmax")
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write(reports_dir, histories):
    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    figures = summary(histories)
    (reports_dir / REPORT_JSON).write_text(json.dumps({"histories": histories, "final": figures}, indent=1))
    plot(histories, reports_dir / REPORT_PNG)
    print(f"{'variant':14}{'train':>8}{'val':>8}{'val, prefix only':>18}{'seconds':>9}")
    for name, f in figures.items():
        print(f"{name:14}{f['train_loss']:8.3f}{f['val_loss']:8.3f}{f['val_prefix_loss']:18.3f}{f['seconds']:9.1f}")
