"""Course settings (course.toml): where each lab's student repository, data and Colab link live."""
import tomllib

from labkit import REPO_ROOT

COURSE_FILE = REPO_ROOT / "course.toml"


class CourseError(ValueError):
    """The course settings do not allow what was asked (e.g. publishing without an organisation)."""


def settings(path=COURSE_FILE):
    with open(path, "rb") as f:
        return tomllib.load(f)


def lab_settings(lab, path=COURSE_FILE):
    """The course settings with {org}, {lab} and {branch} filled in for one lab.

    Without an `org`, every setting that names it is "" (the lab is not published anywhere yet).
    """
    course = settings(path)
    fields = {"org": course.get("org") or "", "lab": lab, "branch": course["branch"]}

    def fill(value):
        if not isinstance(value, str) or ("{org}" in value and not fields["org"]):
            return "" if isinstance(value, str) else value
        return value.format(**fields)

    return {key: fill(value) for key, value in course.items()}


def require_org(path=COURSE_FILE):
    """The course's organisation; CourseError saying what to set when there is none."""
    org = settings(path).get("org")
    if not org:
        raise CourseError(f"{path.name} sets no `org`. Add org = \"<GitHub organisation or user>\" (the account "
                          "that will hold each lab's public repository) to it, run `make` so the setup cells and "
                          "badges point there, then publish again.")
    return org
