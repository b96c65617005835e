"""Compile rmcode's modules before a timed run, so a benchmark measures the installed tool.

A pip-installed rmcode has its bytecode compiled at install time. An editable checkout where
PYTHONDONTWRITEBYTECODE is set (as in the development sandbox) never writes it, and every run
would compile each changed module again (0.2-0.5 s of a `rmcode match`), which is not rmcode's work.
"""

from __future__ import annotations

import compileall
import importlib.util
from pathlib import Path


def compile_rmcode(tree: Path | None = None) -> None:
    """Write the bytecode of rmcode's modules: those imported here, or those of ``tree``/src/rmcode."""
    if tree is not None:
        folders = [tree / "src" / "rmcode"]
    else:
        spec = importlib.util.find_spec("rmcode")
        folders = [Path(f) for f in (spec.submodule_search_locations or [])] if spec else []
    for folder in folders:
        compileall.compile_dir(folder, quiet=1)
