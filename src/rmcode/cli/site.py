"""build and serve: the program's site."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import click

from ..api import site as site_module
from .options import AS_OF, ROOT, as_date


@click.command()
@ROOT
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where to write the site; default: ROOT/site-out. Its contents are replaced.")
@AS_OF
def build(root: Path, out: Path | None, as_of: dt.datetime | None) -> None:
    """Generate the pages and charts and build the static site (offline, deterministic).

    Open OUT/index.html in a browser, or run `rmcode serve` for a live preview.

    \b
    Example:
      rmcode build                       # the demo program in this folder -> site-out/
      rmcode build --root ../program --out /tmp/site --as-of 2026-11-24
    """
    result = site_module.build(root, out, as_date(as_of))
    click.echo(f"Built {result.pages} pages ({result.files} files) into {result.out} in {result.seconds:.1f} s.\n"
               f"Open {result.out / 'index.html'} in a browser, or run `rmcode serve` for a live preview.")


@click.command()
@ROOT
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@AS_OF
def serve(root: Path, host: str, port: int, open_browser: bool, as_of: dt.datetime | None) -> None:
    """Preview the site with live reload: pages rebuild when the program or site/ changes.

    \b
    Example:
      rmcode serve                       # then open http://127.0.0.1:8000/
      rmcode serve --root ../program --port 8001
    """
    _log_to_stderr()
    site_module.serve(root, host, port, as_date(as_of), open_browser)


def _log_to_stderr() -> None:
    """Show mkdocs' "Serving on ..." and rebuild messages, as `mkdocs serve` does."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    for name in ("mkdocs", "rmcode"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)
