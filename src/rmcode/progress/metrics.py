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

from ..errors import Problem
from ..layout import login_key
from ..model import Kpi, Program, ProgramData
from ..validate.rules import suggest
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
GOAL_RANK = {"started": 1, "progressing": 2, "achieved": 3}


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
        self.pair_people = _ints([[self.index.get(login_key(f.pair.mentor), -1), self.index.get(login_key(f.pair.mentee), -1)]
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
    good, open_ = [CODE["on-track"], CODE["completed"]], [CODE["on-track"], CODE["behind"], CODE["stalled"], CODE["completed"]]
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


def _pair_records(ctx: Context, params: Params, rows: list[tuple[int, int, float, str]]) -> list[tuple[int, float, int]]:
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


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """A library entry: the function, its unit, its parameters and whether its inputs are private.

    ``sensitive`` metrics aggregate answers nobody sees per person (ratings, survey
    answers, goal progress, group membership); their published series only move when
    enough new records arrived to hide each one (see privacy.hold_series).
    """

    name: str
    compute: Metric
    unit: str
    params: Mapping[str, tuple[str, ...] | None]  # allowed values; None = free, "#" prefix = number
    required: tuple[str, ...] = ()
    sensitive: bool = False
    description: str = ""


_ROLE = ("mentor", "mentee")
_PEOPLE: Mapping[str, tuple[str, ...] | None] = {"role": _ROLE, "cohort": None}
_PAIRS: Mapping[str, tuple[str, ...] | None] = {"cohort": None}
_SPECS = (
    MetricSpec("registrations", registrations, "count", _PEOPLE, description="People registered."),
    MetricSpec("match_rate", match_rate, "share", _PEOPLE, description="Matched people / eligible people."),
    MetricSpec("time_to_match_days", time_to_match_days, "days", _PEOPLE, sensitive=True,
               description="Mean days from registration to the first approved pair."),
    MetricSpec("sessions_per_pair", sessions_per_pair, "sessions", _PAIRS,
               description="Sessions held / approved pairs."),
    MetricSpec("pairs_on_track_share", pairs_on_track_share, "share", _PAIRS,
               description="On-track or completed pairs / open pairs."),
    MetricSpec("mentoring_hours", mentoring_hours, "hours", _PAIRS, description="Hours of sessions held."),
    MetricSpec("pairs_with_3_sessions_share", pairs_with_3_sessions_share, "share", {**_PAIRS, "sessions": ("#",)},
               description="Pairs with at least 3 sessions / approved pairs."),
    MetricSpec("average_rating", average_rating, "rating", _PEOPLE, sensitive=True,
               description="Mean session rating (1-5)."),
    MetricSpec("first_session_fit_rate", first_session_fit_rate, "share", _PEOPLE, sensitive=True,
               description="First-session 'good fit' answers that said yes."),
    MetricSpec("would_continue_share", would_continue_share, "share", {"survey": None, "question": None, **_PEOPLE},
               ("survey", "question"), True, "Yes answers / answers to a yes-no survey question."),
    MetricSpec("skills_covered_share", skills_covered_share, "share", _PAIRS,
               description="Mentees' wanted skills covered in sessions / wanted skills."),
    MetricSpec("goal_progress_share", goal_progress_share, "share", {**_PAIRS, "at_least": tuple(GOAL_RANK)},
               sensitive=True, description="Pairs where both sides progressed on a goal / pairs where both have goals."),
    MetricSpec("participation_share", participation_share, "share",
               {"field": ("department", "level"), "group": None, **_PEOPLE}, ("field",), True,
               "Share of participants in a group, or of groups taking part on both sides."),
    MetricSpec("early_closure_rate", early_closure_rate, "share", _PAIRS,
               description="Pairs ended early / approved pairs."),
)
METRICS: Mapping[str, MetricSpec] = {spec.name: spec for spec in _SPECS}


def evaluate(ctx: Context, kpi: Kpi, days: Sequence[int]) -> list[Value]:
    """The KPI's metric at each ordinal date in ``days``."""
    return METRICS[kpi.metric].compute(ctx, kpi.params, days)


def kpi_problems(program: Program) -> list[Problem]:
    """Unknown metrics (RM328) and parameters a metric does not know, lacks or cannot use (RM332)."""
    out = []
    for i, kpi in enumerate(program.kpis):
        spec = METRICS.get(kpi.metric)
        if spec is None:
            out.append(Problem(program.source.path, program.source.line, 1, "RM328",
                               f"kpi {kpi.id}: unknown metric '{kpi.metric}'",
                               suggest(kpi.metric, METRICS) or "use one of: " + ", ".join(sorted(METRICS)),
                               f"/kpis/{i}/metric"))
            continue
        for message, hint, where in _param_problems(program, kpi, spec):
            out.append(Problem(program.source.path, program.source.line, 1, "RM332", f"kpi {kpi.id}: {message}",
                               hint, f"/kpis/{i}/params{where}"))
    return out


def _param_problems(program: Program, kpi: Kpi, spec: MetricSpec) -> list[tuple[str, str, str]]:
    known = ", ".join(sorted(spec.params)) or "none"
    out = [(f"{spec.name} needs the parameter '{name}'", f"add params: {{{name}: ...}}", "")
           for name in spec.required if name not in kpi.params]
    allowed = {**spec.params, "cohort": tuple(c.id for c in program.cohorts)}
    for name, value in sorted(kpi.params.items()):
        choices = allowed[name] if name in spec.params else "unknown"
        if choices == "unknown":
            out.append((f"{spec.name} has no parameter '{name}'", f"parameters: {known}", f"/{name}"))
        elif choices == ("#",):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 1 or value != int(value):
                out.append((f"{name} must be a whole number of at least 1, not {value!r}", "", f"/{name}"))
        elif choices is not None and value not in choices:
            out.append((f"{name} must be one of {', '.join(choices)}, not {value!r}", "", f"/{name}"))
    if spec.name == "would_continue_share" and "survey" in kpi.params and "question" in kpi.params:
        survey = program.survey(str(kpi.params["survey"]))
        question = survey.question(str(kpi.params["question"])) if survey else None
        if survey is None:
            out.append((f"unknown survey '{kpi.params['survey']}'", "use a survey id from surveys", "/survey"))
        elif question is None or question.type != "yes-no":
            out.append((f"survey {survey.id} has no yes-no question '{kpi.params['question']}'",
                        "use the id of a yes-no question", "/question"))
    return out
