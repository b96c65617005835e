"""The weekly nudge: pairs behind or stalled, profiles incomplete or unmatched for two weeks.

Pure: program data and a date in, a Nudge (and its Markdown) out. The nudge workflow
keeps one issue with this text, and the @mentions reach the people concerned. It never
carries private flags (concerns, ratings, notes): an issue is readable by everyone with
access to the repository.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal, cast

from .escape import gfm_text
from .flags import Flag, find_flags
from .model import Participant, ProgramData
from .progress import PairProgress, pair_facts, progress_of

NUDGED_STATUSES = ("stalled", "behind")
PERSON_FLAGS = ("incomplete-profile", "unmatched")  # the only flags public enough for an issue
MARKER = "<!-- rmcode nudge: written by `rmcode nudge`, replaced every week -->"
# what a profile needs for matching, as people would say it (the check itself is flags.incomplete_profile)
NEEDED: tuple[tuple[str, Callable[[Participant], bool]], ...] = (
    ("skills offered", lambda p: p.role == "mentor" and not p.skills_offered),
    ("skills wanted", lambda p: p.role == "mentee" and not p.skills_wanted),
    ("weekly availability", lambda p: not p.availability),
    ("goals", lambda p: not p.goals),
)
PairState = Literal["stalled", "behind"]


@dataclass(frozen=True, slots=True)
class PairNudge:
    pair: str
    status: PairState
    mentor: str
    mentee: str
    held: int
    expected: int
    last_session: dt.date | None
    days_without_session: int


@dataclass(frozen=True, slots=True)
class PersonNudge:
    login: str
    kind: Literal["incomplete-profile", "unmatched"]
    role: str
    cohort: str
    missing: tuple[str, ...] = ()
    message: str = ""


@dataclass(frozen=True, slots=True)
class Nudge:
    as_of: dt.date
    inactivity_days: int
    cadence_days: int
    pairs: tuple[PairNudge, ...]
    people: tuple[PersonNudge, ...]


def build_nudge(data: ProgramData, as_of: dt.date) -> Nudge:
    """Who needs a reminder on ``as_of``, by the same rules as the admin report.

    Pairs come from rmcode.progress (stalled, behind), people from the admin flags
    ``incomplete-profile`` and ``unmatched``; no other flag (concerns, ratings) is used.
    """
    facts = pair_facts(data)
    progress = progress_of(data, as_of, facts)
    pairs = sorted((_pair(p) for p in progress if p.status in NUDGED_STATUSES),
                   key=lambda n: (NUDGED_STATUSES.index(n.status), n.pair))
    people = data.by_login()
    # people on a pause are not reminded of anything until it ends
    found = [_person(flag, people[flag.login.lower()]) for flag in find_flags(data, as_of, facts, progress)
             if flag.kind in PERSON_FLAGS and flag.login and flag.login.lower() in people
             and not people[flag.login.lower()].is_paused(as_of)]
    commitment = data.program.commitment
    return Nudge(as_of, commitment.inactivity_days, commitment.cadence_days, tuple(pairs),
                 tuple(sorted(found, key=lambda n: (PERSON_FLAGS.index(n.kind), n.login.lower()))))


def _pair(p: PairProgress) -> PairNudge:
    return PairNudge(p.pair.id, cast(PairState, p.status), p.pair.mentor, p.pair.mentee, p.sessions_held,
                     p.sessions_expected, p.last_session, p.days_without_session or 0)


def _person(flag: Flag, person: Participant) -> PersonNudge:
    missing = tuple(word for word, lacks in NEEDED if lacks(person))
    kind = cast(Literal["incomplete-profile", "unmatched"], flag.kind)
    return PersonNudge(person.login, kind, person.role, person.cohort, missing, flag.message)


def _days(days: int) -> str:
    return f"{days} day{'s' * (days != 1)}"


def _pair_line(n: PairNudge) -> str:
    who = f"@{n.mentor} and @{n.mentee}"
    if n.status == "stalled":
        last = f"last session on {n.last_session}" if n.last_session else "no session yet"
        return f"- `{n.pair}`: {who}, {last} ({_days(n.days_without_session)} without a session)"
    return f"- `{n.pair}`: {who}, {n.held} of the {n.expected} sessions due by now"


def _person_line(n: PersonNudge) -> str:
    who = f"- @{n.login} ({n.role}, cohort `{n.cohort}`)"
    if n.kind == "incomplete-profile":
        return f"{who}: please add {', '.join(n.missing)}"
    return f"{who}: {_inline(n.message)}"


def _inline(text: str) -> str:
    # reasons are written by `rmcode match`, but stay inert in an issue all the same
    return gfm_text(text, 300)


_SECTIONS: tuple[tuple[str, str, Callable[[Nudge], list[Any]]], ...] = (
    ("Stalled pairs", "No session for {inactivity} days or more. Meet, then log the session.",
     lambda n: [p for p in n.pairs if p.status == "stalled"]),
    ("Pairs behind schedule", "The program expects a session every {cadence} days.",
     lambda n: [p for p in n.pairs if p.status == "behind"]),
    ("Profiles to complete", "Matching works better with these fields filled in.",
     lambda n: [p for p in n.people if p.kind == "incomplete-profile"]),
    ("Waiting for a match for two weeks or more",
     ("A program admin will look at these; adding skills, goals or availability to your profile can help."),
     lambda n: [p for p in n.people if p.kind == "unmatched"]),
)
FOOTER = ("Log a session with the *Log a mentoring session* issue form or `rmcode log`; edit your profile "
          "in `participants/<your-login>.yaml`, with the *Join the mentoring program* form, or `rmcode register "
          "--force`. This issue is updated every week.")


def render_md(nudge: Nudge) -> str:
    """The nudge issue body, Markdown with @mentions."""
    lines = [MARKER, f"## Mentoring: what needs attention (as of {nudge.as_of})", ""]
    empty = True
    for title, intro, pick in _SECTIONS:
        items = pick(nudge)
        if not items:
            continue
        empty = False
        lines += [f"### {title} ({len(items)})", "",
                  intro.format(inactivity=nudge.inactivity_days, cadence=nudge.cadence_days), ""]
        lines += [_pair_line(i) if isinstance(i, PairNudge) else _person_line(i) for i in items] + [""]
    if empty:
        lines += ["Nothing needs attention this week: every pair is on track and every profile is complete.", ""]
    return "\n".join([*lines, FOOTER]) + "\n"


def render_json(nudge: Nudge) -> str:
    return json.dumps(asdict(nudge), indent=2, default=str, ensure_ascii=False) + "\n"


RENDERERS: Mapping[str, Callable[[Nudge], str]] = {"md": render_md, "json": render_json}
