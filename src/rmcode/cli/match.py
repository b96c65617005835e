"""match: propose pairs for everyone not yet matched, and preview what a change does."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import click

from .. import api
from ..errors import MatchError, Problem, SchemaError
from ..formats.matches import (
    DIFF_FORMATS,
    IMPACT_FORMATS,
    SUMMARY_FORMATS,
    Impact,
    KpiMove,
    Summary,
    diff,
    parse,
    render,
)
from ..io.repo import write_atomic
from ..layout import MATCHES_MAX_BYTES
from ..load.loader import Document, load_bytes
from ..match.assign import Proposal, cohorts_in_scope, propose
from ..model import ProgramData
from ..report.build import build_report
from ..validate.sealed import seal_pairs
from .options import AS_OF, ROOT, as_date

MATCHES = "matches.yaml"
# Cross-file rules about a pair (not schema errors): harmless for a proposed pair, which is recomputed.
_RECOMPUTED_CODES = frozenset({"RM304", "RM308", "RM309", "RM310", "RM315"})


@click.command()
@ROOT
@AS_OF
@click.option("--cohort", default=None, metavar="ID", help="Match only this cohort (default: every cohort with matching open).")
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
    on = api.resolve_as_of(root, as_date(as_of))
    data, program = _load(root, on, cohort)
    proposal = _propose(data, on, cohort, program)
    if show_diff:
        before, unmatched_before = parse(committed(root), MATCHES)
        change = diff(before, proposal.pairs, unmatched_before, proposal.unmatched, proposal.cohorts,
                      proposal.certificates)
        click.echo(DIFF_FORMATS[fmt](change), nl=False)
        return
    written = None
    if not dry_run:
        pairs = seal_pairs(proposal.pairs, data.program.sealing.keys)  # e.g. "ana withdrew": an end reason is sealed
        write_if_changed(root / MATCHES, render(pairs, proposal.unmatched))
        written = MATCHES
    in_scope = tuple(u for u in proposal.unmatched if u.cohort in proposal.cohorts)
    summary = Summary(proposal.cohorts, proposal.proposed, in_scope, len(proposal.pairs), written,
                      len(proposal.unmatched), proposal.certificates)
    click.echo(SUMMARY_FORMATS[fmt](summary), nl=False)


def _load(root: Path, on: dt.date, cohort: str | None) -> tuple[ProgramData, Document | None]:
    """The validated program; problems of proposed pairs about to be recomputed do not stop matching.

    That is how a participant who leaves frees their proposed partner: the stale pair
    would fail validation, but it is replaced in this run.
    """
    result = api.validate(root, on)
    if result.data is None:
        raise SchemaError(result.problems)
    if cohort is not None and result.data.program.cohort(cohort) is None:
        known = ", ".join(sorted(c.id for c in result.data.program.cohorts))
        raise click.BadParameter(f"unknown cohort '{cohort}' (cohorts: {known})", param_hint="--cohort")
    blocking = [p for p in result.problems if p.severity == "error"]
    if any(p.path == MATCHES and p.code in _RECOMPUTED_CODES for p in blocking):
        scope = {c.id for c in cohorts_in_scope(result.data.program, cohort)}
        raw = load_bytes(MATCHES, (root / MATCHES).read_bytes(), max_bytes=MATCHES_MAX_BYTES).data["pairs"]
        blocking = [p for p in blocking if not _recomputed(p, raw, scope)]
    if blocking:
        raise SchemaError(blocking)
    program = root / "program.yaml"
    return result.data, load_bytes("program.yaml", program.read_bytes())


def _recomputed(problem: Problem, raw_pairs: list[dict[str, object]], scope: set[str]) -> bool:
    parts = problem.pointer.split("/")
    if problem.path != MATCHES or problem.code not in _RECOMPUTED_CODES or len(parts) < 3 \
            or parts[1] != "pairs" or not parts[2].isdigit() or int(parts[2]) >= len(raw_pairs):
        return False
    raw = raw_pairs[int(parts[2])]
    return bool(raw.get("status") == "proposed" and raw.get("cohort") in scope)


def _propose(data: ProgramData, on: dt.date, cohort: str | None, program: Document | None) -> Proposal:
    """propose(), with pin problems pointed at their line in program.yaml."""
    try:
        return propose(data, on, cohort)
    except MatchError as exc:
        if program is None:
            raise
        raise MatchError([program.locate(p, key=False) for p in exc.problems]) from None


def committed(root: Path) -> bytes:
    """matches.yaml as of HEAD; outside Git, the file on disk. No file reads as an empty matches.yaml."""
    empty = b"pairs: []\n"
    try:
        shown = subprocess.run(["git", "-C", str(root), "show", f"HEAD:./{MATCHES}"],
                               capture_output=True, check=False, timeout=60)
        has_head = shown.returncode == 0 or subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--verify", "--quiet", "HEAD"],
            capture_output=True, check=False, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        shown, has_head = None, False
    if shown is not None and shown.returncode == 0:
        content = shown.stdout
    elif has_head:
        return empty
    else:
        path = root / MATCHES
        content = path.read_bytes() if path.is_file() and not path.is_symlink() else empty
    if len(content) > MATCHES_MAX_BYTES:
        raise SchemaError([Problem(MATCHES, 1, 1, "RM101", f"committed file is {len(content):,} bytes, more "
                                   f"than the limit of {MATCHES_MAX_BYTES:,}", "")])
    return content


def write_if_changed(path: Path, text: str) -> None:
    """Replace the file atomically, and only when its bytes change."""
    data = text.encode("utf-8")
    if path.is_file() and not path.is_symlink() and path.read_bytes() == data:
        return
    write_atomic(path, data)


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
    on = as_date(as_of) or api.resolve_as_of(root, None)
    before_data, before_doc = _load(base, on, None)
    after_data, after_doc = _load(root, on, None)
    before = _propose(before_data, on, None, before_doc)
    after = _propose(after_data, on, None, after_doc)
    change = diff(before.pairs, after.pairs, before.unmatched, after.unmatched, after.cohorts, after.certificates)
    click.echo(IMPACT_FORMATS[fmt](Impact(change, _kpi_moves(before_data, after_data, on), on.isoformat())), nl=False)


def _kpi_moves(before: ProgramData, after: ProgramData, on: dt.date) -> tuple[KpiMove, ...]:
    old = {k.id: k for k in build_report(before, on).kpis}
    new = {k.id: k for k in build_report(after, on).kpis}
    order = [*new, *(k for k in old if k not in new)]
    return tuple(KpiMove(kid, (new.get(kid) or old[kid]).name,
                         old[kid].target if kid in old else None, new[kid].target if kid in new else None,
                         old[kid].value if kid in old else None, new[kid].value if kid in new else None)
                 for kid in order)
