"""Flags for program admins: pairs and people that need attention, with the evidence. Pure.

Flags quote private text (concern notes) and name people; they only ever go to
``rmcode report --private``, never to the site or a public export.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..layout import login_key, same_login
from ..model import OPEN_PAIR, CheckIn, Participant, ProgramData, Source
from .pairs import PairFacts, PairProgress, first_fit_answers

LOW_RATING = 2  # ratings at or below this are low
WARN_DAYS = 7  # warn this many days before a pair counts as stalled
GRACE_DAYS = 14  # incomplete or unmatched for this long


@dataclass(frozen=True, slots=True)
class Flag:
    kind: str
    pair: str | None
    login: str | None
    message: str
    evidence: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class FlagContext:
    data: ProgramData
    as_of: dt.date
    facts: Sequence[PairFacts]
    progress: Mapping[str, PairProgress]


def _checkins(ctx: FlagContext) -> Iterable[CheckIn]:
    return (c for f in ctx.facts for c in f.checkins if c.date <= ctx.as_of)


def concern(ctx: FlagContext) -> Iterable[Flag]:
    for c in _checkins(ctx):
        if c.concern_level is not None:
            yield Flag("concern", c.pair, c.author, f"{c.author} raised a {c.concern_level} concern on {c.date}: "
                       f"{c.concern_note}", (c.at("concern"),))


def low_ratings(ctx: FlagContext) -> Iterable[Flag]:
    for f in ctx.facts:
        for side in (f.pair.mentor, f.pair.mentee):
            rated = [c for c in f.checkins if same_login(c.author, side) and c.rating is not None
                     and c.date <= ctx.as_of]
            runs = [(a, b) for a, b in itertools.pairwise(rated)
                    if (a.rating or 0) <= LOW_RATING and (b.rating or 0) <= LOW_RATING]
            if runs:
                a, b = runs[-1]
                yield Flag("low-ratings", f.pair.id, a.author, f"{a.author} rated two sessions in a row "
                           f"{a.rating} and {b.rating} ({a.date} and {b.date})", (a.at("rating"), b.at("rating")))


def not_a_fit(ctx: FlagContext) -> Iterable[Flag]:
    for f in ctx.facts:
        for c in first_fit_answers(f, ctx.as_of):
            if c.good_fit is False:
                yield Flag("not-a-fit", f.pair.id, c.author,
                           f"{c.author} marked the first session on {c.date} as not a good fit", (c.at("good_fit"),))


def no_show(ctx: FlagContext) -> Iterable[Flag]:
    for c in _checkins(ctx):
        if not c.held:
            yield Flag("no-show", c.pair, c.author,
                       f"{c.author} logged that the session of {c.date} did not take place",
                       (c.at("held"),))


def unconfirmed(ctx: FlagContext) -> Iterable[Flag]:
    for f in ctx.facts:
        logged = {side: [c for c in f.checkins if c.held and same_login(c.author, side) and c.date <= ctx.as_of]
                  for side in (f.pair.mentor, f.pair.mentee)}
        for side, other in ((f.pair.mentor, f.pair.mentee), (f.pair.mentee, f.pair.mentor)):
            if len(logged[side]) >= 2 and not any(same_login(c.author, other) and c.date <= ctx.as_of
                                                  for c in f.checkins):
                yield Flag("unconfirmed", f.pair.id, side, f"{side} logged {len(logged[side])} sessions that "
                           f"{other} never confirmed", tuple(c.source for c in logged[side]))


def _pair_evidence(f: PairFacts, p: PairProgress) -> tuple[Source, ...]:
    return (f.pair.source, *(c.source for s in f.sessions if s.date == p.last_session for c in s.checkins))


def inactivity(ctx: FlagContext) -> Iterable[Flag]:
    for f in ctx.facts:
        p = ctx.progress[f.pair.id]
        days, limit = p.days_without_session, f.commitment.inactivity_days
        if days is None:
            continue
        if p.status == "stalled":
            yield Flag("stalled", f.pair.id, None, f"no session for {days} days (the limit is {limit})",
                       _pair_evidence(f, p))
        elif p.status in ("on-track", "behind") and limit - WARN_DAYS <= days < limit:
            yield Flag("inactive-soon", f.pair.id, None, f"{days} days without a session; stalled after {limit}",
                       _pair_evidence(f, p))


@dataclass(frozen=True, slots=True)
class Need:
    """Something a profile needs for matching: its field, how people call it, and whether a person lacks it."""

    field: str
    words: str
    lacks: Callable[[Participant], bool]


# the one incomplete-profile rule: the admin flag names the fields, the nudge and reminders the words
PROFILE_NEEDS: tuple[Need, ...] = (
    Need("skills_offered", "skills offered", lambda p: p.role == "mentor" and not p.skills_offered),
    Need("skills_wanted", "skills wanted", lambda p: p.role == "mentee" and not p.skills_wanted),
    Need("availability", "weekly availability", lambda p: not p.availability),
    Need("goals", "goals", lambda p: not p.goals),
)


def missing(p: Participant) -> list[Need]:
    """What ``p``'s profile lacks for matching (empty: complete)."""
    return [need for need in PROFILE_NEEDS if need.lacks(p)]


def _open_cohort(ctx: FlagContext, p: Participant) -> bool:
    cohort = ctx.data.program.cohort(p.cohort)
    return cohort is not None and ctx.as_of <= cohort.end


def incomplete_profile(ctx: FlagContext) -> Iterable[Flag]:
    for p in ctx.data.participants:
        days = (ctx.as_of - p.registered).days
        lacks = missing(p)
        if lacks and days >= GRACE_DAYS and _open_cohort(ctx, p):
            yield Flag("incomplete-profile", None, p.login, f"profile incomplete for {days} days: no "
                       + ", ".join(need.field for need in lacks), (p.source,))


def unmatched(ctx: FlagContext) -> Iterable[Flag]:
    reasons = {login_key(u.login): u.reason for u in ctx.data.unmatched}
    since: dict[str, dt.date] = {}
    paired: set[str] = set()
    for f in ctx.facts:
        for login in (login_key(f.pair.mentor), login_key(f.pair.mentee)):
            if ctx.progress[f.pair.id].status == "ended-early" and f.ended_on is not None:
                since[login] = max(since.get(login, f.ended_on), f.ended_on)
            else:
                paired.add(login)
    for p in ctx.data.participants:
        cohort = ctx.data.program.cohort(p.cohort)
        if p.key in paired or p.is_paused(ctx.as_of) or cohort is None or not _open_cohort(ctx, p):
            continue
        # nobody is matched before registration closes, so the clock starts then
        start = max(p.registered, cohort.registration_closes, since.get(p.key, p.registered))
        days = (ctx.as_of - start).days
        if days >= GRACE_DAYS:
            reason = f": {reasons[p.key]}" if p.key in reasons else ""
            yield Flag("unmatched", None, p.login, f"unmatched for {days} days{reason}", (p.source,))


def left_company(ctx: FlagContext) -> Iterable[Flag]:
    """Participants the HR roster no longer lists, with their open pairs (to end)."""
    roster = ctx.data.roster
    if roster is None:
        return
    for p in ctx.data.participants:
        if roster.person(p.login) is None:
            open_pairs = [x.id for x in ctx.data.pairs
                          if x.status in OPEN_PAIR and p.key in (login_key(x.mentor), login_key(x.mentee))]
            ending = f"; end their open pairs: {', '.join(open_pairs)}" if open_pairs else ""
            yield Flag("left-company", None, p.login, f"not in the HR roster (roster.csv): they may have left{ending}",
                       (p.source,))


RULES: Mapping[str, Callable[[FlagContext], Iterable[Flag]]] = {
    "concern": concern, "low-ratings": low_ratings, "not-a-fit": not_a_fit, "no-show": no_show,
    "unconfirmed": unconfirmed, "inactivity": inactivity, "incomplete-profile": incomplete_profile,
    "unmatched": unmatched, "left-company": left_company,
}
KINDS = ("concern", "low-ratings", "not-a-fit", "no-show", "unconfirmed", "stalled", "inactive-soon",
         "incomplete-profile", "unmatched", "left-company")


def find_flags(data: ProgramData, as_of: dt.date, facts: Sequence[PairFacts],
               progress: Sequence[PairProgress]) -> list[Flag]:
    """Every flag as of ``as_of``, sorted by kind, pair, login."""
    known = {p.pair.id: p for p in progress}
    ctx = FlagContext(data, as_of, [f for f in facts if f.pair.id in known], known)
    flags = [flag for rule in RULES.values() for flag in rule(ctx)]
    return sorted(flags, key=lambda x: (KINDS.index(x.kind), x.pair or "", login_key(x.login or ""), x.message))
