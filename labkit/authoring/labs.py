"""`make labs`: every lab at a glance — its questions and points, its recipe's artifacts and whether they are
built and fresh, and whether its autograder zip is built."""
from labkit.authoring.build import autograder_zip, lab_names, read_master
from labkit.data import pipeline, recipes



def describe(lab):
    """Lines describing one lab."""
    qs = read_master(lab).questions
    auto = sum(p for _, p, manual in qs if not manual)
    manual = sum(p for _, p, manual in qs if manual)
    lines = [f"{lab}: {len(qs)} questions, {auto:g} autograded + {manual:g} manual points; "
             f"autograder zip {'built' if autograder_zip(lab).exists() else 'not built'}"]
    lines.append("  questions: " + ", ".join(f"{n} ({p:g}{' manual' if m else ''})" for n, p, m in qs))
    recipe = recipes.load(lab)
    for stage, files in (("data", recipe.data_files), ("models", recipe.model_files)):
        state = pipeline.status(lab, stage)
        if state:
            lines.append(f"  {stage:<7}{state:<8}" + ", ".join(files))
    if recipe is recipes.NO_RECIPE:
        lines.append("  no recipe: the lab needs no data or models")
    return lines


def print_labs(labs=None):
    for lab in labs or lab_names():
        print("\n".join(describe(lab)))
