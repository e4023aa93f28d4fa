"""Adding a lab is one folder: a synthetic lab, dropped into a copy of the repository, builds and passes
`make check` with no edit to the tooling."""
import filecmp
import os
import shutil
import subprocess

import nbformat
import pytest

from labkit import REPO_ROOT

LAB = "synthetic"
CELLS = [
    ("raw", f"# ASSIGNMENT CONFIG\nname: {LAB}\nexport_cell: false\ntests:\n  files: true\n  ok_format: false"),
    ("markdown", "# A synthetic lab"),
    ("code", "# Setup. Please leave this cell as it is."),
    ("code", "# Initialize Otter\nimport otter\ngrader = otter.Notebook(tests_dir=str(TESTS_DIR))"),
    ("raw", "# BEGIN QUESTION\nname: squares\npoints: 2"),
    ("markdown", "Write `squares(n)`, the list of the squares of 0, 1, ..., n - 1."),
    ("raw", "# BEGIN SOLUTION"),
    ("code", "def squares(n):\n    # BEGIN SOLUTION\n    return [i * i for i in range(n)]\n    # END SOLUTION"),
    ("raw", "# END SOLUTION"),
    ("raw", "# BEGIN TESTS"),
    ("code", "def test_small(squares):\n    assert squares(3) == [0, 1, 4], 'squares(3) should be [0, 1, 4]'"),
    ("code", "# HIDDEN\ndef test_many(squares):\n    assert squares(50) == [i ** 2 for i in range(50)]"),
    ("raw", "# END TESTS"),
    ("raw", "# END QUESTION"),
]


def tracked_copy(target):
    """A copy of the repository's tracked files (mtimes kept, so make sees .venv as up to date)."""
    files = subprocess.run(["git", "ls-files"], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    for name in files.stdout.splitlines():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, target / name)
    (target / ".venv").symlink_to(REPO_ROOT / ".venv")


def write_master(path):
    new = {"raw": nbformat.v4.new_raw_cell, "code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell}
    notebook = nbformat.v4.new_notebook(cells=[new[kind](source) for kind, source in CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True)
    nbformat.write(notebook, path)


def make(repo, *targets):
    done = subprocess.run(["make", *targets, f"LABS={LAB}"], cwd=repo, capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if not k.startswith("MAKE")})
    assert done.returncode == 0, f"make {' '.join(targets)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo = tmp_path_factory.mktemp("repo")
    tracked_copy(repo)
    write_master(repo / "solutions" / LAB / f"{LAB}.ipynb")
    make(repo)
    return repo


def test_a_new_folder_builds_and_passes_make_check_without_touching_the_tooling(repo):
    assert (repo / "labs" / LAB / f"{LAB}.ipynb").is_file() and (repo / "tests" / LAB / "squares.py").is_file()
    assert (repo / "dist" / LAB / f"{LAB}-autograder.zip").is_file()
    checked = make(repo, "check")
    for name in ("build", "solution", "blank", "leaks", "fresh"):
        assert any(line.startswith("PASS") and f" {name} " in line for line in checked.splitlines()), checked
    assert "2/2 points" in checked and "FAIL" not in checked
    comparison = filecmp.dircmp(REPO_ROOT / "labkit", repo / "labkit", ignore=["__pycache__", ".pytest_cache"])
    assert not comparison.diff_files and not comparison.left_only and not comparison.right_only


def test_the_new_lab_is_listed_with_its_question_and_points(repo):
    listed = make(repo, "labs")
    assert f"{LAB}: 1 questions, 2 autograded + 0 manual points" in listed
    assert "squares (2)" in listed and "no recipe" in listed


def test_its_setup_cell_is_generated_and_public_tests_hold_no_hidden_case(repo):
    student = nbformat.read(repo / "labs" / LAB / f"{LAB}.ipynb", as_version=4)
    setup = next(c for c in student.cells if c.cell_type == "code").source
    assert "DATA_FILES = []" in setup and f'"../../tests/{LAB}"' in setup
    public = (repo / "tests" / LAB / "squares.py").read_text()
    assert "test_small" in public and "test_many" not in public
