"""Colab's preinstalled packages, kept as data, and a local stand-in for a Colab runtime to test the labs on.

data/colab/packages-<date>.txt is the `pip freeze` Colab publishes for its default runtime (source and date
in its header); `python -m labkit.grading.colab refresh` replaces it with the current one.
`python -m labkit.grading.colab env` (make colab-env) builds, once, build/colab/:
    venv/       Python with the packages of that list the labs and Otter touch, at Colab's versions
    wheels/     what the setup cell installs on top of them (pip finds it offline: PIP_NO_INDEX, PIP_FIND_LINKS)
    kernels/    a Jupyter kernel of that venv whose shell is a google.colab shell, so Otter detects Colab
This machine differs from Colab in two ways, both reported by `substitutions()`: the venv runs this machine's
Python (Colab: 3.13), and torch is the CPU build of 2.13.0 on this disk (Colab: 2.11.0+cpu for Python 3.13,
which PyPI does not serve: its Linux wheels are CUDA builds), with the setuptools that torch asks for.
"""
import argparse
import datetime
import hashlib
import json
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

from labkit import REPO_ROOT
from labkit.authoring.build import lab_names, read_requirements, requirement_name, student_requirements

PACKAGE_LISTS = REPO_ROOT / "data" / "colab"
SOURCE_URL = "https://raw.githubusercontent.com/googlecolab/backend-info/main/pip-freeze.txt"
SOURCE_PAGE = "https://github.com/googlecolab/backend-info/blob/main/pip-freeze.txt"
OS_INFO_URL = "https://raw.githubusercontent.com/googlecolab/backend-info/main/os-info.txt"
ENV_DIR = REPO_ROOT / "build" / "colab"
# Packages whose Colab version cannot be installed here, and what the stand-in runs instead: torch's CPU build on
# this disk, and the oldest setuptools that torch 2.13.0 accepts (Colab: 75.2.0; torch asks for >=77.0.3).
SUBSTITUTES = {"torch": "2.13.0", "setuptools": "77.0.3"}
# What a Colab kernel always has besides the lab's requirements.
KERNEL_PACKAGES = ["pip", "ipykernel", "ipython", "ipywidgets"]
SHELL_MODULE = '''"""Stand-in for Colab's shell and kernel: Otter detects Colab by the shell's module name."""
from ipykernel.ipkernel import IPythonKernel
from ipykernel.zmqshell import ZMQInteractiveShell
from traitlets import Type


class Shell(ZMQInteractiveShell):
    pass


class Kernel(IPythonKernel):
    shell_class = Type(Shell)
'''


def canonical(name):
    """PEP 503 name: lowercase, runs of - _ . as one -."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_freeze(text):
    """{canonical name: version} of a `pip freeze` output; `name @ url` lines take the version of the wheel."""
    packages = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-")):
            continue
        if "==" in line:
            name, version = line.split("==", 1)
        elif " @ " in line and (wheel := re.search(r"/([^/]+?)-([^-/]+?)-[^/]*\.whl", line)):
            name, version = line.split(" @ ", 1)[0], urllib.request.unquote(wheel.group(2)).split("+")[0]
        else:
            continue  # a package built from a local folder or a git checkout: no version to pin
        packages[canonical(name)] = version.strip()
    return packages


def package_list(folder=PACKAGE_LISTS):
    """The newest data/colab/packages-<date>.txt."""
    lists = sorted(folder.glob("packages-*.txt"))
    if not lists:
        raise FileNotFoundError(f"no packages-<date>.txt in {folder}: run `python -m labkit.grading.colab refresh`")
    return lists[-1]


def colab_packages(path=None):
    return parse_freeze((path or package_list()).read_text())


def read_text(source):
    """The text of a file or a URL."""
    if Path(source).exists():
        return Path(source).read_text()
    with urllib.request.urlopen(source, timeout=60) as response:
        return response.read().decode()


def colab_python(path=None):
    """Colab's Python version (major.minor) named in the package list's header."""
    match = re.search(r"^# python: (\d+\.\d+)", (path or package_list()).read_text(), re.MULTILINE)
    if not match:
        raise ValueError(f"{path or package_list()} names no Python version ('# python: 3.x')")
    return match.group(1)


def refresh(source=SOURCE_URL, date=None, python=None, folder=PACKAGE_LISTS):
    """Write Colab's current package list (a URL or a file) as folder/packages-<date>.txt; return its path.

    python: Colab's Python version; default: read from Colab's os-info.txt."""
    packages = parse_freeze(read_text(source))
    python = python or re.search(r"^Python (\d+\.\d+)", read_text(OS_INFO_URL), re.MULTILINE).group(1)
    if "torch" not in packages or len(packages) < 100:
        raise ValueError(f"{source} does not look like Colab's pip freeze ({len(packages)} packages)")
    date = date or datetime.date.today().isoformat()
    header = [f"# Colab's preinstalled Python packages (default runtime), as published in {SOURCE_PAGE}",
              f"# date: {date}", f"# python: {python}",
              "# refresh: python -m labkit.grading.colab refresh [--source URL_OR_FILE --date YYYY-MM-DD --python 3.x]"]
    path = folder / f"packages-{date}.txt"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(header + [f"{name}=={version}" for name, version in sorted(packages.items())]) + "\n")
    return path


def substitutions(packages=None):
    """[(package, Colab's version, the stand-in's version)] for packages the stand-in cannot match."""
    packages = packages or colab_packages()
    return [(name, packages.get(name), version) for name, version in SUBSTITUTES.items()]


def pins(packages):
    """Constraint lines: Colab's version of every package, the substitutes' versions where Colab's can't be had."""
    return [f"{name}=={SUBSTITUTES.get(name, version)}" for name, version in sorted(packages.items())]


def pip(python, *args, env=None, capture=False):
    """Run pip of `python`; its output when `capture`; RuntimeError with pip's words when it fails."""
    done = subprocess.run([str(python), "-m", "pip", *args], env=env, capture_output=capture, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pip {' '.join(args)} failed:\n{done.stdout or ''}{done.stderr or ''}")
    return done.stdout


def install_plan(python, requirements):
    """{name: version} pip would install or change in `python`'s environment for the requirement lines."""
    report = pip(python, "install", "--quiet", "--dry-run", "--report", "-", *requirements, capture=True)
    return {canonical(item["metadata"]["name"]): item["metadata"]["version"] for item in json.loads(report)["install"]}


def freeze(python):
    """{name: version} of what is installed in `python`'s environment."""
    return parse_freeze(pip(python, "freeze", "--all", capture=True))


def lab_requirements():
    """Requirement lines of every lab (requirements.txt and each recipe's extras)."""
    return sorted({line for lab in lab_names() for line in read_requirements(student_requirements(lab))})


def env_stamp(packages_path, requirements):
    """Digest of what the stand-in is built from: the package list, the labs' requirements and this file."""
    text = packages_path.read_text() + "\n".join(requirements) + Path(__file__).read_text()
    return hashlib.sha256(text.encode()).hexdigest()


def python_of(env_dir=ENV_DIR):
    return env_dir / "venv" / "bin" / "python"


def build_env(env_dir=ENV_DIR, packages_path=None, requirements=None):
    """Build (once) the Colab stand-in in env_dir; return env_dir. Downloads from PyPI the first time."""
    packages_path = packages_path or package_list()
    requirements = requirements or lab_requirements()
    stamp = env_dir / "stamp"
    if stamp.exists() and stamp.read_text() == env_stamp(packages_path, requirements):
        return env_dir
    packages = parse_freeze(packages_path.read_text())
    python = python_of(env_dir)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(env_dir / "venv")], check=True)
    constraints = env_dir / "colab-constraints.txt"
    constraints.write_text("\n".join(pins(packages)) + "\n")
    # Colab's packages among what the labs and Otter need, at Colab's versions, until nothing more is found.
    preinstalled = {canonical(requirement_name(line)) for line in requirements + KERNEL_PACKAGES} & set(packages)
    while True:
        pip(python, "install", "--quiet", "-c", str(constraints),
            *[f"{name}=={SUBSTITUTES.get(name, packages[name])}" for name in sorted(preinstalled)])
        found = set(install_plan(python, requirements)) & set(packages)
        if found <= preinstalled:
            break
        preinstalled |= found
    wheels = env_dir / "wheels"
    shutil.rmtree(wheels, ignore_errors=True)
    plan = install_plan(python, requirements)
    pip(python, "download", "--quiet", "--no-deps", "-d", str(wheels), *[f"{n}=={v}" for n, v in plan.items()])
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "google" / "colab").mkdir(parents=True, exist_ok=True)
    (site / "google" / "colab" / "__init__.py").write_text("")
    (site / "google" / "colab" / "_kernel.py").write_text(SHELL_MODULE)
    kernel = env_dir / "kernels" / "colab"
    kernel.mkdir(parents=True, exist_ok=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "--IPKernelApp.kernel_class=google.colab._kernel.Kernel",
                 "-f", "{connection_file}"],
        "display_name": "Colab stand-in", "language": "python"}))
    stamp.write_text(env_stamp(packages_path, requirements))
    return env_dir


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m labkit.grading.colab", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    fresh = sub.add_parser("refresh", help="save Colab's current package list as data/colab/packages-<date>.txt")
    fresh.add_argument("--source", default=SOURCE_URL, help="URL or file of Colab's pip freeze")
    fresh.add_argument("--date", default=None, help="date of that list (default: today)")
    fresh.add_argument("--python", default=None, help="Colab's Python, e.g. 3.13 (default: from os-info.txt)")
    sub.add_parser("env", help="build the Colab stand-in in build/colab/ (once; downloads from PyPI)")
    args = parser.parse_args(argv)
    if args.command == "refresh":
        print(f"Colab's package list -> {refresh(args.source, args.date, args.python)}")
    else:
        print(f"Colab stand-in -> {build_env()}")
        for name, colab, here in substitutions():
            print(f"  {name}: Colab has {colab}, the stand-in runs {here}")


if __name__ == "__main__":
    main()
