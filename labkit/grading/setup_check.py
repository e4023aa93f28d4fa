"""`make setup-check LAB=lab2-6`: a lab's zip, its own setup.sh and run_autograder, in a fresh Debian root.

As Gradescope builds an image: a bare root filesystem (debootstrap, variant minbase), the zip unpacked in
/autograder/source, `bash setup.sh` as root (in a chroot), then run_autograder with Gradescope's layout and nothing
of labkit's installed. It prints what setup.sh downloaded, how long it took, the scores of the full solution (must
be full marks) and of the blank notebook (must be 0), and whether the student account reaches the interpreter
without /root being opened.

Slow (a Debian root, about 300 MB of wheels, two gradings: several minutes), so it is not part of `make test`.
Needs root, debootstrap and the network (Debian's repositories, PyPI); without them it says SKIPPED and exits 77.

Stand-ins for what this machine cannot reach (each one printed when used):
- Debian bookworm instead of Ubuntu 22.04: Ubuntu's mirror is out of reach. Both are bare glibc systems (2.36 and
  2.35), and setup.sh relies on nothing but bash, useradd and python3 (which it installs with apt when missing).
- CPython and torch: uv's CPython builds and PyTorch's CPU index are out of reach, and the only CPU torch wheel at
  hand is for this machine's CPython (3.11). The zip is made for the CPython that runs this check (STAND_IN_PYTHON,
  e.g. 3.11.7) by the build's own functions (build.autograder_lock, harden.install) when the course's Python
  differs; a copy of that interpreter (its base installation, without site-packages) is put in the root's
  /usr/local, where setup.sh's uv finds it instead of downloading one (Debian bookworm's own 3.11.2 is
  too old for the tested packages); torch's URL in requirements.txt is pointed at the local copy of the same wheel
  (its sha256 in the lock is unchanged and uv checks it).
- Isolation from the machine: a chroot shares its process table and user ids, and labkit's grader ends every
  process of its student account's uid. So setup.sh and run_autograder run in a PID namespace of their own (with
  their own /proc), and the root's /etc/login.defs gives system accounts uids no account of the machine has
  (ROOT_SYSTEM_IDS), so the account setup.sh creates is no account's twin here.
- The machine's CA certificates go into the root (and SSL_CERT_FILE into setup.sh's environment): its HTTPS
  traffic passes a TLS proxy.
"""
import argparse
import hashlib
import json
import os
import platform
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from importlib import metadata
from pathlib import Path

from labkit import REPO_ROOT
from labkit.authoring import build, harden, lock
from labkit.autograder.entries import question_scores

STAND_IN_PYTHON = platform.python_version()
SKIPPED = 77
BASE_TARBALL = REPO_ROOT / "build" / "setup-check" / "bookworm-minbase.tar.gz"
ROOT_SYSTEM_IDS = (60000, 60999)
LOCAL_CERTIFICATES = Path("/usr/local/share/ca-certificates")
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


class Skipped(Exception):
    """The check cannot run here."""


def say(message):
    print(f"setup-check: {message}", flush=True)


def run(command, log=None, **kwargs):
    """Run `command`; its output goes to `log` (a path) and to the terminal; raise when it fails."""
    started = time.monotonic()
    with open(log or os.devnull, "a") as out:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)
        out.write(done.stdout)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, command))} exited with {done.returncode}:\n{done.stdout[-3000:]}")
    return done.stdout, time.monotonic() - started


def requirements_met():
    if os.geteuid() != 0:
        raise Skipped("not root (debootstrap and chroot need it)")
    if not shutil.which("debootstrap"):
        raise Skipped("debootstrap is missing (apt-get install debootstrap)")


def network_reached(grading_lock):
    """PyPI answers (a HEAD request for the uv wheel that setup.sh fetches first)."""
    try:
        urllib.request.urlopen(urllib.request.Request(grading_lock.uv.url, method="HEAD"), timeout=30).close()
    except (urllib.error.URLError, OSError) as error:
        raise Skipped(f"PyPI is out of reach ({error})") from None


def base_root(root):
    """A bare Debian bookworm in `root`, from debootstrap once, then from its cached tarball."""
    if not BASE_TARBALL.exists():
        BASE_TARBALL.parent.mkdir(parents=True, exist_ok=True)
        say("debootstrap --variant=minbase bookworm (once; cached in build/setup-check/)")
        with tempfile.TemporaryDirectory(dir=BASE_TARBALL.parent) as fresh:
            try:
                run(["debootstrap", "--variant=minbase", "bookworm", fresh])
            except RuntimeError as error:
                raise Skipped(f"debootstrap could not reach Debian's repositories: {str(error)[-300:]}") from None
            run(["tar", "-C", fresh, "-czf", BASE_TARBALL, "."])
    root.mkdir(parents=True)
    run(["tar", "-C", root, "-xzf", BASE_TARBALL])


def stand_in_torch(python):
    """The local copy of PyTorch's CPU wheel for `python` (in pip's find-links folders)."""
    version, tag = metadata.version("torch").split("+")[0], "cp" + "".join(python.split(".")[:2])
    folders = [Path(p) for p in os.environ.get("PIP_FIND_LINKS", "").split() if Path(p).is_dir()]
    found = [w for folder in folders for w in folder.glob(f"torch-{version}+cpu-{tag}-{tag}-*x86_64.whl")]
    if found:
        return found[0]
    raise Skipped(f"no local copy of torch {version}+cpu for CPython {python} in $PIP_FIND_LINKS "
                  "(PyTorch's CPU index is out of reach)")


def autograder_for(lab, python, workdir):
    """(zip path, Lock) of the lab's autograder for CPython `python`: dist/'s, or one hardened for `python` in
    `workdir`."""
    zip_path = build.autograder_zip(lab)
    lines = build.read_requirements(build.student_requirements(lab))
    grading_lock = build.autograder_lock(lines, python)
    if python == build.COLAB_PYTHON:
        return zip_path, grading_lock
    say(f"stand-in: the zip made for CPython {python} instead of {build.COLAB_PYTHON} "
        "(labkit.authoring.build, labkit.authoring.harden)")
    copy = workdir / zip_path.name
    shutil.copy2(zip_path, copy)
    with zipfile.ZipFile(copy) as zf:
        config = json.loads(zf.read("labkit_autograder/config.json"))
    settings = {key: value for key, value in config.items() if key != "lab" and key not in harden.DEFAULTS}
    harden.install(copy, lab, grading_lock, build.read_master(lab).support_modules(), **settings)
    return copy, grading_lock


def lay_out(root, zip_path, torch_wheel):
    """Gradescope's /autograder in `root`, the stand-in torch wheel, the machine's CA certificates and DNS."""
    source = root / "autograder" / "source"
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(source)
    (root / "autograder" / "submission").mkdir()
    (root / "autograder" / "results").mkdir()
    (root / "wheels").mkdir()
    shutil.copy2(torch_wheel, root / "wheels" / torch_wheel.name)
    requirements = source / "requirements.txt"
    text, count = re.subn(r"^torch @ \S+", f"torch @ file:///wheels/{torch_wheel.name}", requirements.read_text(),
                          flags=re.MULTILINE)
    assert count == 1, "requirements.txt names no torch wheel"
    requirements.write_text(text)
    say(f"stand-in: torch @ file:///wheels/{torch_wheel.name} (same wheel, sha256 unchanged)")
    (root / LOCAL_CERTIFICATES.relative_to("/")).mkdir(parents=True, exist_ok=True)
    for certificate in LOCAL_CERTIFICATES.glob("*.crt"):
        shutil.copy2(certificate, root / LOCAL_CERTIFICATES.relative_to("/") / certificate.name)
    shutil.copy2("/etc/resolv.conf", root / "etc" / "resolv.conf")
    low, high = ROOT_SYSTEM_IDS
    if any(low <= account.pw_uid <= high for account in pwd.getpwall()):
        raise RuntimeError(f"this machine has accounts with uids in {low}-{high}: change ROOT_SYSTEM_IDS")
    with open(root / "etc" / "login.defs", "a") as defs:
        defs.write(f"SYS_UID_MIN {low}\nSYS_UID_MAX {high}\nSYS_GID_MIN {low}\nSYS_GID_MAX {high}\n")


def stand_in_interpreter(root):
    """A copy of this interpreter's base installation (no site-packages) in `root`'s /usr/local, as a CPython
    built from source installs itself there."""
    base, short = Path(sys.base_prefix), f"python{sys.version_info.major}.{sys.version_info.minor}"
    local = root / "usr" / "local"
    shutil.copytree(base / "lib" / short, local / "lib" / short, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("site-packages", "__pycache__", "test"))
    for library in (base / "lib").glob("libpython*"):
        shutil.copy2(library, local / "lib" / library.name)
    shutil.copy2(os.path.realpath(base / "bin" / short), local / "bin" / short)
    run(["chroot", root, "ldconfig"])
    say(f"stand-in: CPython {STAND_IN_PYTHON} from {base} as /usr/local/bin/{short}")


def mounted(root):
    """The mounts a chroot needs besides /proc (in_root mounts its own): /dev (with /dev/pts, /dev/shm), /sys."""
    targets = [("sys", root / "sys", ["-t", "sysfs", "sysfs"]), ("dev", root / "dev", ["--rbind", "/dev"])]
    for _, target, options in targets:
        run(["mount", *options, target])
    return [target for _, target, _ in targets]


def unmount(targets):
    for target in reversed(targets):
        subprocess.run(["umount", "--recursive", "--lazy", target], capture_output=True)


def in_root(root, command, log, environment=()):
    """Run `command` in the chroot with a clean environment, as Gradescope runs setup.sh and run_autograder, in a
    PID namespace of its own (its /proc shows only its processes)."""
    env = ["env", "-i", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root",
           "LANG=C.UTF-8", *environment]
    namespace = ["unshare", "--pid", "--fork", f"--mount-proc={root / 'proc'}"]
    return run([*namespace, "chroot", root, *env, *command], log=log, cwd="/")


def grade(root, notebook, log):
    """(earned, possible, seconds) of run_autograder on `notebook`, in Gradescope's layout in `root`."""
    for folder in ("submission", "results"):
        shutil.rmtree(root / "autograder" / folder)
        (root / "autograder" / folder).mkdir()
    shutil.copy2(notebook, root / "autograder" / "submission" / Path(notebook).name)
    _, seconds = in_root(root, ["bash", "/autograder/source/run_autograder"], log)
    scores = question_scores(json.loads((root / "autograder" / "results" / "results.json").read_text()))
    return sum(s for s, _ in scores.values()), sum(p for _, p in scores.values()), seconds


def check(lab, keep=False):
    """Run the check; print what setup.sh downloaded and the scores; True when it passes."""
    requirements_met()
    python = STAND_IN_PYTHON
    torch_wheel = stand_in_torch(python)
    if hashlib.sha256(torch_wheel.read_bytes()).hexdigest() != lock.torch_wheel(python).sha256:
        raise RuntimeError(f"{torch_wheel}'s sha256 is not the one labkit/authoring/lock.py records")
    workdir = Path(tempfile.mkdtemp(prefix="setup-check-root-"))
    try:
        zip_path, grading_lock = autograder_for(lab, python, workdir)
        network_reached(grading_lock)
    except Skipped:
        shutil.rmtree(workdir)
        raise
    root, log = workdir / "root", workdir / "setup.log"
    say(f"root filesystem in {root}, the logs beside it")
    base_root(root)
    lay_out(root, zip_path, torch_wheel)
    if python != build.COLAB_PYTHON:
        stand_in_interpreter(root)
    targets = mounted(root)
    try:
        output, setup_seconds = in_root(root, ["bash", "/autograder/source/setup.sh"], log,
                                        [f"SSL_CERT_FILE={CA_BUNDLE}"])
        account = in_root(root, ["id", harden.ACCOUNT], log)[0].strip()
        reach = in_root(root, [f"{harden.PREFIX}/venv/bin/python", "-c", "import sys; "
                               "sys.path.insert(0, '/autograder/source'); from labkit_autograder import sandbox; "
                               "print(sandbox.blocked_directories(sandbox.needed_paths()))"], log)[0].strip()
        solution = grade(root, build.solution_notebook(lab), workdir / "solution.log")
        blank = grade(root, REPO_ROOT / "labs" / lab / f"{lab}.ipynb", workdir / "blank.log")
    finally:
        unmount(targets)
    installed = subprocess.run(["du", "-sm", root / harden.PREFIX.lstrip("/")], capture_output=True, text=True)
    pypi = [w for w in grading_lock.downloads()[1:] if w.name != "torch"]
    print(f"\nsetup.sh in a fresh Debian bookworm root (minbase), CPython {python}, lab {lab}")
    print(f"  apt (python3, ca-certificates: not in minbase): "
          f"{', '.join(re.findall(r'Need to get ([0-9.,]+ [kMG]?B)', output)) or 'nothing'}")
    print(f"  uv: {grading_lock.uv.url} ({grading_lock.uv.size:,} bytes)")
    print(f"  {len(pypi)} wheels from PyPI: {sum(w.size or 0 for w in pypi) / 1e6:.1f} MB; torch (local stand-in): "
          f"{torch_wheel.stat().st_size / 1e6:.1f} MB")
    print(f"  {harden.PREFIX} on disk: {installed.stdout.split()[0]} MB; setup.sh took {setup_seconds:.0f} s")
    print(f"  account: {account}; /root mode: {oct((root / 'root').stat().st_mode & 0o777)}")
    print(f"  directories the student cannot enter on the way to the interpreter: {reach}")
    for name, (earned, possible, seconds) in [("full solution", solution), ("blank notebook", blank)]:
        print(f"  run_autograder on the {name}: {earned:g}/{possible:g} in {seconds:.0f} s")
    if not keep:
        shutil.rmtree(workdir)
    return solution[0] == solution[1] > 0 and blank[0] == 0 and reach == "{}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lab")
    parser.add_argument("--keep", action="store_true", help="keep the root filesystem and logs")
    args = parser.parse_args(argv)
    try:
        ok = check(args.lab, args.keep)
    except Skipped as reason:
        print(f"setup-check: SKIPPED: {reason}")
        return SKIPPED
    print(f"setup-check: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
