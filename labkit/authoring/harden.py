"""Put the hardened autograder (labkit/autograder/) into an Otter autograder zip, in place.

Of what `otter assign` wrote, the tests, the data files and otter_config.json stay; Otter's installer (setup.sh,
environment.yml) and runner (run_otter.py) are replaced. The zip's setup.sh (SETUP) creates the account that runs
student code, then installs the locked environment of its requirements.txt (labkit/authoring/lock.py) into /opt/labkit;
its run_autograder runs the package labkit_autograder (labkit/autograder/, every module of that folder) with
that environment's Python: `python -m labkit_autograder.supervise` in source/. With
$LABKIT_AUTOGRADER_ROOT set (a local copy of Gradescope's layout) the caller's python grades and the grading root
is that folder.
"""
import json
import zipfile
from pathlib import Path

AUTOGRADER_DIR = Path(__file__).resolve().parent.parent / "autograder"
PACKAGE = "labkit_autograder"  # the zip's name for labkit/autograder/
LAB_MODULES = "lab"  # the package's folder for the lab's test modules (labkit_autograder.testing.LAB_MODULES)
DEFAULTS = {"cell_timeout": 60, "test_timeout": 60, "total_timeout": 540, "memory_mb": 4096, "seed": 42}
PREFIX = "/opt/labkit"
ACCOUNT = "labkit-student-0"
SETUP = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, to build the autograder's image (Ubuntu 22.04). Written by labkit
# (labkit/authoring/harden.py). It installs only what grading uses, into @PREFIX@, which the student account can read:
# uv @UV_VERSION@ (its wheel from PyPI, checked against its sha256), CPython @PYTHON@ (uv's standalone build, which
# uv checks against the sha256 it carries) and requirements.txt (every package pinned with its sha256; torch is
# PyTorch's CPU wheel, named by its URL). No conda, no browser, no LaTeX or PDF tools.
set -euo pipefail
umask 022
fail() { echo "labkit setup.sh: FAILED: $*" >&2; exit 1; }

# The account that runs student code (labkit_autograder/sandbox.py) comes first: no later step can prevent it.
id -u @ACCOUNT@ >/dev/null 2>&1 || useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin @ACCOUNT@ || true
id -u @ACCOUNT@ >/dev/null 2>&1 || fail "could not create the account @ACCOUNT@ that runs student code (useradd)"
echo "labkit setup.sh: account @ACCOUNT@ is uid $(id -u @ACCOUNT@)"

source_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# Ubuntu's image has python3 and CA certificates; a bare one gets them from apt.
if ! command -v python3 >/dev/null || [ ! -s /etc/ssl/certs/ca-certificates.crt ]; then
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3 \
        ca-certificates || fail "python3 or ca-certificates missing, and apt-get could not install them"
fi

mkdir -p @PREFIX@/bin
python3 - "@UV_URL@" "@UV_SHA256@" @PREFIX@/bin/uv <<'END' || fail "could not install uv"
import hashlib, io, os, sys, urllib.request, zipfile
url, sha256, target = sys.argv[1:]
wheel = urllib.request.urlopen(url, timeout=600).read()
if hashlib.sha256(wheel).hexdigest() != sha256:
    sys.exit(f"{url}: sha256 is not {sha256}")
with zipfile.ZipFile(io.BytesIO(wheel)) as zf:
    (binary,) = [name for name in zf.namelist() if name.endswith(".data/scripts/uv")]
    with open(target, "wb") as out:
        out.write(zf.read(binary))
os.chmod(target, 0o755)
print(f"labkit setup.sh: uv from {url} ({len(wheel)} bytes, sha256 checked)")
END

export UV_PYTHON_INSTALL_DIR=@PREFIX@/python UV_CACHE_DIR="$(mktemp -d)" UV_LINK_MODE=copy UV_NO_CONFIG=1
@PREFIX@/bin/uv venv --python @PYTHON@ @PREFIX@/venv || fail "could not install CPython @PYTHON@"
@PREFIX@/bin/uv pip sync --python @PREFIX@/venv/bin/python --require-hashes --only-binary :all: \
    "$source_dir/requirements.txt" || fail "could not install requirements.txt"
rm -rf "$UV_CACHE_DIR"
chmod -R a+rX @PREFIX@
@PREFIX@/venv/bin/python - <<'END' || fail "the grading environment is broken"
import sys
import ipykernel, nbclient, otter.test_files, torch
assert torch.__version__.endswith("+cpu"), f"torch {torch.__version__} is not PyTorch's CPU build"
print(f"labkit setup.sh: Python {sys.version.split()[0]}, torch {torch.__version__}, otter {otter.__version__}")
END
"""
RUN_AUTOGRADER = f"""#!/bin/bash
# labkit: grade with the environment setup.sh installed (locally, with $LABKIT_AUTOGRADER_ROOT set: the caller's)
if [ -z "$LABKIT_AUTOGRADER_ROOT" ]; then
    export PATH={PREFIX}/venv/bin:$PATH
fi
cd "${{LABKIT_AUTOGRADER_ROOT:-/autograder}}/source" && python -m {PACKAGE}.supervise
"""
REPLACED = {"setup.sh", "run_autograder", "requirements.txt", "environment.yml", "run_otter.py"}


def modules():
    """The autograder's modules, all shipped (labtest.py too: the test library, for the tests and in_kernel helpers)."""
    return sorted(AUTOGRADER_DIR.glob("*.py"))


def sources():
    """The files whose change must rebuild the zips."""
    return modules() + [Path(__file__)]


def setup_script(lock):
    """The zip's setup.sh for a labkit.authoring.lock.Lock."""
    fields = {"PREFIX": PREFIX, "ACCOUNT": ACCOUNT, "PYTHON": lock.python, "UV_VERSION": lock.uv.version,
              "UV_URL": lock.uv.url, "UV_SHA256": lock.uv.sha256}
    script = SETUP
    for name, value in fields.items():
        script = script.replace(f"@{name}@", value)
    return script


def install(zip_path, lab, lock, support=None, **settings):
    """Rewrite `zip_path` with labkit's setup.sh, requirements.txt (the labkit.authoring.lock.Lock `lock`) and
    run_autograder, the supervisor modules and their config, and the lab's test modules `support` ({name: source}, from
    the master's support cells) in the package's lab/ folder."""
    with zipfile.ZipFile(zip_path) as zf:
        entries = {info: zf.read(info) for info in zf.infolist()
                   if info.filename not in REPLACED and not info.filename.startswith(f"{PACKAGE}/")}
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in entries.items():
            zf.writestr(info, data)
        for name, text, mode in [("setup.sh", setup_script(lock), 0o755), ("run_autograder", RUN_AUTOGRADER, 0o755),
                                 ("requirements.txt", lock.requirements(), 0o644)]:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr, info.compress_type = mode << 16, zipfile.ZIP_DEFLATED
            zf.writestr(info, text)
        for path in modules():
            zf.write(path, f"{PACKAGE}/{path.name}")
        for name, source in (support or {}).items():
            zf.writestr(f"{PACKAGE}/{LAB_MODULES}/{name}.py", source)
        zf.writestr(f"{PACKAGE}/config.json", json.dumps({"lab": lab, **DEFAULTS, **settings}, indent=1))
