"""The data files as their JSON Schemas (src/rmcode/schemas/) describe them, once validated.

``from_raw`` of the model types reads these; a document gets here only after ``validate.schema``
has checked it, so the types hold (``load.loader`` hands over the data untyped). Keys a schema
marks required are ``Required``; dates are ISO text, as written. A value the program seals is
age armor text in place of the plain value (``Armored``), which ``from_raw`` keeps aside.
"""

from __future__ import annotations

from typing import Literal, Required, TypeAlias, TypedDict

Armored: TypeAlias = str  # an age-sealed value: ASCII armor (sealing.ARMOR_BEGIN ...)
IsoDate: TypeAlias = str  # YYYY-MM-DD
Role = Literal["mentor", "mentee"]
PairStatus = Literal["proposed", "active", "completed", "ended"]
Visibility = Literal["public", "program", "admins"]


# --- program.yaml -----------------------------------------------------------------------------

class AdminDoc(TypedDict):
    login: str
    github_id: int


class LevelRange(TypedDict, total=False):
    min: int
    max: int


class InviteQuery(TypedDict, total=False):
    """One roster query of ``registration.invitees.roster``: all conditions must hold."""

    role: Role
    level: LevelRange
    departments: list[str]
    locations: list[str]


class InviteesDoc(TypedDict, total=False):
    logins: list[str]
    roster: list[InviteQuery]


class RegistrationDoc(TypedDict, total=False):
    mode: Required[Literal["open", "invite-only"]]
    invitees: list[str] | InviteesDoc


class LevelDoc(TypedDict):
    level: int
    name: str


class CapacityDoc(TypedDict):
    default: int
    max: int


class EligibilityDoc(TypedDict, total=False):
    min_level_gap: Required[int]
    mentor_max_level: int
    mentee_min_level: int
    mentor_capacity: Required[CapacityDoc]


class WindowDoc(TypedDict):
    opens: IsoDate
    closes: IsoDate


class CohortDoc(TypedDict, total=False):
    id: Required[str]
    name: Required[str]
    registration: Required[WindowDoc]
    start: Required[IsoDate]
    end: Required[IsoDate]
    matching: Literal["open", "closed"]


class CommitmentDoc(TypedDict, total=False):
    sessions: Required[int]
    cadence_days: Required[int]
    minutes: Required[int]
    inactivity_days: int


class MilestoneDoc(TypedDict, total=False):
    id: Required[str]
    name: Required[str]
    day: int
    at: Literal["end"]
    survey: str


class SkillDoc(TypedDict, total=False):
    id: Required[str]
    name: Required[str]
    description: str


class StatementDoc(TypedDict):
    """A working-style statement people rate themselves on."""

    id: str
    text: str


class WeightsDoc(TypedDict, total=False):
    skills: float
    working_style: float
    cross_department: float
    timezone: float
    availability: float
    preferences: float


class ConstraintsDoc(TypedDict, total=False):
    shared_language: bool
    min_availability_overlap_hours: float
    max_timezone_difference_hours: float
    separate_management_chains: bool


class PeopleDoc(TypedDict):
    """A mentor and a mentee, by login (``must_pair``, ``blocks``)."""

    mentor: str
    mentee: str


class MatchingDoc(TypedDict, total=False):
    weights: WeightsDoc
    constraints: ConstraintsDoc
    must_pair: list[PeopleDoc]
    blocks: list[PeopleDoc]


class KpiDoc(TypedDict, total=False):
    id: Required[str]
    name: Required[str]
    metric: Required[str]
    target: Required[float]
    direction: Literal["at-least", "at-most"]
    params: dict[str, str | float | bool]


class QuestionDoc(TypedDict, total=False):
    id: Required[str]
    text: Required[str]
    type: Required[Literal["yes-no", "scale", "choice", "text"]]
    min: int
    max: int
    choices: list[str]
    required: bool


class SurveyDoc(TypedDict, total=False):
    id: Required[str]
    name: Required[str]
    roles: list[Role]
    questions: Required[list[QuestionDoc]]


class PrivacyDoc(TypedDict, total=False):
    min_group_size: Required[int]
    public_fields: Required[list[str]]
    publish_every: Literal["always", "weekly", "monthly"]


class RecipientDoc(TypedDict):
    name: str
    key: str


class SealingDoc(TypedDict, total=False):
    recipients: list[RecipientDoc]
    fields: dict[str, list[str]]  # kind of file -> fields sealed beyond the default


class ProgramDoc(TypedDict, total=False):
    """program.yaml (the ``roster`` section is read by ``load.roster_csv.ColumnMap``)."""

    id: Required[str]
    name: Required[str]
    organisation: Required[str]
    objective: Required[str]
    contact: Required[dict[str, str]]
    admins: Required[list[AdminDoc]]
    registration: Required[RegistrationDoc]
    levels: Required[list[LevelDoc]]
    eligibility: Required[EligibilityDoc]
    cohorts: Required[list[CohortDoc]]
    commitment: Required[CommitmentDoc]
    milestones: list[MilestoneDoc]
    skills: Required[list[SkillDoc]]
    working_style: list[StatementDoc]
    matching: Required[MatchingDoc]
    kpis: list[KpiDoc]
    surveys: list[SurveyDoc]
    privacy: Required[PrivacyDoc]
    sealing: SealingDoc


# --- participants/<login>.yaml ----------------------------------------------------------------

class GoalDoc(TypedDict):
    id: str
    text: str


class GoalsDoc(TypedDict, total=False):
    learn: list[GoalDoc]
    grow: list[GoalDoc]


class PauseDoc(TypedDict, total=False):
    until: IsoDate
    reason: str


class ParticipantDoc(TypedDict, total=False):
    login: Required[str]
    github_id: Required[int]
    name: Required[str]
    role: Required[Role]
    cohort: Required[str]
    registered: Required[IsoDate]
    title: str | Armored
    level: Required[int]
    department: Required[str]
    manager: str
    location: str | Armored
    timezone: Required[str]
    languages: Required[list[str]]
    skills_offered: list[str]
    skills_wanted: list[str]
    goals: GoalsDoc
    working_style: dict[str, int]
    availability: list[str]
    capacity: int
    paused: PauseDoc
    avoid: list[str]
    prefer: list[str]
    bio: str | Armored
    visibility: dict[str, Visibility]
    self_identification: dict[str, str] | Armored
    email: str | Armored


# --- checkins/<pair>/<date>-<author>.yaml -----------------------------------------------------

class GoalProgressDoc(TypedDict):
    goal: str
    progress: Literal["started", "progressing", "achieved"]


class ConcernDoc(TypedDict, total=False):
    level: Literal["low", "high"]
    note: Required[str]


class CheckInDoc(TypedDict, total=False):
    pair: Required[str]
    date: Required[IsoDate]
    author: Required[str]
    held: bool
    minutes: Required[int]
    topics: list[str]
    goals: list[GoalProgressDoc]
    rating: int | Armored
    good_fit: bool | Armored
    next_steps: str | Armored
    notes: str | Armored
    concern: ConcernDoc | Armored


# --- surveys/<survey>/<respondent>.yaml -------------------------------------------------------

class SurveyResponseDoc(TypedDict, total=False):
    survey: Required[str]
    respondent: Required[str]
    date: Required[IsoDate]
    pair: str
    answers: Required[dict[str, bool | int | str] | Armored]


# --- matches.yaml -----------------------------------------------------------------------------

class PairDoc(TypedDict, total=False):
    id: Required[str]
    cohort: Required[str]
    mentor: Required[str]
    mentee: Required[str]
    status: Required[PairStatus]
    proposed: IsoDate
    matched: IsoDate
    ended: IsoDate
    end_reason: str | Armored
    score: float
    breakdown: dict[str, float]
    reason: str


class UnmatchedDoc(TypedDict, total=False):
    login: Required[str]
    cohort: str
    reason: Required[str]


class MatchesDoc(TypedDict, total=False):
    pairs: Required[list[PairDoc]]
    unmatched: list[UnmatchedDoc]
