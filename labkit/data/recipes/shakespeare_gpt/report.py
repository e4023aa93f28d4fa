"""Report stage: the training curve (PNG) and a one-line summary of a training run."""
TARGET_VAL_LOSS = 1.80   # nats per character (issue 9)
TARGET_SECONDS = 300     # of training on 2 CPU cores


def plot_curves(reports, path):
    """Train and validation loss against iterations for each report, on one figure."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    for report in reports:
        name, curve = report["config"]["name"], report["curve"]
        ax.plot(curve["iter"], curve["train"], "--", label=f"{name} (train)")
        ax.plot(curve["iter"], curve["val"], label=f"{name} (validation)")
    ax.axhline(TARGET_VAL_LOSS, color="grey", linewidth=0.8, label=f"target {TARGET_VAL_LOSS}")
    ax.set_xlabel("iteration")
    ax.set_ylabel("loss (nats per character)")
    ax.set_ylim(1.3, 4.5)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)


def summary(report):
    """One line: validation loss, iterations, training time (wall and CPU) and wall time of the whole run."""
    return (f"{report['config']['name']}: validation loss {report['val_loss']:.3f} nats/char after "
            f"{report['iterations']} iterations; training {report['train_seconds']:.0f} s wall "
            f"({1000 * report['seconds_per_iteration']:.0f} ms/iteration), {report['cpu_seconds']:.0f} s CPU on "
            f"{report['threads']} threads (about {report['alone_seconds_estimate']:.0f} s alone); "
            f"{report['wall_seconds']:.0f} s wall with evaluation")
