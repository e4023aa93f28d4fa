"""Publishing a lab: the student repository, what happens without an organisation, and `make publish-check`
against a local copy of the publishing site (git over HTTP, raw files, Colab link and badge) on 127.0.0.1."""
import functools
import http.server
import io
import os
import shutil
import subprocess
import sys
import threading

import nbformat
import pytest

from labkit.authoring import course, master, publish, setup_cell
from labkit.authoring.build import TEST_LIBRARY, TEST_LIBRARY_FOLDER, data_sources, master_path, student_requirements
from labkit.data import recipes
from labkit.grading.check import master_secrets

LAB = "lab2-6"
ORG = "course-test"
GIT = ["git", "-c", "user.name=test", "-c", "user.email=test@localhost", "-c", "init.defaultBranch=main"]
LOCAL_COURSE = """org = "{org}"
branch = "main"
python_version = "3.13"
student_repo = "{site}/git/{{org}}/{{lab}}"
data_url = "{site}/raw/{{org}}/{{lab}}/{{branch}}/data/"
notebook_url = "{site}/raw/{{org}}/{{lab}}/{{branch}}/{{lab}}.ipynb"
colab_url = "{site}/colab/github/{{org}}/{{lab}}/blob/{{branch}}/{{lab}}.ipynb"
ship_data = true
"""


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


class Site:
    """A local stand-in for GitHub and Colab on 127.0.0.1: publish(lab) puts a student repository online."""

    def __init__(self, root):
        self.www = root / "www"
        self.www.mkdir()
        self.server, self.requests = serve(self.www)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.course_file = root / "course.toml"
        self.course_file.write_text(LOCAL_COURSE.format(org=ORG, site=self.url))
        self.badge = f"{self.url}/badge.svg"
        (self.www / "badge.svg").write_text("<svg/>")

    def settings(self, lab):
        return course.lab_settings(lab, self.course_file)

    def repository(self, lab):
        """The bare git repository behind the lab's repository URL."""
        return self.www / "git" / ORG / lab

    def publish(self, lab, student_repo):
        """Serve student_repo as the course would: git repository, raw files, Colab page."""
        work = self.www.parent / f"{lab}-work"
        shutil.copytree(student_repo, work)
        for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "publish"]):
            subprocess.run(GIT + command, cwd=work, check=True)
        bare = self.repository(lab)
        subprocess.run(GIT + ["clone", "-q", "--bare", str(work), str(bare)], check=True)
        subprocess.run(["git", "update-server-info"], cwd=bare, check=True)  # git over plain HTTP
        shutil.rmtree(work / ".git")
        shutil.copytree(work, self.www / "raw" / ORG / lab / "main")
        colab_page = self.www / "colab" / "github" / ORG / lab / "blob" / "main" / f"{lab}.ipynb"
        colab_page.parent.mkdir(parents=True)
        shutil.copy2(work / f"{lab}.ipynb", colab_page)

    def close(self):
        self.server.shutdown()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("site"))
    yield site
    site.close()


@pytest.fixture(scope="module")
def student_repo(site, tmp_path_factory):
    return publish.export_student_repo(LAB, tmp_path_factory.mktemp("student") / LAB, course_file=site.course_file)


@pytest.mark.fast
def test_course_ships_no_organisation_and_the_python_of_colab():
    from labkit.grading import colab

    settings = course.settings()
    assert "org" not in settings
    assert settings["python_version"] == colab.colab_python()
    unpublished = course.lab_settings(LAB)
    assert unpublished["student_repo"] == unpublished["data_url"] == unpublished["colab_url"] == ""


@pytest.mark.fast
def test_student_repo_refuses_to_publish_without_an_organisation(tmp_path):
    target = tmp_path / LAB
    with pytest.raises(course.CourseError, match=r"sets no `org`.*org = "):
        publish.export_student_repo(LAB, target)
    assert not target.exists()
    done = subprocess.run([sys.executable, "-m", "labkit.authoring.publish", "repo", LAB], capture_output=True,
                          text=True, cwd=publish.REPO_ROOT)
    assert done.returncode == 2 and "error: course.toml sets no `org`" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.fast
def test_setup_cell_without_an_organisation_says_so_instead_of_a_404(tmp_path):
    """The committed notebooks are built without org: on Colab their setup cell explains, it does not 404."""
    notebook = nbformat.read(publish.REPO_ROOT / "labs" / LAB / f"{LAB}.ipynb", as_version=4)
    setup = master.setup_cell(notebook).source
    assert setup == setup_cell.render(LAB, recipes.load(LAB), course.lab_settings(LAB))
    done = subprocess.run([sys.executable, "-c", setup], cwd=tmp_path, capture_output=True, text=True, timeout=60,
                          env=offline_env())
    assert done.returncode != 0
    assert "does not know where the lab's files are published" in done.stderr and "`org` in course.toml" in done.stderr
    assert "HTTP" not in done.stderr and "404" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_student_repo_holds_notebook_public_tests_requirements_readme_and_data(student_repo, site):
    settings = site.settings(LAB)
    public_tests = sorted(p.name for p in (publish.REPO_ROOT / "tests" / LAB).glob("*.py"))
    assert sorted(p.name for p in (student_repo / "tests").iterdir()) == sorted(public_tests + [TEST_LIBRARY_FOLDER])
    assert (student_repo / "tests" / TEST_LIBRARY_FOLDER / "labtest.py").read_text() == TEST_LIBRARY.read_text()
    assert (student_repo / "requirements.txt").read_text() == student_requirements(LAB)
    readme = (student_repo / "README.md").read_text()
    assert settings["colab_url"] in readme and f"git clone {settings['student_repo']}" in readme
    assert f"pip install torch --index-url {publish.TORCH_CPU_INDEX}" in readme
    assert all((student_repo / entry).is_file() for entry in data_sources(LAB)) == settings["ship_data"]
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


def test_export_refuses_to_publish_a_leak(monkeypatch, tmp_path, site):
    monkeypatch.setattr(publish, "readme", lambda lab, settings: "hidden = torch.cumsum(x, dim=1) / counts\n")
    with pytest.raises(ValueError, match="leaked line"):
        publish.export_student_repo(LAB, tmp_path / LAB, course_file=site.course_file)


def test_colab_users_are_told_to_download_the_ipynb_for_gradescope(student_repo):
    notebook = nbformat.read(student_repo / f"{LAB}.ipynb", as_version=4)
    closing = "\n".join(cell.source for cell in notebook.cells[-6:])
    assert "File > Download > Download .ipynb" in closing and "grader.export" in closing


def publish_check(site, monkeypatch):
    monkeypatch.setattr(publish, "COLAB_BADGE", site.badge)
    for name, value in offline_env().items():
        monkeypatch.setenv(name, value)
    for name in [n for n in os.environ if "proxy" in n.lower() and n != "no_proxy"]:
        monkeypatch.delenv(name)
    out = io.StringIO()
    return publish.check_published(LAB, site.course_file, out=out), out.getvalue()


def test_publish_check_reports_every_missing_url_then_nothing_once_published(site, student_repo, monkeypatch):
    settings, recipe = site.settings(LAB), recipes.load(LAB)
    files, optional = recipe.lab_files, recipe.optional_files
    assert optional
    missing, report = publish_check(site, monkeypatch)
    assert missing == [settings["student_repo"], *[settings["data_url"] + n for n in files if n not in optional],
                       settings["notebook_url"], settings["colab_url"], f"{settings['student_repo']} (branch main)"]
    assert f"missing 404  data file {optional[0]}" in report and "MISSING 404  repository (git clone)" in report
    assert f"{LAB}: {len(missing)} required URL(s) missing" in report

    site.publish(LAB, student_repo)
    missing, report = publish_check(site, monkeypatch)
    assert missing == [] and report.endswith(f"{LAB}: everything is published\n")
    heads = [path for path in site.requests if path.startswith(f"/raw/{ORG}/{LAB}/main/data/")]
    assert sorted(set(heads)) == sorted(f"/raw/{ORG}/{LAB}/main/data/{name}" for name in files)

    removed = site.www / "raw" / ORG / LAB / "main" / "data" / files[0]
    removed.unlink()
    missing, report = publish_check(site, monkeypatch)
    assert missing == [settings["data_url"] + files[0]] and f"MISSING 404  data file {files[0]}" in report
