"""The metric library: every name a KPI may use, each computed as a series over dates. Pure.

A metric is a function ``(context, params, days) -> [Value, ...]``: one value per ordinal
date, so the weekly series of a KPI costs one preparation and a few vectorised numpy
operations per week. Each ``Value`` carries how many people it aggregates (for
suppression) and how many records went into it (to stop differencing between points).
docs/kpis.md defines every metric in words; keep the two in step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from ..layout import login_key
from ..model import Kpi, ProgramData
from ..validate.kpis import GOAL_RANK, SIGNATURES, MetricSignature
from .pairs import (
    CODE,
    NEVER,
    Ints,
    PairFacts,
    Snapshot,
    first_fit_answers,
    pair_facts,
    pair_table,
    snapshot,
)

Params = Mapping[str, str | float | bool]
Bools = npt.NDArray[np.bool_]


class Value(NamedTuple):
    """A metric on one date: the value (None without data), people it covers, records behind it."""

    value: float | None
    people: int
    items: int


def _ratio(num: int, den: int, people: int, items: int) -> Value:
    return Value(round(num / den, 4) if den else None, people, items)


def _mean(values: npt.NDArray[np.float64], people: int) -> Value:
    return Value(round(float(values.mean()), 4) if len(values) else None, people, len(values))


class Context:
    """The program's facts as numpy columns, built once per report; snapshots are cached per date."""

    def __init__(self, data: ProgramData) -> None:
        self.data, self.program = data, data.program
        self.pairs: tuple[PairFacts, ...] = pair_facts(data)
        self.table = pair_table(self.pairs)
        people = data.participants
        self.index = {p.key: i for i, p in enumerate(people)}
        cohorts = {c.id: i for i, c in enumerate(self.program.cohorts)}
        closes = {c.id: c.registration_closes.toordinal() + 1 for c in self.program.cohorts}
        self.registered = _ints([p.registered.toordinal() for p in people])
        self.mentee = np.array([p.role == "mentee" for p in people], dtype=bool)
        self.cohort = _ints([cohorts.get(p.cohort, -1) for p in people])
        self.eligible_on = np.maximum(self.registered, _ints([closes.get(p.cohort, NEVER) for p in people]))
        self.paused_until = _ints([(p.paused_until.toordinal() if p.paused_until else NEVER) if p.paused else -NEVER
                                   for p in people])
        self.pair_cohort = _ints([cohorts.get(f.pair.cohort, -1) for f in self.pairs])
        self.pair_people = _ints([[self.index.get(login_key(f.pair.mentor), -1),
                                   self.index.get(login_key(f.pair.mentee), -1)]
                                  for f in self.pairs]).reshape(-1, 2)
        # a person's first approved pair; -1 (no profile) lands in a spare last slot
        first = np.full(len(people) + 1, NEVER, dtype=np.int64)
        np.minimum.at(first, self.pair_people.ravel(), np.repeat(self.table.approved, 2))
        self.first_match = first[:-1]
        self._snaps: dict[int, Snapshot] = {}

    def snap(self, day: int) -> Snapshot:
        if day not in self._snaps:
            self._snaps[day] = snapshot(self.table, day)
        return self._snaps[day]

    def cohort_of(self, params: Params, column: Ints) -> Bools:
        if "cohort" not in params:
            return np.ones(len(column), dtype=bool)
        ids = [c.id for c in self.program.cohorts]
        return column == (ids.index(str(params["cohort"])) if params["cohort"] in ids else -2)

    def people_sel(self, params: Params) -> Bools:
        sel = self.cohort_of(params, self.cohort)
        return sel & (self.mentee == (params["role"] == "mentee")) if "role" in params else sel

    def pair_count(self, pairs: Bools) -> int:
        """People in the selected pairs (a mentor with two mentees counts once)."""
        seen = np.zeros(len(self.index) + 1, dtype=bool)
        seen[self.pair_people[pairs].ravel()] = True  # -1 (no profile) marks the spare last slot
        return int(seen[:-1].sum())

    def approved(self, params: Params, day: int) -> Bools:
        return self.cohort_of(params, self.pair_cohort) & (self.table.approved <= day)


def _ints(values: Sequence[int] | Sequence[Sequence[int]]) -> Ints:
    return np.asarray(values, dtype=np.int64)


Metric = Callable[[Context, Params, Sequence[int]], list[Value]]


def registrations(ctx: Context, params: Params, days: Sequence[int]) -> list[Value]:
    dates = np.sort(ctx.registered[ctx.people_sel(params)])
    return [Value(float(n), n, n) for n in (int(x) for x in np.searchsorted(dates, days, side="right"))]


def match_rate(ctx: Context, params: Params, days: Sequence[int]) -> list[Value]:
    sel = ctx.people_sel(params)
    out = []
    for day in days:
        matched = ctx.first_match <= day
        # eligible once the cohort's registration closed; a paused person is out until matched
        eligible = sel & (ctx.eligible_on <= day) & (matched | (ctx.paused_until < day))
        n, m = int(eligible.sum()), int((eligible & matched).sum())
        out.append(_ratio(m, n, n, n + m))
    return out


def time_to_match_days(ctx: Context, params: Params, days: Sequence[int]) -> list[Value]:
    sel = ctx.people_sel(params) & (ctx.first_match < NEVER)
    when, waited = ctx.first_match[sel], np.maximum(0, ctx.first_match[sel] - ctx.registered[sel]).astype(float)
    return [_mean(waited[when <= day], int((when <= day).sum())) for day in days]


def sessions_per_pair(ctx: Context, params: Params, days: Sequence[int]) -> list[Value]:
    t = ctx.table
    out = []
    for day in days:
        pairs = ctx.approved(params, day)
        sessions = int((pairs[t.s_pair] & (t.s_date <= day)).sum()) if len(t.s_pair) else 0
        out.append(_ratio(sessions, int(pairs.sum()), ctx.pair_count(pairs), int(pairs.sum()) + sessions))
    return out


def pairs_on_track_share(ctx: Context, params: Params, days: Sequence[int]) -> list[Value]:
    good, open_ = ([CODE["on-track"], CODE["completed"]],
                   [CODE["on-track"], CODE["behind"], CODE["stalled"], CODE["completed"]])
    out = []
    for day in days:
        code = ctx.snap(day).code
        pairs = ctx.approved(params, day) & np.isin(code, open_)
        n = int(pairs.sum())
        out.append(_ratio(int((pairs & np.isin(code, good)).sum()), n, ctx.pair_count(pairs), n))
    return out


def mentoring_hours(ctx: Context, params: Params, days: Sequence[int]) -> list[Value]:
    t = ctx.table
    out = []
    for day in days:
        pairs = ctx.approved(params, day)
        mask = pairs[t.s_pair] & (t.s_date <= day) if len(t.s_pair) else np.zeros(0, dtype=bool)
        out.append(Value(round(float(t.s_minutes[mask].sum()) / 60, 4), ctx.pair_count(pairs), int(mask.sum())))
    return out


def _nth_session(ctx: Context, n: int) -> Ints:
    t = ctx.table
    first = np.searchsorted(t.s_pair, np.arange(t.size))
    count = np.bincount(t.s_pair, minlength=t.size)
    at = np.minimum(first + n - 1, max(len(t.s_date) - 1, 0))
    return np.where(count >= n, t.s_date[at] if len(t.s_date) else NEVER, NEVER)


def _pair_share(ctx: Context, params: Params, days: Sequence[int], reached: Ints,
                counted: Bools | None = None) -> list[Value]:
    """Share of approved (and ``counted``) pairs whose event date in ``reached`` has come by each day."""
    out = []
    for day in days:
        pairs = ctx.approved(params, day) & (True if counted is None else counted)
        n, m = int(pairs.sum()), int((pairs & (reached <= day)).sum())
        out.append(_ratio(m, n, ctx.pair_count(pairs), n + m))
    return out


def pairs_with_3_sessions_share(ctx: Context, params: Params, days: Sequence[int]) -> list[Value]:
    return _pair_share(ctx, params, days, _nth_session(ctx, int(params.get("sessions", 3))))


def _pair_records(ctx: Context, params: Params,
                  rows: list[tuple[int, int, float, str]]) -> list[tuple[int, float, int]]:
    """(date, value, person) of check-in records, filtered by the role and cohort params."""
    role = params.get("role")
    keep = ctx.cohort_of(params, ctx.pair_cohort).tolist()
    mentees = [login_key(f.pair.mentee) for f in ctx.pairs]
    return [(day, value, ctx.index.get(author, -1)) for pair, day, value, author in rows
            if keep[pair] and (role is None or (role == "mentee") == (author == mentees[pair]))]


def _record_means(records: list[tuple[int, float, int]], days: Sequence[int]) -> list[Value]:
    records.sort()
    when = _ints([r[0] for r in records])
    values = np.asarray([r[1] for r in records], dtype=float)
    # people who contributed by each date: count each person at their first record
    firsts = np.sort(_ints(list({p: d for d, _, p in reversed(records)}.values())))
    out = []
    for day in days:
        n = int(np.searchsorted(when, day, side="right"))
        out.append(_mean(values[:n], int(np.searchsorted(firsts, day, side="right"))))
    return out


def average_rating(ctx: Context, params: Params, days: Sequence[int]) -> list[Value]:
    rows = [(i, c.date.toordinal(), float(c.rating), login_key(c.author)) for i, f in enumerate(ctx.pairs)
            for c in f.checkins if c.held and c.rating is not None]
    return _record_means(_pair_records(ctx, params, rows), days)


def first_session_fit_rate(ctx: Context, params: Params, days: Sequence[int]) -> list[Value]:
    rows = [(i, c.date.toordinal(), float(bool(c.good_fit)), login_key(c.author)) for i, f in enumerate(ctx.pairs)
            for c in first_fit_answers(f, dt.date.max)]
    return _record_means(_pair_records(ctx, params, rows), days)


def would_continue_share(ctx: Context, params: Params, days: Sequence[int]) -> list[Value]:
    sel = ctx.people_sel(params)
    rows = [(r.date.toordinal(), float(bool(r.answers[str(params["question"])])), ctx.index[login_key(r.respondent)])
            for r in ctx.data.responses
            if r.survey == params["survey"] and isinstance(r.answers.get(str(params["question"])), bool)
            and login_key(r.respondent) in ctx.index and sel[ctx.index[login_key(r.respondent)]]]
    return _record_means(rows, days)


def skills_covered_share(ctx: Context, params: Params, days: Sequence[int]) -> list[Value]:
    pair_of, covered_on = [], []
    for i, f in enumerate(ctx.pairs):
        for skill in sorted(set(f.wanted)):
            dates = [s.date.toordinal() for s in f.sessions for c in s.checkins if c.held and skill in c.topics]
            pair_of.append(i)
            covered_on.append(min(dates, default=NEVER))
    owner, covered = _ints(pair_of), _ints(covered_on)
    out = []
    for day in days:
        pairs = ctx.approved(params, day)
        wanted = pairs[owner] if len(owner) else np.zeros(0, dtype=bool)
        n, m = int(wanted.sum()), int((wanted & (covered <= day)).sum())
        out.append(_ratio(m, n, ctx.pair_count(pairs & (np.bincount(owner, minlength=len(pairs)) > 0)), n + m))
    return out


def _both_sides_progressed(ctx: Context, i: int, level: int) -> int | None:
    """Date by which both sides reported a goal at ``level`` or beyond; None if a side has no goals."""
    f = ctx.pairs[i]
    people = [ctx.data.participants[j] if j >= 0 else None for j in ctx.pair_people[i]]
    if any(p is None or not p.goals for p in people):
        return None
    dates = []
    for p in people:
        assert p is not None
        mine = {g.id for g in p.goals}
        reached = [c.date.toordinal() for c in f.checkins for goal, step in c.goals
                   if goal in mine and GOAL_RANK[step] >= level]
        dates.append(min(reached, default=NEVER))
    return max(dates)


def goal_progress_share(ctx: Context, params: Params, days: Sequence[int]) -> list[Value]:
    level = GOAL_RANK[str(params.get("at_least", "progressing"))]
    both = [_both_sides_progressed(ctx, i, level) for i in range(len(ctx.pairs))]
    has_goals = np.array([b is not None for b in both], dtype=bool)
    return _pair_share(ctx, params, days, _ints([NEVER if b is None else b for b in both]), has_goals)


def _group_of(field: str) -> Callable[..., str]:
    return (lambda p: p.department) if field == "department" else (lambda p: str(p.level))


def participation_share(ctx: Context, params: Params, days: Sequence[int]) -> list[Value]:
    field, people = str(params["field"]), ctx.data.participants
    names = [_group_of(field)(p) for p in people]
    # a level group may be given by number or by name
    wanted = {str(params.get("group"))} | {str(x.level) for x in ctx.program.levels if x.name == params.get("group")}
    codes = {name: i for i, name in enumerate(sorted(set(names)))}
    group, in_group = _ints([codes[n] for n in names]), np.array([n in wanted for n in names], dtype=bool)
    base, role_sel = ctx.cohort_of(params, ctx.cohort), ctx.people_sel(params)
    out = []
    for day in days:
        present = base & (ctx.registered <= day)
        n = int((present & role_sel).sum())
        if "group" in params:
            out.append(_ratio(int((present & role_sel & in_group).sum()), n, n, n))
            continue
        groups = np.unique(group[present])
        sides = [role_sel] if "role" in params else [~ctx.mentee, ctx.mentee]
        taking_part = set(groups.tolist())
        for side in sides:
            taking_part &= set(np.unique(group[present & side]).tolist())
        out.append(_ratio(len(taking_part), len(groups), n, n))
    return out


def early_closure_rate(ctx: Context, params: Params, days: Sequence[int]) -> list[Value]:
    return _pair_share(ctx, params, days, np.where(ctx.table.early, ctx.table.ended, NEVER))


@dataclass(frozen=True, slots=True, kw_only=True)
class MetricSpec(MetricSignature):
    """A library entry: the metric's signature (see validate.kpis) and the function that computes it."""

    compute: Metric


# each metric's function; its name, unit and parameters are validate.kpis.SIGNATURES (validation checks KPIs)
_COMPUTE: Mapping[str, Metric] = {
    "registrations": registrations, "match_rate": match_rate, "time_to_match_days": time_to_match_days,
    "sessions_per_pair": sessions_per_pair, "pairs_on_track_share": pairs_on_track_share,
    "mentoring_hours": mentoring_hours, "pairs_with_3_sessions_share": pairs_with_3_sessions_share,
    "average_rating": average_rating, "first_session_fit_rate": first_session_fit_rate,
    "would_continue_share": would_continue_share, "skills_covered_share": skills_covered_share,
    "goal_progress_share": goal_progress_share, "participation_share": participation_share,
    "early_closure_rate": early_closure_rate,
}
METRICS: Mapping[str, MetricSpec] = {s.name: MetricSpec(name=s.name, unit=s.unit, params=s.params, required=s.required,
                                                        sensitive=s.sensitive, description=s.description,
                                                        compute=_COMPUTE[s.name]) for s in SIGNATURES}


def evaluate(ctx: Context, kpi: Kpi, days: Sequence[int]) -> list[Value]:
    """The KPI's metric at each ordinal date in ``days``."""
    return METRICS[kpi.metric].compute(ctx, kpi.params, days)


