"""status and report: progress per pair, KPIs, surveys; the private admin report."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import click
from rich.console import Console, JustifyMethod
from rich.table import Table
from rich.text import Text

from ..api.outputs import write_output
from ..api.report import progress_report
from ..formats.report import RENDERERS, PairReport, Report, format_kpi, format_target
from .options import AS_OF, IDENTITY, ROOT, as_date

# most urgent first, so the pairs that need a nudge head the list
ATTENTION = ("stalled", "behind", "on-track", "proposed", "completed", "ended-early")
STATUS_STYLE: Mapping[str, str] = {"stalled": "bold red", "behind": "yellow", "on-track": "green",
                                   "proposed": "cyan", "completed": "blue", "ended-early": "dim"}
TERMINAL_ROWS = 50  # a terminal shows the most urgent pairs; --all or a pipe shows every one
PRIVATE_WARNING = ("This report is for program admins only: it quotes concerns and free-text answers "
                   "and names people. Do not publish or share it.")


def _pairs(report: Report) -> list[PairReport]:
    return sorted(report.pairs, key=lambda p: (ATTENTION.index(p.status), p.id))


def _summary(report: Report) -> str:
    counts = {s: sum(p.status == s for p in report.pairs) for s in ATTENTION}
    parts = ", ".join(f"{n} {s}" for s, n in sorted(counts.items(), key=lambda x: ATTENTION.index(x[0])) if n)
    return f"Pairs: {len(report.pairs)}" + (f" ({parts})" if parts else "")


def _met(met: bool | None) -> str:
    return {True: "met", False: "not met", None: "-"}[met]


def _heading(report: Report) -> str:
    program = report.program
    return f"{program.name} ({program.organisation}), as of {report.as_of}"


def _day(day: dt.date | None) -> str:
    return "-" if day is None else day.isoformat()


def _columns(rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]


def render_plain(report: Report) -> str:
    """The status view without colours, for logs and pipes."""
    lines = [_heading(report), "", f"KPIs (as of {report.aggregates_as_of})"]
    kpis = [(k.name, format_kpi(k), format_target(k), _met(k.met)) for k in report.kpis]
    lines += _columns(kpis) if kpis else ["  none declared in program.yaml"]
    lines += ["", _summary(report)]
    rows = [("PAIR", "STATUS", "SESSIONS", "EXPECTED", "PROGRESS", "LAST", "NEXT DUE")]
    rows += [(p.id, p.status, f"{p.sessions_held}/{p.sessions_committed}", str(p.sessions_expected),
              f"{p.progress * 100:.0f}%", _day(p.last_session), _day(p.next_due)) for p in _pairs(report)]
    if len(rows) > 1:
        lines += _columns(rows)
    return "\n".join(lines) + "\n"


def _bar(progress: float, width: int = 12) -> Text:
    done = round(progress * width)
    bar = Text("━" * done, style="green")
    bar.append("━" * (width - done), style="grey35")
    bar.append(f" {progress * 100:3.0f}%")
    return bar


def render_rich(report: Report, console: Console, limit: int | None = TERMINAL_ROWS) -> None:
    """The status view for a terminal: coloured statuses, progress bars, the most urgent pairs first."""
    console.print(Text(_heading(report), style="bold"))
    kpis = Table(title=f"KPIs (as of {report.aggregates_as_of})", title_justify="left")
    columns: tuple[tuple[str, JustifyMethod], ...] = (("KPI", "left"), ("Value", "right"), ("Target", "right"),
                                                      ("", "left"))
    for name, justify in columns:
        kpis.add_column(name, justify=justify)
    for k in report.kpis:
        style = {True: "green", False: "red", None: "dim"}[k.met]
        kpis.add_row(Text(k.name), format_kpi(k), format_target(k), Text(_met(k.met), style=style))
    console.print(kpis)
    pairs = Table(title=_summary(report), title_justify="left")
    for name in ("Pair", "Status", "Sessions", "Progress", "Last", "Next due"):
        pairs.add_column(name)
    rows = _pairs(report)
    for p in rows[:limit]:
        pairs.add_row(Text(p.id), Text(p.status, style=STATUS_STYLE[p.status]),
                      f"{p.sessions_held}/{p.sessions_committed} (expected {p.sessions_expected})",
                      _bar(p.progress), _day(p.last_session), _day(p.next_due))
    console.print(pairs)
    if limit is not None and len(rows) > limit:
        console.print(Text(f"... and {len(rows) - limit:,} more pairs: `rmcode status --all`, or pipe the "
                           "output for plain text", style="dim"))


@click.command()
@ROOT
@AS_OF
@click.option("--all", "show_all", is_flag=True,
              help=f"In a terminal, list every pair (default: the {TERMINAL_ROWS} most urgent).")
@IDENTITY
def status(root: Path, as_of: dt.datetime | None, show_all: bool, identity: Path | None) -> None:
    """Show progress per pair and the KPIs against their targets.

    Colours and progress bars in a terminal (the most urgent pairs first), plain text
    with every pair in a pipe. Aggregates follow the program's privacy settings, as on
    the site.

    \b
    Example:
      rmcode status
      rmcode status --root demo --as-of 2026-11-24
    """
    report = progress_report(root, as_date(as_of), identity)
    if sys.stdout.isatty():
        render_rich(report, Console(), None if show_all else TERMINAL_ROWS)
    else:
        click.echo(render_plain(report), nl=False)


@click.command()
@ROOT
@AS_OF
@click.option("--format", "fmt", type=click.Choice(sorted(RENDERERS)), default="md", show_default=True,
              help="md for people, json for the site and HR tools (schema: report.schema.json), csv for spreadsheets.")
@click.option("--private", is_flag=True, help="Add flags with evidence and free-text answers (admins only).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
@IDENTITY
def report(root: Path, as_of: dt.datetime | None, fmt: str, private: bool, out: Path | None,
           identity: Path | None) -> None:
    """Write the KPI and progress report.

    Deterministic: the same commit and --as-of give the same bytes. The public report
    never contains notes, concerns, free text, flags or anyone's self-identification;
    --private adds flags (with file and line), session notes and free-text answers for admins.
    Sealed values are opened with --identity FILE or RMCODE_IDENTITY; without a key the report
    says how many it could not read and marks what needs them "needs the program key".

    \b
    Example:
      rmcode report --format json --out report.json
      rmcode report --private --format md > admin-report.md
      rmcode report --private --identity ~/.config/rmcode/program.key
    """
    text = RENDERERS[fmt](progress_report(root, as_date(as_of), identity, private))
    if private:
        click.echo(PRIVATE_WARNING, err=True)
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        write_output(out, text)
    except OSError as exc:
        raise click.FileError(str(out), exc.strerror or str(exc)) from None


COMMANDS = (status, report)
