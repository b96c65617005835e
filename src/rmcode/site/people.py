"""What the site may show about people and pairs: public profiles, pair rows, public breakdowns.

Everything here applies the privacy rules before a template sees any data: a field
reaches a page only when ``Participant.visibility_of(field, public_fields)`` is
"public"; a person is named in a pair only when their name is public; logins never
appear (they identify a person on GitHub even when the name is hidden).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..formats.ical import pair_token
from ..layout import login_key
from ..model import BREAKDOWN_KEYS, HELD_PAIR, Pair, Participant, ProgramData
from ..report.model import PairReport

STATUS_LABELS: Mapping[str, str] = {
    "proposed": "Proposed", "on-track": "On track", "behind": "Behind", "stalled": "Stalled",
    "completed": "Completed", "ended-early": "Ended early",
}
ROLE_LABELS: Mapping[str, str] = {"mentor": "Mentor", "mentee": "Mentee"}
_ANONYMOUS = {"mentor": "a mentor", "mentee": "a mentee"}


@dataclass(frozen=True, slots=True)
class Profile:
    """The public part of one participant, ready for the directory."""

    name: str
    named: bool
    role: str
    cohort: str
    title: str
    level: str
    department: str
    location: str
    timezone: str
    languages: tuple[str, ...]
    offered: tuple[str, ...]
    wanted: tuple[str, ...]
    skill_ids: tuple[str, ...]
    goals: tuple[str, ...]
    bio: str
    mentoring: int


@dataclass(frozen=True, slots=True)
class Directory:
    profiles: tuple[Profile, ...]
    unlisted: int
    total: int


@dataclass(frozen=True, slots=True)
class PairRow:
    """One pair on the pairs page: names only where public, never private content."""

    number: int
    token: str  # names the pair's page (the pair id spells logins, which never reach the site)
    cohort: str
    mentor: str
    mentee: str
    status: str
    status_label: str
    percent: int
    held: int
    expected: int
    committed: int
    last_session: str
    next_due: str


def is_public(person: Participant, field: str, data: ProgramData) -> bool:
    return person.visibility_of(field, data.program.privacy.public_fields) == "public"


def public_name(person: Participant | None, data: ProgramData) -> str | None:
    return person.name if person is not None and is_public(person, "name", data) else None


def directory(data: ProgramData) -> Directory:
    """Public profiles, mentors first (crediting them is one of the program's aims), then by name."""
    counts = mentee_counts(data)
    profiles = [_profile(p, data, counts.get(p.key, 0)) for p in data.participants]
    listed = sorted((p for p in profiles if p is not None),
                    key=lambda p: (p.role != "mentor", not p.named, p.name.casefold(), p.name))
    return Directory(tuple(listed), len(profiles) - len(listed), len(profiles))


def mentee_counts(data: ProgramData) -> dict[str, int]:
    """How many mentees each mentor has in approved pairs (login key -> count)."""
    return dict(Counter(login_key(p.mentor) for p in data.pairs if p.status in HELD_PAIR))


def _profile(person: Participant, data: ProgramData, mentoring: int) -> Profile | None:
    shown = {f for f in person.visibility if is_public(person, f, data)}
    if not shown:
        return None
    program = data.program

    def text(field: str, value: str) -> str:
        return value if field in shown else ""

    def skills(field: str, ids: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_skill_name(data, s) for s in ids) if field in shown else ()
    offered, wanted = skills("skills_offered", person.skills_offered), skills("skills_wanted", person.skills_wanted)
    ids = (person.skills_offered if "skills_offered" in shown else ()) + (
        person.skills_wanted if "skills_wanted" in shown else ())
    return Profile(
        name=person.name if "name" in shown else _ANONYMOUS[person.role].capitalize(), named="name" in shown,
        role=person.role, cohort=_cohort_name(data, person.cohort), title=text("title", person.title),
        level=program.level_name(person.level) if "level" in shown else "",
        department=text("department", person.department), location=text("location", person.location),
        timezone=text("timezone", person.timezone),
        languages=person.languages if "languages" in shown else (), offered=offered, wanted=wanted,
        skill_ids=tuple(sorted(set(ids))), goals=tuple(g.text for g in person.goals) if "goals" in shown else (),
        bio=text("bio", person.bio), mentoring=mentoring if person.role == "mentor" else 0,
    )


def _skill_name(data: ProgramData, sid: str) -> str:
    skill = data.program.skill(sid)
    return skill.name if skill else sid


def _cohort_name(data: ProgramData, cid: str) -> str:
    cohort = data.program.cohort(cid)
    return cohort.name if cohort else cid


def pair_rows(data: ProgramData, report_pairs: Sequence[PairReport]) -> list[PairRow]:
    """The report's pairs as page rows, numbered in report order (sorted by pair id)."""
    people = data.by_login()
    rows = []
    for number, rp in enumerate(report_pairs, 1):
        rows.append(PairRow(
            number=number, token=pair_token(data.program.id, rp.id), cohort=_cohort_name(data, rp.cohort),
            mentor=public_name(people.get(login_key(rp.mentor)), data) or _ANONYMOUS["mentor"],
            mentee=public_name(people.get(login_key(rp.mentee)), data) or _ANONYMOUS["mentee"],
            status=rp.status, status_label=STATUS_LABELS.get(rp.status, rp.status),
            percent=round(100 * max(0.0, min(1.0, rp.progress))),
            held=rp.sessions_held, expected=rp.sessions_expected, committed=rp.sessions_committed,
            last_session=rp.last_session.isoformat() if rp.last_session else "",
            next_due=rp.next_due.isoformat() if rp.next_due else ""))
    return rows


@dataclass(frozen=True, slots=True)
class ScoredPair:
    mentor: str
    mentee: str
    score: float
    parts: tuple[float, ...]


def public_breakdowns(data: ProgramData) -> list[ScoredPair]:
    """Score breakdowns of approved pairs whose mentor and mentee both made their name public."""
    people = data.by_login()
    rows = []
    for pair in sorted(data.pairs, key=lambda p: p.id):
        mentor, mentee = (public_name(people.get(login_key(x)), data) for x in (pair.mentor, pair.mentee))
        if mentor and mentee and pair.score is not None and pair.status != "proposed":
            rows.append(ScoredPair(mentor, mentee, float(pair.score), _parts(pair)))
    return rows


def _parts(pair: Pair) -> tuple[float, ...]:
    return tuple(float(pair.breakdown.get(k, 0.0)) for k in BREAKDOWN_KEYS)


def mean_breakdown(data: ProgramData) -> tuple[int, tuple[float, ...]]:
    """Number of scored pairs and their mean contribution per criterion."""
    scored = [p for p in data.pairs if p.score is not None]
    if not scored:
        return 0, tuple(0.0 for _ in BREAKDOWN_KEYS)
    sums = [sum(_parts(p)[i] for p in scored) for i in range(len(BREAKDOWN_KEYS))]
    return len(scored), tuple(s / len(scored) for s in sums)


def credited_mentors(profiles: tuple[Profile, ...]) -> list[str]:
    """Names of mentors who made their name public, for the thank-you line on the home page."""
    return [p.name for p in profiles if p.role == "mentor" and p.named]
