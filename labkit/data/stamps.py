"""Content-hash stamps: skip a pipeline stage when none of its inputs changed."""
import hashlib
import json
from pathlib import Path


def digest(paths):
    """One sha256 over the names and bytes of `paths` (files; directories are walked in sorted order)."""
    h = hashlib.sha256()
    for path in sorted(Path(p) for p in paths):
        files = sorted(f for f in path.rglob("*") if f.is_file()) if path.is_dir() else [path]
        for f in files:
            h.update(str(f.name).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def is_fresh(stamp, inputs, outputs):
    """True when every output exists and `stamp` records the current digest of `inputs`."""
    stamp = Path(stamp)
    if not stamp.exists() or not all(Path(o).exists() for o in outputs):
        return False
    return json.loads(stamp.read_text()).get("inputs") == digest(inputs)


def write_stamp(stamp, inputs):
    Path(stamp).parent.mkdir(parents=True, exist_ok=True)
    Path(stamp).write_text(json.dumps({"inputs": digest(inputs)}) + "\n")
