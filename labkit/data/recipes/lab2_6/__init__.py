"""Lab 2-6: attention language models of Hamilton and Madison, trained on the Federalist Papers.

prepare.py    raw book -> 85 papers (federalist.py) -> dataset JSON and word-level tokenizer (tokenizer.py)
train.py      the four language models (models.py), their perplexity report (evaluate.py) and curves
"""
from labkit import DATA_DIR
from labkit.data.raw import FEDERALIST
from labkit.data.recipes import Recipe

from .prepare import DATASET_FILE, TOKENIZER_FILE, prepare
from .train import MODEL_FILES, train

CURVES = "reports/training_curves.png"

RECIPE = Recipe(
    raw_texts=(FEDERALIST,),
    prepare=prepare,
    data_files=(DATASET_FILE, TOKENIZER_FILE),
    train=train,
    model_files=MODEL_FILES + (CURVES, "reports/evaluation.json"),
    lab_files=(DATASET_FILE, TOKENIZER_FILE) + MODEL_FILES + (CURVES,),
    optional_files=(CURVES,),
    facts=(DATA_DIR / "federalist",),
)
