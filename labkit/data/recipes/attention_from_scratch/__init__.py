"""Recipe of the lab attention-from-scratch: Tiny Shakespeare as characters for the tiny GPT of Section 2.2,
and a longer run of the lab's mask experiment (correct vs naive causal mask) whose curves the lab shows."""
from labkit.data.raw import TINY_SHAKESPEARE
from labkit.data.recipes import Recipe
from labkit.data.recipes.attention_from_scratch import data, report, train

RECIPE = Recipe(
    raw_texts=(TINY_SHAKESPEARE,),
    prepare=data.prepare,
    data_files=(data.CORPUS_FILE,),
    train=train.train,
    model_files=(f"reports/{report.REPORT_JSON}", f"reports/{report.REPORT_PNG}"),
    lab_files=(data.CORPUS_FILE, f"reports/{report.REPORT_PNG}"),
    optional_files=(f"reports/{report.REPORT_PNG}",),
)
