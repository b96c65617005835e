"""Files rmcode writes one at a time: the disk edge of ``init``, ``register``, ``log``,
``from-issue`` and ``survey`` (the package data it ships is read by rmcode.io.package_data).

Never through a symbolic link, never outside the folder a path names; a data file is
created exclusively (``O_NOFOLLOW``), so a link planted after the checks is not followed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from ..errors import LoadError, RmcodeError, refuse
from ..layout import CHECKIN_PATH, PROFILE_PATH, SURVEY_PATH
from ..load.loader import load_bytes
from ..sealing import JsonValue

LINK_HINT = "replace the link with a real folder or file"


def exists(path: Path) -> bool:
    """Whether anything is at ``path``, a dangling symbolic link included."""
    return path.exists() or path.is_symlink()


def read_file(path: Path) -> bytes | None:
    """The bytes of the regular file at ``path`` (following links); None when there is none."""
    return path.read_bytes() if path.is_file() else None


def read_prefix(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes from the start of ``path``; OSError when it cannot be read."""
    with path.open("rb") as handle:
        return handle.read(limit)


def read_text_file(root: Path, rel: str) -> str | None:
    """The UTF-8 text of a regular file below ``root`` (not a link); None when there is none or it cannot be read."""
    path = root / rel
    try:
        return path.read_text(encoding="utf-8") if path.is_file() and not path.is_symlink() else None
    except (OSError, UnicodeDecodeError):
        return None


def matching_files(root: Path, folder: str, pattern: str) -> list[str]:
    """The paths (relative to ``root``, sorted) in ``folder`` whose names match the glob ``pattern``."""
    return sorted(p.relative_to(root).as_posix() for p in (root / folder).glob(pattern))


def remove_files(root: Path, rels: Iterable[str]) -> None:
    for rel in rels:
        (root / rel).unlink()


def ensure_free(root: Path, rel: str) -> None:
    """RM620 when ``rel`` names a file below ``root`` (following links: a dangling one is no file)."""
    if (root / rel).exists():
        raise refuse(rel, "RM620", "already exists", "pass --force to replace it")


def refuse_link(path: Path, shown: object) -> None:
    """RM621 when ``path`` is a symbolic link: rmcode never writes through one (``shown`` names it)."""
    if path.is_symlink():
        raise refuse(shown, "RM621", "is a symbolic link; rmcode will not write through it", LINK_HINT)


def write_tree(root: Path, files: Mapping[str, str], force: bool = False) -> list[str]:
    """Write ``files`` under ``root``; refuse a folder with anything in it unless ``force``."""
    if root.exists() and not root.is_dir():
        raise refuse(root, "RM622", "exists and is not a folder", "choose a new folder")
    if root.is_dir() and any(root.iterdir()) and not force:
        raise refuse(root, "RM622", "is not empty", "choose a new folder, or pass --force to write the template "
                     "into it (files of the template are replaced, others are kept)")
    for rel, text in files.items():
        path = root / rel
        refuse_link(path, path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return sorted(files)


def read_existing(root: Path, rel: str) -> dict[str, JsonValue] | None:
    """The data of an existing data file, None when there is none; RmcodeError when it cannot be read."""
    path = root / rel
    if not exists(path):
        return None
    if path.is_symlink() or not path.is_file():
        raise refuse(rel, "RM621", "is not a regular file", LINK_HINT)
    try:
        data: JsonValue = load_bytes(rel, path.read_bytes()).data
    except LoadError as exc:
        raise RmcodeError(exc.problems) from None
    if not isinstance(data, dict):
        raise refuse(rel, "RM624", "does not hold a mapping", "fix the file or ask a program admin")
    return data


def write_data_file(root: Path, rel: str, text: str, force: bool = False) -> Path:
    """Write one profile, check-in or survey response below ``root``: never through a link, never outside its folder."""
    if not any(p.fullmatch(rel) for p in (PROFILE_PATH, CHECKIN_PATH, SURVEY_PATH)):
        raise refuse(repr(rel), "RM623", "is not a profile, check-in or survey path; refusing to write it")
    folder = root
    for part in rel.split("/")[:-1]:
        folder = folder / part
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise refuse(folder.relative_to(root), "RM621", "is not a real folder; rmcode will not write through it",
                         LINK_HINT)
        folder.mkdir(exist_ok=True)
    path = root / rel
    refuse_link(path, rel)
    if not force:
        ensure_free(root, rel)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return path
