"""Files a user names on the command line for a command's output (``--summary FILE``, ``--out FILE``)."""

from __future__ import annotations

from pathlib import Path

from ..io.worktree import write_text


def write_output(path: Path, text: str) -> None:
    """Write ``text`` to the file the user named, replacing it (UTF-8)."""
    write_text(path, text)
