"""`make gradescope-check`: grade every lab's solution and blank notebook under Gradescope's conditions.

Each notebook is graded through its lab's zip (labkit.grading.submission's Gradescope layout, the zip's own
run_autograder) as a Gradescope container would run it:
  - Docker's default capabilities (setpriv): no CAP_SYS_ADMIN, so the autograder can make no mount namespace,
    and a network namespace only if unprivileged user namespaces are allowed;
  - in a mount namespace of its own where /root is as setup.sh leaves it (mode 0701, holding only the
    interpreter's folder) and the course checkouts are covered (only the virtual environment is bound back);
  - in a cgroup of 768 MiB (v1 or v2) shared by grader and kernel, with a CPU quota of half and of a quarter
    of a CPU.
Gradings run side by side while their quotas add up to at most `--cores` CPUs. It prints one row per grading:
score, wall time, peak anonymous memory of the process tree (sampled from the cgroup), the cgroup's own peak
(page cache included), out-of-memory kills and the isolation results.json states. It exits 1 when a solution
lacks a point, a blank earns one, or student code did not run in an account of its own. Where this machine
offers no cgroup with memory and cpu controllers that it may write to (or setpriv, or root), it says so and
reports SKIPPED: that is not a pass.

    python -m labkit.grading.gradescope [LAB ...] [--cpus 0.5 0.25] [--cores 2] [--memory-mb 768]
"""
import argparse
import itertools
import json
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from labkit import REPO_ROOT
from labkit.authoring.build import autograder_zip, lab_names, solution_notebook
from labkit.autograder import sandbox
from labkit.autograder.entries import ISOLATION, TIMING, autograder_error, entry_output, question_scores
from labkit.grading.check import why
from labkit.grading.submission import gradescope_layout, run_autograder

DOCKER_CAPABILITIES = ("chown", "dac_override", "fsetid", "fowner", "mknod", "net_raw", "setgid", "setuid",
                       "setfcap", "setpcap", "net_bind_service", "sys_chroot", "kill", "audit_write")
CGROUP = Path("/sys/fs/cgroup")
PERIOD_US = 100_000
SAMPLE_SECONDS = 0.1
MiB = 1 << 20
SERIAL = itertools.count()  # cgroup names stay unique within a run


class Cgroup:
    """A memory and CPU cgroup for one grading (v1: one folder per controller; v2: one folder)."""

    def __init__(self, name, memory_mb, cpus):
        self.version = cgroup_version()
        if self.version == 1:
            self.folders = [CGROUP / "memory" / name, CGROUP / "cpu" / name]
            settings = {"memory/memory.limit_in_bytes": memory_mb * MiB, "cpu/cpu.cfs_period_us": PERIOD_US,
                        "cpu/cpu.cfs_quota_us": round(cpus * PERIOD_US)}
        else:
            parent = CGROUP / "labkit-gradescope"
            parent.mkdir(exist_ok=True)
            (parent / "cgroup.subtree_control").write_text("+memory +cpu")
            self.folders = [parent / name]
            settings = {"memory.max": memory_mb * MiB, "memory.swap.max": 0,
                        "cpu.max": f"{round(cpus * PERIOD_US)} {PERIOD_US}"}
        for folder in self.folders:
            folder.mkdir()
        for path, value in settings.items():
            self.file(path).write_text(str(value))

    def file(self, path):
        """A cgroup file by its v1 path (memory/memory.stat) or v2 name (memory.stat)."""
        if self.version == 1:
            controller, name = path.split("/")
            return next(f for f in self.folders if f.parent.name == controller) / name
        return self.folders[0] / path.split("/")[-1]

    def join(self):
        """Move the calling process into the cgroup (run in the child before it execs)."""
        for folder in self.folders:
            (folder / "cgroup.procs").write_text(str(os.getpid()))

    def anonymous(self):
        stat = dict(line.split() for line in self.file("memory/memory.stat").read_text().splitlines())
        return int(stat["total_rss"] if self.version == 1 else stat["anon"])

    def peak(self):
        """The cgroup's peak usage, page cache included (None where the kernel does not record it)."""
        path = self.file("memory/memory.max_usage_in_bytes" if self.version == 1 else "memory.peak")
        return int(path.read_text()) if path.exists() else None

    def oom_kills(self):
        path = self.file("memory/memory.oom_control" if self.version == 1 else "memory.events")
        fields = dict(line.split() for line in path.read_text().splitlines())
        return int(fields.get("oom_kill", 0))

    def remove(self):
        for folder in self.folders:
            for _ in range(50):  # the last processes may still be exiting
                try:
                    folder.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)


def cgroup_version():
    """1 or 2 when this process may make cgroups with memory and cpu controllers, else None."""
    if all(os.access(CGROUP / c / "cgroup.procs", os.W_OK) for c in ("memory", "cpu")):
        return 1
    controllers = CGROUP / "cgroup.controllers"
    if controllers.exists() and {"memory", "cpu"} <= set(controllers.read_text().split()) and os.access(
            CGROUP / "cgroup.subtree_control", os.W_OK):
        return 2
    return None


def unavailable():
    """Why the conditions cannot be made here, or None."""
    if os.geteuid() != 0:
        return "it must run as root (cgroups, setpriv, mount namespaces)"
    if not shutil.which("setpriv"):
        return "setpriv (util-linux) is missing"
    if cgroup_version() is None:
        return "no writable cgroup (v1 or v2) with memory and cpu controllers"
    if not sandbox.can_unshare():
        return "mount namespaces are unavailable"
    return None


def hidden_checkouts(venv):
    """Top folders to cover in the grading's view: those holding the course checkout or the virtual environment
    (outside /usr, /root and the like). The environment itself is bound back."""
    system = {"/", "/usr", "/opt", "/root", "/tmp", "/var", "/etc"}
    tops = {Path(*path.parts[:2]) for path in (REPO_ROOT, venv)}
    return sorted(top for top in tops if str(top) not in system)


def gradescope_view(venv, root_mode):
    """In the child, before it drops its capabilities: a mount namespace where /root has mode `root_mode` (0701
    after setup.sh's `chmod o+x /root`) holding only the entries that lead to the interpreter, and the checkouts
    are covered."""
    sandbox.private_mounts()
    interpreter = {Path("/root", p.relative_to("/root").parts[0]) for p in sandbox.needed_paths()
                   if p.is_relative_to("/root")}
    if interpreter:
        sandbox.cover(Path("/root"), interpreter, root_mode)
    for top in hidden_checkouts(venv):
        sandbox.cover(top, [venv] if venv.is_relative_to(top) else [], "0755")


@dataclass
class Job:
    lab: str
    kind: str  # "solution" or "blank"
    notebook: Path
    cpus: float
    capabilities: tuple = DOCKER_CAPABILITIES
    root_mode: str = "0701"  # /root as setup.sh leaves it
    zip: Path = None  # default: the lab's built autograder zip
    row: dict = field(default_factory=dict)


def grade_job(job, memory_mb, timeout):
    """Grade `job` under the conditions; fill and return its row."""
    venv = Path(sys.prefix).resolve()
    name = f"labkit-gs-{job.lab}-{job.kind}-{job.cpus:g}-{os.getpid()}-{next(SERIAL)}"
    cgroup = Cgroup(name, memory_mb, job.cpus)
    peak_anonymous, done = [0], threading.Event()

    def sample():
        while not done.wait(SAMPLE_SECONDS):
            peak_anonymous[0] = max(peak_anonymous[0], cgroup.anonymous())

    def enter():
        cgroup.join()
        gradescope_view(venv, job.root_mode)

    sampler = threading.Thread(target=sample, daemon=True)
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="gradescope-check-") as tmp:
            root = Path(tmp)
            gradescope_layout(job.zip or autograder_zip(job.lab), job.notebook, root)
            capabilities = "".join(f",+{c}" for c in job.capabilities)
            command = ["setpriv", f"--bounding-set=-all{capabilities}", "--inh-caps=-all", "--"]
            sampler.start()
            output = run_autograder(root, timeout=timeout, command_prefix=command, preexec_fn=enter,
                                    path=venv / "bin")
            results = json.loads((root / "results" / "results.json").read_text())
        scores = question_scores(results)
        job.row.update(earned=sum(e for e, _ in scores.values()), possible=sum(p for _, p in scores.values()),
                       isolation=isolation_summary(results), slowest=slowest_case(results), output=output,
                       results=results)
        lost = [q for q, (e, p) in scores.items() if (e < p if job.kind == "solution" else e > 0)]
        job.row["why"] = why({"results": results, "error": autograder_error(results)}, lost)
    except Exception as err:
        job.row.update(earned=None, possible=None, isolation="-", why=f"\n      {type(err).__name__}: {err}"[-3000:])
    finally:
        done.set()
        sampler.join() if sampler.is_alive() else None
        job.row.update(wall=time.monotonic() - started, anonymous_mib=max(peak_anonymous[0], 0) / MiB,
                       peak_mib=(cgroup.peak() or 0) / MiB, oom_kills=cgroup.oom_kills())
        cgroup.remove()
    return job


def isolation_summary(results):
    """A short form of the results.json isolation entry: account, network, capabilities (or REDUCED: why)."""
    entry = entry_output(results, ISOLATION)
    if entry is None:
        return "not stated"
    verdict, *details = entry.splitlines()
    facts = dict(line.split(": ", 1) for line in details if ": " in line)
    short = (f"{facts.get('account', '?')}; network {facts.get('network', '?').split(' (')[0]}; "
             f"caps {facts.get('capabilities', '?')}")
    return f"REDUCED ({short})" if verdict.startswith("NOT TRUSTWORTHY") else short


def slowest_case(results):
    """(seconds, "name (phase)", limit in s) of the slowest test case of a grading, or None when no case ran."""
    timing = entry_output(results, TIMING)
    if not timing:
        return None
    header, first = timing.splitlines()[:2]
    name, seconds = first.rsplit(": ", 1)
    return float(seconds.split()[0]), name, float(re.search(r"limit (\S+) s", header).group(1))


def passed(job):
    """A solution earns every point, a blank none; under Gradescope's own conditions (Docker's capabilities, /root
    as setup.sh leaves it) student code must also have run in an account of its own (isolation not REDUCED)."""
    row = job.row
    if row["earned"] is None:
        return False
    if gradescope_conditions(job) and row["isolation"].startswith("REDUCED"):
        return False
    return row["earned"] == row["possible"] > 0 if job.kind == "solution" else row["earned"] == 0


def gradescope_conditions(job):
    return job.capabilities == DOCKER_CAPABILITIES and job.root_mode == Job.root_mode


class Budget:
    """CPU quota shared by gradings that run side by side: each takes its `cpus` until it ends."""

    def __init__(self, cores):
        self.free, self.condition = cores, threading.Condition()

    def run(self, cpus, work):
        with self.condition:
            self.condition.wait_for(lambda: self.free + 1e-9 >= cpus)
            self.free -= cpus
        try:
            return work()
        finally:
            with self.condition:
                self.free += cpus
                self.condition.notify_all()


def jobs_for(labs, cpu_settings):
    """Every lab's solution and blank notebook at every CPU setting, slowest (least CPU) first."""
    jobs = [Job(lab, kind, notebook, cpus) for cpus in sorted(cpu_settings) for lab in labs
            for kind, notebook in (("solution", solution_notebook(lab)),
                                   ("blank", REPO_ROOT / "labs" / lab / f"{lab}.ipynb"))]
    return sorted(jobs, key=lambda job: (job.cpus, job.kind != "solution"))


def table(jobs):
    lines = [f"{'lab':<24} {'notebook':<9} {'cpu':>5} {'score':>9} {'wall s':>7} {'anon MiB':>9} "
             f"{'peak MiB':>9} {'oom':>4} {'slowest case s':>15}  {'verdict':<7} isolation"]
    for job in sorted(jobs, key=lambda j: (j.lab, j.kind != "solution", -j.cpus)):
        row = job.row
        score = "error" if row["earned"] is None else f"{row['earned']:g}/{row['possible']:g}"
        slowest = row.get("slowest")
        slowest = f"{slowest[0]:.1f} of {slowest[2]:g}" if slowest else "-"
        lines.append(f"{job.lab:<24} {job.kind:<9} {job.cpus:>5g} {score:>9} {row['wall']:>7.0f} "
                     f"{row['anonymous_mib']:>9.0f} {row['peak_mib']:>9.0f} {row['oom_kills']:>4} {slowest:>15}  "
                     f"{'PASS' if passed(job) else 'FAIL':<7} {row['isolation']}")
    return "\n".join(lines)


def slow_cases(jobs):
    """Lines naming each solution's slowest test case and warning where one needs over a third of its limit
    (a benchmark figure: printed, never failed on, since a busy machine slows every case)."""
    lines = []
    for job in sorted(jobs, key=lambda j: (j.lab, -j.cpus)):
        if job.kind == "solution" and job.row.get("slowest"):
            seconds, name, limit = job.row["slowest"]
            warning = "  WARNING: over a third of the limit" if seconds > limit / 3 else ""
            lines.append(f"slowest case  {job.lab:<24} {job.cpus:>5g} CPU  {name}: {seconds:.1f} s of {limit:g}"
                         f"{warning}")
    return "\n".join(lines)


def gradescope_check(labs=None, cpu_settings=(0.5, 0.25), cores=2.0, memory_mb=768, timeout=900):
    """Grade every lab's solution and blank under the conditions; print the table; True when all pass, None when
    the conditions cannot be made here (SKIPPED)."""
    missing = unavailable()
    if missing:
        print(f"SKIPPED (not passed): Gradescope's conditions cannot be made on this machine: {missing}.")
        return None
    jobs = jobs_for(labs or lab_names(), cpu_settings)
    budget = Budget(cores)
    print(f"gradescope-check: {len(jobs)} gradings, {memory_mb} MiB each, CPU quotas {cpu_settings}, side by side "
          f"within {cores:g} cores (cgroup v{cgroup_version()})", flush=True)
    with ThreadPoolExecutor(max_workers=max(1, int(cores / min(cpu_settings)))) as pool:
        list(pool.map(lambda job: budget.run(job.cpus, lambda: grade_job(job, memory_mb, timeout)), jobs))
    print(table(jobs))
    print(slow_cases(jobs))
    for job in jobs:
        if not passed(job):
            print(f"FAIL  {job.lab} {job.kind} at {job.cpus:g} CPU (isolation: {job.row['isolation']}){job.row['why']}")
            if "Traceback" in job.row.get("output", ""):  # the grader itself failed: its last words
                print("      run_autograder's output ends:\n" + job.row["output"][-3000:])
    return all(passed(job) for job in jobs)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m labkit.grading.gradescope", description=__doc__.splitlines()[0])
    parser.add_argument("labs", nargs="*", help="lab names (default: every lab)")
    parser.add_argument("--cpus", type=float, nargs="+", default=[0.5, 0.25], help="CPU quotas to grade at")
    parser.add_argument("--cores", type=float, default=min(2, os.cpu_count() or 1),
                        help="CPUs the gradings' quotas may add up to (default: 2, or fewer on a smaller machine)")
    parser.add_argument("--memory-mb", type=int, default=768, help="memory of each grading's cgroup (MiB)")
    args = parser.parse_args(argv)
    outcome = gradescope_check(args.labs, tuple(args.cpus), args.cores, args.memory_mb)
    return 0 if outcome is None else 0 if outcome else 1


if __name__ == "__main__":
    sys.exit(main())
