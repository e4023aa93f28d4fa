"""Tooling for the attention-labs course repository: data, models, build, check and grading."""
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
BUILD_DATA_DIR = DATA_DIR / "build"
MODELS_DIR = BUILD_DATA_DIR / "models"
REPORTS_DIR = BUILD_DATA_DIR / "reports"
