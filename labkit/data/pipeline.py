"""`make data` and `make models`: run each lab recipe's stages into data/build/<lab>/, skipping fresh ones.

A stage is rerun only when the digest of its inputs changed or an output is missing (labkit.data.stamps):
the data stage depends on the raw texts, the recipe's facts and its code; the model stage on the data
files and the recipe's code.
"""
import time

from labkit import BUILD_DATA_DIR, REPO_ROOT
from labkit.data import recipes, stamps
from labkit.data.raw import RAW_DIR, fetch

STAGES = ("data", "models")


def lab_data_dir(lab):
    return BUILD_DATA_DIR / lab


def stage_files(lab, stage):
    """(inputs, outputs, stamp) of one stage of the lab's recipe, or None when the recipe has no such stage."""
    recipe, out = recipes.load(lab), lab_data_dir(lab)
    code = sorted(recipe.source_dir.rglob("*.py")) if recipe.source_dir else []
    if stage == "data" and recipe.prepare:
        inputs = [RAW_DIR / text.filename for text in recipe.raw_texts] + list(recipe.facts) + code
        return inputs, [out / f for f in recipe.data_files], out / ".data.stamp"
    if stage == "models" and recipe.train:
        return [out / f for f in recipe.data_files] + code, [out / f for f in recipe.model_files], out / ".models.stamp"
    return None


def status(lab, stage):
    """'fresh', 'stale' (inputs changed since it was built), 'missing' (not built) or None (no such stage)."""
    files = stage_files(lab, stage)
    if files is None:
        return None
    inputs, outputs, stamp = files
    if not stamp.exists() or not all(p.exists() for p in outputs):
        return "missing"
    return "fresh" if all(p.exists() for p in inputs) and stamps.is_fresh(stamp, inputs, outputs) else "stale"


def run_stage(lab, stage, run, force):
    """Run `run(recipe, out)` unless the stage is fresh; print what happened and how long it took."""
    inputs, outputs, stamp = stage_files(lab, stage)
    out = lab_data_dir(lab)
    if not force and stamps.is_fresh(stamp, inputs, outputs):
        print(f"{lab}: {stage} up to date ({out.relative_to(REPO_ROOT)})", flush=True)
        return
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    run(recipes.load(lab), out)
    missing = [str(p.relative_to(out)) for p in outputs if not p.exists()]
    if missing:
        raise RuntimeError(f"{lab}: the {stage} stage did not write {', '.join(missing)}")
    stamps.write_stamp(stamp, inputs)
    print(f"{lab}: {stage} built in {time.perf_counter() - started:.1f} s", flush=True)


def make_data(lab, mirror=None, force=False):
    """The recipe's data stage: verified raw texts -> data files."""
    if stage_files(lab, "data") is None:
        return
    raw = {text.filename: fetch(text, mirror) for text in recipes.load(lab).raw_texts}
    run_stage(lab, "data", lambda recipe, out: recipe.prepare(raw, out), force)


def make_models(lab, force=False):
    """The recipe's model stage: data files -> models and reports."""
    files = stage_files(lab, "models")
    if files is None:
        return
    missing = [str(p) for p in files[0] if not p.exists()]
    if missing:
        raise FileNotFoundError(f"{lab}: {', '.join(missing)} missing: run `make data` first")
    run_stage(lab, "models", lambda recipe, out: recipe.train(out), force)
