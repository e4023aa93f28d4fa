"""Grading under Gradescope's conditions (labkit/grading/gradescope.py): Docker's capabilities, /root as setup.sh leaves
it, a 768 MiB cgroup and a CPU quota. `make gradescope-check` grades every lab this way; here, Lab 2-6's solution
where the student account cannot be used (no CAP_SETUID/CAP_SETGID; /root not traversable) still earns full marks,
with results.json marking the grading as not trustworthy for credit, and the harness reports SKIPPED, never a
pass, where the conditions cannot be made. Needs the built zip (`python -m labkit build lab2-6`).
"""
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from labkit.authoring import build
from labkit.autograder.entries import ISOLATION
from labkit.grading import gradescope

WHY_NOT = gradescope.unavailable()
needs_conditions = pytest.mark.skipif(WHY_NOT is not None, reason=f"SKIPPED, not passed: {WHY_NOT}")
NO_SETUID = tuple(c for c in gradescope.DOCKER_CAPABILITIES if c not in ("setuid", "setgid"))


def isolation(job):
    return next(t["output"] for t in job.row["results"]["tests"] if t["name"] == ISOLATION)


@pytest.fixture(scope="module")
def jobs():
    if WHY_NOT:
        pytest.skip(f"SKIPPED, not passed: {WHY_NOT}")
    solution, blank = build.solution_notebook("lab2-6"), gradescope.REPO_ROOT / "labs" / "lab2-6" / "lab2-6.ipynb"
    jobs = {
        "solution": gradescope.Job("lab2-6", "solution", solution, 1.0),
        "blank": gradescope.Job("lab2-6", "blank", blank, 1.0),
        "no setuid": gradescope.Job("lab2-6", "solution", solution, 1.0, capabilities=NO_SETUID),
        "root 0700": gradescope.Job("lab2-6", "solution", solution, 1.0, root_mode="0700"),
    }
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda job: gradescope.grade_job(job, 768, 600), jobs.values()))
    print("\n" + gradescope.table(list(jobs.values())))
    return jobs


@needs_conditions
def test_solution_full_marks_and_blank_zero_as_on_gradescope(jobs):
    assert gradescope.passed(jobs["solution"]) and gradescope.passed(jobs["blank"]), jobs["solution"].row["why"]
    row = jobs["solution"].row
    assert row["oom_kills"] == 0 and 0 < row["anonymous_mib"] <= 768
    assert isolation(jobs["solution"]).startswith("Full isolation.")
    assert "network: blocked" in isolation(jobs["solution"])  # a user namespace, where the platform allows one


@needs_conditions
def test_without_setuid_the_solution_keeps_full_marks_and_is_marked_untrustworthy(jobs):
    job = jobs["no setuid"]
    assert job.row["earned"] == job.row["possible"] > 0, job.row["why"]
    assert isolation(job).startswith("NOT TRUSTWORTHY FOR CREDIT")
    assert "lacks CAP_SETGID, CAP_SETUID" in isolation(job)


@needs_conditions
def test_with_root_closed_the_solution_keeps_full_marks_and_says_why(jobs):
    job = jobs["root 0700"]
    assert job.row["earned"] == job.row["possible"] > 0, job.row["why"]
    assert isolation(job).startswith("NOT TRUSTWORTHY FOR CREDIT")
    assert "other users may not enter /root" in isolation(job)


@pytest.mark.fast
def test_no_cgroups_is_reported_skipped_never_passed(monkeypatch, capsys):
    monkeypatch.setattr(gradescope, "cgroup_version", lambda: None)
    monkeypatch.setattr(gradescope.os, "geteuid", lambda: 0)
    monkeypatch.setattr(gradescope.shutil, "which", lambda name: f"/usr/bin/{name}")
    assert gradescope.gradescope_check(["lab2-6"]) is None
    printed = capsys.readouterr().out
    assert "SKIPPED (not passed)" in printed and "cgroup" in printed and "PASS" not in printed


@pytest.mark.fast
def test_quotas_of_gradings_side_by_side_never_exceed_the_cores():
    budget, running, most, lock = gradescope.Budget(2), [0.0], [0.0], threading.Lock()

    def work(cpus):
        with lock:
            running[0] += cpus
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        with lock:
            running[0] -= cpus

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda cpus: budget.run(cpus, lambda: work(cpus)), [0.5, 0.25] * 8))
    assert 0 < most[0] <= 2


@pytest.mark.fast
def test_a_solution_graded_without_an_account_of_its_own_fails_under_gradescopes_conditions():
    row = {"earned": 20.0, "possible": 20.0, "isolation": "REDUCED (the grader's own (uid 0); network blocked)"}
    reduced = gradescope.Job("lab2-6", "solution", None, 0.5, row=dict(row))
    assert not gradescope.passed(reduced)  # on Gradescope the grader is root with CAP_SETUID: isolation is expected
    assert gradescope.passed(gradescope.Job("lab2-6", "solution", None, 0.5, row=dict(
        row, isolation="a student account of its own; network blocked; caps none")))
    assert gradescope.passed(gradescope.Job("lab2-6", "solution", None, 0.5, capabilities=NO_SETUID, row=dict(row)))
