"""Progress per pair as of a date: sessions held and expected, status, milestones. Pure.

A *session* is one date of a pair on which at least one side logged a check-in with
``held: true``; logged by both sides it is *confirmed*, by one side only *unconfirmed*.
Status is computed for every pair at once with numpy (``snapshot``), because the KPI
series ask for it at every week of the program; the per-pair view (``progress_of``)
reads the same snapshot, so there is a single definition of each status.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from ..layout import login_key
from ..model import (
    CLOSED_PAIR,
    CheckIn,
    Commitment,
    Pair,
    Participant,
    Program,
    ProgramData,
    SurveyResponse,
)

Status = Literal["proposed", "on-track", "behind", "stalled", "completed", "ended-early"]
STATUSES: tuple[Status, ...] = ("proposed", "on-track", "behind", "stalled", "completed", "ended-early")
CODE: Mapping[Status, int] = {name: i for i, name in enumerate(STATUSES)}
NEVER = 1 << 40  # an ordinal date later than any real one
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Session:
    """One date on which a pair met."""

    date: dt.date
    minutes: int
    confirmed: bool
    checkins: tuple[CheckIn, ...]


@dataclass(frozen=True, slots=True)
class PairFacts:
    """Everything about a pair that does not depend on the as-of date."""

    pair: Pair
    start: dt.date
    end: dt.date
    approved_on: dt.date | None  # None while only proposed
    ended_on: dt.date | None  # set for completed and ended pairs
    commitment: Commitment
    sessions: tuple[Session, ...]
    checkins: tuple[CheckIn, ...]
    wanted: tuple[str, ...]

    @property
    def known_on(self) -> dt.date | None:
        """The first day the pair existed, as far as matches.yaml says."""
        return self.pair.proposed or self.pair.matched

    def held_by(self, on: dt.date) -> tuple[Session, ...]:
        return tuple(s for s in self.sessions if s.date <= on)


@dataclass(frozen=True, slots=True)
class MilestoneState:
    id: str
    name: str
    due: dt.date
    done: bool


@dataclass(frozen=True, slots=True)
class SessionCounts:
    """A pair's status and sessions as of a date: what the progress and the report's pair both say."""

    status: Status
    sessions_held: int
    sessions_confirmed: int
    sessions_unconfirmed: int
    sessions_expected: int
    sessions_committed: int
    progress: float
    last_session: dt.date | None
    next_due: dt.date | None


@dataclass(frozen=True, slots=True)
class PairProgress(SessionCounts):
    """A pair's progress as of a date."""

    pair: Pair
    days_without_session: int | None
    minutes: int
    topics_covered: tuple[str, ...]
    wanted_covered: int
    wanted_total: int
    milestones: tuple[MilestoneState, ...]
    rating_mentor: float | None
    rating_mentee: float | None
    first_session_fit: bool | None


def _sessions(checkins: Sequence[CheckIn], pair: Pair) -> tuple[Session, ...]:
    """Check-ins (sorted by date) grouped into sessions; a date counts if one side says it was held."""
    by_date: dict[dt.date, list[CheckIn]] = defaultdict(list)
    for c in checkins:
        by_date[c.date].append(c)
    sides = {login_key(pair.mentor), login_key(pair.mentee)}
    out = []
    for day, logged in by_date.items():
        held = [c for c in logged if c.held]
        if held:
            # both sides usually log the same meeting; the longer report wins
            confirmed = len(held) > 1 and {login_key(c.author) for c in held} >= sides
            out.append(Session(day, max(c.minutes for c in held), confirmed, tuple(logged)))
    return tuple(out)


def pair_facts(data: ProgramData) -> tuple[PairFacts, ...]:
    """The as-of-independent facts of every pair whose cohort exists, sorted by pair id."""
    program, people = data.program, data.by_login()
    by_pair: dict[str, list[CheckIn]] = defaultdict(list)
    for c in data.checkins:
        by_pair[c.pair].append(c)
    out = []
    for pair in sorted(data.pairs, key=lambda p: p.id):
        cohort = program.cohort(pair.cohort)
        if cohort is None:
            continue
        approved = None if pair.status == "proposed" else (pair.matched or pair.proposed or cohort.start)
        checkins = tuple(sorted(by_pair.get(pair.id, ()), key=lambda c: (c.date, login_key(c.author))))
        sessions = _sessions(checkins, pair)
        ended = None
        if pair.status in CLOSED_PAIR:
            # without a date the pair ended at the latest after its last session
            ended = pair.ended or (sessions[-1].date if sessions else approved)
        mentee = people.get(login_key(pair.mentee))
        out.append(PairFacts(pair, max(cohort.start, approved or cohort.start), cohort.end, approved, ended,
                             program.commitment, sessions, checkins, mentee.skills_wanted if mentee else ()))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class PairTable:
    """Pair facts as numpy columns (ordinal dates), for status at many dates at once."""

    start: Ints
    end: Ints
    approved: Ints  # NEVER while proposed
    ended: Ints  # NEVER while open
    early: npt.NDArray[np.bool_]  # ended before completing
    completed: npt.NDArray[np.bool_]
    committed: Ints
    cadence: Ints
    inactivity: Ints
    s_pair: Ints  # sessions, sorted by pair then date
    s_date: Ints
    s_minutes: Ints

    @property
    def size(self) -> int:
        return len(self.start)


def _ints(values: Sequence[int]) -> Ints:
    return np.asarray(values, dtype=np.int64)


def _ord(day: dt.date | None) -> int:
    return NEVER if day is None else day.toordinal()


def pair_table(facts: Sequence[PairFacts]) -> PairTable:
    sessions = [(i, s.date.toordinal(), s.minutes) for i, f in enumerate(facts) for s in f.sessions]
    s_pair, s_date, s_minutes = (_ints(col) for col in zip(*sessions)) if sessions else (_ints([]),) * 3
    return PairTable(
        start=_ints([f.start.toordinal() for f in facts]), end=_ints([f.end.toordinal() for f in facts]),
        approved=_ints([_ord(f.approved_on) for f in facts]), ended=_ints([_ord(f.ended_on) for f in facts]),
        early=np.array([f.pair.status == "ended" for f in facts], dtype=bool),
        completed=np.array([f.pair.status == "completed" for f in facts], dtype=bool),
        committed=_ints([f.commitment.sessions for f in facts]),
        cadence=_ints([f.commitment.cadence_days for f in facts]),
        inactivity=_ints([f.commitment.inactivity_days for f in facts]),
        s_pair=s_pair, s_date=s_date, s_minutes=s_minutes,
    )


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Every pair's state on one date; ``last`` is -NEVER for a pair that never met."""

    held: Ints
    last: Ints
    expected: Ints
    since: Ints  # days without a session, counted up to the cohort's end
    code: Ints  # index into STATUSES
    approved: npt.NDArray[np.bool_]


def snapshot(t: PairTable, day: int) -> Snapshot:
    """Status of every pair on ordinal ``day``; the one definition of on-track/behind/stalled/completed."""
    mask = t.s_date <= day
    held = np.bincount(t.s_pair[mask], minlength=t.size).astype(np.int64)
    last = np.full(t.size, -NEVER, dtype=np.int64)
    np.maximum.at(last, t.s_pair[mask], t.s_date[mask])
    # progress freezes when the pair ends; expectations stop growing at the cohort's end
    frozen = np.minimum(day, t.ended)
    ref = np.minimum(frozen, t.end)
    approved = t.approved <= day
    expected = np.where(frozen >= t.end, t.committed, np.clip((ref - t.start) // t.cadence, 0, t.committed))
    expected = np.where(approved, expected, 0)
    since = ref - np.maximum(last, t.start)
    closed = t.ended <= day
    code = np.select(
        [~approved, t.early & closed, (t.completed & closed) | (held >= t.committed), since >= t.inactivity,
         held < expected],
        [CODE["proposed"], CODE["ended-early"], CODE["completed"], CODE["stalled"], CODE["behind"]],
        CODE["on-track"])
    return Snapshot(held, last, expected, since, code.astype(np.int64), approved)


def expected_by(f: PairFacts, on: dt.date) -> int:
    """Sessions the commitment expects by ``on``."""
    if on >= f.end:
        return f.commitment.sessions
    return max(0, min(f.commitment.sessions, (on - f.start).days // f.commitment.cadence_days))


def _after(day: dt.date, days: int) -> dt.date:
    """``day`` plus ``days``, or the last day there is: a cohort may run to 9999-12-31."""
    return dt.date.fromordinal(min(day.toordinal() + days, dt.date.max.toordinal()))


def _milestones(program: Program, f: PairFacts, responses: Sequence[SurveyResponse],
                people: Mapping[str, Participant], on: dt.date) -> tuple[MilestoneState, ...]:
    base = f.pair.matched or f.pair.proposed or f.start
    out = []
    for m in program.milestones:
        due = f.end if m.at_end or m.day is None else _after(base, m.day)
        survey = program.survey(m.survey) if m.survey else None
        if survey is not None:
            sides = [login for login in (f.pair.mentor, f.pair.mentee)
                     if (p := people.get(login_key(login))) is None or p.role in survey.roles]
            answered = {login_key(r.respondent) for r in responses
                        if r.survey == survey.id and r.date <= on and r.pair in (None, f.pair.id)}
            done = bool(sides) and all(login_key(s) in answered for s in sides)
        else:
            # a milestone without a survey is met when the pair kept pace up to its due date
            done = len(f.held_by(min(due, on))) >= max(1, expected_by(f, due))
        out.append(MilestoneState(m.id, m.name, due, done))
    return tuple(out)


def _side_ratings(f: PairFacts, on: dt.date) -> tuple[float | None, float | None]:
    out: list[float | None] = []
    for login in (login_key(f.pair.mentor), login_key(f.pair.mentee)):
        values = [c.rating for c in f.checkins
                  if login_key(c.author) == login and c.date <= on and c.rating is not None]
        out.append(round(sum(values) / len(values), 4) if values else None)
    return out[0], out[1]


def first_fit_answers(f: PairFacts, on: dt.date) -> list[CheckIn]:
    """Each side's first check-in that says whether the pair is a good fit."""
    first: dict[str, CheckIn] = {}
    for c in f.checkins:
        if c.good_fit is not None and c.date <= on:
            first.setdefault(login_key(c.author), c)
    return [first[k] for k in sorted(first)]


def _fit(f: PairFacts, on: dt.date) -> bool | None:
    answers = first_fit_answers(f, on)
    return None if not answers else all(c.good_fit for c in answers)


def progress_of(data: ProgramData, as_of: dt.date, facts: Sequence[PairFacts] | None = None,
                table: PairTable | None = None) -> tuple[PairProgress, ...]:
    """Every pair's progress as of ``as_of``, sorted by pair id (pairs proposed later are left out)."""
    facts = pair_facts(data) if facts is None else facts
    snap = snapshot(pair_table(facts) if table is None else table, as_of.toordinal())
    people = data.by_login()
    responses: dict[str, list[SurveyResponse]] = defaultdict(list)
    for r in data.responses:
        responses[login_key(r.respondent)].append(r)
    out = []
    for i, f in enumerate(facts):
        if f.known_on is not None and f.known_on > as_of:
            continue  # the pair was proposed later
        mine = responses.get(login_key(f.pair.mentor), []) + responses.get(login_key(f.pair.mentee), [])
        out.append(_one(data.program, f, snap, i, as_of, mine, people))
    return tuple(out)


def _one(program: Program, f: PairFacts, snap: Snapshot, i: int, as_of: dt.date,
         responses: Sequence[SurveyResponse], people: Mapping[str, Participant]) -> PairProgress:
    status = STATUSES[int(snap.code[i])]
    held = f.held_by(as_of)
    confirmed = sum(s.confirmed for s in held)
    topics = sorted({t for s in held for c in s.checkins if c.held for t in c.topics})
    last = held[-1].date if held else None
    next_due = None
    if status in ("on-track", "behind", "stalled") and as_of <= f.end:
        next_due = min(f.end, _after(last or f.start, f.commitment.cadence_days))
    committed = f.commitment.sessions
    mentor_rating, mentee_rating = _side_ratings(f, as_of)
    return PairProgress(
        pair=f.pair, status=status, sessions_held=len(held), sessions_confirmed=confirmed,
        sessions_unconfirmed=len(held) - confirmed, sessions_expected=int(snap.expected[i]),
        sessions_committed=committed, progress=round(min(1.0, len(held) / committed), 4),
        last_session=last, next_due=next_due,
        days_without_session=int(snap.since[i]) if status != "proposed" else None,
        minutes=sum(s.minutes for s in held), topics_covered=tuple(topics),
        wanted_covered=len(set(topics) & set(f.wanted)), wanted_total=len(set(f.wanted)),
        milestones=_milestones(program, f, responses, people, as_of),
        rating_mentor=mentor_rating, rating_mentee=mentee_rating, first_session_fit=_fit(f, as_of),
    )
