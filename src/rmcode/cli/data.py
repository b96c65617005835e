"""validate and schema: the program as data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

import click

from .. import api
from ..api.schemas import SCHEMA_NAMES, schema_text
from ..formats.problems import REPORTER_BY_NAME
from .options import AS_OF, ROOT, as_date, progress


@click.command()
@ROOT
@AS_OF
@click.option("--format", "fmt", type=click.Choice(sorted(REPORTER_BY_NAME)), default="text", show_default=True,
              help="text for people, github for workflow annotations, json for tools.")
def validate(root: Path, as_of: dt.datetime | None, fmt: str) -> None:
    """Check every file against its schema and the cross-file rules.

    Exit 0 when valid, 1 when there are problems.

    \b
    Example:
      rmcode validate --root . --format github
    """
    result = api.validate(root, as_date(as_of), progress=progress("Validating") if fmt == "text" else None)
    if result.data is not None:
        result = dataclasses.replace(result, problems=tuple(sorted(
            result.problems + tuple(api.repository_warnings(root, result.data.program)))))
    click.echo(REPORTER_BY_NAME[fmt](result.problems, result.files), nl=False)
    sys.exit(0 if result.valid else 1)


@click.command()
@click.argument("name", type=click.Choice(SCHEMA_NAMES))
def schema(name: str) -> None:
    """Print the JSON Schema of a file kind.

    \b
    Example:
      rmcode schema participant > participant.schema.json
    """
    click.echo(schema_text(name), nl=False)
