"""`make bench` for shakespeare-gpt: train, in one run on this machine, the reference recipe and nanoGPT's
documented CPU configuration (reimplemented with the lab's TransformerLM), and print both results."""
import torch

from labkit import BUILD_DATA_DIR
from labkit.data.recipes.shakespeare_gpt import data
from labkit.data.recipes.shakespeare_gpt.train import NANOGPT_CPU, REFERENCE, THREADS, run, summary

LAB_DIR = BUILD_DATA_DIR / "shakespeare-gpt"


def bench(configs=(REFERENCE, NANOGPT_CPU)):
    """Trains each configuration from scratch (2 threads) and prints its validation loss and times."""
    if not (LAB_DIR / data.TEXT_FILE).exists():
        raise FileNotFoundError(f"{LAB_DIR / data.TEXT_FILE} is missing: run `make data LABS=shakespeare-gpt`")
    text, vocab = data.load(LAB_DIR)
    torch.set_num_threads(THREADS)
    reports = [run(config, text, vocab)[1] for config in configs]
    print("shakespeare-gpt training benchmark (validation loss on the same 100 batches per model):")
    for report in reports:
        print("  " + summary(report))
    return reports
