"""The program's site: build it once, or serve it with live reload (rmcode.site.build does the work)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from ..site import build as site_build
from ..site.build import BuildResult
from . import load_as_of, resolve_as_of

if TYPE_CHECKING:
    from mkdocs.livereload import LiveReloadServer


def build(root: Path, out: Path | None = None, as_of: dt.date | None = None) -> BuildResult:
    """Build the site of the program at ``root`` into ``out`` (default ``ROOT/site-out``), as of ``as_of``."""
    return site_build.build(root, out, lambda: resolve_as_of(root, as_of), load_as_of)


def make_server(root: Path, host: str, port: int,
                as_of: dt.date | None = None) -> tuple[LiveReloadServer, Callable[[], None]]:
    """A live-reload server of the site and its clean-up (each rebuild takes the date afresh)."""
    return site_build.make_server(root, host, port, lambda: resolve_as_of(root, as_of), load_as_of)


def serve(root: Path, host: str = "127.0.0.1", port: int = 8000, as_of: dt.date | None = None,
          open_browser: bool = False) -> None:
    """Preview the site with live reload until interrupted."""
    site_build.serve(root, host, port, lambda: resolve_as_of(root, as_of), load_as_of, open_browser)


__all__ = ["BuildResult", "build", "make_server", "serve"]
