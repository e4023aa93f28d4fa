"""The student's path end to end: publish the lab's repository, set the lab up in an empty folder the way
Colab does (git clone over file://, data over HTTP on 127.0.0.1), then check a solved copy with grader.check."""
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading

import nbclient
import nbformat
import pytest

from labkit import course, publish, setup_cell
from labkit.build import data_sources, master_path, solution_notebook, student_requirements
from labkit.check import master_secrets

LAB = "lab2-6"
GIT = ["git", "-c", "user.name=test", "-c", "user.email=test@localhost", "-c", "init.defaultBranch=main"]


@pytest.fixture(scope="module")
def student_repo(tmp_path_factory):
    return publish.export_student_repo(LAB, tmp_path_factory.mktemp("student") / LAB)


def data_entries():
    """The lab's data files as paths under data/, e.g. data/models/attnlm_lm_h.pt."""
    return list(data_sources(LAB))


def test_student_repo_holds_notebook_public_tests_requirements_readme_and_data(student_repo):
    settings = course.lab_settings(LAB)
    public_tests = sorted(p.name for p in (publish.REPO_ROOT / "tests" / LAB).glob("*.py"))
    assert sorted(p.name for p in (student_repo / "tests").iterdir()) == public_tests
    assert (student_repo / "requirements.txt").read_text() == student_requirements(LAB)
    assert settings["colab_url"] in (student_repo / "README.md").read_text()
    assert all((student_repo / entry).is_file() for entry in data_entries()) == settings["ship_data"]
    setup = setup_cell.setup_cell(nbformat.read(student_repo / f"{LAB}.ipynb", as_version=4)).source
    assert f'"{settings["student_repo"]}"' in setup and f'"{settings["data_url"]}"' in setup
    assert publish.scan(LAB, student_repo) == []


def test_leak_scan_catches_a_planted_solution_line_and_autograder_files(student_repo, tmp_path):
    planted = tmp_path / LAB
    shutil.copytree(student_repo, planted, ignore=shutil.ignore_patterns("data"))
    solution_line = "hidden = torch.cumsum(x, dim=1) / counts"
    assert solution_line in [line.strip() for line in master_secrets(master_path(LAB))[0]]
    notebook = nbformat.read(planted / f"{LAB}.ipynb", as_version=4)
    notebook.cells[-1].source += "\n" + solution_line
    nbformat.write(notebook, planted / f"{LAB}.ipynb")
    (planted / "otter_config.json").write_text("{}")
    (planted / f"{LAB}-autograder.zip").write_bytes(b"")
    assert publish.scan(LAB, planted) == [f"leaked line: {solution_line}", f"autograder file: {LAB}-autograder.zip",
                                          "autograder file: otter_config.json"]


def test_export_refuses_to_publish_a_leak(monkeypatch, tmp_path):
    monkeypatch.setattr(publish, "readme", lambda lab, settings: "hidden = torch.cumsum(x, dim=1) / counts\n")
    with pytest.raises(ValueError, match="leaked line"):
        publish.export_student_repo(LAB, tmp_path / LAB)


def test_colab_users_are_told_to_download_the_ipynb_for_gradescope(student_repo):
    notebook = nbformat.read(student_repo / f"{LAB}.ipynb", as_version=4)
    closing = "\n".join(cell.source for cell in notebook.cells[-6:])
    assert "File > Download > Download .ipynb" in closing and "grader.export" in closing


def serve(folder):
    """An HTTP server for `folder` on a free loopback port, in a thread; it records the paths it serves."""
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args):
            requests.append(self.path)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=folder))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, requests


def offline_env(**overrides):
    """The environment with proxies removed (only loopback is used) plus `overrides`."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower() and k != "LAB_INSTALL"}
    return {**env, "no_proxy": "127.0.0.1,localhost", **overrides}


def run_setup(setup, workdir, env):
    done = subprocess.run([sys.executable, "-c", setup], cwd=workdir, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def snapshot(folder):
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def solved_copy(workdir):
    """The solution notebook in workdir, ending with a cell that prints each public question's check."""
    notebook = nbformat.read(solution_notebook(LAB), as_version=4)
    notebook.cells = [cell for cell in notebook.cells if "grader.export" not in cell.source]
    questions = sorted(p.stem for p in (workdir / "tests").glob("*.py"))
    notebook.cells.append(nbformat.v4.new_code_cell(
        f"import json\nprint(json.dumps({{q: grader.check(q).passed_all for q in {questions!r}}}))"))
    return notebook, questions


def test_setup_cell_fetches_the_lab_once_and_grader_check_passes(student_repo, tmp_path, monkeypatch):
    origin = tmp_path / "origin"
    shutil.copytree(student_repo, origin)
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "publish"]):
        subprocess.run(GIT + command, cwd=origin, check=True)
    server, requests = serve(origin / "data")
    workdir = tmp_path / "colab"
    workdir.mkdir()
    env = offline_env(LAB_REPOSITORY=origin.as_uri(), LAB_DATA_URL=f"http://127.0.0.1:{server.server_port}/",
                      LAB_INSTALL="1", PIP_NO_INDEX="1")  # pip finds everything installed, offline
    setup = setup_cell.setup_cell(nbformat.read(student_repo / f"{LAB}.ipynb", as_version=4)).source
    try:
        output = run_setup(setup, workdir, env)
    finally:
        server.shutdown()
    for entry in data_entries():
        assert (workdir / entry).read_bytes() == (student_repo / entry).read_bytes(), entry
    assert sorted(requests) == sorted("/" + entry.removeprefix("data/") for entry in data_entries())
    assert {p.name for p in (workdir / "tests").iterdir()} == {p.name for p in (student_repo / "tests").iterdir()}
    assert "Installing" in output
    assert sorted(p.name for p in workdir.iterdir()) == [".lab2-6-installed", "data", "requirements.txt", "tests"]

    # Again, with the repository and the server gone: nothing is fetched and nothing changes.
    before = snapshot(workdir)
    origin.rename(tmp_path / "moved")
    output = run_setup(setup, workdir, env)
    assert "Download" not in output and "Fetching" not in output and "Installing" not in output
    assert snapshot(workdir) == before

    notebook, questions = solved_copy(workdir)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    nbclient.NotebookClient(notebook, timeout=120, resources={"metadata": {"path": str(workdir)}}).execute()
    printed = notebook.cells[-1].outputs[0]["text"]
    assert json.loads(printed) == {question: True for question in questions}
