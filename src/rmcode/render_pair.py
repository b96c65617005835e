"""A page and a calendar per pair, and the program calendar. Pure.

``pair_files(data, report, as_of, settings, render)`` returns ``{path: text}`` for
``pairs/<pair-id>.md``, ``calendar/<pair-id>.ics`` and ``calendar/program.ics``. A page
shows what the pair needs to run the program without Git: its id (what the logging form
asks for), the partners as far as each made their name public, the public goals with
their ids, milestones with the due dates rmcode.progress counts, sessions against the
commitment, the next session due, a calendar, and a "Log a session" button per partner.

The buttons carry the build's as-of date; the site's script replaces it with the
reader's today (the site is static and built deterministically).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from .ical import pair_calendar, program_calendar, shared_slot
from .model import Participant, ProgramData
from .progress import PairProgress, pair_facts, progress_of
from .render_join import SiteSettings, checkin_template
from .render_people import STATUS_LABELS, is_public, public_name

Render = Callable[[str, str, Mapping[str, Any]], str]  # (template, title, context) -> page text
PROGRAM_ICS = "calendar/program.ics"


@dataclass(frozen=True, slots=True)
class Partner:
    role: str
    name: str
    named: bool
    login: str
    goals: tuple[tuple[str, str], ...]  # (id, text), only when the person made goals public
    log_url: str
    github_url: str | None


def page_path(pair_id: str) -> str:
    return f"pairs/{pair_id}.md"


def ics_path(pair_id: str) -> str:
    return f"calendar/{pair_id}.ics"


def log_url(pair_id: str, author: str, on: dt.date) -> str:
    """The log-a-session page, prefilled through its query (logins and dates need no escaping)."""
    return f"../log-session.html?pair={pair_id}&author={author}&date={on.isoformat()}"


def _partner(role: str, login: str, person: Participant | None, data: ProgramData, pair_id: str,
             on: dt.date, settings: SiteSettings) -> Partner:
    name = public_name(person, data)
    goals: tuple[tuple[str, str], ...] = ()
    if person is not None and is_public(person, "goals", data):
        goals = tuple((g.id, g.text) for g in person.goals)
    text = checkin_template(pair_id, login, on, data.program)
    github = settings.new_file_url(f"checkins/{pair_id}/{on.isoformat()}-{login}.yaml", text)
    return Partner(role, name or f"the {role}", name is not None, login, goals, log_url(pair_id, login, on), github)


def _context(data: ProgramData, p: PairProgress, on: dt.date, settings: SiteSettings,
             people: Mapping[str, Participant]) -> dict[str, Any]:
    pair = p.pair
    mentor, mentee = people.get(pair.mentor.lower()), people.get(pair.mentee.lower())
    partners = [_partner("mentor", pair.mentor, mentor, data, pair.id, on, settings),
                _partner("mentee", pair.mentee, mentee, data, pair.id, on, settings)]
    cohort = data.program.cohort(pair.cohort)
    slot = shared_slot(mentor, mentee, max(on, cohort.start) if cohort else on,
                       data.program.commitment.minutes) if mentor and mentee else None
    return {
        "program": data.program, "pair": pair, "as_of": on.isoformat(), "partners": partners,
        "cohort": cohort.name if cohort else pair.cohort, "status": p.status,
        "status_label": STATUS_LABELS.get(p.status, p.status), "held": p.sessions_held,
        "expected": p.sessions_expected, "committed": p.sessions_committed,
        "percent": round(100 * max(0.0, min(1.0, p.progress))),
        "last_session": p.last_session.isoformat() if p.last_session else "",
        "next_due": p.next_due.isoformat() if p.next_due else "",
        "overdue": p.next_due is not None and p.next_due < on,
        "milestones": [(m.id, m.name, m.due.isoformat(), m.done, not m.done and m.due < on) for m in p.milestones],
        "cadence": data.program.commitment.cadence_days, "minutes": data.program.commitment.minutes,
        "slot": slot.label() if slot else "", "ics": ics_path(pair.id).removeprefix("calendar/"),
    }


def _shown_names(p: PairProgress, people: Mapping[str, Participant], data: ProgramData) -> tuple[str, str]:
    out = []
    for role, login in (("mentor", p.pair.mentor), ("mentee", p.pair.mentee)):
        out.append(public_name(people.get(login.lower()), data) or f"your {role}")
    return out[0], out[1]


def calendars(data: ProgramData, on: dt.date, pairs: Collection[str] | None = None,
              page_url: Callable[[str], str | None] = lambda _pair: None) -> dict[str, bytes]:
    """``calendar/program.ics`` and ``calendar/<pair-id>.ics`` per pair (of ``pairs``, when given)."""
    people = data.by_login()
    facts = pair_facts(data)
    spans = {f.pair.id: (f.start, f.end) for f in facts}
    files = {PROGRAM_ICS: program_calendar(data.program, on)}
    for p in progress_of(data, on, facts):
        if pairs is not None and p.pair.id not in pairs:
            continue
        mentor, mentee = people.get(p.pair.mentor.lower()), people.get(p.pair.mentee.lower())
        files[ics_path(p.pair.id)] = pair_calendar(data.program, p, mentor, mentee, _shown_names(p, people, data),
                                                   *spans[p.pair.id], on, page_url(p.pair.id))
    return files


def pair_files(data: ProgramData, report: Mapping[str, Any], on: dt.date, settings: SiteSettings,
               render: Render) -> dict[PurePosixPath, str]:
    """Every pair's page and calendar, and the program calendar."""
    people = data.by_login()
    shown = {str(rp["id"]) for rp in report["pairs"]}
    files = {PurePosixPath(path): text.decode() for path, text in calendars(data, on, shown).items()}
    for p in progress_of(data, on):
        if p.pair.id in shown:
            context = _context(data, p, on, settings, people)
            files[PurePosixPath(page_path(p.pair.id))] = render("pair.md.j2", f"Pair {p.pair.id}", context)
    return files
