"""The setup cell every student notebook starts with, generated from the lab's recipe and course.toml.

It finds the lab's files next to the notebook (a clone of the lab's repository), in the instructor repository
(solutions/<lab>/ or labs/<lab>/ next to data/build/<lab>/), or downloads what is missing once (Colab), and
defines DATA_DIR, TESTS_DIR and IN_COLAB for the rest of the notebook.
"""
import json
from string import Template

MARKER = "# Setup. Please leave this cell as it is."

TEMPLATE = Template('''# Setup. Please leave this cell as it is.
# Next to the lab's files (data/ and tests/), or inside a clone of the course repository, this cell only finds
# them. A lone copy of the notebook, as on Colab, downloads what is missing once; running it again is instant.
import importlib.metadata
import json
import os
import pathlib
import shutil
import subprocess
import sys
import urllib.request

# Where the lab's public files are published (set by the course build; environment variables override them).
LAB_REPOSITORY = os.environ.get("LAB_REPOSITORY", "$repository")  # tests/, requirements.txt
DATA_URL = os.environ.get("LAB_DATA_URL", "$data_url")
DATA_FILES = $data_files
OPTIONAL_FILES = $optional_files  # figures: the lab works without them
IN_COLAB = "google.colab" in sys.modules

def first_existing(*candidates):
    \"\"\"The first of the candidate paths that exists, or None.\"\"\"
    return next((pathlib.Path(c) for c in candidates if pathlib.Path(c).exists()), None)

def require_published():
    \"\"\"Stops with an explanation when this notebook does not know where the lab's files are published.\"\"\"
    if not (LAB_REPOSITORY and DATA_URL):
        raise RuntimeError("This copy of the notebook does not know where the lab's files are published (the "
                           "course had not set its GitHub organisation, `org` in course.toml, when it was built). "
                           "Open the lab from the link your instructor gave you, or clone the lab's repository "
                           "and open the notebook inside it.")

def download(url, path):
    \"\"\"Downloads url to path; an interrupted download leaves no file behind.\"\"\"
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    urllib.request.urlretrieve(url, partial)
    partial.replace(path)

def fetch_public_files():
    \"\"\"Clones the lab's public repository and keeps its tests/ and requirements.txt.\"\"\"
    checkout = pathlib.Path(".$lab-repository")
    shutil.rmtree(checkout, ignore_errors=True)
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", LAB_REPOSITORY, str(checkout)], check=True,
                   env=dict(os.environ, GIT_TERMINAL_PROMPT="0"))
    for name in ["tests", "requirements.txt"]:
        if (checkout / name).exists() and not pathlib.Path(name).exists():
            (checkout / name).rename(name)
    shutil.rmtree(checkout)

def canonical(name):
    \"\"\"A package's name as pip compares it.\"\"\"
    return name.lower().replace("_", "-").replace(".", "-")

def install_requirements():
    \"\"\"Installs what requirements.txt adds to the packages already here, without changing any of them.

    An installed package that a requirement's dependency asks in another version is kept as it is; one the lab
    itself needs in another version is replaced, and then Python must restart.
    \"\"\"
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    plan = subprocess.run(pip + ["--dry-run", "--report", "-", "-r", "requirements.txt"], capture_output=True,
                          text=True)
    if plan.returncode != 0:
        raise RuntimeError(f"pip cannot install requirements.txt:\\n{plan.stderr}")
    planned = {item["metadata"]["name"]: item for item in json.loads(plan.stdout)["install"]}
    present = {canonical(p.metadata["Name"]): p.version for p in importlib.metadata.distributions()}
    new = [name for name in planned if canonical(name) not in present]
    replaced = [name for name in planned if canonical(name) in present and planned[name]["requested"]]
    kept = [f"{name} {present[canonical(name)]}" for name in planned if name not in new + replaced]
    wanted = [f"{name}=={planned[name]['metadata']['version']}" for name in new + replaced]
    if wanted:
        subprocess.run(pip + ["--no-deps", *wanted], check=True)
    print(f"Installed: {', '.join(wanted) or 'nothing'}")
    if kept:
        print(f"Kept as installed: {', '.join(kept)} (the lab works with them; a dependency asks for other versions)")
    return replaced

instructor_data = pathlib.Path("../../data/build/$lab")
DATA_DIR = instructor_data if instructor_data.is_dir() and not pathlib.Path("data").exists() else pathlib.Path("data")
missing = [name for name in DATA_FILES if not (DATA_DIR / name).exists()]
if missing:
    require_published()
    print(f"Downloading {len(missing)} data and model files ...")
    for name in missing:
        try:
            download(DATA_URL + name, DATA_DIR / name)
        except OSError as error:
            if name not in OPTIONAL_FILES:
                raise
            print(f"  (skipped {name}: {error})")
TESTS_DIR = first_existing("tests", "../../tests/$lab")
if TESTS_DIR is None and (missing or IN_COLAB):
    require_published()
    print("Fetching the public tests and requirements ...")
    fetch_public_files()
TESTS_DIR = TESTS_DIR or pathlib.Path("tests")
installed = pathlib.Path(".$lab-installed")
if (IN_COLAB or os.environ.get("LAB_INSTALL")) and pathlib.Path("requirements.txt").exists() and not installed.exists():
    print("Installing the packages the lab needs ...")
    replaced = install_requirements()
    installed.touch()
    if replaced:
        raise RuntimeError(f"Replaced {', '.join(replaced)} by the version the lab needs: restart Python so that "
                           "it is used (Colab: Runtime > Restart session), then run the notebook from the top.")
print(f"tests: {TESTS_DIR}   data: {DATA_DIR}")''')


def file_list(names, indent, width=110):
    """A Python list literal of `names`, wrapped to `width` columns with continuation lines at `indent`."""
    lines, line = [], []
    for item in (json.dumps(str(name)) for name in names):
        if line and indent + len(", ".join(line + [item])) + 2 > width:
            lines.append(", ".join(line))
            line = []
        line.append(item)
    lines.append(", ".join(line))
    return "[" + (",\n" + " " * indent).join(lines) + "]"


def render(lab, recipe, urls):
    """The setup cell of `lab`: the recipe's lab_files, the course's URLs for this lab."""
    return TEMPLATE.substitute(lab=lab, repository=urls["student_repo"], data_url=urls["data_url"],
                               data_files=file_list(recipe.lab_files, indent=len("DATA_FILES = [")),
                               optional_files=file_list(recipe.optional_files, indent=len("OPTIONAL_FILES = [")))
