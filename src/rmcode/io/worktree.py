"""Single files of the program's working tree that commands read or replace, and their committed versions.

Each function says whether it follows a symbolic link: the ``regular`` readers do not (a pull
request may add a link pointing anywhere). Files rmcode replaces in the repository are written
through ``repo.write_atomic`` (a temporary file renamed over the target); files the user names
for output (``--summary``, calendars) are written as asked.
"""

from __future__ import annotations

from pathlib import Path

from . import git
from .repo import write_atomic


def read_regular(path: Path) -> bytes | None:
    """The file's bytes; None when it is missing, a symbolic link or not a regular file."""
    return path.read_bytes() if path.is_file() and not path.is_symlink() else None


def read_regular_text(path: Path) -> str:
    """The file's text (UTF-8); "" when it is missing, a symbolic link or not a regular file."""
    return path.read_text(encoding="utf-8") if path.is_file() and not path.is_symlink() else ""


def read_text_if_file(path: Path) -> str | None:
    """The file's text (UTF-8), following a link; None when there is no file."""
    return path.read_text(encoding="utf-8") if path.is_file() else None


def exists(path: Path) -> bool:
    """Whether ``path`` exists (a link counts when its target does)."""
    return path.exists()


def present(path: Path) -> bool:
    """Whether anything is at ``path``: a file, a folder or a link, even a broken one."""
    return path.exists() or path.is_symlink()


def write_if_changed(path: Path, text: str) -> None:
    """Replace the file atomically, and only when its bytes change."""
    data = text.encode("utf-8")
    if read_regular(path) == data:
        return
    write_atomic(path, data)


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) atomically, creating the parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text.encode("utf-8"))


def committed(root: Path, rel: str) -> bytes | None:
    """``rel`` as of HEAD; None when HEAD lacks it, has no commit, or ``root`` is not a Git repository."""
    return git.output(root, "show", f"HEAD:./{rel}")


def has_head(root: Path) -> bool:
    """Whether ``root`` is a Git repository with at least one commit."""
    return git.output(root, "rev-parse", "--verify", "--quiet", "HEAD") is not None


def read_head(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes from the start of the file (raises OSError when it cannot be read)."""
    with path.open("rb") as handle:
        return handle.read(limit)


def write_text(path: Path, text: str) -> None:
    """Write a file the user named (``--summary``, ``--out``) as asked: UTF-8, replacing it."""
    path.write_text(text, encoding="utf-8")


def read_text_file(path: Path) -> str:
    """The file's text (UTF-8); OSError when it cannot be read."""
    return path.read_text(encoding="utf-8")


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``, creating the parent folders (files the user asked for, such as calendars)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
