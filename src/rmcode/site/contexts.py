"""What each program page's template reads: one TypedDict per page, dataclasses for the parts.

Built by rmcode.site.pages; Jinja reads attributes and keys alike, so a template cannot tell
them apart, but mypy checks every value a page builder puts in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from markupsafe import Markup

from ..model import Cohort, Commitment, Level, Program, Skill
from .charts import BarChart, LineChart, StackedChart, TimelineChart
from .people import Directory, PairRow, Profile, ScoredPair


@dataclass(frozen=True, slots=True)
class KpiView:
    id: str
    name: str
    value: str
    target: str
    direction: str
    state: str
    state_label: str
    chart: LineChart | None
    rows: tuple[tuple[str, str], ...]
    anchor: str = ""
    spark: Markup | None = None
    trend: str = ""
    why: str = ""  # why a suppressed value is hidden, as a sentence


@dataclass(frozen=True, slots=True)
class GroupView:
    """A participation table on the dashboard: shown groups only, and how many were left out."""

    title: str
    rows: list[tuple[str, int]]
    hidden: int
    chart: BarChart | None


@dataclass(frozen=True, slots=True)
class QuestionView:
    text: str
    responses: int | None  # None: not said (see report.public.shown_responses)
    summary: str
    chart: BarChart | None
    rows: list[tuple[str, int]]


@dataclass(frozen=True, slots=True)
class SurveyView:
    name: str
    responses: int
    questions: list[QuestionView]


CohortPhase = tuple[Cohort, str]


class HomeContext(TypedDict):
    program: Program
    as_of: str
    chart: TimelineChart | None
    chart_rows: list[tuple[str, str, str, str]]
    cohorts: list[CohortPhase]
    kpis: list[KpiView]
    join_cohort: Cohort | None
    join_open: bool
    mentors: list[str]
    pairs: int
    people: int | None


class RulesContext(TypedDict):
    program: Program
    criteria: list[tuple[str, str, str]]
    constraints: list[str]
    cohorts: list[CohortPhase]
    public_fields: list[str]
    sealing: dict[str, list[str]]


class ParticipantsContext(TypedDict):
    program: Program
    directory: Directory
    skills: list[tuple[str, str]]
    mentors: list[Profile]
    mentees: list[Profile]


class PairsContext(TypedDict):
    program: Program
    as_of: str
    chart: BarChart | None
    counts: list[tuple[str, int]]
    groups: list[tuple[str, list[PairRow]]]


class DashboardContext(TypedDict):
    program: Program
    as_of: str
    kpis: list[KpiView]
    groups: list[GroupView]
    surveys: list[SurveyView]
    min_group: int


class MatchingContext(RulesContext):
    scored: int
    means: list[tuple[str, str]]
    mean_chart: BarChart | None
    public: list[ScoredPair]
    parts: tuple[str, ...]
    stacked: StackedChart | None
    unmatched: int | None  # None: fewer than min_group_size people (said without the number)
    pairs_total: int


class JoinRole(TypedDict):
    """A role on the join page: the profile file to start from and GitHub's new-file link for it."""

    role: str
    template: str
    url: str | None


class JoinContext(TypedDict):
    program: Program
    cohort: Cohort | None
    open: bool
    roles: list[JoinRole]
    levels: tuple[Level, ...]
    issue_url: str | None
    repo_url: str | None
    skills: tuple[Skill, ...]
    invite_only: bool


class LogSessionContext(TypedDict):
    program: Program
    template: str
    filename: str
    url: str | None
    issue_url: str | None
    repo_url: str | None
    commitment: Commitment


class LogFormContext(TypedDict):
    """The Log a session page's in-browser form (log-form.js): what it seals, to whom, where it sends the file."""

    recipients: list[str]
    recipients_json: str
    recipient_names: list[str]
    sealed: list[str]
    sealed_json: str
    sealed_labels: list[str]
    new_url: str | None
    schema_line: str
    minutes: int
    skills: tuple[Skill, ...]


class DownloadsContext(TypedDict):
    """The Downloads page: the public files, the JSON API folder, the schemas."""

    program: Program
    files: tuple[tuple[str, str], ...]  # (path, what it holds)
    api: str
    schemas: tuple[str, ...]
    as_of: str


class LogSessionPage(LogSessionContext):
    """The Log a session page: the template and links, and the in-browser form."""

    form: LogFormContext
