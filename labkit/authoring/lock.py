"""The Gradescope image's Python environment, locked: every package pinned to one wheel and its sha256.

The lock is made for CPython `python` (the course's, course.toml) on linux x86_64 (manylinux_2_28, which Ubuntu
22.04's glibc 2.35 runs) from the versions installed here, the ones `make check` verified: uv resolves what the
grader needs (the lab's requirements, otter-grader[grading] and torch's own dependencies) with every installed
distribution as a constraint, wheels only, and writes one wheel per package (URL, size, sha256).

torch is not resolved: PyPI's Linux wheel is the CUDA build (with several GB of nvidia-* wheels). The lock names
PyTorch's CPU wheel by its URL and sha256 instead, so no other build can be installed. Otter features that
labkit's grader never calls are left out (EXCLUDED). The result is cached in build/locks/ by a digest of its
inputs: uv (and PyPI) are needed only when the installed versions, the requirements or the Python change.
"""
import hashlib
import json
import shutil
import subprocess
import tempfile
import tomllib
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from labkit import REPO_ROOT

CACHE_DIR = REPO_ROOT / "build" / "locks"
PLATFORM = "x86_64-manylinux_2_28"
TORCH_CPU_URL = "https://download.pytorch.org/whl/cpu/torch-{version}%2Bcpu-{tag}-{tag}-manylinux_2_28_x86_64.whl"
# sha256 and size in bytes of PyTorch's CPU wheels for linux x86_64, by (torch version, Python). PyTorch's index
# is out of reach of the machines that build the labs, so these are recorded here: cp311 hashed from the wheel
# itself, cp312/cp313 as public lock files and download records list them (see the README).
TORCH_CPU_WHEELS = {
    ("2.13.0", "3.11"): ("6746dbcbeb526eb61330b76b41ff1b4eb848951103a892eeb080dfa2b264667b", 191_794_682),
    ("2.13.0", "3.12"): ("4ca4a9394b0c771238a4f73590fdbbc4debad85ed0fa63d026ae1b085da7d6e2", None),
    ("2.13.0", "3.13"): ("3fbf9c9d1f3c10c2d59d04aca426dee9ccc6ceb32d255c61e93acc3b4f75fae6", 191_815_667),
}
# Distributions otter-grader declares that labkit's grader never imports (its `grading` extra and dependencies).
EXCLUDED = {
    "torch": "PyTorch's CPU wheel is added by URL instead",
    "playwright": "nbconvert[webpdf]: PDF export with a headless browser",
    "pypdf": "Otter's PDF merging of submissions",
    "sphinx": "fica's documentation directive",
    "python-on-whales": "Otter's local grading in Docker",
}
OTTER_GRADING = "otter-grader[grading]"


@dataclass(frozen=True)
class Wheel:
    name: str
    version: str
    url: str
    size: int | None
    sha256: str


@dataclass(frozen=True)
class Lock:
    """The grading environment for one Python, and the uv that installs it (same version as the one that locked)."""
    python: str
    wheels: tuple
    uv: Wheel

    def packages(self):
        """{name: [Wheel]}: the wheels of each package the platform can install, the installer's first choice first."""
        grouped = {}
        for wheel in self.wheels:
            grouped.setdefault(wheel.name, []).append(wheel)
        return grouped

    def downloads(self):
        """[Wheel] setup.sh downloads from package indexes: uv, then the first choice of every package."""
        return [self.uv] + [wheels[0] for wheels in self.packages().values()]

    def requirements(self):
        """requirements.txt text: one `name==version` (torch: its URL) per package, with its wheels' sha256."""
        total = sum(w.size or 0 for w in self.downloads()[1:]) / 1e6
        lines = [f"# The grading environment for CPython {self.python} on {PLATFORM}: {len(self.packages())} "
                 f"packages, {total:.0f} MB of wheels, each pinned with its sha256 (labkit/authoring/lock.py made it "
                 "from the tested versions).",
                 f"# setup.sh installs it with uv {self.uv.version}: uv pip sync --require-hashes requirements.txt"]
        for name, wheels in self.packages().items():
            pin = f"torch @ {wheels[0].url}" if name == "torch" else f"{name}=={wheels[0].version}"
            lines.append(" \\\n".join([pin, *(f"    --hash=sha256:{w.sha256}" for w in wheels)]))
        return "\n".join(lines) + "\n"


def installed_versions():
    """{canonical name: version without its local label} of every distribution installed here."""
    return {canonicalize_name(d.metadata["Name"]): d.version.split("+")[0] for d in metadata.distributions()}


def torch_dependencies():
    """torch's own requirements (those of the installed CPU build), without its optional extras."""
    return [line for line in metadata.requires("torch") or [] if "extra ==" not in line]


def grading_requirements(pinned):
    """What the grader's environment resolves: the lab's `pinned` lines (otter-grader and torch aside),
    otter-grader[grading] at the installed version and torch's dependencies."""
    own = [line for line in pinned if canonicalize_name(Requirement(line).name) not in ("otter-grader", "torch")]
    return [f"{OTTER_GRADING}=={metadata.version('otter-grader')}", *own, *torch_dependencies()]


def torch_wheel(python):
    version, python = metadata.version("torch").split("+")[0], ".".join(python.split(".")[:2])
    if (version, python) not in TORCH_CPU_WHEELS:
        raise RuntimeError(f"no sha256 of PyTorch's CPU wheel of torch {version} for Python {python}: add it to "
                           "TORCH_CPU_WHEELS in labkit/authoring/lock.py "
                           "(from https://download.pytorch.org/whl/cpu/torch/)")
    sha256, size = TORCH_CPU_WHEELS[(version, python)]
    url = TORCH_CPU_URL.format(version=version, tag="cp" + python.replace(".", ""))
    return Wheel("torch", f"{version}+cpu", url, size, sha256)


def uv_command():
    """The uv executable: the `uv` package of this environment (requirements-dev.txt), else uv on PATH."""
    try:
        import uv
        return uv.find_uv_bin()
    except (ImportError, FileNotFoundError):
        found = shutil.which("uv")
        if not found:
            raise RuntimeError("uv is missing: `make install` installs it (requirements-dev.txt)") from None
        return found


def uv_version(uv):
    return subprocess.run([uv, "--version"], capture_output=True, text=True, check=True).stdout.split()[1]


def resolve(uv, requirements, python, constraints=()):
    """[Wheel] of uv's resolution of `requirements` for `python` on PLATFORM (one wheel each, PEP 751 lock)."""
    with tempfile.TemporaryDirectory(prefix="labkit-lock-") as tmp:
        folder = Path(tmp)
        (folder / "in.txt").write_text("\n".join(requirements) + "\n")
        (folder / "constraints.txt").write_text("\n".join(constraints) + "\n")
        (folder / "excluded.txt").write_text("\n".join(EXCLUDED) + "\n")
        command = [uv, "pip", "compile", "in.txt", "--constraints", "constraints.txt", "--excludes", "excluded.txt",
                   "--python-version", python, "--python-platform", PLATFORM, "--only-binary", ":all:",
                   "--format", "pylock.toml", "--output-file", "pylock.toml", "--no-header", "--quiet"]
        done = subprocess.run(command, cwd=folder, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"could not lock the Gradescope environment ({' '.join(command)}):\n{done.stderr}")
        packages = tomllib.loads((folder / "pylock.toml").read_text())["packages"]
    return [Wheel(p["name"], p["version"], w["url"], w.get("size"), w["hashes"]["sha256"])
            for p in packages for w in p["wheels"]]


def grading_lock(pinned, python, cache_dir=CACHE_DIR):
    """The Lock of the grading environment for the lab requirement lines `pinned` and CPython `python`."""
    uv = uv_command()
    installed = installed_versions()
    requirements = grading_requirements(pinned)
    constraints = sorted(f"{name}=={version}" for name, version in installed.items() if name != "torch")
    inputs = {"requirements": requirements, "constraints": constraints, "python": python, "platform": PLATFORM,
              "excluded": sorted(EXCLUDED), "uv": uv_version(uv), "torch": torch_wheel(python).__dict__}
    cached = Path(cache_dir) / f"{hashlib.sha256(json.dumps(inputs).encode()).hexdigest()[:16]}.json"
    if not cached.exists():
        wheels = resolve(uv, requirements, python, constraints) + [torch_wheel(python)]
        (uv_wheel,) = resolve(uv, [f"uv=={inputs['uv']}"], python)
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps({"python": python, "wheels": [w.__dict__ for w in wheels],
                                      "uv": uv_wheel.__dict__}, indent=1))
    saved = json.loads(cached.read_text())
    wheels = sorted((Wheel(**w) for w in saved["wheels"]), key=lambda w: w.name)  # stable: the sort keeps uv's order
    return Lock(saved["python"], tuple(wheels), Wheel(**saved["uv"]))


def untested(lock, installed=None):
    """Names of locked packages whose version is not the one installed here (resolved only for the image)."""
    installed = installed or installed_versions()
    return [w.name for w in lock.wheels if installed.get(canonicalize_name(w.name)) != w.version.split("+")[0]]

