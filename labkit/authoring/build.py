"""`make`: turn each master notebook in solutions/ into a student notebook, public tests and an autograder zip.

For a lab L the master is solutions/L/L.ipynb in Otter Assign format. The build refreshes the master's setup
cell from L's recipe and course.toml (labkit.authoring.setup_cell), locks the Gradescope environment
(labkit.authoring.lock: the requirements of requirements.txt and the recipe, at the installed, tested versions, with
every dependency and its sha256, for the course's Python) into build/L.requirements.txt, copies the master to
build/L/stage/ together with the files of the recipe's lab_files (from data/build/L/, listed as autograder_files
data/...), runs `otter assign`, and publishes
    labs/L/L.ipynb                      student notebook (no outputs, no solutions)
    tests/L/*.py                        public tests
    tests/L/support/labtest.py          the test library the tests import (labkit/autograder/labtest.py)
    tests/L/support/controls.py         the autograder's controls that labtest applies in the notebook
    tests/L/support/lab_checks.py       the lab's public test helpers (the master's `# TEST SUPPORT` cells)
    dist/L/L-autograder.zip             all tests, data and models, the lock and its setup.sh, for Gradescope
Nothing is rebuilt while the stamp build/L.stamp matches the inputs.
"""
import hashlib
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import nbformat
import yaml

from labkit import REPO_ROOT
from labkit.authoring import course, harden, lock, master, setup_cell
from labkit.data import recipes, stamps
from labkit.data.pipeline import lab_data_dir

SOLUTIONS_DIR = REPO_ROOT / "solutions"
REQUIREMENTS = REPO_ROOT / "requirements.txt"
COLAB_PYTHON = course.settings()["python_version"]
TEST_LIBRARY = harden.AUTOGRADER_DIR / "labtest.py"
TEST_CONTROLS = harden.AUTOGRADER_DIR / "controls.py"  # labtest.numpy_only's rule, applied in the notebook
TEST_LIBRARY_FOLDER = "support"


def lab_names():
    """Every lab with a master notebook solutions/<lab>/<lab>.ipynb."""
    return sorted(d.name for d in SOLUTIONS_DIR.iterdir() if (d / f"{d.name}.ipynb").is_file())


def master_path(lab):
    return SOLUTIONS_DIR / lab / f"{lab}.ipynb"


def read_master(lab):
    return master.Master.read(master_path(lab))


def with_build_defaults(config, lab):
    """The config with what every build relies on: test files, exception tests, Colab's Python, the lab's data,
    and no Otter init cell (the master's own cells initialise Otter after the setup cell). Otter gets no
    requirements: harden.install writes the zip's locked requirements.txt and the setup.sh that installs it."""
    tests = config.get("tests") or {}
    if tests.get("ok_format", True) or not tests.get("files", False):
        raise ValueError("assignment config must set tests: {files: true, ok_format: false}")
    own = config.get("autograder_files", [])
    if any(Path(entry).parts[0] == "data" for entry in own):
        raise ValueError(f"{lab}: list data files in the recipe's lab_files, not under autograder_files")
    config = {key: value for key, value in config.items() if key != "requirements"}
    return {**config, "python_version": COLAB_PYTHON, "init_cell": False,
            "autograder_files": own + list(data_sources(lab))}


def data_sources(lab):
    """{'data/<file>': data/build/<lab>/<file>} for every file of the lab's recipe that the lab reads."""
    return {f"data/{name}": lab_data_dir(lab) / name for name in recipes.load(lab).lab_files}


def requirement_name(line):
    return re.split(r"[\s\[<>=!~;]", line.strip(), maxsplit=1)[0].lower().replace("_", "-")


def read_requirements(text):
    """The requirement lines of a requirements file's `text` (no comments, no options)."""
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith(("#", "-"))]


def installed_pin(line):
    """`name==version` of the installed distribution (the one `make check` verified), else `line` as is."""
    name = requirement_name(line)
    try:
        return f"{name}=={metadata.version(name).split('+')[0]}"
    except metadata.PackageNotFoundError:
        return line


def student_requirements(lab):
    """requirements.txt followed by the extra requirements of the lab's recipe, as a file's text."""
    return REQUIREMENTS.read_text() + "".join(f"{line}\n" for line in recipes.load(lab).requirements)


def autograder_lock(lines, python=COLAB_PYTHON):
    """The locked Gradescope environment (a labkit.authoring.lock.Lock) of the students' requirement `lines`, each
    pinned to its tested version, for CPython `python`."""
    return lock.grading_lock([installed_pin(line) for line in lines], python)


def lab_inputs(lab, requirements):
    """Everything a lab's build outputs depend on, given its locked autograder requirements file."""
    sources = [p for p in (SOLUTIONS_DIR / lab).iterdir() if p.name not in ("data", ".ipynb_checkpoints")]
    data = list(data_sources(lab).values())
    missing = [str(p) for p in data if not p.exists()]
    if missing:
        raise FileNotFoundError(f"{', '.join(missing)} missing: run `make data models` first")
    tooling = [Path(__file__), Path(master.__file__), Path(setup_cell.__file__), Path(lock.__file__),
               course.COURSE_FILE]
    return sources + data + [requirements] + tooling + harden.sources()


def refresh_setup_cell(lab):
    """Write the setup cell generated from the recipe and course.toml into the master if it differs."""
    notebook = nbformat.read(master_path(lab), as_version=4)
    cell = master.setup_cell(notebook)
    fresh = setup_cell.render(lab, recipes.load(lab), course.lab_settings(lab))
    if cell.source != fresh:
        cell.source = fresh
        nbformat.write(notebook, master_path(lab))
        print(f"{lab}: refreshed the setup cell of its master ({master_path(lab).name})")


def stage(lab, stage_dir):
    """Copy the master and its data files into `stage_dir`."""
    shutil.rmtree(stage_dir, ignore_errors=True)
    shutil.copytree(SOLUTIONS_DIR / lab, stage_dir, ignore=shutil.ignore_patterns("data", ".ipynb_checkpoints"))
    edited = read_master(lab)
    config = with_build_defaults(edited.config, lab)
    edited.config_cell.source = master.CONFIG_MARKER + "\n" + yaml.safe_dump(config, sort_keys=False)
    nbformat.write(edited.without_support(), stage_dir / f"{lab}.ipynb")
    for entry, source in data_sources(lab).items():
        copy = shutil.copytree if source.is_dir() else shutil.copy2
        (stage_dir / entry).parent.mkdir(parents=True, exist_ok=True)
        copy(source, stage_dir / entry)
    return stage_dir / f"{lab}.ipynb"


def otter_assign(master, result_dir):
    """Run `otter assign` (tests are checked separately by `make check`)."""
    shutil.rmtree(result_dir, ignore_errors=True)
    command = [sys.executable, "-m", "otter", "assign", "--no-run-tests", "--no-pdfs", master.name, str(result_dir)]
    done = subprocess.run(command, cwd=master.parent, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"otter assign failed for {master}:\n{done.stdout}{done.stderr}")


def clean_notebook(path):
    """Drop outputs and execution counts; give cells stable ids so rebuilds are byte-identical."""
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        cell.id = hashlib.sha1(f"{index}:{cell.source}".encode()).hexdigest()[:8]
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(notebook, path)


def execute_notebook(path):
    """Run a notebook top to bottom in its own folder (where its data/ is staged); return it executed."""
    import nbclient

    notebook = nbformat.read(path, as_version=4)
    nbclient.NotebookClient(notebook, timeout=600, resources={"metadata": {"path": str(path.parent)}}).execute()
    return notebook


def replace_dir(source, target, ignore=None):
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, ignore=ignore)


def publish(lab, result_dir, root, grading_lock):
    """Copy otter assign's student notebook, public tests and autograder zip (hardened, with `grading_lock`)
    into root/{labs,tests,dist}."""
    student = result_dir / "student"
    replace_dir(student, root / "labs" / lab, ignore=shutil.ignore_patterns("tests"))
    clean_notebook(root / "labs" / lab / f"{lab}.ipynb")
    replace_dir(student / "tests", root / "tests" / lab)
    support = read_master(lab).support_modules()
    ship_test_library(root / "tests" / lab, support)
    (zip_path,) = (result_dir / "autograder").glob(f"{lab}-autograder_*.zip")
    (root / "dist" / lab).mkdir(parents=True, exist_ok=True)
    shutil.copy2(zip_path, autograder_zip(lab, root))
    manual = [question.name for question in read_master(lab).questions if question.manual]
    harden.install(autograder_zip(lab, root), lab, grading_lock, support, manual_questions=manual)


def ship_test_library(tests_dir, support):
    """Copy the test library and the lab's public test module (from `support`, the master's support modules) into
    tests_dir/support/: the notebook imports them from there, and Otter and the grader, which take every
    tests_dir/*.py for a test file, never see them. The hidden module goes to the zip only."""
    folder = tests_dir / TEST_LIBRARY_FOLDER
    folder.mkdir(exist_ok=True)
    for module in (TEST_LIBRARY, TEST_CONTROLS):
        shutil.copy2(module, folder / module.name)
    public = master.SUPPORT_MODULES["SUPPORT"]
    if public in support:
        (folder / f"{public}.py").write_text(support[public])


def autograder_zip(lab, root=REPO_ROOT):
    return root / "dist" / lab / f"{lab}-autograder.zip"


def solution_notebook(lab, root=REPO_ROOT):
    """The master without Otter markup, as otter assign writes it for the autograder."""
    return root / "build" / lab / "assign" / "autograder" / f"{lab}.ipynb"


def outputs(lab, root=REPO_ROOT):
    return [root / "labs" / lab / f"{lab}.ipynb", root / "tests" / lab, autograder_zip(lab, root),
            solution_notebook(lab, root)]


def build_lab(lab, root=REPO_ROOT, force=False):
    """Build one lab into `root`; return False when it was already up to date."""
    refresh_setup_cell(lab)
    grading_lock = autograder_lock(read_requirements(student_requirements(lab)))
    requirements = root / "build" / f"{lab}.requirements.txt"
    requirements.parent.mkdir(parents=True, exist_ok=True)
    requirements.write_text(grading_lock.requirements())
    stamp, inputs = root / "build" / f"{lab}.stamp", lab_inputs(lab, requirements)
    if not force and stamps.is_fresh(stamp, inputs, outputs(lab, root)):
        return False
    work = root / "build" / lab
    staged = stage(lab, work / "stage")
    otter_assign(staged, work / "assign")
    publish(lab, work / "assign", root, grading_lock)
    stamps.write_stamp(stamp, inputs)
    return True


def build(labs=None, root=REPO_ROOT, force=False):
    """Build the given labs (default: all) and print what happened to each."""
    for lab in labs or lab_names():
        rebuilt = build_lab(lab, root, force)
        print(f"{lab}: {'built' if rebuilt else 'up to date'} -> {autograder_zip(lab, root).relative_to(root)}")
