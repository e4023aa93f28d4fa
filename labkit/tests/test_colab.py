"""Every lab as a student meets it on Colab, on a stand-in runtime (labkit.grading.colab) that has Colab's published
package list, a kernel Otter takes for Colab's, and the lab published on 127.0.0.1 (git over HTTP, raw files).

The setup cell runs in Colab mode and installs for real, from the local wheels the stand-in keeps (no index).
Then the solution notebook runs top to bottom, each `grader.check` judged where it stands (a check that needs
a later cell fails), and the blank notebook, whose every check must report a failure without raising.
`pip freeze` before and after the setup cell shows what it added; it may change no preinstalled package.
Each run writes its figures to build/colab/report-<lab>.json.
"""
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import time
import types
import zipfile

import nbclient
import nbformat
import pytest
from test_student_path import Site, offline_env

from labkit.authoring import publish, setup_cell
from labkit.authoring.build import lab_names, solution_notebook
from labkit.grading import colab

CHECK = re.compile(r'^grader\.check\("(\w+)"\)$')
# Reads the result of the check cell that ran as execution `{count}` (IPython's Out; a notebook may reuse `_`).
PROBE = "import json; print(json.dumps({{'passed': bool(Out[{count}].passed_all), 'message': repr(Out[{count}])[-2000:]}}))"


@pytest.fixture(scope="session")
def env_dir():
    """The Colab stand-in, built once (its first build downloads the wheels from PyPI; later runs are offline)."""
    return colab.build_env()


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("colab-site"))
    yield site
    site.close()


def local_pip_env(wheels, **extra):
    """The offline environment with pip limited to the wheels in `wheels` (no index, no pip configuration)."""
    base = {k: v for k, v in offline_env().items() if not k.startswith("PIP_")}
    return {**base, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels), "PIP_CONFIG_FILE": os.devnull, **extra}


def kernel_env(env_dir, site, lab):
    """What the notebook's kernel sees: the lab's data on the local site, its repository as a file:// URL (the
    site serves git without the smart protocol, which `git clone --depth 1` needs), pip with the local wheels."""
    return local_pip_env(env_dir / "wheels", LAB_REPOSITORY=site.repository(lab).as_uri(),
                         LAB_DATA_URL=site.settings(lab)["data_url"], PYDEVD_DISABLE_FILE_VALIDATION="1",
                         JUPYTER_PATH=str(env_dir))


def cell_error(cell):
    errors = [o for o in cell.get("outputs", []) if o.output_type == "error"]
    return f"{errors[0].ename}: {errors[0].evalue}" if errors else None


def cell_text(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")


def evaluate(client, notebook, index, source):
    """Run `source` in the kernel as if it were cell `index`, leaving the notebook as it is; return its cell."""
    cell, probe = notebook.cells[index], nbformat.v4.new_code_cell(source)
    client.execute_cell(probe, index)
    notebook.cells[index] = cell
    return probe


def run_notebook(notebook, workdir, after=""):
    """Run the notebook's code cells in order on the Colab kernel; judge each `grader.check` right after it.

    Returns {"cells": [(index, seconds, error)], "checks": [(question, outcome, message)], "notebook": ...,
    "after": what the code `after` printed at the end}, where outcome is "passed", "failed" or "raised".
    """
    client = nbclient.NotebookClient(notebook, kernel_name="colab", timeout=600, allow_errors=True,
                                     resources={"metadata": {"path": str(workdir)}})
    cells, checks = [], []
    with client.setup_kernel():
        for index, cell in enumerate(notebook.cells):
            if cell.cell_type != "code":
                continue
            start = time.perf_counter()
            client.execute_cell(cell, index)
            cells.append((index, time.perf_counter() - start, cell_error(cell)))
            if match := CHECK.match(cell.source.strip()):
                if cells[-1][2]:
                    checks.append((match.group(1), "raised", cells[-1][2]))
                    continue
                probe = evaluate(client, notebook, index, PROBE.format(count=cell.execution_count))
                assert cell_error(probe) is None, (cell.source, cell.outputs, cell_error(probe))
                result = json.loads(cell_text(probe))
                checks.append((match.group(1), "passed" if result["passed"] else "failed", result["message"]))
        probe = evaluate(client, notebook, len(notebook.cells) - 1, after)
    return {"cells": cells, "checks": checks, "notebook": notebook, "after": cell_text(probe)}


def is_export(cell):
    return "grader.export(" in cell.source


class ColabRuns:
    """Runs each lab once per session on the stand-in; the tests read the outcome."""

    def __init__(self, env_dir, site, tmp_path_factory):
        self.env_dir, self.site, self.tmp = env_dir, site, tmp_path_factory
        self.python = colab.python_of(env_dir)
        self.runs = {}

    def __call__(self, lab):
        if lab not in self.runs:
            self.runs[lab] = self.run(lab)
        return self.runs[lab]

    def run(self, lab):
        student_repo = publish.export_student_repo(lab, self.tmp.mktemp("student") / lab,
                                                   course_file=self.site.course_file)
        self.site.publish(lab, student_repo)
        workdir = self.tmp.mktemp(f"content-{lab}")
        solution = nbformat.read(solution_notebook(lab), as_version=4)
        blank = nbformat.read(student_repo / f"{lab}.ipynb", as_version=4)
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(kernel_env(self.env_dir, self.site, lab))
        before = colab.freeze(self.python)
        try:
            solved = run_notebook(solution, workdir, after="print(grader.interpreter)")
            after = colab.freeze(self.python)
            setup = copy.deepcopy(solution.cells[first_code(solution)])
            rerun = run_notebook(nbformat.v4.new_notebook(cells=[setup]), workdir)
            blank_run = run_notebook(blank, workdir)
        finally:
            os.environ.clear()
            os.environ.update(saved)
            added = sorted(set(colab.freeze(self.python)) - set(before))
            if added:
                colab.pip(self.python, "uninstall", "--quiet", "--yes", *added)
        report = {
            "lab": lab,
            "setup_cell_seconds": round(solved["cells"][0][1], 1),
            "notebook_seconds": round(sum(seconds for _, seconds, _ in solved["cells"]), 1),
            "checks_in_order": [f"{question}: {outcome}" for question, outcome, _ in solved["checks"]],
            "added_by_setup_cell": {name: after[name] for name in sorted(set(after) - set(before))},
            "changed_by_setup_cell": {name: [before[name], after[name]] for name in before
                                      if name in after and after[name] != before[name]},
            "removed_by_setup_cell": sorted(set(before) - set(after)),
            "export_cell": next((error or "ok" for index, _, error in solved["cells"]
                                 if is_export(solved["notebook"].cells[index])), "none"),
            "blank_checks": [f"{question}: {outcome}" for question, outcome, _ in blank_run["checks"]],
            "substitutions": colab.substitutions(),
        }
        (self.env_dir / f"report-{lab}.json").write_text(json.dumps(report, indent=1))
        return {"solved": solved, "rerun": rerun, "blank": blank_run, "report": report,
                "restored": colab.freeze(self.python) == before, "workdir": workdir}


def first_code(notebook):
    return next(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code")


@pytest.fixture(scope="session")
def colab_runs(env_dir, site, tmp_path_factory):
    return ColabRuns(env_dir, site, tmp_path_factory)


def test_stand_in_has_colab_packages_except_the_substitutes(env_dir):
    """The stand-in's packages are Colab's versions, but for the documented substitutes."""
    listed = colab.colab_packages()
    here = colab.freeze(colab.python_of(env_dir))
    differ = {name: (listed[name], version) for name, version in here.items()
              if name in listed and listed[name] != version.split("+")[0]}
    assert set(differ) == set(colab.SUBSTITUTES), differ
    assert {"torch", "transformers", "tokenizers", "numpy", "matplotlib", "ipykernel", "ipywidgets"} <= set(here)
    assert "otter-grader" not in here  # Colab does not have it: the setup cell installs it


@pytest.mark.parametrize("lab", lab_names())
def test_lab_on_colab_setup_cell_installs_without_changing_colab(colab_runs, lab):
    run = colab_runs(lab)
    report = run["report"]
    print(json.dumps(report, indent=1))
    setup_index, _, setup_error = run["solved"]["cells"][0]
    setup_cell = run["solved"]["notebook"].cells[setup_index]
    assert setup_error is None, f"setup cell: {setup_error}\n{cell_text(setup_cell)}"
    assert run["solved"]["after"].strip() == "IPythonInterpreter.COLAB"  # Otter takes the kernel for Colab's
    assert "Installing the packages" in cell_text(setup_cell)
    assert report["changed_by_setup_cell"] == {} and report["removed_by_setup_cell"] == []
    assert "otter-grader" in report["added_by_setup_cell"]
    assert run["restored"], "uninstalling what the setup cell added did not restore Colab's packages"
    assert sorted(p.name for p in run["workdir"].iterdir() if not p.name.startswith(".")) == [
        "data", "requirements.txt", "tests"]
    rerun = cell_text(run["rerun"]["notebook"].cells[0])
    assert run["rerun"]["cells"][0][2] is None
    assert not re.search("Download|Fetching|Installing", rerun), rerun


@pytest.mark.parametrize("lab", lab_names())
def test_lab_on_colab_solution_passes_every_check_where_it_stands(colab_runs, lab):
    solved = colab_runs(lab)["solved"]
    errors = [(index, error) for index, _, error in solved["cells"]
              if error and not is_export(solved["notebook"].cells[index])]
    assert errors == [], [(index, error, solved["notebook"].cells[index].source[:200]) for index, error in errors]
    failing = [(question, outcome, message) for question, outcome, message in solved["checks"] if outcome != "passed"]
    assert solved["checks"] and failing == [], failing


@pytest.mark.parametrize("lab", lab_names())
def test_lab_on_colab_blank_notebook_checks_fail_cleanly(colab_runs, lab):
    checks = colab_runs(lab)["blank"]["checks"]
    assert checks and [c for c in checks if c[1] == "raised"] == []
    assert [question for question, outcome, _ in checks if outcome == "passed"] == []


@pytest.mark.parametrize("lab", lab_names())
def test_lab_on_colab_export_cell_explains_how_to_submit(colab_runs, lab):
    solved = colab_runs(lab)["solved"]
    (index, _, error), = [c for c in solved["cells"] if is_export(solved["notebook"].cells[c[0]])]
    assert error is None and "Download .ipynb" in cell_text(solved["notebook"].cells[index])


def wheel(folder, name, version, requires=()):
    """A minimal pure-Python wheel of `name` that depends on `requires`."""
    info = f"{name}-{version}.dist-info"
    files = {f"{name}.py": f"VERSION = {version!r}\n",
             f"{info}/METADATA": "Metadata-Version: 2.1\n" + f"Name: {name}\nVersion: {version}\n"
                                 + "".join(f"Requires-Dist: {r}\n" for r in requires),
             f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    files[f"{info}/RECORD"] = "".join(f"{path},,\n" for path in files) + f"{info}/RECORD,,\n"
    with zipfile.ZipFile(folder / f"{name}-{version}-py3-none-any.whl", "w") as zf:
        for path, text in files.items():
            zf.writestr(path, text)


@pytest.fixture(scope="module")
def small_machine(tmp_path_factory):
    """A venv with alpha 1.0 installed, and local wheels: alpha 2.0, beta 1.0 (needs alpha>=2), gamma 1.0."""
    root = tmp_path_factory.mktemp("small-machine")
    wheels = root / "wheels"
    wheels.mkdir()
    wheel(wheels, "alpha", "1.0")
    wheel(wheels, "alpha", "2.0")
    wheel(wheels, "beta", "1.0", ["alpha>=2", "gamma"])
    wheel(wheels, "gamma", "1.0")
    subprocess.run([sys.executable, "-m", "venv", str(root / "venv")], check=True)
    python = root / "venv" / "bin" / "python"
    return python, local_pip_env(wheels)


def run_setup_installing(small_machine, tmp_path, requirements):
    """Run a setup cell with LAB_INSTALL=1 where the lab's files are present; return (returncode, output, freeze)."""
    python, env = small_machine
    colab.pip(python, "uninstall", "--quiet", "--yes", "alpha", "beta", "gamma", env=env)
    colab.pip(python, "install", "--quiet", "alpha==1.0", env=env)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "x.txt").write_text("x")
    (tmp_path / "tests").mkdir()
    (tmp_path / "requirements.txt").write_text(requirements)
    recipe = types.SimpleNamespace(lab_files=["x.txt"], optional_files=[])
    cell = setup_cell.render("toy", recipe, {"student_repo": "", "data_url": ""})
    done = subprocess.run([str(python), "-c", cell], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={**env, "LAB_INSTALL": "1"})
    return done.returncode, done.stdout + done.stderr, colab.freeze(python)


def test_setup_cell_adds_what_is_missing_and_keeps_installed_packages(small_machine, tmp_path):
    returncode, output, installed = run_setup_installing(small_machine, tmp_path, "beta\n")
    assert returncode == 0, output
    assert {name: installed[name] for name in ("alpha", "beta", "gamma")} == {"alpha": "1.0", "beta": "1.0",
                                                                              "gamma": "1.0"}
    assert "Installed: beta==1.0, gamma==1.0" in output and "Kept as installed: alpha 1.0" in output
    assert "restart" not in output.lower()


def test_setup_cell_replaces_a_package_the_lab_needs_newer_and_says_to_restart(small_machine, tmp_path):
    returncode, output, installed = run_setup_installing(small_machine, tmp_path, "alpha>=2\n")
    assert installed["alpha"] == "2.0"
    assert returncode != 0 and "Replaced alpha" in output and "Runtime > Restart session" in output
