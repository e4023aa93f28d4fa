"""labkit.authoring.harden ships labkit/autograder/ as the package labkit_autograder, which the zip runs with source/
first on sys.path. Fast: a zip of Otter's shape with one test file, no grading."""
import subprocess
import sys
import zipfile
from types import SimpleNamespace

import pytest

from labkit import REPO_ROOT
from labkit.authoring import harden

pytestmark = pytest.mark.fast  # make test-fast: no grading, no notebook run

LOCK = SimpleNamespace(python="3.13", uv=SimpleNamespace(version="0.0", url="https://uv.invalid", sha256="0"),
                       requirements=lambda: "torch==0\n")
OTTER_ZIP = {"tests/q1.py": "OK_FORMAT = False\n", "otter_config.json": "{}", "run_otter.py": "import otter\n",
             "environment.yml": "name: otter\n", "files/data/x.txt": "data\n"}

SUPPORT = {"lab_checks": "import labtest\n\ndef doubled(x):\n    return labtest.shape_of([x]) * 2\n",
           "lab_references": "import lab_checks\n\ndef reference(x):\n    return lab_checks.doubled(x)\n"}


@pytest.fixture
def source(tmp_path):
    """The zip written by harden.install, unpacked where Gradescope unpacks it (/autograder/source)."""
    path = tmp_path / "autograder.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in OTTER_ZIP.items():
            zf.writestr(name, text)
    harden.install(path, "some-lab", LOCK, SUPPORT)
    with zipfile.ZipFile(path) as zf:
        zf.extractall(tmp_path / "source")
    return tmp_path / "source"


def test_the_zip_ships_every_module_of_the_autograder_folder_as_a_package(source):
    modules = {p.name for p in (REPO_ROOT / "labkit" / "autograder").glob("*.py")}
    assert "__init__.py" in modules and "labtest.py" in modules
    assert {p.name for p in (source / "labkit_autograder").iterdir()} == modules | {"config.json", "lab"}
    assert {p.name for p in (source / "labkit_autograder" / "lab").iterdir()} == {"lab_checks.py", "lab_references.py"}
    assert not (source / "run_otter.py").exists() and not (source / "environment.yml").exists()
    assert (source / "run_autograder").read_text().rstrip().endswith(
        '/source" && python -m labkit_autograder.supervise')


def test_the_shipped_package_imports_relatively_and_gives_the_tests_its_own_labtest(source):
    (source / "labtest.py").write_text("raise SystemExit('planted')\n")  # first on sys.path: not what tests get
    done = subprocess.run([sys.executable, "-c", "import labkit_autograder.supervise, labkit_autograder.worker, "
                           "labkit_autograder.testing, labtest; print(labtest.__name__, labtest.__file__)"],
                          cwd=source, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["labkit_autograder.labtest", str(source / "labkit_autograder" / "labtest.py")]


def test_the_grader_imports_the_labs_test_modules_and_sends_the_kernel_only_the_public_one(source):
    (source / "lab_checks.py").write_text("raise SystemExit('planted')\n")  # first on sys.path: not what tests get
    script = ("from labkit_autograder import testing\nimport lab_references, lab_checks\n"
              "print(lab_references.reference((2, 3)))\nprelude = testing.with_test_library('')\n"
              "print('def doubled' in prelude, 'def reference' in prelude, 'planted' in prelude)\n"
              "try:\n    testing.in_kernel(lab_references.reference)\nexcept TypeError as err:\n    print(err)")
    done = subprocess.run([sys.executable, "-c", script], cwd=source, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["(2, 3)(2, 3)", "True False False",
                                        "in_kernel(reference): the hidden references never enter the kernel"]
