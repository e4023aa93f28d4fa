"""Course settings (course.toml): where each lab's student repository, data and Colab link live.

The master notebooks carry placeholder URLs in their setup cell; `inject_urls` replaces them with the
course's, so student notebooks (and the autograder's copy) point at the published lab.
"""
import re
import tomllib

from labkit import REPO_ROOT

COURSE_FILE = REPO_ROOT / "course.toml"
SETUP_CONSTANTS = {"LAB_REPOSITORY": "student_repo", "DATA_URL": "data_url"}


def settings(path=COURSE_FILE):
    with open(path, "rb") as f:
        return tomllib.load(f)


def lab_settings(lab, path=COURSE_FILE):
    """The course settings with {org}, {lab} and {branch} filled in for one lab."""
    course = settings(path)
    fields = {"org": course["org"], "lab": lab, "branch": course["branch"]}
    return {key: value.format(**fields) if isinstance(value, str) else value for key, value in course.items()}


def setup_cell(notebook):
    """The first code cell: the lab's setup cell."""
    return next(cell for cell in notebook.cells if cell.cell_type == "code")


def inject_urls(notebook, lab, path=COURSE_FILE):
    """Set the default of each `NAME = os.environ.get("ENV", "...")` URL constant of the setup cell.

    Labs whose setup cell downloads nothing define no such constant and are left as they are.
    """
    cell, urls = setup_cell(notebook), lab_settings(lab, path)
    for name, key in SETUP_CONSTANTS.items():
        pattern = re.compile(rf'^({name} = os\.environ\.get\("\w+", )"[^"]*"\)', re.MULTILINE)
        cell.source, count = pattern.subn(lambda m: f'{m.group(1)}"{urls[key]}")', cell.source)
        if count > 1:
            raise ValueError(f"the setup cell of {lab} defines {name} {count} times")
    return notebook
