"""What each person should hear on a date, and what the program announces. Pure.

``plan(data, as_of, site_url)`` returns the messages due on ``as_of``: private ones to a
person (you have been matched, a session is due, a survey is due, your pair has been
silent, your profile misses what matching needs) and program-wide announcements
(registration opens, a cohort starts, match results are published). Each message has a
stable ``key`` naming the event it is about, not the day it is computed, so that the
sent-log (rmcode.io.delivery) sends each one once however often and on whichever days the
job runs. Events are looked for in the ``WINDOW_DAYS`` up to ``as_of``, so a job that
missed a day catches up.

Private messages may name the partner (the pair knows each other); announcements name
nobody.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ..formats.ical import pair_token
from ..layout import login_key
from ..model import Cohort, Participant, Program, ProgramData
from ..progress.nudge import build_nudge
from ..progress.pairs import PairProgress, progress_of
from ..site.pair import calendars

WINDOW_DAYS = 7
SESSION_NOTICE_DAYS = 2  # remind this many days before a session is due
SURVEY_NOTICE_DAYS = 7
Channel = Literal["email", "announce"]


@dataclass(frozen=True, slots=True)
class Message:
    key: str
    channel: Channel
    to: str  # a login for email; "announcements" for the chat webhooks
    subject: str
    body: str
    attachment: tuple[str, bytes] | None = None  # (file name, content): the pair's session series


@dataclass(frozen=True, slots=True)
class _Ctx:
    data: ProgramData
    on: dt.date
    site_url: str | None
    people: Mapping[str, Participant]

    def pair_link(self, pair_id: str) -> str:
        """The pair's page, with the id in the fragment: the page fills in the forms, the server never sees it."""
        if self.site_url:
            return f"{self.site_url.rstrip('/')}/pairs/{pair_token(self.data.program.id, pair_id)}.html#pair={pair_id}"
        return "the Pairs page of the program site"

    def name(self, login: str) -> str:
        person = self.people.get(login_key(login))
        return person.name if person is not None else login

    def recent(self, day: dt.date | None) -> bool:
        return day is not None and self.on - dt.timedelta(days=WINDOW_DAYS) < day <= self.on

    def active(self, login: str) -> bool:
        person = self.people.get(login_key(login))
        return person is not None and not person.is_paused(self.on)


def _sides(p: PairProgress) -> tuple[tuple[str, str], tuple[str, str]]:
    return (p.pair.mentor, p.pair.mentee), (p.pair.mentee, p.pair.mentor)


def _matched(ctx: _Ctx, p: PairProgress) -> list[Message]:
    if p.pair.status != "active" or not ctx.recent(p.pair.matched):
        return []
    program = ctx.data.program
    series = calendars(ctx.data, ctx.on, {p.pair.id}, lambda pid: ctx.pair_link(pid) if ctx.site_url else None)
    invite = ("mentoring-sessions.ics", series[f"calendar/{p.pair.id}.ics"])
    out = []
    for me, other in _sides(p):
        role = "mentor" if other == p.pair.mentor else "mentee"
        out.append(Message(
            f"matched:{p.pair.id}:{login_key(me)}", "email", me, f"{program.name}: you have been matched",
            f"Hello {ctx.name(me)},\n\nyou have been matched in {program.name}: your {role} is {ctx.name(other)}.\n"
            f"Your pair id is {p.pair.id}. The pair's page has the milestones, a calendar of your sessions and "
            f"the button to log a session: {ctx.pair_link(p.pair.id)}\n\nThe program asks for "
            f"{program.commitment.sessions} sessions of at least {program.commitment.minutes} minutes, one every "
            f"{program.commitment.cadence_days} days. Please get in touch with each other this week.\n"
            "The attached calendar file holds a series of sessions at the first weekly time you are both free "
            "and your milestones; move any of them as you agree.\n", invite))
    return out


def _session_due(ctx: _Ctx, p: PairProgress) -> list[Message]:
    due = p.next_due
    if due is None or not 0 <= (due - ctx.on).days <= SESSION_NOTICE_DAYS or p.status == "stalled":
        return []
    return [Message(f"session-due:{p.pair.id}:{due}:{login_key(me)}", "email", me,
                    f"{ctx.data.program.name}: your next session is due on {due}",
                    f"Hello {ctx.name(me)},\n\nyour next mentoring session with {ctx.name(other)} is due on {due} "
                    f"({p.sessions_held} of {p.sessions_committed} sessions held so far). After you meet, log it: "
                    f"{ctx.pair_link(p.pair.id)}\n") for me, other in _sides(p)]


def _survey_due(ctx: _Ctx, p: PairProgress) -> list[Message]:
    program = ctx.data.program
    out = []
    for m in program.milestones:
        state = next((s for s in p.milestones if s.id == m.id), None)
        survey = program.survey(m.survey) if m.survey else None
        if survey is None or state is None or not 0 <= (state.due - ctx.on).days <= SURVEY_NOTICE_DAYS:
            continue
        answered = {login_key(r.respondent) for r in ctx.data.responses
                    if r.survey == survey.id and r.pair in (None, p.pair.id)}
        for me, _other in _sides(p):
            person = ctx.people.get(login_key(me))
            if person is None or person.role not in survey.roles or login_key(me) in answered:
                continue
            out.append(Message(f"survey-due:{p.pair.id}:{m.id}:{login_key(me)}", "email", me,
                               f"{program.name}: please answer “{survey.name}” by {state.due}",
                               f"Hello {ctx.name(me)},\n\nthe survey “{survey.name}” is due on {state.due} "
                               f"(milestone: {m.name}). Your answers go to the program team only.\n"
                               f"Your pair's page: "
                               f"{ctx.pair_link(p.pair.id)}\n"))
    return out


def _silent(ctx: _Ctx, p: PairProgress) -> list[Message]:
    limit = ctx.data.program.commitment.inactivity_days
    days = p.days_without_session
    if p.status != "stalled" or days is None or days < limit:
        return []
    week = (days - limit) // 7  # one reminder when the limit is reached, then one a week
    since = p.last_session.isoformat() if p.last_session else "start"
    return [Message(f"silent:{p.pair.id}:{since}:{week}:{login_key(me)}", "email", me,
                    f"{ctx.data.program.name}: no session for {days} days",
                    f"Hello {ctx.name(me)},\n\nyour pair with {ctx.name(other)} has had no session for {days} days "
                    f"(the program counts a pair as stalled after {limit}). Could you find a time this week? If "
                    f"something is in the way, the program team can help: "
                    f"{_contact(ctx.data.program)}.\nYour pair's page: {ctx.pair_link(p.pair.id)}\n")
            for me, other in _sides(p)]


def _contact(program: Program) -> str:
    return program.contact.get("email") or program.contact.get("name") or "the program team"


def _profiles(ctx: _Ctx) -> list[Message]:
    week = ctx.on.isocalendar()
    out = []
    for n in build_nudge(ctx.data, ctx.on).people:
        if n.kind != "incomplete-profile":
            continue
        out.append(Message(f"incomplete-profile:{login_key(n.login)}:{week.year}-{week.week}", "email", n.login,
                           f"{ctx.data.program.name}: please complete your profile",
                           f"Hello {ctx.name(n.login)},\n\nmatching works better when your profile has "
                           f"{', '.join(n.missing)}. Edit participants/{n.login}.yaml, use the Join form, or "
                           "run `rmcode register --force`.\n"))
    return out


PAIR_MESSAGES: tuple[Callable[[_Ctx, PairProgress], list[Message]], ...] = (_matched, _session_due, _survey_due,
                                                                             _silent)


def _announcements(ctx: _Ctx) -> list[Message]:
    program = ctx.data.program
    out = []
    for c in sorted(program.cohorts, key=lambda c: (c.start, c.id)):
        if ctx.recent(c.registration_opens):
            out.append(Message(f"announce:registration-opens:{c.id}", "announce", "announcements",
                               f"Registration for {c.name} is open",
                               f"Registration for {program.name}, {c.name}, is open until {c.registration_closes}. "
                               f"Mentoring runs from {c.start} to {c.end}.{_site(ctx, 'join.html')}"))
        if ctx.recent(c.start):
            out.append(Message(f"announce:cohort-starts:{c.id}", "announce", "announcements", f"{c.name} starts",
                               f"{program.name}: {c.name} starts today ({c.start}) and runs to {c.end}."
                               f"{_site(ctx, 'pairs.html')}"))
        out += _results(ctx, c)
    return out


def _results(ctx: _Ctx, c: Cohort) -> list[Message]:
    days = sorted(p.matched for p in ctx.data.pairs
                  if p.cohort == c.id and p.status == "active" and p.matched is not None and ctx.recent(p.matched))
    if not days:
        return []
    last = days[-1]
    count = sum(p.cohort == c.id and p.status == "active" and p.matched is not None and p.matched <= last
                for p in ctx.data.pairs)
    return [Message(f"announce:results:{c.id}:{last}", "announce", "announcements",
                    f"{c.name}: match results published",
                    f"{ctx.data.program.name}: the match results of {c.name} are published ({count} pairs). "
                    f"Everyone matched has been told privately who their partner is.{_site(ctx, 'pairs.html')}")]


def _site(ctx: _Ctx, page: str) -> str:
    return f" More: {ctx.site_url.rstrip('/')}/{page}" if ctx.site_url else ""


def plan(data: ProgramData, as_of: dt.date, site_url: str | None = None,
         progress: Sequence[PairProgress] | None = None) -> list[Message]:
    """Every message due on ``as_of``, announcements first, then by recipient and key (deterministic)."""
    ctx = _Ctx(data, as_of, site_url, data.by_login())
    personal: list[Message] = []
    for p in progress_of(data, as_of) if progress is None else progress:
        personal += [m for fn in PAIR_MESSAGES for m in fn(ctx, p) if ctx.active(m.to)]
    personal += [m for m in _profiles(ctx) if ctx.active(m.to)]
    return _announcements(ctx) + sorted(personal, key=lambda m: (login_key(m.to), m.key))
