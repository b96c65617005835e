"""A per-file cache of parse and schema results, so re-validating after a small change is quick.

Entries are keyed by path and checked against the file's size, mtime and inode; the whole
cache is keyed by rmcode's version and the schemas' text, so an upgrade never reuses stale
results. It lives in ``.git/rmcode-cache`` (outside the tracked files; nothing to ignore)
or, outside a Git repository, in ``.rmcode-cache/``.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import time
from pathlib import Path
from typing import Any

from . import __version__, loader, schema
from .schema import SCHEMA_NAMES, schema_text

Stamp = tuple[int, int, int]
# File times tick coarsely (a few ms); a file changed in the same tick as the cache was
# written could keep its stamp. Like git's "racy" index entries, anything modified this
# close to the cache's write time is checked again.
RACY_NS = 2_000_000_000


def _key() -> str:
    # the code that produces cached results is part of the key, so an edit to it (or an
    # upgrade) never reuses stale results
    sources = "".join(Path(module.__file__ or "").read_text(encoding="utf-8") for module in (loader, schema))
    text = __version__ + sources + "".join(schema_text(name) for name in SCHEMA_NAMES)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def cache_path(root: Path) -> Path:
    git_dir = root / ".git"
    base = git_dir if git_dir.is_dir() and not git_dir.is_symlink() else root / ".rmcode-cache"
    return base / "rmcode-cache" / f"validate-{_key()}.pickle"


def stamp(root: Path, rel: str) -> Stamp | None:
    try:
        st = os.lstat(os.path.join(root, rel))
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def load(root: Path) -> dict[str, tuple[Stamp, Any]]:
    """The trustworthy cached entries, or none when there is no cache or it cannot be read."""
    try:
        with open(cache_path(root), "rb") as handle:
            written, entries = pickle.load(handle)  # our own file, written below; never user input
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        return {}
    if not isinstance(entries, dict) or not isinstance(written, int):
        return {}
    return {path: entry for path, entry in entries.items() if entry[0][1] < written - RACY_NS}


def save(root: Path, entries: dict[str, tuple[Stamp, Any]]) -> None:
    """Write atomically; a read-only repository simply goes without a cache."""
    path = cache_path(root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as handle:
            pickle.dump((time.time_ns(), entries), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except OSError:
        return
