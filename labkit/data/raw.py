"""The registry of raw public-domain texts: download each from its public source or copy it from a mirror folder,
verify its sha256 and cache it in data/raw/ (never committed)."""
import hashlib
import os
import shutil
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from labkit import DATA_DIR

# Local cache, ignored by git: raw text is never committed. LABKIT_RAW_CACHE moves it (tests use that).
RAW_DIR = Path(os.environ.get("LABKIT_RAW_CACHE", DATA_DIR / "raw"))


@dataclass(frozen=True)
class RawText:
    filename: str
    url: str
    sha256: str


FEDERALIST = RawText(
    filename="federalist_papers_gutenberg.txt",
    url="https://www.gutenberg.org/cache/epub/1404/pg1404.txt",
    sha256="eb8afad38dc12e830c5d80402121f582732614ee286df4f75198ee5c92a44781",
)
TINY_SHAKESPEARE = RawText(
    filename="tinyshakespeare.txt",
    url="https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt",
    sha256="86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
)
REGISTRY = {text.filename: text for text in (FEDERALIST, TINY_SHAKESPEARE)}


class RawTextUnavailable(RuntimeError):
    """The raw text could be neither found nor downloaded; the message says what to do."""


def sha256_of(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _verified(path, text):
    return path.is_file() and sha256_of(path) == text.sha256


def _download(text, dest, timeout=30):
    tmp = dest.with_suffix(".part")
    with urllib.request.urlopen(text.url, timeout=timeout) as response, open(tmp, "wb") as out:
        shutil.copyfileobj(response, out)
    tmp.replace(dest)


def fetch(text, mirror=None, cache_dir=RAW_DIR):
    """Return the path of a verified copy of `text`, taken from the cache, the mirror folder, or the web."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    dest = cache_dir / text.filename
    if _verified(dest, text):
        return dest
    if mirror is not None:
        source = Path(mirror) / text.filename
        if not source.is_file():
            raise RawTextUnavailable(
                f"{text.filename} is not in the mirror folder {mirror}.\n"
                f"Put a copy of {text.url} there, or leave RAW_MIRROR unset to download it."
            )
        shutil.copyfile(source, dest)
    else:
        try:
            _download(text, dest)
        except OSError as err:
            raise RawTextUnavailable(
                f"Could not download {text.url} ({err}).\n"
                f"Without internet, download it elsewhere into a folder and run\n"
                f"    make data RAW_MIRROR=<that folder>"
            ) from None
    if not _verified(dest, text):
        got = sha256_of(dest)
        dest.unlink()
        raise RawTextUnavailable(
            f"{text.filename} has sha256 {got}, expected {text.sha256}: "
            "the file is not the expected edition or is corrupted."
        )
    return dest
