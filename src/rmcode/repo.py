"""Reading a program repository from disk and git: which files, their bytes, the HEAD date."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem
from .loader import MAX_BYTES

MATCHES_MAX_BYTES = 64 << 20  # matches.yaml grows with the program: about 400 bytes a pair
_IGNORED = {"README.md", ".gitkeep", ".keep"}


@dataclass(frozen=True, slots=True)
class FileRef:
    """A data file of the program: path relative to the root, and its schema."""

    path: str
    schema: str


def discover(root: Path) -> tuple[list[FileRef], list[Problem]]:
    """List the program's data files, rejecting links, strange names and stray files."""
    problems: list[Problem] = []
    files: list[FileRef] = []
    for name, schema in (("program.yaml", "program"), ("matches.yaml", "matches")):
        path = root / name
        if _is_regular(path, name, problems):
            files.append(FileRef(name, schema))
        elif name == "program.yaml" and not path.is_symlink() and not path.exists():
            problems.append(Problem(name, 0, 0, "RM120", f"no program.yaml in {root}",
                                    "run the command in a program repository, pass --root, or create one with `rmcode init DIR`"))
    files += _folder(root, "participants", 0, "participant", problems)
    files += _folder(root, "checkins", 1, "checkin", problems)
    files += _folder(root, "surveys", 1, "survey-response", problems)
    return sorted(files, key=lambda f: f.path), problems


def _is_regular(path: Path, rel: str, problems: list[Problem]) -> bool:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(mode):
        problems.append(Problem(rel, 0, 0, "RM121", "symbolic links are not allowed in a program repository",
                                "replace the link with the file itself"))
        return False
    if not stat.S_ISREG(mode):
        problems.append(Problem(rel, 0, 0, "RM122", "expected a file here", "remove it or move it elsewhere"))
        return False
    return True


def _folder(root: Path, folder: str, depth: int, schema: str, problems: list[Problem]) -> list[FileRef]:
    base = root / folder
    if base.is_symlink():
        problems.append(Problem(folder, 0, 0, "RM121", "symbolic links are not allowed in a program repository",
                                "replace the link with a real folder"))
        return []
    if not base.is_dir():
        return []
    found: list[FileRef] = []
    for entry in sorted(os.scandir(base), key=lambda e: e.name):
        rel = f"{folder}/{entry.name}"
        if depth and entry.is_dir(follow_symlinks=False):
            found += _folder(root, rel, depth - 1, schema, problems)
        elif entry.name in _IGNORED and not entry.is_symlink():
            continue
        elif not entry.name.endswith(".yaml") or (depth and entry.is_file(follow_symlinks=False)):
            hint = "rename it to end in .yaml" if entry.name.endswith(".yml") else "remove it or move it elsewhere"
            where = "a folder per pair or survey" if depth else "one .yaml file per person"
            problems.append(Problem(rel, 0, 0, "RM123", f"unexpected entry: {folder}/ holds {where}", hint))
        elif entry.is_file(follow_symlinks=False):
            found.append(FileRef(rel, schema))
        else:
            _is_regular(Path(entry.path), rel, problems)
    return found


def read_bytes(root: Path, ref: FileRef) -> bytes | Problem:
    """The file's bytes, refusing links and anything larger than the limit before reading it."""
    limit = MATCHES_MAX_BYTES if ref.schema == "matches" else MAX_BYTES
    try:
        fd = os.open(os.path.join(root, ref.path), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        return Problem(ref.path, 0, 0, "RM124", f"cannot read the file: {exc.strerror}", "check the file's permissions")
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            return Problem(ref.path, 1, 1, "RM101", f"file is {size:,} bytes, more than the limit of {limit:,}",
                           "split the content or shorten free-text fields")
        chunks = []
        while chunk := os.read(fd, max(size, 1 << 16)):
            chunks.append(chunk)
            if sum(map(len, chunks)) > limit:  # grew while we read it
                break
        return b"".join(chunks)
    finally:
        os.close(fd)


def data_changed(root: Path) -> bool:
    """Whether the program's data files differ from HEAD (uncommitted edits or new files)."""
    try:
        out = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=all", "--",
                              "program.yaml", "matches.yaml", "participants", "checkins", "surveys"],
                             capture_output=True, text=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and bool(out.stdout.strip())


def head_date(root: Path) -> dt.date | None:
    """Committer date of HEAD, so that an old commit always gives the same numbers."""
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%cs", "HEAD"],
                             capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = out.stdout.strip()
    return dt.date.fromisoformat(text) if out.returncode == 0 and text else None
