"""Course settings (course.toml): where each lab's student repository, data and Colab link live."""
import tomllib

from labkit import REPO_ROOT

COURSE_FILE = REPO_ROOT / "course.toml"


def settings(path=COURSE_FILE):
    with open(path, "rb") as f:
        return tomllib.load(f)


def lab_settings(lab, path=COURSE_FILE):
    """The course settings with {org}, {lab} and {branch} filled in for one lab."""
    course = settings(path)
    fields = {"org": course["org"], "lab": lab, "branch": course["branch"]}
    return {key: value.format(**fields) if isinstance(value, str) else value for key, value in course.items()}
