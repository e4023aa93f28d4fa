"""Put the hardened autograder (labkit/autograder/) into an Otter autograder zip, in place.

The zip's run_autograder keeps Otter's environment activation but runs
source/labkit_autograder/supervise.py instead of Otter's runner. With $LABKIT_AUTOGRADER_ROOT set (a local copy
of Gradescope's layout) the activation is skipped and the grading root is that folder. The zip's setup.sh also
creates the account that runs student code and lets it reach the Python installation under /root.
"""
import json
import zipfile
from pathlib import Path

AUTOGRADER_DIR = Path(__file__).resolve().parent / "autograder"
MODULES = ["supervise.py", "worker.py", "results.py", "testing.py", "channel.py", "sandbox.py", "answers.py"]
DEFAULTS = {"cell_timeout": 60, "test_timeout": 60, "total_timeout": 540, "memory_mb": 4096, "seed": 42}
SETUP = """
# labkit: the account that runs student code (labkit_autograder/sandbox.py), and a way for it to reach
# the Python installation (Docker containers usually cannot make mount namespaces, where it would go instead)
id -u labkit-student-0 >/dev/null 2>&1 || useradd --system --user-group --no-create-home --home-dir /nonexistent \\
    --shell /usr/sbin/nologin labkit-student-0
chmod o+x /root
"""


def sources():
    """The files whose change must rebuild the zips."""
    return [AUTOGRADER_DIR / name for name in MODULES] + [Path(__file__)]


SUPERVISOR = 'python "${LABKIT_AUTOGRADER_ROOT:-/autograder}/source/labkit_autograder/supervise.py"'


def run_autograder(original):
    """Otter's run_autograder with its last line (python .../run_otter.py) replaced by the supervisor."""
    if SUPERVISOR in original:
        return original
    activation = [line for line in original.splitlines()[1:] if "run_otter.py" not in line]
    return "\n".join(["#!/bin/bash", 'if [ -z "$LABKIT_AUTOGRADER_ROOT" ]; then', *activation, "fi", SUPERVISOR, ""])


def install(zip_path, lab, **settings):
    """Rewrite `zip_path` with the hardened run_autograder, the supervisor modules and their config."""
    with zipfile.ZipFile(zip_path) as zf:
        entries = {info: zf.read(info) for info in zf.infolist() if not info.filename.startswith("labkit_autograder/")}
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in entries.items():
            if info.filename == "run_autograder":
                data = run_autograder(data.decode()).encode()
            elif info.filename == "setup.sh" and SETUP not in data.decode():
                data = (data.decode() + SETUP).encode()
            zf.writestr(info, data)
        for name in MODULES:
            zf.write(AUTOGRADER_DIR / name, f"labkit_autograder/{name}")
        zf.writestr("labkit_autograder/config.json", json.dumps({"lab": lab, **DEFAULTS, **settings}, indent=1))
