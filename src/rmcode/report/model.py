"""The progress report as frozen typed values: what ``build_report`` derives, what every view reads.

The report is data, not text: its JSON, Markdown and CSV forms are renderings of these
values (rmcode.formats.report), and the site pages, the site's data exports and
``rmcode status`` read the same attributes. Every published number in here has passed
rmcode.report.public (small groups suppressed, complementary cells too): a count is
``None`` where it is suppressed. The shape of the JSON form is documented in
docs/report-api.md and schemas/report.schema.json.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from ..progress.flags import Flag
from ..progress.pairs import MilestoneState, SessionCounts

REPORT_VERSION = 1


@dataclass(frozen=True, slots=True)
class Privacy:
    min_group_size: int
    publish_every: str


@dataclass(frozen=True, slots=True)
class ProgramInfo:
    id: str
    name: str
    organisation: str


@dataclass(frozen=True, slots=True)
class WeekValue:
    """A KPI at the end of a week (the last one at the publication date); None: no data or suppressed."""

    week: dt.date
    value: float | None


@dataclass(frozen=True, slots=True)
class KpiResult:
    id: str
    name: str
    metric: str
    unit: str
    value: float | None
    target: float
    direction: str
    met: bool | None
    suppressed: bool
    params: Mapping[str, str | float | bool]
    series: tuple[WeekValue, ...]
    needs_key: bool = False  # computed only where the program key is (sealed values it needs)
    why: str = ""  # why the value is suppressed, in words ("" when it is not)


@dataclass(frozen=True, slots=True)
class PairPrivate:
    """What only the admin report says about a pair."""

    rating_mentor: float | None
    rating_mentee: float | None
    first_session_fit: bool | None


@dataclass(frozen=True, slots=True)
class PairReport(SessionCounts):
    id: str
    cohort: str
    mentor: str
    mentee: str
    minutes: int
    topics_covered: tuple[str, ...]
    wanted_covered: int
    wanted_total: int
    milestones: tuple[MilestoneState, ...]
    private: PairPrivate | None = None


@dataclass(frozen=True, slots=True)
class CohortReport:
    id: str
    name: str
    start: dt.date
    end: dt.date
    registration_opens: dt.date
    registration_closes: dt.date
    mentors: int | None  # None: suppressed
    mentees: int | None
    pairs: int


@dataclass(frozen=True, slots=True)
class Cell:
    """One group of a published table; ``count`` None where suppressed."""

    group: str
    count: int | None


@dataclass(frozen=True, slots=True)
class Table:
    """A published breakdown (participation by department, a self-identification question...)."""

    name: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class AnswerStats:
    """The published summary of a group's answers to one question.

    ``responses`` is the number of answers (published even when ``suppressed``: see
    ``public.shown_responses`` for where the site leaves it out; None for a suppressed role in the
    public report, where the role's count is the small group itself); ``distribution`` holds one
    cell per possible answer, a cell None where the answer is given by too few people (and its
    complementary cells), the whole distribution None when the group is suppressed, has no
    answers, or the question is free text.
    """

    responses: int | None
    suppressed: bool
    yes_share: float | None
    mean: float | None
    distribution: tuple[Cell, ...] | None


@dataclass(frozen=True, slots=True)
class TextAnswer:
    """A free-text answer (private report only)."""

    login: str
    text: str
    path: str


@dataclass(frozen=True, slots=True)
class QuestionReport:
    id: str
    text: str
    type: str
    stats: AnswerStats
    by_role: tuple[tuple[str, AnswerStats], ...]
    answers: tuple[TextAnswer, ...] | None = None  # free text, private report only


@dataclass(frozen=True, slots=True)
class SurveyReport:
    id: str
    name: str
    responses: int
    questions: tuple[QuestionReport, ...]
    needs_key: bool = False  # answers sealed and no key here: no question is aggregated


@dataclass(frozen=True, slots=True)
class SealedCount:
    opened: int
    unread: int


@dataclass(frozen=True, slots=True)
class Note:
    """A session note (private report, programs that seal notes)."""

    pair: str
    author: str
    date: dt.date
    note: str
    path: str


@dataclass(frozen=True, slots=True)
class Report:
    """The progress report as of ``as_of``; aggregates as of ``aggregates_as_of`` (the publication date).

    ``flags`` and ``notes`` are only in the private report (``notes`` only where notes are sealed);
    ``sealed`` only when values were sealed or opened.
    """

    as_of: dt.date
    aggregates_as_of: dt.date
    private: bool
    privacy: Privacy
    program: ProgramInfo
    people: int | None
    kpis: tuple[KpiResult, ...]
    pairs: tuple[PairReport, ...]
    cohorts: tuple[CohortReport, ...]
    participation: tuple[Table, ...]
    self_identification: tuple[Table, ...]
    surveys: tuple[SurveyReport, ...]
    sealed: SealedCount | None = None
    flags: tuple[Flag, ...] | None = None
    notes: tuple[Note, ...] | None = None
    version: int = REPORT_VERSION
