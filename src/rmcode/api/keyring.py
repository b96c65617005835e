"""Program keys for the key commands: make one, read the ones the user holds, name the files to seal."""

from __future__ import annotations

from pathlib import Path

from ..io.repo import read_keyring
from ..io.worktree import exists
from ..sealing import Keyring, generate_identity

__all__ = ["Keyring", "data_file_path", "new_identity", "read_keyring"]


def new_identity() -> tuple[str, str]:
    """A new program key: (the secret identity lines, the public key)."""
    return generate_identity()


def data_file_path(root: Path, path: Path) -> Path:
    """A FILE argument: as given when absolute or present, else relative to the program at ``root``."""
    return path if path.is_absolute() or exists(path) else root / path
