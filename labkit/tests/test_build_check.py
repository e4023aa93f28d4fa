"""Build, grading and check tooling, exercised end to end on a two-question toy lab."""
import json
import zipfile
from importlib import metadata

import nbformat
import pytest

from labkit.authoring import build
from labkit.data import recipes
from labkit.grading import check
from labkit.grading.submission import grade_submission

SOLUTION_LINE = "doubled_value = x * 2"
HIDDEN_LINE = "assert double(numbers[0]) == 2 * numbers[0] and double(-7) == -14"
REFERENCE_LINE = "return sum(value for _ in range(2))  # the hidden reference"

TOY_CELLS = [
    ("raw", "# ASSIGNMENT CONFIG\nname: toy\nexport_cell: false\ntests:\n  files: true\n  ok_format: false"),
    ("code", "# Setup. Please leave this cell as it is."),
    ("code", "import json\nnumbers = json.load(open(DATA_DIR / 'numbers.json'))"),
    ("raw", "# BEGIN QUESTION\nname: q1\npoints: 2"),
    ("markdown", "Write `double(x)`."),
    ("raw", "# BEGIN SOLUTION"),
    ("code", f"def double(x):\n    # BEGIN SOLUTION\n    {SOLUTION_LINE}\n    return doubled_value\n    # END SOLUTION"),
    ("raw", "# END SOLUTION"),
    ("raw", "# BEGIN TESTS"),
    ("code", "def test_double_two(double):\n    import labtest, lab_checks\n"
             "    assert labtest.in_kernel(lab_checks.called_twice)(double, 2) == ('4', '4')"),
    ("code", f"# HIDDEN\ndef test_double_more(double, numbers):\n    import lab_references\n    {HIDDEN_LINE}\n"
             "    assert double(5) == lab_references.doubled(5)"),
    ("raw", "# END TESTS"),
    ("raw", "# END QUESTION"),
    ("raw", "# BEGIN QUESTION\nname: q2\npoints: 1"),
    ("raw", "# BEGIN SOLUTION"),
    ("code", "total = sum(numbers)  # SOLUTION"),
    ("raw", "# END SOLUTION"),
    ("raw", "# BEGIN TESTS"),
    ("code", "# HIDDEN\ndef test_total(total):\n    assert total == 6"),
    ("raw", "# END TESTS"),
    ("raw", "# END QUESTION"),
    ("code", "# TEST SUPPORT\nimport labtest\n\n\ndef called_twice(function, x):\n    return tuple(once(function, x) "
             "for _ in range(2))\n\n\ndef once(function, x):\n    return labtest.shape_of([function(x)])"),
    ("code", f"# HIDDEN TEST SUPPORT\ndef doubled(value):\n    {REFERENCE_LINE}"),
]


def write_toy_master(path):
    new_cell = {"raw": nbformat.v4.new_raw_cell, "code": nbformat.v4.new_code_cell,
                "markdown": nbformat.v4.new_markdown_cell}
    notebook = nbformat.v4.new_notebook(cells=[new_cell[kind](source) for kind, source in TOY_CELLS])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path.parent.mkdir(parents=True)
    nbformat.write(notebook, path)


@pytest.fixture(scope="module")
def toy_repo(tmp_path_factory):
    """A throwaway instructor repo holding only the toy lab, with the build pointed at it."""
    repo = tmp_path_factory.mktemp("repo")
    write_toy_master(repo / "solutions" / "toy" / "toy.ipynb")
    (repo / "data" / "build" / "toy").mkdir(parents=True)
    (repo / "data" / "build" / "toy" / "numbers.json").write_text("[1, 2, 3]\n")
    (repo / "requirements.txt").write_text("otter-grader\ntorch\nnumpy\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(build, "SOLUTIONS_DIR", repo / "solutions")
        patch.setattr(build, "lab_data_dir", lambda lab: repo / "data" / "build" / lab)
        patch.setattr(recipes, "load", lambda lab: recipes.Recipe(lab_files=("numbers.json",)))
        patch.setattr(build, "REQUIREMENTS", repo / "requirements.txt")
        patch.setattr(check, "REPO_ROOT", repo)
        assert build.build_lab("toy", repo) is True
        yield repo


@pytest.mark.fast
def test_installed_pin_pins_the_tested_version(tmp_path):
    lines = build.read_requirements("# comment\ntorch>=2\nmatplotlib>=3\nno-such-package>=1\n")
    torch_version = metadata.version("torch").split("+")[0]
    assert [build.installed_pin(line) for line in lines] == [
        f"torch=={torch_version}", f"matplotlib=={metadata.version('matplotlib')}", "no-such-package>=1"]


def test_build_publishes_student_notebook_public_tests_and_zip(toy_repo):
    student = (toy_repo / "labs" / "toy" / "toy.ipynb").read_text()
    assert SOLUTION_LINE not in student and "sum(numbers)" not in student
    assert all(not c.get("outputs") for c in nbformat.reads(student, as_version=4).cells)
    public = (toy_repo / "tests" / "toy" / "q1.py").read_text()
    assert "test_double_two" in public and HIDDEN_LINE not in public
    assert "TEST SUPPORT" not in student and "def doubled" not in student
    support = toy_repo / "tests" / "toy" / "support"
    assert sorted(p.name for p in support.iterdir()) == ["controls.py", "lab_checks.py", "labtest.py"]
    assert "def called_twice" in (support / "lab_checks.py").read_text()
    with zipfile.ZipFile(build.autograder_zip("toy", toy_repo)) as zf:
        assert HIDDEN_LINE in zf.read("tests/q1.py").decode()
        assert REFERENCE_LINE in zf.read("labkit_autograder/lab/lab_references.py").decode()
        assert "def called_twice" in zf.read("labkit_autograder/lab/lab_checks.py").decode()
        assert json.loads(zf.read("files/data/numbers.json")) == [1, 2, 3]
        requirements, setup = zf.read("requirements.txt").decode(), zf.read("setup.sh").decode()
    assert f"--python {build.COLAB_PYTHON} " in setup and "environment.yml" not in zf.namelist()
    assert f"\nnumpy=={metadata.version('numpy')} \\\n    --hash=sha256:" in requirements
    assert f"\notter-grader=={metadata.version('otter-grader')} \\\n" in requirements
    assert "\ntorch @ https://download.pytorch.org/whl/cpu/torch-" in requirements


def test_build_is_incremental(toy_repo):
    assert build.build_lab("toy", toy_repo) is False
    (toy_repo / "data" / "build" / "toy" / "numbers.json").write_text("[1, 2, 3] \n")
    assert build.build_lab("toy", toy_repo) is True
    assert build.build_lab("toy", toy_repo) is False


def test_grading_scores_solution_full_and_blank_zero(toy_repo, tmp_path):
    zip_path = build.autograder_zip("toy", toy_repo)
    solved = grade_submission(zip_path, build.solution_notebook("toy", toy_repo), tmp_path / "solved")
    blank = grade_submission(zip_path, toy_repo / "labs" / "toy" / "toy.ipynb", tmp_path / "blank")
    assert solved["scores"] == {"q1": 2.0, "q2": 1.0} == solved["possible"]
    assert blank["scores"] == {"q1": 0.0, "q2": 0.0} and blank["error"] is None


def test_leak_scan_finds_planted_solution_and_hidden_test_lines(toy_repo, tmp_path):
    master = build.master_path("toy")
    clean = check.published_lines([toy_repo / "labs" / "toy", toy_repo / "tests" / "toy"])
    assert check.find_leaks(master, clean) == []
    planted = clean + [f"    {SOLUTION_LINE}  # a hint", HIDDEN_LINE, "return doubled_value", REFERENCE_LINE]
    assert check.find_leaks(master, planted) == sorted([SOLUTION_LINE, HIDDEN_LINE, REFERENCE_LINE])


def test_check_passes_then_flags_stale_student_notebook(toy_repo, capsys):
    assert check.check(["toy"], toy_repo / "build" / "check") is True
    notebook = toy_repo / "labs" / "toy" / "toy.ipynb"
    notebook.write_text(notebook.read_text().replace("Write `double(x)`.", "Write double."))
    assert check.check_fresh("toy", toy_repo / "build" / "check") == (False, "stale (run make): labs/toy/toy.ipynb")
    assert "FAIL" not in capsys.readouterr().out
