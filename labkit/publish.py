"""`make student-repo LAB=<lab>`: the public repository students clone or open in Colab.

dist/student/<lab>/ receives the student notebook, the public tests, requirements.txt, a README with an
"Open in Colab" badge and, when course.toml sets ship_data, the lab's data/ folder. A leak scan (the one
`make check` uses) refuses to publish anything that holds a solution line, a hidden test or an autograder file.
"""
import shutil

from labkit import REPO_ROOT, course
from labkit.build import build_lab, data_sources, master_path, student_requirements
from labkit.check import find_leaks, published_lines

AUTOGRADER_NAMES = {"otter_config.json", "run_autograder", "run_otter.py", "setup.sh", "environment.yml"}
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"


def student_repo_dir(lab, root=REPO_ROOT):
    return root / "dist" / "student" / lab


def readme(lab, settings):
    """The student repository's README: how to open the lab, run it and hand it in."""
    return f"""# {lab}

[![Open In Colab]({COLAB_BADGE})]({settings["colab_url"]})

## Working on the lab

- **Colab:** click the badge above. Run the setup cell first; it downloads the data, the trained models and
  the public tests, and installs the packages the lab needs.
- **Your own machine:** `git clone {settings["student_repo"]}`, then `pip install -r requirements.txt` (Python
  {settings["python_version"]}) and open `{lab}.ipynb` in Jupyter. The setup cell finds the files of the clone.

After each exercise, run its `grader.check(...)` cell to see the public tests. Gradescope also runs hidden
tests, so passing the public ones does not guarantee full marks.

## Handing it in

- **Colab:** *File > Download > Download .ipynb*, then upload that `.ipynb` file to the assignment on
  Gradescope.
- **Jupyter:** save the notebook, run the last cell (`grader.export`) and upload the zip it writes (or the
  `.ipynb` itself) to Gradescope.
"""


def copy_data(lab, target):
    """Copy the data files the lab reads (data/build/<lab>/...) into target/data/."""
    for entry, source in data_sources(lab).items():
        (target / entry).parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, target / entry)


def scan(lab, target):
    """Problems that forbid publishing target: leaked master lines and autograder files."""
    problems = [f"leaked line: {line}" for line in find_leaks(master_path(lab), published_lines([target]))]
    files = sorted(p for p in target.rglob("*") if p.name in AUTOGRADER_NAMES or p.suffix == ".zip")
    return problems + [f"autograder file: {p.relative_to(target)}" for p in files]


def export_student_repo(lab, target=None, root=REPO_ROOT):
    """Write the student repository of `lab` into target (default dist/student/<lab>) and scan it."""
    build_lab(lab, root)
    target = target or student_repo_dir(lab, root)
    settings = course.lab_settings(lab)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copy2(root / "labs" / lab / f"{lab}.ipynb", target / f"{lab}.ipynb")
    shutil.copytree(root / "tests" / lab, target / "tests")
    (target / "requirements.txt").write_text(student_requirements(lab))
    (target / "README.md").write_text(readme(lab, settings))
    if settings["ship_data"]:
        copy_data(lab, target)
    problems = scan(lab, target)
    if problems:
        raise ValueError(f"{target} must not be published:\n" + "\n".join(problems))
    return target
