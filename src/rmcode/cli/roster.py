"""rmcode roster import: the HR roster from the company's CSV export."""

from __future__ import annotations

from pathlib import Path

import click

from ..api.keyring import read_keyring
from ..api.outputs import write_output
from .options import IDENTITY, ROOT


@click.group()
def roster() -> None:
    """The HR roster: facts and invitees from the company's own records.

    \b
    Example:
      rmcode roster import hr-export.csv --identity ~/.config/rmcode/key.txt
    """


@roster.command("import")
@ROOT
@click.argument("export", type=click.Path(dir_okay=False, path_type=Path))
@IDENTITY
@click.option("--encoding", default="utf-8", show_default=True,
              help="The export's text encoding when it is not UTF-8, e.g. cp1252.")
@click.option("--summary", "summary_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the Markdown summary to this file (for the pull request body).")
@click.option("--dry-run", is_flag=True, help="Check the export and print the summary; write nothing.")
def import_(root: Path, export: Path, identity: Path | None, encoding: str, summary_file: Path | None,
            dry_run: bool) -> None:
    """Read an HR export (CSV) and write roster.csv and roster.sealed.yaml.

    Columns are found by their usual header names (Employee ID, GitHub login, Name,
    Email, Grade, Department, Manager ID, Location, Start date) or by program.yaml's
    roster: columns: mapping. Comma, semicolon or tab delimiters, a byte-order mark,
    Windows line ends and quoted fields are all read. Email (and what program.yaml's
    sealing: fields: roster: adds) is sealed to sealing: recipients. Any problem in the
    export is reported with its row and column and nothing is written.

    Prints what changed since the last import (joined, left, moved, promoted) as Markdown.

    \b
    Example:
      rmcode roster import exports/workday-2027-01.csv --summary pr-body.md
      rmcode roster import hr.csv --identity key.txt --dry-run
    """
    from ..api.roster import import_roster

    result = import_roster(root, export, read_keyring(identity), encoding=encoding, dry_run=dry_run)
    click.echo(result.summary, nl=False)
    if summary_file is not None:
        write_output(summary_file, result.summary)
    for path in result.written:
        click.echo(f"wrote {path}", err=True)
    if result.note:
        click.echo(result.note, err=True)
