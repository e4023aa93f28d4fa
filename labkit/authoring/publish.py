"""`make student-repo LAB=<lab>`: the public repository students clone or open in Colab.

dist/student/<lab>/ receives the student notebook, the public tests, requirements.txt, a README with an
"Open in Colab" badge and, when course.toml sets ship_data, the lab's data/ folder. A leak scan (the one
`make check` uses) refuses to publish anything that holds a solution line, a hidden test or an autograder file.
Without an `org` in course.toml nothing is published.

`make publish-check LAB=<lab>` sends a HEAD request to every URL the lab's setup cell and README badge use (the
repository, each data file, the notebook the Colab link opens, the link and the badge) and reports what is missing.
"""
import argparse
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request

from labkit import REPO_ROOT
from labkit.authoring import course
from labkit.authoring.build import build_lab, data_sources, master_path, student_requirements
from labkit.data import recipes
from labkit.grading.check import find_leaks, published_lines

AUTOGRADER_NAMES = {"otter_config.json", "run_autograder", "run_otter.py", "setup.sh", "environment.yml"}
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def student_repo_dir(lab, root=REPO_ROOT):
    return root / "dist" / "student" / lab


def readme(lab, settings):
    """The student repository's README: how to open the lab, run it and hand it in."""
    return f"""# {lab}

[![Open In Colab]({COLAB_BADGE})]({settings["colab_url"]})

## Working on the lab

- **Colab:** click the badge above. Run the setup cell first; it downloads the data, the trained models and
  the public tests, and installs the packages the lab needs.
- **Your own machine** (Python {settings["python_version"]}): `git clone {settings["student_repo"]}`, then
  `pip install torch --index-url {TORCH_CPU_INDEX}` (the CPU build: the lab needs no GPU, and plain `pip`
  would fetch several GB of CUDA libraries on Linux), `pip install -r requirements.txt`, and open `{lab}.ipynb`
  in Jupyter. The setup cell finds the files of the clone.

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


def export_student_repo(lab, target=None, root=REPO_ROOT, course_file=course.COURSE_FILE):
    """Write the student repository of `lab` into target (default dist/student/<lab>) and scan it."""
    course.require_org(course_file)
    build_lab(lab, root)
    target = target or student_repo_dir(lab, root)
    settings = course.lab_settings(lab, course_file)
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


def published_urls(lab, settings):
    """[(what, url, required)]: every URL the setup cell and the README badge of `lab` use."""
    recipe = recipes.load(lab)
    data = [(f"data file {name}", settings["data_url"] + name, name not in recipe.optional_files)
            for name in recipe.lab_files]
    return [("repository (git clone)", settings["student_repo"], True), *data,
            ("notebook the Colab link opens", settings["notebook_url"], True),
            ("Colab link", settings["colab_url"], True), ("Colab badge", COLAB_BADGE, False)]


def head_status(url):
    """The HTTP status of a HEAD request to url, or the reason it failed."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError) as error:
        return str(getattr(error, "reason", error))


def branch_exists(repository, branch):
    """Whether `git ls-remote` finds the branch in the repository (what the setup cell's git clone needs)."""
    done = subprocess.run(["git", "ls-remote", "--exit-code", "--heads", repository, branch], capture_output=True,
                          env=dict(os.environ, GIT_TERMINAL_PROMPT="0"), timeout=60)
    return done.returncode == 0


def check_published(lab, course_file=course.COURSE_FILE, out=sys.stdout):
    """Check every URL of the published lab; print one line each; return the missing required ones."""
    course.require_org(course_file)
    settings = course.lab_settings(lab, course_file)
    missing = []
    for what, url, required in published_urls(lab, settings):
        status = head_status(url)
        ok = status == 200
        print(f"{'ok     ' if ok else 'MISSING' if required else 'missing'} {status}  {what}: {url}", file=out)
        if not ok and required:
            missing.append(url)
    if not branch_exists(settings["student_repo"], settings["branch"]):
        print(f"MISSING git ls-remote finds no branch {settings['branch']} in {settings['student_repo']}", file=out)
        missing.append(f"{settings['student_repo']} (branch {settings['branch']})")
    print(f"{lab}: {len(missing)} required URL(s) missing" if missing else f"{lab}: everything is published", file=out)
    return missing


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m labkit.authoring.publish", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["repo", "check"], help="repo: write dist/student/<lab>; check: "
                                                                   "HEAD-request every URL the lab uses")
    parser.add_argument("lab", help="lab name, e.g. lab2-6")
    args = parser.parse_args(argv)
    try:
        if args.command == "repo":
            print(f"{args.lab}: student repository -> {export_student_repo(args.lab)}")
            return 0
        return 1 if check_published(args.lab) else 0
    except course.CourseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
