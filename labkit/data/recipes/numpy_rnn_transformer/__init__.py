"""Lab numpy-rnn-transformer: a character RNN and GRU, then a transformer language model, computed in NumPy.

data.py    Federalist prose -> training text, test extract and character vocabulary (Problem 1);
           tiny Shakespeare -> 1,024-token byte-level BPE tokenizer (Problem 2)
model.py   the three PyTorch models and their .npz exports (names and shapes in its docstring)
train.py   trains them (about 3 minutes on 2 CPU cores), exports them and writes the reports (report.py)
"""
from labkit.data.raw import FEDERALIST, TINY_SHAKESPEARE
from labkit.data.recipes import Recipe

from .data import DATA_FILES, TEST_TEXT, TOKENIZER, TRAIN_TEXT, VOCABULARY, prepare
from .report import CURVES, EXPECTED
from .train import MODEL_FILES, REPORT_FILES, train

RECIPE = Recipe(
    raw_texts=(FEDERALIST, TINY_SHAKESPEARE),
    prepare=prepare,
    data_files=DATA_FILES,
    train=train,
    model_files=MODEL_FILES + REPORT_FILES,
    lab_files=(TRAIN_TEXT, TEST_TEXT, VOCABULARY, TOKENIZER) + MODEL_FILES + (EXPECTED, CURVES),
    optional_files=(CURVES,),
)
