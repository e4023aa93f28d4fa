"""Course tooling for the autograded attention labs: build, check, grade, publish (labkit/*.py), the
autograder that ships in every zip (labkit/autograder/) and one recipe per lab that needs data or models
(labkit/recipes/<lab>/)."""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
BUILD_DATA_DIR = DATA_DIR / "build"
