"""The weekly nudge: pairs behind or stalled, profiles incomplete or unmatched for two weeks.

Pure: program data and a date in, a Nudge (and its Markdown) out. The nudge workflow
keeps one issue with this text. An issue is readable by everyone with access to the
repository, so it carries counts only: no login, no pair id, no reason a person is
unmatched (a reason can name a management-chain conflict), no private flag. The people
concerned hear about it privately from ``rmcode notify``, which reuses ``build_nudge``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, cast

from ..layout import login_key
from ..model import Participant, ProgramData
from .flags import Flag, find_flags, missing
from .pairs import PairProgress, pair_facts, progress_of

NUDGED_STATUSES = ("stalled", "behind")
PERSON_FLAGS = ("incomplete-profile", "unmatched")  # the only flags public enough for an issue
MARKER = "<!-- rmcode nudge: written by `rmcode nudge`, replaced every week -->"
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

    Pairs come from rmcode.progress.pairs (stalled, behind), people from the admin flags
    ``incomplete-profile`` and ``unmatched``; no other flag (concerns, ratings) is used.
    """
    facts = pair_facts(data)
    progress = progress_of(data, as_of, facts)
    pairs = sorted((_pair(p) for p in progress if p.status in NUDGED_STATUSES),
                   key=lambda n: (NUDGED_STATUSES.index(n.status), n.pair))
    people = data.by_login()
    # people on a pause are not reminded of anything until it ends
    found = [_person(flag, people[login_key(flag.login)]) for flag in find_flags(data, as_of, facts, progress)
             if flag.kind in PERSON_FLAGS and flag.login and login_key(flag.login) in people
             and not people[login_key(flag.login)].is_paused(as_of)]
    commitment = data.program.commitment
    return Nudge(as_of, commitment.inactivity_days, commitment.cadence_days, tuple(pairs),
                 tuple(sorted(found, key=lambda n: (PERSON_FLAGS.index(n.kind), login_key(n.login)))))


def _pair(p: PairProgress) -> PairNudge:
    return PairNudge(p.pair.id, cast(PairState, p.status), p.pair.mentor, p.pair.mentee, p.sessions_held,
                     p.sessions_expected, p.last_session, p.days_without_session or 0)


def _person(flag: Flag, person: Participant) -> PersonNudge:
    lacks = tuple(need.words for need in missing(person))
    kind = cast(Literal["incomplete-profile", "unmatched"], flag.kind)
    return PersonNudge(person.login, kind, person.role, person.cohort, lacks, flag.message)


COUNTS: tuple[tuple[str, str, Callable[[Nudge], int]], ...] = (
    ("stalled_pairs", "Stalled pairs (no session for {inactivity} days or more)",
     lambda n: sum(p.status == "stalled" for p in n.pairs)),
    ("pairs_behind", "Pairs behind schedule (the program expects a session every {cadence} days)",
     lambda n: sum(p.status == "behind" for p in n.pairs)),
    ("profiles_to_complete", "Profiles to complete (matching works better with them filled in)",
     lambda n: sum(p.kind == "incomplete-profile" for p in n.people)),
    ("waiting_for_a_match", "People waiting for a match for two weeks or more",
     lambda n: sum(p.kind == "unmatched" for p in n.people)),
)
FOOTER = ("Everyone concerned hears about it privately (`rmcode notify`); this issue names nobody. Log a session "
          "from your pair's page on the program site, with the *Log a mentoring session* issue form or `rmcode "
          "log`; edit your profile with the *Join the mentoring program* form or `rmcode register --force`. "
          "This issue is updated every week.")


def counts(nudge: Nudge) -> dict[str, int]:
    """The only numbers the public issue carries."""
    return {key: pick(nudge) for key, _, pick in COUNTS}


def render_md(nudge: Nudge) -> str:
    """The nudge issue body: counts only. Who is behind is said to them in private, never in an issue."""
    lines = [MARKER, f"## Mentoring: what needs attention (as of {nudge.as_of})", ""]
    numbers = counts(nudge)
    if not any(numbers.values()):
        lines += ["Nothing needs attention this week: every pair is on track and every profile is complete.", ""]
    else:
        lines += [f"- {label.format(inactivity=nudge.inactivity_days, cadence=nudge.cadence_days)}: {numbers[key]}"
                  for key, label, _ in COUNTS] + [""]
    return "\n".join([*lines, FOOTER]) + "\n"


def render_json(nudge: Nudge) -> str:
    return json.dumps({"as_of": nudge.as_of.isoformat(), "counts": counts(nudge)}, indent=2) + "\n"


RENDERERS: Mapping[str, Callable[[Nudge], str]] = {"md": render_md, "json": render_json}
