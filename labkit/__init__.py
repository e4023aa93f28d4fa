"""Course tooling for the autograded attention labs, laid out by where each part runs: labkit/authoring/ (a
master notebook -> student notebook, tests, autograder zip, student repository), labkit/data/ (raw texts and
recipes -> data/build/), labkit/grading/ (grading a zip as Gradescope would, and checks, on the instructor's
machine) and labkit/autograder/ (shipped in every zip, runs on Gradescope); `python -m labkit` is cli.py."""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
BUILD_DATA_DIR = DATA_DIR / "build"
