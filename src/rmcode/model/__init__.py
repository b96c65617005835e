"""The typed, immutable domain. Each type is built once, by ``from_raw``, after schema validation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..layout import login_key, same_login
from ..sealing import ARMOR_BEGIN, x25519_stanzas
from .documents import (
    CheckInDoc,
    CohortDoc,
    InviteesDoc,
    InviteQuery,
    PairDoc,
    PairStatus,
    ParticipantDoc,
    ProgramDoc,
    RegistrationDoc,
    Role,
    SealingDoc,
    SurveyDoc,
    SurveyResponseDoc,
    Visibility,
)
from .roster import HrRoster, InviteRule
from .slots import by_keywords

# the pair-status groups every rule speaks of (one place, so no module keeps its own copy)
OPEN_PAIR: frozenset[PairStatus] = frozenset({"proposed", "active"})  # the pair still binds both people
HELD_PAIR: frozenset[PairStatus] = frozenset({"active", "completed"})  # the pair met: sessions count
CLOSED_PAIR: frozenset[PairStatus] = frozenset({"completed", "ended"})  # the pair is over
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SLOTS_PER_WEEK = 7 * 48  # half-hour slots, Monday 00:00 UTC first
# fields that may hold a sealed value, per kind of file (which of them a program seals: seals.sealed_fields)
SEALABLE: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "participant": ("bio", "email", "location", "self_identification", "title"),
    "checkin": ("concern", "good_fit", "next_steps", "notes", "rating"),
    "survey-response": ("answers",),
    "pair": ("end_reason",),
})
_EMPTY: Mapping[str, str] = MappingProxyType({})
_NONE: frozenset[int] = frozenset()
BREAKDOWN_KEYS = ("skills", "working_style", "cross_department", "timezone", "availability", "preferences")


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def _opt_date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


_V = TypeVar("_V")


def _frozen(mapping: Mapping[str, _V] | None) -> Mapping[str, _V]:
    return MappingProxyType(dict(sorted((mapping or {}).items())))


@dataclass(frozen=True, slots=True)
class Source:
    """Where a domain object was written: file and line."""

    path: str
    line: int = 1


@dataclass(frozen=True, slots=True)
class Skill:
    id: str
    name: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class Level:
    level: int
    name: str


@dataclass(frozen=True, slots=True)
class Cohort:
    id: str
    name: str
    registration_opens: dt.date
    registration_closes: dt.date
    start: dt.date
    end: dt.date
    matching_open: bool

    @classmethod
    def from_raw(cls, raw: CohortDoc) -> Cohort:
        window = raw["registration"]
        return cls(raw["id"], raw["name"], _date(window["opens"]), _date(window["closes"]),
                   _date(raw["start"]), _date(raw["end"]), raw.get("matching", "open") == "open")


@dataclass(frozen=True, slots=True)
class Commitment:
    sessions: int
    cadence_days: int
    minutes: int
    inactivity_days: int


@dataclass(frozen=True, slots=True)
class Milestone:
    id: str
    name: str
    day: int | None
    at_end: bool
    survey: str | None


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    text: str
    type: Literal["yes-no", "scale", "choice", "text"]
    min: int = 1
    max: int = 5
    choices: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True, slots=True)
class Survey:
    id: str
    name: str
    roles: frozenset[str]
    questions: tuple[Question, ...]

    def question(self, qid: str) -> Question | None:
        return next((q for q in self.questions if q.id == qid), None)


@dataclass(frozen=True, slots=True)
class Kpi:
    id: str
    name: str
    metric: str
    target: float
    direction: Literal["at-least", "at-most"]
    params: Mapping[str, str | float | bool]


@dataclass(frozen=True, slots=True)
class Weights:
    skills: float = 0.35
    working_style: float = 0.2
    cross_department: float = 0.15
    timezone: float = 0.1
    availability: float = 0.15
    preferences: float = 0.05

    def normalised(self) -> dict[str, float]:
        values = {k: float(getattr(self, k)) for k in BREAKDOWN_KEYS}
        total = sum(values.values()) or 1.0
        return {k: v / total for k, v in values.items()}


@dataclass(frozen=True, slots=True)
class Constraints:
    shared_language: bool = True
    min_availability_overlap_hours: float = 0.0
    max_timezone_difference_hours: float | None = None
    separate_management_chains: bool = True


@dataclass(frozen=True, slots=True)
class Admin:
    login: str
    github_id: int


@dataclass(frozen=True, slots=True)
class Privacy:
    min_group_size: int
    public_fields: frozenset[str]
    publish_every: Literal["always", "weekly", "monthly"]


@dataclass(frozen=True, slots=True)
class Recipient:
    """One holder of a program key: sealed values are encrypted to ``key`` (an age public key)."""

    name: str
    key: str


@dataclass(frozen=True, slots=True)
class Sealing:
    """program.yaml's ``sealing``: who can open sealed values, and the fields sealed beyond the default."""

    recipients: tuple[Recipient, ...] = ()
    fields: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))
    declared: bool = False  # program.yaml has a sealing section (set up, perhaps without keys yet)

    @classmethod
    def from_raw(cls, raw: SealingDoc | None) -> Sealing:
        section = raw or SealingDoc()
        return cls(tuple(Recipient(r["name"], r["key"]) for r in section.get("recipients", ())),
                   MappingProxyType({k: frozenset(v) for k, v in sorted(section.get("fields", {}).items())}),
                   raw is not None)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.recipients)


def _split_sealed(raw: Mapping[str, object], names: tuple[str, ...]) -> tuple[Mapping[str, str], frozenset[int]]:
    """The values of ``raw`` that are sealed (armored age text), and how many recipients each was sealed to.

    A sealed value stays opaque in the domain: ``from_raw`` gives its plain field the default and
    the armor is kept in ``sealed`` until ``seals.open_data`` opens it with a key. The counts
    (x25519_stanzas) are what validate compares with program.yaml's list.
    """
    sealed = {n: value for n in names
              if isinstance(value := raw.get(n), str) and value.lstrip().startswith(ARMOR_BEGIN)}
    if not sealed:
        return _EMPTY, _NONE
    counts = frozenset(x25519_stanzas(text) for text in sealed.values())
    return MappingProxyType(dict(sorted(sealed.items()))), counts


@dataclass(frozen=True, slots=True)
class Program:
    id: str
    name: str
    organisation: str
    objective: str
    contact: Mapping[str, str]
    admins: tuple[Admin, ...]
    registration_mode: Literal["open", "invite-only"]
    invitees: frozenset[str]
    invite_rules: tuple[InviteRule, ...]
    levels: tuple[Level, ...]
    min_level_gap: int
    mentor_max_level: int | None
    mentee_min_level: int | None
    capacity_default: int
    capacity_max: int
    cohorts: tuple[Cohort, ...]
    commitment: Commitment
    milestones: tuple[Milestone, ...]
    skills: tuple[Skill, ...]
    working_style: tuple[tuple[str, str], ...]
    weights: Weights
    constraints: Constraints
    must_pair: tuple[tuple[str, str], ...]
    blocks: frozenset[tuple[str, str]]
    kpis: tuple[Kpi, ...]
    surveys: tuple[Survey, ...]
    privacy: Privacy
    source: Source
    sealing: Sealing = Sealing()

    @classmethod
    def from_raw(cls, raw: ProgramDoc, source: Source) -> Program:
        elig, commit, match = raw["eligibility"], raw["commitment"], raw.get("matching", {})
        pins = tuple((p["mentor"], p["mentee"]) for p in match.get("must_pair", []))
        return cls(
            id=raw["id"], name=raw["name"], organisation=raw["organisation"], objective=raw["objective"],
            contact=_frozen(raw["contact"]),
            admins=tuple(Admin(a["login"], a["github_id"]) for a in raw["admins"]),
            registration_mode=raw["registration"]["mode"],
            invitees=_invitees(raw["registration"].get("invitees", [])),
            invite_rules=tuple(InviteRule.from_raw(q) for q in _invite_queries(raw["registration"])),
            levels=tuple(sorted((Level(x["level"], x["name"]) for x in raw["levels"]), key=lambda x: x.level)),
            min_level_gap=elig["min_level_gap"], mentor_max_level=elig.get("mentor_max_level"),
            mentee_min_level=elig.get("mentee_min_level"),
            capacity_default=elig["mentor_capacity"]["default"], capacity_max=elig["mentor_capacity"]["max"],
            cohorts=tuple(Cohort.from_raw(c) for c in raw["cohorts"]),
            commitment=Commitment(commit["sessions"], commit["cadence_days"], commit["minutes"],
                                  commit.get("inactivity_days", 2 * commit["cadence_days"])),
            milestones=tuple(Milestone(m["id"], m["name"], m.get("day"), m.get("at") == "end", m.get("survey"))
                             for m in raw.get("milestones", [])),
            skills=tuple(Skill(s["id"], s["name"], s.get("description", "")) for s in raw["skills"]),
            working_style=tuple((q["id"], q["text"]) for q in raw.get("working_style", [])),
            weights=Weights(**match.get("weights", {})),
            constraints=Constraints(**match.get("constraints", {})),
            must_pair=pins,
            blocks=frozenset((login_key(p["mentor"]), login_key(p["mentee"])) for p in match.get("blocks", [])),
            kpis=tuple(Kpi(k["id"], k["name"], k["metric"], float(k["target"]), k.get("direction", "at-least"),
                           _frozen(k.get("params"))) for k in raw.get("kpis", [])),
            surveys=tuple(_survey(s) for s in raw.get("surveys", [])),
            privacy=Privacy(raw["privacy"]["min_group_size"], frozenset(raw["privacy"]["public_fields"]),
                            raw["privacy"].get("publish_every", "always")),
            source=source, sealing=Sealing.from_raw(raw.get("sealing")),
        )

    def cohort(self, cid: str) -> Cohort | None:
        return next((c for c in self.cohorts if c.id == cid), None)

    def skill(self, sid: str) -> Skill | None:
        return next((s for s in self.skills if s.id == sid), None)

    def survey(self, sid: str) -> Survey | None:
        return next((s for s in self.surveys if s.id == sid), None)

    def level_name(self, level: int) -> str:
        return next((x.name for x in self.levels if x.level == level), str(level))

    def is_admin(self, github_id: int | None = None, login: str | None = None) -> bool:
        if github_id is not None:
            return any(a.github_id == github_id for a in self.admins)
        return login is not None and any(same_login(a.login, login) for a in self.admins)


def _invitees(raw: list[str] | InviteesDoc) -> frozenset[str]:
    """Invited logins: the list itself, or the ``logins`` of the roster-query form."""
    logins = raw.get("logins", []) if isinstance(raw, dict) else raw  # dict, not Mapping: see _invite_queries
    return frozenset(map(login_key, logins))


def _invite_queries(registration: RegistrationDoc) -> list[InviteQuery]:
    invitees = registration.get("invitees", [])
    # isinstance against the Mapping ABC would touch its caches during validate (test_cache checks gc stays as found)
    return list(invitees.get("roster", [])) if isinstance(invitees, dict) else []


def _survey(raw: SurveyDoc) -> Survey:
    questions = tuple(Question(q["id"], q["text"], q["type"], q.get("min", 1), q.get("max", 5),
                               tuple(q.get("choices", ())), q.get("required", False)) for q in raw["questions"])
    return Survey(raw["id"], raw["name"], frozenset(raw.get("roles", ("mentor", "mentee"))), questions)


@dataclass(frozen=True, slots=True)
class Goal:
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Participant:
    login: str
    github_id: int
    name: str
    role: Role
    cohort: str
    registered: dt.date
    level: int
    department: str
    timezone: str
    languages: tuple[str, ...]
    title: str = ""
    manager: str | None = None
    location: str = ""
    skills_offered: tuple[str, ...] = ()
    skills_wanted: tuple[str, ...] = ()
    goals_learn: tuple[Goal, ...] = ()
    goals_grow: tuple[Goal, ...] = ()
    working_style: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    availability: tuple[str, ...] = ()
    capacity: int | None = None
    paused_until: dt.date | None = None
    paused: bool = False
    avoid: frozenset[str] = frozenset()
    prefer: frozenset[str] = frozenset()
    bio: str = ""
    visibility: Mapping[str, Visibility] = field(default_factory=lambda: MappingProxyType({}))
    self_identification: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    source: Source = Source("")
    email: str = ""
    sealed: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    sealed_to: frozenset[int] = _NONE  # recipient counts of the sealed values (x25519_stanzas)

    @classmethod
    def from_raw(cls, raw: ParticipantDoc, source: Source) -> Participant:
        sealed, sealed_to = _split_sealed(raw, SEALABLE["participant"])
        goals = raw.get("goals", {})
        pause = raw.get("paused")
        identification = raw.get("self_identification")  # a str here is sealed
        return by_keywords(cls)(  # cls(...), twice as fast: ten thousand profiles are built at once
            login=raw["login"], github_id=raw["github_id"], name=raw["name"], role=raw["role"],
            cohort=raw["cohort"], registered=_date(raw["registered"]), level=raw["level"],
            department=raw["department"], timezone=raw["timezone"], languages=tuple(raw["languages"]),
            title="" if "title" in sealed else raw.get("title", ""), manager=raw.get("manager"),
            location="" if "location" in sealed else raw.get("location", ""),
            skills_offered=tuple(raw.get("skills_offered", ())), skills_wanted=tuple(raw.get("skills_wanted", ())),
            goals_learn=tuple(Goal(g["id"], g["text"]) for g in goals["learn"]) if "learn" in goals else (),
            goals_grow=tuple(Goal(g["id"], g["text"]) for g in goals["grow"]) if "grow" in goals else (),
            working_style=_frozen(raw.get("working_style")), availability=tuple(raw.get("availability", ())),
            capacity=raw.get("capacity"), paused=pause is not None,
            paused_until=_opt_date(pause.get("until")) if pause else None,
            avoid=frozenset(map(login_key, raw.get("avoid", ()))),
            prefer=frozenset(map(login_key, raw.get("prefer", ()))),
            bio="" if "bio" in sealed else raw.get("bio", ""), visibility=_frozen(raw.get("visibility")),
            self_identification=_frozen(identification if isinstance(identification, dict) else None),
            source=source, email="" if "email" in sealed else raw.get("email", ""), sealed=sealed,
            sealed_to=sealed_to,
        )

    @property
    def key(self) -> str:
        """Logins compare case-insensitively on GitHub."""
        return login_key(self.login)

    @property
    def goals(self) -> tuple[Goal, ...]:
        return self.goals_learn + self.goals_grow

    def is_paused(self, on: dt.date) -> bool:
        return self.paused and (self.paused_until is None or on <= self.paused_until)

    def visibility_of(self, field: str, public_fields: frozenset[str]) -> Visibility:
        """A field is public only if the person marked it and the program allows it."""
        chosen = self.visibility.get(field, "program")
        return "program" if chosen == "public" and field not in public_fields else chosen

    def utc_offset_minutes(self, on: dt.date) -> int:
        """The exact UTC offset at noon on ``on`` (Asia/Kathmandu: 345), 0 for an unknown zone."""
        try:
            zone = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return 0
        offset = dt.datetime.combine(on, dt.time(12), zone).utcoffset() or dt.timedelta()
        return round(offset.total_seconds() / 60)

    def utc_offset_hours(self, on: dt.date) -> float:
        return self.utc_offset_minutes(on) / 60

    def slots_utc(self, on: dt.date, step: int = 30) -> frozenset[int]:
        """Weekly availability as slots of ``step`` minutes in UTC (Monday 00:00 UTC = 0), on date ``on``.

        Exact when ``step`` divides 30 and the UTC offset in minutes (15 for Asia/Kathmandu);
        a week has ``7 * 1440 // step`` slots.
        """
        week = 7 * 1440 // step
        shift = self.utc_offset_minutes(on) // step
        slots: set[int] = set()
        for entry in self.availability:
            day, span = entry.split(" ")
            start, end = ((int(t[:2]) * 60 + int(t[3:])) // step for t in span.split("-"))
            base = DAYS.index(day) * 1440 // step
            slots.update((base + s - shift) % week for s in range(start, end))
        return frozenset(slots)


@dataclass(frozen=True, slots=True)
class Pair:
    id: str
    cohort: str
    mentor: str
    mentee: str
    status: PairStatus
    proposed: dt.date | None = None
    matched: dt.date | None = None
    ended: dt.date | None = None
    end_reason: str = ""
    score: float | None = None
    breakdown: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    reason: str = ""
    source: Source = Source("matches.yaml")
    sealed: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    sealed_to: frozenset[int] = _NONE  # recipient counts of the sealed values (x25519_stanzas)

    @classmethod
    def from_raw(cls, raw: PairDoc, source: Source) -> Pair:
        sealed, sealed_to = _split_sealed(raw, SEALABLE["pair"])
        return cls(raw["id"], raw["cohort"], raw["mentor"], raw["mentee"], raw["status"],
                   _opt_date(raw.get("proposed")), _opt_date(raw.get("matched")), _opt_date(raw.get("ended")),
                   "" if "end_reason" in sealed else raw.get("end_reason", ""), raw.get("score"),
                   _frozen(raw.get("breakdown")),
                   raw.get("reason", ""), source, sealed, sealed_to)

    @staticmethod
    def make_id(mentor: str, mentee: str) -> str:
        # GitHub logins never contain "--", so the separator is unambiguous
        return f"{mentor}--{mentee}"


@dataclass(frozen=True, slots=True)
class Unmatched:
    login: str
    cohort: str
    reason: str


@dataclass(frozen=True, slots=True)
class CheckIn:
    pair: str
    date: dt.date
    author: str
    minutes: int
    held: bool = True
    topics: tuple[str, ...] = ()
    goals: tuple[tuple[str, str], ...] = ()
    rating: int | None = None
    good_fit: bool | None = None
    next_steps: str = ""
    notes: str = ""
    concern_level: str | None = None
    concern_note: str = ""
    source: Source = Source("")
    lines: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    sealed: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    sealed_to: frozenset[int] = _NONE  # recipient counts of the sealed values (x25519_stanzas)

    @classmethod
    def from_raw(cls, raw: CheckInDoc, source: Source, lines: Mapping[str, int] | None = None) -> CheckIn:
        sealed, sealed_to = _split_sealed(raw, SEALABLE["checkin"])
        # a str in place of the concern, rating or good_fit is sealed: the plain field keeps its default
        concern, rating, good_fit = raw.get("concern"), raw.get("rating"), raw.get("good_fit")
        concern = None if isinstance(concern, str) else concern
        return cls(raw["pair"], _date(raw["date"]), raw["author"], raw["minutes"], raw.get("held", True),
                   tuple(raw.get("topics", ())), tuple((g["goal"], g["progress"]) for g in raw.get("goals", ())),
                   None if isinstance(rating, str) else rating, None if isinstance(good_fit, str) else good_fit,
                   "" if "next_steps" in sealed else raw.get("next_steps", ""),
                   "" if "notes" in sealed else raw.get("notes", ""),
                   (concern.get("level", "low") if concern else None), (concern.get("note", "") if concern else ""),
                   source,
                   MappingProxyType(dict(lines or {})), sealed, sealed_to)

    def at(self, key: str) -> Source:
        """Where a top-level field of this check-in is written: evidence for a flag."""
        return Source(self.source.path, self.lines.get(key, self.source.line))


@dataclass(frozen=True, slots=True)
class SurveyResponse:
    survey: str
    respondent: str
    date: dt.date
    pair: str | None
    answers: Mapping[str, bool | int | str]
    source: Source
    sealed: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    sealed_to: frozenset[int] = _NONE  # recipient counts of the sealed values (x25519_stanzas)

    @classmethod
    def from_raw(cls, raw: SurveyResponseDoc, source: Source) -> SurveyResponse:
        sealed, sealed_to = _split_sealed(raw, SEALABLE["survey-response"])
        answers = raw.get("answers")  # a str here is sealed
        return cls(raw["survey"], raw["respondent"], _date(raw["date"]), raw.get("pair"),
                   _frozen(answers if isinstance(answers, dict) else None), source, sealed, sealed_to)


# matches.yaml as one item: its pairs in file order, and the people left unmatched
MatchesItem = tuple[tuple[Pair, ...], tuple[Unmatched, ...]]
# the typed domain object one data file becomes
Item = Program | MatchesItem | Participant | CheckIn | SurveyResponse


@dataclass(frozen=True, slots=True)
class ProgramData:
    """Everything in a program repository, validated and typed."""

    program: Program
    participants: tuple[Participant, ...]
    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    checkins: tuple[CheckIn, ...]
    responses: tuple[SurveyResponse, ...]
    roster: HrRoster | None = None  # roster.csv, where the program has one

    def by_login(self) -> dict[str, Participant]:
        return {p.key: p for p in self.participants}

    def on(self, day: dt.date) -> ProgramData:
        """The program as it stood on ``day``: people registered, pairs proposed or matched,
        sessions logged and survey answers given by then (later files are left out, not errors)."""
        people = tuple(p for p in self.participants if p.registered <= day)
        present = {p.key for p in people}
        # replace, not a new ProgramData: what is not dated (the program, the HR roster) is kept
        return replace(
            self, participants=people,
            pairs=tuple(p for p in self.pairs if (p.proposed or p.matched or day) <= day),
            unmatched=tuple(u for u in self.unmatched if login_key(u.login) in present),
            checkins=tuple(c for c in self.checkins if c.date <= day),
            responses=tuple(r for r in self.responses if r.date <= day))
