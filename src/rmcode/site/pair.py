"""A page and a calendar per pair, and the program calendar. Pure.

``pair_files(data, report, as_of, settings, render)`` returns ``{path: text}`` for
``pairs/<token>.md``, ``calendar/<token>.ics`` and ``calendar/program.ics``. A page shows
what a pair needs to run the program without Git: the partners as far as each made their
name public, the public goals with their ids, milestones with the due dates
rmcode.progress.pairs counts, sessions against the commitment, the next session due, a
calendar of the milestones, and a "Log a session" button per partner.

Privacy: a pair id spells both partners' GitHub logins, and logins never reach the site
(they identify a person whose name is hidden). So a page is named by
:func:`rmcode.formats.ical.pair_token`, and the pair id reaches the page only in the reader's
browser: from the link in the private "you have been matched" e-mail (``#pair=<id>``) or
typed into the "Find your pair" box. The site's script checks the id against the page's
token, shows it, and prefills the buttons with the pair id, the author and the reader's
today (the site is static and built deterministically). The session series, which tells
when the partners are free and where the mentee lives, goes only to the pair (e-mail,
``rmcode calendar``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TypedDict

from ..formats.escape import url_path
from ..formats.ical import pair_calendar, pair_token, program_calendar
from ..layout import login_key
from ..model import Participant, Program, ProgramData
from ..progress.pairs import PairProgress, pair_facts, progress_of
from ..report.model import Report
from ..validate.sealed import sealed_fields
from .config import SiteSettings
from .join import checkin_template
from .people import STATUS_LABELS, is_public, public_name

Render = Callable[[str, str, Mapping[str, object]], str]  # (template, title, context) -> page text
PROGRAM_ICS = "calendar/program.ics"
# placeholders the site's script replaces in the check-in template of the GitHub link
PAIR, AUTHOR, DATE = "rmcode-pair-id", "rmcode-author", "2000-01-01"


@dataclass(frozen=True, slots=True)
class Partner:
    role: str
    name: str
    named: bool
    goals: tuple[tuple[str, str], ...]  # (id, text), only when the person made goals public


class PairContext(TypedDict):
    """What pair.md.j2 reads."""

    program: Program
    token: str
    as_of: str
    partners: list[Partner]
    cohort: str
    status: str
    status_label: str
    held: int
    expected: int
    committed: int
    percent: int
    last_session: str
    next_due: str
    overdue: bool
    milestones: list[tuple[str, str, str, bool, bool]]  # id, name, due, done, overdue
    cadence: int
    minutes: int
    ics: str
    github_base: str | None
    github_template: str
    placeholders: dict[str, str]


def page_path(token: str) -> str:
    return f"pairs/{token}.md"


def ics_path(name: str) -> str:
    return f"calendar/{name}.ics"


def _partner(role: str, person: Participant | None, data: ProgramData) -> Partner:
    name = public_name(person, data)
    goals: tuple[tuple[str, str], ...] = ()
    if person is not None and is_public(person, "goals", data):
        goals = tuple((g.id, g.text) for g in person.goals)
    return Partner(role, name or f"the {role}", name is not None, goals)


def github_template(data: ProgramData, settings: SiteSettings) -> tuple[str | None, str]:
    """(GitHub new-file URL base, check-in text) with placeholders for the pair, the author and the date."""
    base = settings.repo_url()
    if base is None:
        return None, ""
    text = checkin_template(PAIR, AUTHOR, dt.date.fromisoformat(DATE), data.program)
    if data.program.sealing.recipients:
        # sealed fields (rating, fit, notes...) cannot be typed in plain text into a GitHub file: leave them out
        sealed = sealed_fields(data.program, "checkin")
        text = "".join(line for line in text.splitlines(keepends=True) if line.split(":", 1)[0] not in sealed)
    return f"{base}/new/{url_path(settings.branch)}", text


def _context(data: ProgramData, p: PairProgress, on: dt.date, settings: SiteSettings,
             people: Mapping[str, Participant]) -> PairContext:
    pair = p.pair
    cohort = data.program.cohort(pair.cohort)
    base, template = github_template(data, settings)
    token = pair_token(data.program.id, pair.id)
    return {
        "program": data.program, "token": token, "as_of": on.isoformat(),
        "partners": [_partner("mentor", people.get(login_key(pair.mentor)), data),
                     _partner("mentee", people.get(login_key(pair.mentee)), data)],
        "cohort": cohort.name if cohort else pair.cohort, "status": p.status,
        "status_label": STATUS_LABELS.get(p.status, p.status), "held": p.sessions_held,
        "expected": p.sessions_expected, "committed": p.sessions_committed,
        "percent": round(100 * max(0.0, min(1.0, p.progress))),
        "last_session": p.last_session.isoformat() if p.last_session else "",
        "next_due": p.next_due.isoformat() if p.next_due else "",
        "overdue": p.next_due is not None and p.next_due < on,
        "milestones": [(m.id, m.name, m.due.isoformat(), m.done, not m.done and m.due < on) for m in p.milestones],
        "cadence": data.program.commitment.cadence_days, "minutes": data.program.commitment.minutes,
        "ics": f"{token}.ics", "github_base": base,
        "github_template": json.dumps(template),  # one line: attribute values lose newlines
        "placeholders": {"pair": PAIR, "author": AUTHOR, "date": DATE},
    }


def _names(p: PairProgress, people: Mapping[str, Participant], data: ProgramData, private: bool) -> tuple[str, str]:
    """The partners' names for a calendar: all of them for the pair itself, else only public ones."""
    out = []
    for role, login in (("mentor", p.pair.mentor), ("mentee", p.pair.mentee)):
        person = people.get(login_key(login))
        name = person.name if private and person is not None else public_name(person, data)
        out.append(name or f"your {role}")
    return out[0], out[1]


def calendars(data: ProgramData, on: dt.date, pairs: Collection[str] | None = None,
              page_url: Callable[[str], str | None] = lambda _pair: None, private: bool = True,
              name: Callable[[str], str] = lambda pair_id: pair_id) -> dict[str, bytes]:
    """``calendar/program.ics`` and ``calendar/<name>.ics`` per pair (of ``pairs``, when given).

    ``private`` adds each pair's session series (for the pair and admins only, never the site).
    """
    people = data.by_login()
    facts = pair_facts(data)
    spans = {f.pair.id: (f.start, f.end) for f in facts}
    files = {PROGRAM_ICS: program_calendar(data.program, on)}
    for p in progress_of(data, on, facts):
        if pairs is not None and p.pair.id not in pairs:
            continue
        mentor, mentee = (people.get(login_key(p.pair.mentor)), people.get(login_key(p.pair.mentee))) if private \
            else (None, None)
        files[ics_path(name(p.pair.id))] = pair_calendar(data.program, p, mentor, mentee,
                                                         _names(p, people, data, private), *spans[p.pair.id], on,
                                                         page_url(p.pair.id))
    return files


def pair_files(data: ProgramData, report: Report, on: dt.date, settings: SiteSettings,
               render: Render) -> dict[PurePosixPath, str]:
    """Every pair's page and public calendar (milestones), and the program calendar."""
    people = data.by_login()
    shown = {rp.id for rp in report.pairs}
    public = calendars(data, on, shown, private=False, name=lambda pair_id: pair_token(data.program.id, pair_id))
    files = {PurePosixPath(path): text.decode() for path, text in public.items()}
    for p in progress_of(data, on):
        if p.pair.id in shown:
            context = _context(data, p, on, settings, people)
            files[PurePosixPath(page_path(context["token"]))] = render("pair.md.j2", "Your pair", context)
    return files
