"""The progress report derived from the program: typed values (rmcode.report.model), no text.

``build_report`` is pure and deterministic: the same data and as-of date give the same
report, and its renderings (rmcode.formats.report: JSON, Markdown, CSV) the same bytes.
The public report carries no free text, notes, flags, end reasons or per-person
self-identification; ``private=True`` adds flags, free-text answers and per-pair ratings
for admins. Every published number passes rmcode.report.public.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence

from ..errors import SchemaError
from ..layout import login_key
from ..model import Kpi, Participant, ProgramData
from ..progress.flags import find_flags
from ..progress.metrics import METRICS, Context, evaluate
from ..progress.pairs import PairProgress, progress_of
from ..progress.surveys import gather_surveys
from ..validate.kpis import kpi_problems
from ..validate.sealed import count_sealed, needs_key, still_sealed
from .model import (
    REPORT_VERSION,
    Cell,
    CohortReport,
    KpiResult,
    Note,
    PairPrivate,
    PairReport,
    Privacy,
    ProgramInfo,
    Report,
    SealedCount,
    SurveyReport,
    Table,
    WeekValue,
)
from .public import (
    NOT_ANSWERED,
    OTHER,
    fold_small_groups,
    hold_series,
    kpi_suppression,
    publish_date,
    publish_question,
    suppress_cells,
    suppression_reason,
)

__all__ = ["REPORT_VERSION", "Report", "build_report", "known_floors", "weeks"]
SELF_ID_MIN_GROUP = 2


def weeks(ctx: Context, until: dt.date) -> list[dt.date]:
    """Mondays from the week the first registration window opened up to ``until``."""
    if not ctx.program.cohorts:
        return []
    first = min(c.registration_opens for c in ctx.program.cohorts)
    monday = first - dt.timedelta(days=first.weekday())
    return [monday + dt.timedelta(weeks=i) for i in range(max(0, (until - monday).days // 7 + 1))]


def _met(kpi: Kpi, value: float | None) -> bool | None:
    if value is None:
        return None
    return value >= kpi.target if kpi.direction == "at-least" else value <= kpi.target


def _kpi(ctx: Context, kpi: Kpi, on: dt.date, k: int, sealed: frozenset[tuple[str, str]]) -> KpiResult:
    if needs_key(sealed, kpi.metric):  # computed where the key is; never a number from the readable part only
        return KpiResult(kpi.id, kpi.name, kpi.metric, METRICS[kpi.metric].unit, None, kpi.target, kpi.direction, None,
                         False, dict(kpi.params), tuple(WeekValue(m, None) for m in weeks(ctx, on)), needs_key=True)
    mondays = weeks(ctx, on)
    # each week's point is the metric at the week's end, the last one at the publication date
    # min() of the offsets, not of the dates: the Sunday after as-of 9999-12-31 does not exist
    days = [m.toordinal() + min(6, (on - m).days) for m in mondays] or [on.toordinal()]
    spec = METRICS[kpi.metric]
    values = evaluate(ctx, kpi, days)
    points = hold_series(values, k, spec.sensitive, kpi_suppression(kpi.metric))
    value, suppressed = points[-1]
    return KpiResult(kpi.id, kpi.name, kpi.metric, spec.unit, value, kpi.target, kpi.direction, _met(kpi, value),
                     suppressed, dict(kpi.params), tuple(WeekValue(m, v) for m, (v, _) in zip(mondays, points)),
                     why=suppression_reason(values[-1], k) if suppressed else "")


def _pair(p: PairProgress, private: bool) -> PairReport:
    return PairReport(
        status=p.status, sessions_held=p.sessions_held, sessions_confirmed=p.sessions_confirmed,
        sessions_unconfirmed=p.sessions_unconfirmed, sessions_expected=p.sessions_expected,
        sessions_committed=p.sessions_committed, progress=p.progress, last_session=p.last_session, next_due=p.next_due,
        id=p.pair.id, cohort=p.pair.cohort, mentor=p.pair.mentor, mentee=p.pair.mentee, minutes=p.minutes,
        topics_covered=p.topics_covered, wanted_covered=p.wanted_covered, wanted_total=p.wanted_total,
        milestones=p.milestones,
        private=PairPrivate(p.rating_mentor, p.rating_mentee, p.first_session_fit) if private else None)


def _present(data: ProgramData, on: dt.date) -> list[Participant]:
    return [p for p in data.participants if p.registered <= on]


def _cells(counts: Mapping[str, int], order: Sequence[str], k: int,
           floors: Mapping[str, int] | None = None) -> tuple[Cell, ...]:
    shown = suppress_cells({g: counts.get(g, 0) for g in order}, k, floors)
    return tuple(Cell(g, shown[g]) for g in order)


def known_floors(data: ProgramData, people: Sequence[Participant],
                 progress: Sequence[PairProgress]) -> dict[str, Counter[str]]:
    """What the site tells anyway, per table: people listed in the directory (with their role and
    cohort, and the department or level where public) and people in a listed pair. A reader knows
    each cell holds at least that many (see ``privacy.suppress_cells``)."""
    fields = data.program.privacy.public_fields
    floors: dict[str, Counter[str]] = {"department": Counter(), "level": Counter(), "role": Counter(),
                                       "cohort": Counter()}
    known: set[str] = set()
    for p in people:
        shown = {f for f in p.visibility if p.visibility_of(f, fields) == "public"}
        if not shown:
            continue  # not listed
        known.add(p.key)
        if "department" in shown:
            floors["department"][p.department] += 1
        if "level" in shown:
            floors["level"][data.program.level_name(p.level)] += 1
    by_key = {p.key: p for p in people}
    known |= {login_key(login) for x in progress for login in (x.pair.mentor, x.pair.mentee)
              if login_key(login) in by_key}
    for key in known:
        floors["role"][by_key[key].role] += 1
        floors["cohort"][f"{by_key[key].cohort}/{by_key[key].role}"] += 1
    return floors


def _participation(data: ProgramData, people: Sequence[Participant], k: int,
                   floors: Mapping[str, Counter[str]]) -> tuple[Table, ...]:
    levels = [x.name for x in data.program.levels]
    by_level = Counter(data.program.level_name(p.level) for p in people)
    return (
        Table("department", _cells(Counter(p.department for p in people), sorted({p.department for p in people}), k,
                                   floors["department"])),
        Table("level", _cells(by_level, [n for n in levels if by_level[n]] + sorted(set(by_level) - set(levels)), k,
                              floors["level"])),
        Table("role", _cells(Counter(p.role for p in people), ["mentor", "mentee"], k, floors["role"])),
    )


def _self_identification(data: ProgramData, on: dt.date, k: int) -> tuple[Table, ...]:
    # never about one person, even where a program publishes groups of one
    k = max(k, SELF_ID_MIN_GROUP)
    people = _present(data, on)
    out = []
    for key in sorted({key for p in people for key in p.self_identification}):
        counts = fold_small_groups(Counter(p.self_identification.get(key, NOT_ANSWERED) for p in people), k)
        named = sorted(g for g in counts if g not in (OTHER, NOT_ANSWERED))
        out.append(Table(key, _cells(counts, named + [g for g in (OTHER, NOT_ANSWERED) if g in counts], k)))
    return tuple(out)


def _cohorts(data: ProgramData, people: Sequence[Participant], progress: Sequence[PairProgress], k: int,
             floors: Mapping[str, Counter[str]]) -> tuple[CohortReport, ...]:
    ids = [c.id for c in data.program.cohorts]
    # each column adds up to a published role total; the pairs listed per cohort are a known floor
    columns = {role: suppress_cells({c: sum(p.cohort == c and p.role == role for p in people) for c in ids}, k,
                                    {c: floors["cohort"][f"{c}/{role}"] for c in ids})
               for role in ("mentor", "mentee")}
    return tuple(CohortReport(c.id, c.name, c.start, c.end, c.registration_opens, c.registration_closes,
                              columns["mentor"][c.id], columns["mentee"][c.id],
                              sum(p.pair.cohort == c.id and p.status != "proposed" for p in progress))
                 for c in data.program.cohorts)


def build_report(data: ProgramData, as_of: dt.date, private: bool = False, opened: int = 0) -> Report:
    """The progress report as of ``as_of``: KPIs with weekly series, pairs, cohorts, participation, surveys.

    Aggregates follow ``privacy.publish_every`` (computed at the end of the last
    complete week or month) and ``privacy.min_group_size`` (small groups suppressed,
    complementary cells too). ``private=True`` is for admins: aggregates as of
    ``as_of`` itself, plus flags with evidence and free-text answers.
    Values still sealed in ``data`` (no key here: see ``seals.open_data``; ``opened`` says how
    many were opened) are counted, and what needs them is marked ``needs_key``, never computed.
    Raises SchemaError when a KPI's parameters do not fit its metric.
    """
    program = data.program
    problems = kpi_problems(program)
    if problems:
        raise SchemaError(problems)
    k = program.privacy.min_group_size
    on = as_of if private else min(as_of, publish_date(as_of, program.privacy.publish_every))
    # one date for every number: the public report is the program as it stood on the publication date
    data = data.on(on) if on < as_of else data
    ctx = Context(data)
    sealed = still_sealed(data)
    progress = progress_of(data, on, ctx.pairs, ctx.table)
    people = _present(data, on)
    floors = known_floors(data, people, progress)
    unread = count_sealed(data)
    notes = None
    if private and program.sealing.recipients:  # notes are sealed: shown to admins once opened with the key
        notes = tuple(Note(c.pair, c.author, c.date, c.notes, c.source.path)
                      for c in data.checkins if c.notes and c.date <= as_of)
    return Report(
        as_of=as_of, aggregates_as_of=on, private=private,
        privacy=Privacy(k, program.privacy.publish_every),
        program=ProgramInfo(program.id, program.name, program.organisation),
        people=None if 0 < len(people) < k else len(people),
        kpis=tuple(_kpi(ctx, kpi, on, k, sealed) for kpi in program.kpis),
        pairs=tuple(_pair(p, private) for p in progress),
        cohorts=_cohorts(data, people, progress, k, floors),
        participation=_participation(data, people, k, floors),
        self_identification=() if ("participant", "self_identification") in sealed
        else _self_identification(data, on, k),
        surveys=_surveys(data, on, k, private, sealed),
        sealed=SealedCount(opened, unread) if unread or opened else None,
        flags=tuple(find_flags(data, as_of, ctx.pairs, progress)) if private else None,
        notes=notes,
    )


def _surveys(data: ProgramData, on: dt.date, k: int, private: bool,
             sealed: frozenset[tuple[str, str]]) -> tuple[SurveyReport, ...]:
    locked = {r.survey for r in data.responses if r.sealed} if ("survey-response", "answers") in sealed else set()
    return tuple(SurveyReport(s.survey.id, s.survey.name, s.responses, (), needs_key=True) if s.survey.id in locked
                 else SurveyReport(s.survey.id, s.survey.name, s.responses,
                                   tuple(publish_question(q, s.roles, k, private) for q in s.questions))
                 for s in gather_surveys(data, on))


