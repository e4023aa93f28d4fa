"""Recipe of the lab shakespeare-gpt: tiny Shakespeare as characters, and a reference TransformerLM trained on
2 CPU cores that students load to sample Shakespeare and to look at trained attention heads.

data.py     raw text -> tinyshakespeare.txt and vocab.json (the 65 characters, the 90/10 split point)
model.py    the lab's TransformerLM (the master's solution)
train.py    trains the reference model -> models/transformer_lm.{pt,json}, reports/training.{json,png}
bench.py    `make bench`: the reference recipe against nanoGPT's CPU configuration, on this machine
"""
from labkit.data.raw import TINY_SHAKESPEARE
from labkit.data.recipes import Recipe
from labkit.data.recipes.shakespeare_gpt import data, train
from labkit.data.recipes.shakespeare_gpt.bench import bench

RECIPE = Recipe(
    raw_texts=(TINY_SHAKESPEARE,),
    prepare=data.prepare,
    data_files=(data.TEXT_FILE, data.VOCAB_FILE),
    train=train.train,
    model_files=(train.MODEL_FILE, train.CONFIG_FILE, train.REPORT_FILE, train.CURVE_FILE),
    lab_files=(data.TEXT_FILE, data.VOCAB_FILE, train.MODEL_FILE, train.CONFIG_FILE, train.REPORT_FILE),
    bench=bench,
)
