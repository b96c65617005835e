"""match: propose pairs for everyone not yet matched, and preview what a change does."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..api import match as api_match
from ..formats.matches import DIFF_FORMATS, IMPACT_FORMATS, SUMMARY_FORMATS
from .options import AS_OF, ROOT, as_date


@click.command()
@ROOT
@AS_OF
@click.option("--cohort", default=None, metavar="ID",
              help="Match only this cohort (default: every cohort with matching open).")
@click.option("--dry-run", is_flag=True, help="Print the proposal without writing matches.yaml.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Print what would change against the committed matches.yaml (writes nothing).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True,
              help="text for people, md for a pull-request comment, json for tools.")
def match(root: Path, as_of: dt.datetime | None, cohort: str | None, dry_run: bool, show_diff: bool, fmt: str) -> None:
    """Propose pairs for unmatched participants and write matches.yaml.

    Active, completed and ended pairs are kept as they are; proposed pairs of the cohorts
    being matched are computed again. The proposal is the exact optimum (most pairs, then
    the largest total score), proven by a certificate checked over every eligible
    mentee-mentor cell; without a certificate nothing is written and the exit code is 1.
    Exit 1 with the problems when the data is invalid.

    \b
    Example:
      rmcode match --dry-run                 # show the proposal, write nothing
      rmcode match --cohort 2027-spring      # match one cohort, write matches.yaml
      rmcode match --diff --format md        # impact of a change, for a PR comment
    """
    try:
        if show_diff:
            click.echo(DIFF_FORMATS[fmt](api_match.match_diff(root, as_date(as_of), cohort)), nl=False)
            return
        summary = api_match.propose_matches(root, as_date(as_of), cohort, write=not dry_run)
    except api_match.UnknownCohortError as exc:
        raise click.BadParameter(str(exc), param_hint="--cohort") from None
    click.echo(SUMMARY_FORMATS[fmt](summary), nl=False)


@click.command()
@click.option("--base", "base", required=True, metavar="DIR",
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The program before the change (for a pull request: the base branch's files).")
@ROOT
@AS_OF
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True,
              help="text for people, md for a pull-request job summary, json for tools.")
def impact(base: Path, root: Path, as_of: dt.datetime | None, fmt: str) -> None:
    """What a change to the rules does: the next proposal and the KPIs, before and after.

    Runs the matching of every open cohort on the program in --base and on the one in
    --root (each certified optimal), and compares the two proposals (pairs added and
    removed, mean score, people who become unmatched) and the KPIs' targets and values.
    Writes nothing.

    \b
    Example:
      rmcode impact --base ../main --root .              # compare a branch with main
      rmcode impact --base ../main --format md           # as a pull-request job summary
    """
    click.echo(IMPACT_FORMATS[fmt](api_match.impact(base, root, as_date(as_of))), nl=False)
