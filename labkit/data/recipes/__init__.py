"""Lab recipes: everything a lab needs besides its master notebook (raw texts, data, models, reports).

A lab that needs data or models has a package labkit/data/recipes/<lab with '-' as '_'>/ whose `RECIPE` says
which raw texts it reads (from the registry in labkit.data.raw), how they become processed data, which models
it trains, and which of the resulting files the lab and its autograder read. Every recipe writes into its
own folder data/build/<lab>/; files are named relative to it. A lab without a recipe needs no data.
"""
import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


@dataclass(frozen=True)
class Recipe:
    """What one lab needs. `prepare(raw, out)` and `train(out)` write files below `out` = data/build/<lab>/.

    raw_texts      RawText entries of labkit.data.raw.REGISTRY the lab reads; `prepare` gets {filename: path}
    prepare        raw texts -> data_files (tokenizers, processed text, ...); prints what it made
    data_files     what `prepare` writes
    train          data_files -> model_files and reports/ (JSON figures, PNG curves); prints progress
    model_files    what `train` writes
    lab_files      the files the student notebook and the autograder read (shipped in the zip, fetched by
                   the setup cell); a subset of data_files + model_files
    optional_files lab_files the notebook works without (figures): a failed download is not fatal
    facts          committed inputs (e.g. data/federalist/) whose change rebuilds the data
    requirements   extra requirement lines for this lab (students and the autograder)
    bench          optional `bench()` run by `make bench` after the generic timings (prints figures)
    """
    raw_texts: tuple = ()
    prepare: Callable | None = None
    data_files: tuple = ()
    train: Callable | None = None
    model_files: tuple = ()
    lab_files: tuple = ()
    optional_files: tuple = ()
    facts: tuple = ()
    requirements: tuple = ()
    bench: Callable | None = None
    source_dir: Path | None = field(default=None, compare=False)


NO_RECIPE = Recipe()


def module_name(lab):
    return lab.replace("-", "_")


def load(lab):
    """The lab's Recipe (with source_dir set), or NO_RECIPE when the lab has no recipe package."""
    try:
        module = importlib.import_module(f"{__name__}.{module_name(lab)}")
    except ModuleNotFoundError as err:
        if err.name != f"{__name__}.{module_name(lab)}":
            raise
        return NO_RECIPE
    recipe = module.RECIPE
    object.__setattr__(recipe, "source_dir", Path(module.__file__).parent)
    return recipe
