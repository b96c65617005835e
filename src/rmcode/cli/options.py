"""Click options shared by several commands."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from ..api import Progress

ROOT = click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".",
                    show_default=True, help="The program repository.")
AS_OF = click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                     help="Compute as of this date (YYYY-MM-DD); default: the date of the HEAD commit.")

IDENTITY = click.option("--identity", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="An age identity file holding the program key (default: $RMCODE_IDENTITY, "
                             "the key itself or a path). Without a key, sealed values stay sealed.")


def as_date(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value else None


def progress(label: str) -> Progress | None:
    """A progress line on stderr for long runs, only when a person is watching."""
    if not sys.stderr.isatty():
        return None

    def report(done: int, total: int) -> None:
        if total >= 2000 and (done % 1000 == 0 or done == total):
            click.echo(f"\r{label}: {done:,}/{total:,} files", err=True, nl=done == total)
    return report
