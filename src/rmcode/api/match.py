"""Matching as user actions: propose and write matches.yaml, preview a proposal, compare two programs."""

from __future__ import annotations

import datetime as dt
import gc
import importlib
import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import MatchError, Problem, SchemaError
from ..formats.matches import Diff, Impact, KpiMove, Summary, diff, parse, render
from ..io.worktree import committed, has_head, read_regular, write_if_changed
from ..layout import MATCHES, PROGRAM, size_limit
from ..load.loader import Document, load_bytes, size_problem
from ..model import ProgramData
from ..validate.sealed import seal_pairs
from . import Progress, resolve_as_of, validate

if TYPE_CHECKING:
    from ..match.assign import Proposal

SOLVER = "rmcode.match.assign"
"""The matching modules (numpy, scipy: about 0.3 s to import), imported while validation runs."""

# Cross-file rules about one pair entry (not schema errors): harmless for a proposed pair, which is recomputed.
_RECOMPUTED_CODES = frozenset({"RM304", "RM309", "RM310", "RM315"})
_EMPTY = b"pairs: []\n"


class UnknownCohortError(ValueError):
    """--cohort names no cohort of program.yaml (a usage error: the message lists the cohorts)."""


def propose_matches(root: Path, as_of: dt.date | None, cohort: str | None, write: bool) -> Summary:
    """Propose pairs for everyone not yet matched; with ``write``, (re)write matches.yaml.

    Active, completed and ended pairs are kept; proposed pairs of the cohorts being matched
    are computed again. Raises SchemaError when the data is invalid, MatchError when a pin
    cannot be made or the optimum is not certified.
    """
    on = resolve_as_of(root, as_of)
    data, proposal = _proposal(root, on, cohort)
    written = None
    if write:
        pairs = seal_pairs(proposal.pairs, data.program.sealing.keys)  # e.g. "ana withdrew": an end reason is sealed
        write_if_changed(root / MATCHES, render(pairs, proposal.unmatched))
        written = MATCHES
    in_scope = tuple(u for u in proposal.unmatched if u.cohort in proposal.cohorts)
    return Summary(proposal.cohorts, proposal.proposed, in_scope, len(proposal.pairs), written,
                   len(proposal.unmatched), proposal.certificates)


def match_diff(root: Path, as_of: dt.date | None, cohort: str | None) -> Diff:
    """What the proposal would change against the committed matches.yaml (writes nothing)."""
    on = resolve_as_of(root, as_of)
    _, proposal = _proposal(root, on, cohort)
    before, unmatched_before = parse(committed_matches(root), MATCHES)
    return diff(before, proposal.pairs, unmatched_before, proposal.unmatched, proposal.cohorts, proposal.certificates)


def impact(base: Path, root: Path, as_of: dt.date | None) -> Impact:
    """The next proposal and the KPIs of the program in ``base`` and of the one in ``root``, compared."""
    on = as_of or resolve_as_of(root, None)
    before_data, after_data = _matchable(base, on, None), _matchable(root, on, None)
    before, after = _propose(base, before_data, on, None), _propose(root, after_data, on, None)
    change = diff(before.pairs, after.pairs, before.unmatched, after.unmatched, after.cohorts, after.certificates)
    return Impact(change, _kpi_moves(before_data, after_data, on), on.isoformat())


def committed_matches(root: Path) -> bytes:
    """matches.yaml as of HEAD; outside Git, the file on disk. No file reads as an empty matches.yaml."""
    content = committed(root, MATCHES)
    if content is None:
        on_disk = None if has_head(root) else read_regular(root / MATCHES)
        content = _EMPTY if on_disk is None else on_disk
    limit = size_limit(MATCHES)
    too_large = size_problem(MATCHES, len(content), limit, "committed file")
    if too_large is not None:
        raise SchemaError([too_large])
    return content


def _proposal(root: Path, on: dt.date, cohort: str | None) -> tuple[ProgramData, Proposal]:
    data = _matchable(root, on, cohort)
    return data, _propose(root, data, on, cohort)


def _propose(root: Path, data: ProgramData, on: dt.date, cohort: str | None) -> Proposal:
    from ..match.assign import propose

    try:
        return propose(data, on, cohort)
    except MatchError as exc:
        raise MatchError(_placed(root, exc.problems)) from None


def _matchable(root: Path, on: dt.date, cohort: str | None) -> ProgramData:
    """The validated program; problems of proposed pairs about to be recomputed do not stop matching.

    That is how a participant who leaves frees their proposed partner: the stale pair
    would fail validation, but it is replaced in this run.
    """
    progress, importing = _import_meanwhile(SOLVER)
    try:
        result = validate(root, on, progress)
    finally:  # never leave the process while a thread is half-way through importing numpy's C extensions
        for thread in importing:
            thread.join()
    from ..match.assign import cohorts_in_scope

    if result.data is None:
        raise SchemaError(result.problems)
    program = result.data.program
    if cohort is not None and program.cohort(cohort) is None:
        known = ", ".join(sorted(c.id for c in program.cohorts))
        raise UnknownCohortError(f"unknown cohort '{cohort}' (cohorts: {known})")
    blocking = [p for p in result.problems if p.severity == "error"]
    if any(p.path == MATCHES and p.code in _RECOMPUTED_CODES for p in blocking):
        scope = {c.id for c in cohorts_in_scope(program, cohort)}
        # the rules number pair entries in file order (/pairs/<i>), as the typed pairs sort by line
        in_file = sorted(result.data.pairs, key=lambda p: p.source.line)
        recomputed = {f"/pairs/{i}" for i, p in enumerate(in_file) if p.status == "proposed" and p.cohort in scope}
        blocking = [p for p in blocking if not (
            p.path == MATCHES and p.code in _RECOMPUTED_CODES and "/".join(p.pointer.split("/")[:3]) in recomputed)]
    if blocking:
        raise SchemaError(blocking)
    # the validated program lives until exit (as api.report's): keep the collector from scanning it
    # again, while matching and in the interpreter's last collection at exit (0.08 s at 10,000 files)
    gc.freeze()
    return result.data


def _import_meanwhile(module: str) -> tuple[Progress, list[threading.Thread]]:
    """A progress callback for ``validate`` that imports ``module`` in a thread, and that thread once started.

    Validation calls it once its worker processes run (they fork when it starts, never
    after), so the import overlaps the checking instead of coming before it, and no
    process forks while the thread holds an import lock.
    """
    started: list[threading.Thread] = []

    def progress(done: int, total: int) -> None:
        if not started:
            started.append(threading.Thread(target=importlib.import_module, args=(module,), daemon=True))
            started[0].start()
    return progress, started


def _placed(root: Path, problems: list[Problem]) -> list[Problem]:
    """Problems about program.yaml (pins), pointed at their line (the program validated, so it loads)."""
    content = read_regular(root / PROGRAM)
    if content is None:
        return problems
    doc: Document = load_bytes(PROGRAM, content)
    return [replace(p, line=doc.where(p.pointer)[0], col=doc.where(p.pointer)[1]) if p.pointer else p
            for p in problems]


def _kpi_moves(before: ProgramData, after: ProgramData, on: dt.date) -> tuple[KpiMove, ...]:
    from ..report.build import build_report  # only `rmcode impact` needs the KPIs (0.1 s of `rmcode match` start)

    old = {k.id: k for k in build_report(before, on).kpis}
    new = {k.id: k for k in build_report(after, on).kpis}
    order = [*new, *(k for k in old if k not in new)]
    return tuple(KpiMove(kid, (new.get(kid) or old[kid]).name,
                         old[kid].target if kid in old else None, new[kid].target if kid in new else None,
                         old[kid].value if kid in old else None, new[kid].value if kid in new else None)
                 for kid in order)
