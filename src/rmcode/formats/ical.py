"""Calendars (RFC 5545) built with the icalendar library: one per pair and one for the program. Pure.

A pair's calendar holds a recurring series of sessions, every ``commitment.cadence_days``
days at the first weekly slot both partners are free, written in the mentee's time zone
(a ``TZID`` plus its ``VTIMEZONE``, so the meeting stays at the same wall-clock time
across daylight-saving changes) and ending with the cohort; plus the pair's milestones,
due on the days rmcode.progress.pairs counts. The program calendar holds every cohort's
registration window, start and end and the milestone and survey due dates.

Output is deterministic: UIDs come from program, cohort, pair and milestone ids, DTSTAMP
from the as-of date, and events are written in a fixed order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

from ..model import DAYS, OPEN_PAIR, Cohort, Participant, Program
from ..progress.pairs import PairProgress

PRODID = "-//rmcode//reverse mentoring program as code//EN"
SLOT_MINUTES = 30
_SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES


@dataclass(frozen=True, slots=True)
class Slot:
    """A weekly meeting time in one time zone: weekday (0 = Monday) and minutes after midnight."""

    weekday: int
    minute: int
    zone: str

    def label(self) -> str:
        return f"{DAYS[self.weekday]} {self.minute // 60:02d}:{self.minute % 60:02d} ({self.zone})"


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _local_slots(person: Participant) -> set[int]:
    """Weekly availability as half-hour slots of the person's own week (Monday 00:00 = 0)."""
    out: set[int] = set()
    for entry in person.availability:
        day, span = entry.split(" ")
        start, end = (int(t[:2]) * 2 + int(t[3:]) // 30 for t in span.split("-"))
        out.update(DAYS.index(day) * _SLOTS_PER_DAY + s for s in range(start, end))
    return out


def shared_slot(mentor: Participant, mentee: Participant, on: dt.date, minutes: int) -> Slot | None:
    """The first weekly slot, in the mentee's week, when both are free (on date ``on``).

    Prefers the first slot that starts a shared stretch long enough for a whole session;
    otherwise the first shared slot; otherwise the mentee's first free slot. None when the
    mentee gave no availability or no usable time zone.
    """
    if _zone(mentee.timezone) is None:
        return None
    week = 7 * _SLOTS_PER_DAY
    shift = round((mentee.utc_offset_hours(on) - mentor.utc_offset_hours(on)) * 2)
    mine = _local_slots(mentee)
    theirs = {(s + shift) % week for s in _local_slots(mentor)}  # the mentor's slots on the mentee's clock
    shared = sorted(mine & theirs)
    need = max(1, -(-minutes // SLOT_MINUTES))
    long_enough = [s for s in shared if all((s + k) % week in theirs and (s + k) % week in mine for k in range(need))]
    candidates = long_enough or shared or sorted(mine)
    if not candidates:
        return None
    pick = candidates[0]
    return Slot(pick // _SLOTS_PER_DAY, (pick % _SLOTS_PER_DAY) * SLOT_MINUTES, mentee.timezone)


def _stamp(as_of: dt.date) -> dt.datetime:
    return dt.datetime.combine(as_of, dt.time(0), dt.UTC)


def _calendar(name: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    return cal


def _all_day(uid: str, summary: str, first: dt.date, last: dt.date, stamp: dt.datetime,
             description: str = "") -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", first)
    event.add("dtend", min(last, dt.date.max - dt.timedelta(days=1)) + dt.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    if description:
        event.add("description", description)
    return event


def first_session(slot: Slot, start: dt.date) -> dt.datetime:
    """The first meeting on or after ``start`` at ``slot``, in the slot's time zone."""
    day = start + dt.timedelta(days=(slot.weekday - start.weekday()) % 7)
    return dt.datetime.combine(day, dt.time(slot.minute // 60, slot.minute % 60), ZoneInfo(slot.zone))


def session_series(uid: str, summary: str, slot: Slot, start: dt.date, end: dt.date, cadence_days: int,
                   minutes: int, stamp: dt.datetime, description: str = "") -> icalendar.Event | None:
    """A recurring event every ``cadence_days`` from the first ``slot`` on or after ``start`` to ``end``."""
    first = first_session(slot, start)
    if first.date() > end:
        return None
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", first)
    event.add("dtend", first + dt.timedelta(minutes=minutes))
    # UNTIL is in UTC when DTSTART has a TZID (RFC 5545 3.3.10): the last minute of the end day
    last = dt.datetime.combine(end, dt.time(23, 59, 59), ZoneInfo(slot.zone)).astimezone(dt.UTC)
    weekly = cadence_days % 7 == 0
    event.add("rrule", {"freq": "weekly" if weekly else "daily",
                        "interval": cadence_days // 7 if weekly else cadence_days, "until": last})
    if description:
        event.add("description", description)
    return event


def _finish(cal: icalendar.Calendar, zones: Iterable[str], first: dt.date, last: dt.date) -> bytes:
    for name in sorted(set(zones)):
        cal.add_component(icalendar.Timezone.from_tzid(name, first_date=first, last_date=last))
    return bytes(cal.to_ical())


def _safe_years(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    # VTIMEZONE transitions for the span of the events (a year either side, inside date's range)
    return first.replace(year=max(1, first.year - 1), month=1, day=1), last.replace(
        year=min(9998, last.year + 1), month=12, day=31)


def pair_token(program_id: str, pair_id: str) -> str:
    """A stable name for a pair on the public site that does not spell its partners' logins."""
    return hashlib.sha256(f"{program_id}:{pair_id}".encode()).hexdigest()[:16]


def pair_calendar(program: Program, progress: PairProgress, mentor: Participant | None, mentee: Participant | None,
                  names: tuple[str, str], start: dt.date, end: dt.date, as_of: dt.date,
                  page_url: str | None = None) -> bytes:
    """The pair's iCalendar file: the session series (when both partners are given) and its milestones.

    The series reveals when the partners are free and the mentee's time zone, so it is
    only for the pair itself (their e-mail, `rmcode calendar`); the public site passes no
    partners and gets the milestones alone. ``names`` are what the events may say;
    ``start``/``end`` are the pair's mentoring phase as rmcode.progress.pairs counts it. UIDs
    use :func:`pair_token`, never the pair id (it spells the logins).
    """
    pair = progress.pair
    uid = pair_token(program.id, pair.id)
    cal = _calendar(f"{program.name}: mentoring sessions")
    stamp = _stamp(as_of)
    zones: list[str] = []
    link = f"\nPair page: {page_url}" if page_url else ""
    if mentor is not None and mentee is not None and pair.status in OPEN_PAIR:
        slot = shared_slot(mentor, mentee, start, program.commitment.minutes)
        if slot is not None:
            event = session_series(
                f"{uid}.sessions@{program.id}.rmcode", f"Mentoring session: {names[0]} and {names[1]}", slot,
                start, end, program.commitment.cadence_days, program.commitment.minutes, stamp,
                f"Reverse mentoring session ({program.commitment.minutes} minutes). After it, log it on your "
                f"pair's page.{link}")
            if event is not None:
                cal.add_component(event)
                zones.append(slot.zone)
    for m in progress.milestones:
        cal.add_component(_all_day(f"{uid}.milestone.{m.id}@{program.id}.rmcode", f"Milestone due: {m.name}",
                                   m.due, m.due, stamp))
    return _finish(cal, zones, *_safe_years(start, end))


def program_events(program: Program) -> list[tuple[str, str, dt.date, dt.date, str]]:
    """(uid, summary, first day, last day, description) of every program date, cohorts by start."""
    out = []
    for c in sorted(program.cohorts, key=lambda c: (c.start, c.id)):
        out += [(f"{c.id}.registration", f"{c.name}: registration open", c.registration_opens,
                 c.registration_closes, "Register to take part in this cohort."),
                (f"{c.id}.start", f"{c.name} starts", c.start, c.start, "The mentoring phase begins."),
                (f"{c.id}.end", f"{c.name} ends", c.end, c.end, "The mentoring phase ends.")]
        out += [_milestone_event(program, c, m.id, m.name, m.day, m.at_end, m.survey) for m in program.milestones]
    return out


def milestone_due(cohort: Cohort, day: int | None, at_end: bool, base: dt.date | None = None) -> dt.date:
    """When a milestone is due: at the cohort's end, or ``day`` days after the match (default: cohort start)."""
    if at_end or day is None:
        return cohort.end
    start = base or cohort.start
    return dt.date.fromordinal(min(start.toordinal() + day, dt.date.max.toordinal()))


def _milestone_event(program: Program, c: Cohort, mid: str, name: str, day: int | None, at_end: bool,
                     survey: str | None) -> tuple[str, str, dt.date, dt.date, str]:
    due = milestone_due(c, day, at_end)
    found = program.survey(survey) if survey else None
    what = f"{c.name}: {'survey due' if found else 'milestone due'}: {name}"
    note = ("Due at the end of the cohort." if at_end or day is None else
            f"Due {day} days after a pair is matched; this date is for pairs matched when the cohort starts.")
    if found:
        note += f" Answer the survey “{found.name}”."
    return (f"{c.id}.milestone.{mid}", what, due, due, note)


def program_calendar(program: Program, as_of: dt.date) -> bytes:
    """Registration windows, cohort starts and ends, milestone and survey due dates."""
    cal = _calendar(f"{program.name}: program dates")
    stamp = _stamp(as_of)
    for uid, summary, first, last, note in program_events(program):
        cal.add_component(_all_day(f"{uid}@{program.id}.rmcode", summary, first, last, stamp, note))
    return _finish(cal, (), as_of, as_of)


