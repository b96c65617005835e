"""What may be published: small-group suppression, complementary suppression, the publishing schedule. Pure.

The one privacy filter of rmcode's numbers: the report (rmcode.report.build), and through it
the site, its data exports and ``rmcode status``, publish only what passed through here.
Three rules, documented for HR readers in docs/report-api.md:

* a count or statistic about fewer than ``min_group_size`` people (but more than none)
  is replaced by null ("suppressed");
* when a table's total is known, hiding one cell is not enough (total minus the others
  gives it back), so more cells are hidden, smallest first, until the hidden cells are
  at least two and hold enough people that none of them can be shown to be small;
* aggregates change only on the ``publish_every`` schedule, and a series of a
  sensitive metric only moves once ``min_group_size`` new records arrived, so that
  comparing two publications does not reveal one newcomer.

A survey's answer distribution is a table too: its cells (how many answered each value)
follow the first two rules within the question's answers and within each role's, and a
value hidden for one group is hidden for every group of the question (overall = mentors +
mentees, so one shown role would give the other back).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence

from ..layout import login_key
from ..model import Question
from ..progress.metrics import Value
from ..progress.surveys import AnswerValue, QuestionAnswers, distribution, mean, yes_share
from .model import AnswerStats, Cell, QuestionReport, TextAnswer

Schedule = Callable[[dt.date], dt.date]
OTHER = "other"
NOT_ANSWERED = "not answered"


def _weekly(day: dt.date) -> dt.date:
    # the end (Sunday) of the last complete week; no earlier than the first day there is
    return dt.date.fromordinal(max(1, day.toordinal() - (day.weekday() + 1) % 7))


def _monthly(day: dt.date) -> dt.date:
    # the last day of the last complete month (9999-12-31 has no following day, but ends a month)
    if day == dt.date.max or (day + dt.timedelta(days=1)).day == 1:
        return day
    return dt.date.fromordinal(max(1, day.replace(day=1).toordinal() - 1))


SCHEDULES: Mapping[str, Schedule] = {"always": lambda day: day, "weekly": _weekly, "monthly": _monthly}


def publish_date(as_of: dt.date, publish_every: str) -> dt.date:
    """The date published aggregates are computed at: as_of, or the end of the last complete week or month."""
    return SCHEDULES[publish_every](as_of)


def suppress_value(value: Value, k: int) -> tuple[float | None, bool]:
    """(published value, suppressed?) for one statistic."""
    if 0 < value.people < k:
        return None, True
    return value.value, False


def suppress_yes_share(value: Value, k: int) -> tuple[float | None, bool]:
    """(published value, suppressed?) for a share of yes answers: the share times the answers is the
    yes cell, so it is published only where the yes/no breakdown would be (``suppress_cells``)."""
    shown, suppressed = suppress_value(value, k)
    if suppressed or shown is None:
        return shown, suppressed
    yes = round(shown * value.items)
    if any(n is None for n in suppress_cells({"yes": yes, "no": value.items - yes}, k).values()):
        return None, True
    return shown, False


# KPIs that are a share over yes-no answers: suppressed like the survey breakdown they summarise
_KPI_RULES: Mapping[str, Callable[[Value, int], tuple[float | None, bool]]] = {
    "would_continue_share": suppress_yes_share}


def kpi_suppression(metric: str) -> Callable[[Value, int], tuple[float | None, bool]]:
    """How a KPI's value is published: small groups suppressed, and yes shares like their yes/no cells."""
    return _KPI_RULES.get(metric, suppress_value)


def suppression_reason(value: Value, k: int) -> str:
    """Why a KPI's suppressed value is not published, as a sentence for people."""
    if 0 < value.people < k:
        return f"Hidden: fewer than {k} people"
    return f"Hidden: fewer than {k} people gave one of the answers, and the share would tell how many"


def suppress_cells(counts: Mapping[str, int], k: int, floors: Mapping[str, int] | None = None,
                   hidden: Collection[str] = ()) -> dict[str, int | None]:
    """Primary and complementary suppression of one table whose total is published or derivable.

    Cells of 1..k-1 people are hidden. Then further cells, smallest first (ties by name),
    until the total cannot give a hidden cell back: at least two hidden cells, and so
    many people among them that every hidden cell could hold ``k`` or more. A reader
    knows each hidden cell holds at least one person, or its ``floors`` value when the
    site tells that anyway (people listed by name, pairs listed per cohort), so a cell is
    at most the hidden sum minus what the other hidden cells surely hold. Empty cells
    reveal nobody and stay (unless listed in ``hidden``: cells hidden already, for another
    table that shares them). When no choice is safe, every non-empty cell is hidden.
    """
    hidden = {g for g, n in counts.items() if 0 < n < k} | set(hidden)
    for _, group in sorted((n, g) for g, n in counts.items() if n > 0):
        if is_safe(counts, hidden, k, floors):
            break
        hidden.add(group)
    return {g: (None if g in hidden else n) for g, n in sorted(counts.items())}


def is_safe(counts: Mapping[str, int], hidden: Collection[str], k: int,
            floors: Mapping[str, int] | None = None) -> bool:
    """Whether the total gives none of the ``hidden`` cells back as a number below ``k`` (see ``suppress_cells``)."""
    floor = {g: max(1, min(counts[g], (floors or {}).get(g, 0))) for g in hidden}
    total, least = sum(counts[g] for g in hidden), sum(floor.values())
    return not hidden or (len(hidden) >= 2 and all(total - least + floor[g] >= k for g in hidden))


def fold_small_groups(counts: Mapping[str, int], k: int) -> dict[str, int]:
    """Groups below ``k`` merged into "other", so that a rare answer's wording is never published."""
    out: dict[str, int] = {}
    for group, n in counts.items():
        name = group if n >= k or group == NOT_ANSWERED else OTHER
        out[name] = out.get(name, 0) + n
    return out


def hold_series(values: Sequence[Value], k: int, sensitive: bool,
                suppress: Callable[[Value, int], tuple[float | None, bool]] = suppress_value,
                ) -> list[tuple[float | None, bool]]:
    """Published (value, suppressed) per point of a series.

    For a sensitive metric a new value is published only when at least ``k`` records
    were added or removed since the last published one; until then the last published
    value is repeated. Otherwise the difference between two weeks could be one answer.
    """
    out: list[tuple[float | None, bool]] = []
    shown: tuple[float | None, int] | None = None
    for point in values:
        value, suppressed = suppress(point, k)
        if sensitive and not suppressed and value is not None:
            if shown is None or abs(point.items - shown[1]) >= k:
                shown = (value, point.items)
            value = shown[0]
        out.append((value, suppressed))
    return out


def shown_count(n: int, k: int) -> int | None:
    """A count of people as the site may say it: None for 1 to ``k - 1`` (a small group)."""
    return None if 0 < n < k else n


def shown_responses(stats: AnswerStats) -> int | None:
    """How many answered, where the site may say so: "2 answers" is itself a number about fewer than
    ``min_group_size`` people (the report for HR keeps the count beside ``suppressed``)."""
    return None if stats.suppressed else stats.responses


def may_publish_mean(people: int, k: int) -> bool:
    """Whether a mean over ``people`` (at least one) may be published."""
    return people >= k


def _closed_cells(q: Question, rows: Mapping[str, Sequence[AnswerValue]],
                  k: int) -> dict[str, tuple[Cell, ...]] | None:
    counts = {row: distribution(q, values) or {} for row, values in rows.items()}
    answers = list(next(iter(counts.values()), {}))
    hidden: set[tuple[str, str]] = set()
    while True:
        before = len(hidden)
        for row, cells in counts.items():
            shown = suppress_cells(cells, k, hidden=[a for a in answers if (row, a) in hidden])
            hidden |= {(row, a) for a, n in shown.items() if n is None}
        values = {a for _, a in hidden}
        hidden |= {(row, a) for row in counts for a in values}
        if len(hidden) == before:
            break
    if not all(is_safe(cells, {a for r, a in hidden if r == row}, k) for row, cells in counts.items()):
        return None  # too few answers to hide any of them safely: no distribution at all
    return {row: tuple(Cell(a, None if (row, a) in hidden else n) for a, n in cells.items())
            for row, cells in counts.items()}


def _answer_cells(q: Question, overall: Sequence[AnswerValue], roles: Mapping[str, Sequence[AnswerValue]],
                  k: int) -> dict[str, tuple[Cell, ...]]:
    """The published distributions, overall ("") and per role: small cells hidden with their complements
    within each, and an answer hidden for one group hidden for every group (overall = the roles' sum).
    When the roles' breakdown would hide more of the overall distribution, it is left out instead;
    a distribution whose small cells cannot be hidden safely is left out altogether."""
    alone = _closed_cells(q, {"": overall}, k) or {}
    if not roles or not alone:
        return alone
    together = _closed_cells(q, {"": overall, **roles}, k)
    return together if together is not None and together[""] == alone[""] else alone


def _stats(q: Question, values: Sequence[AnswerValue], hidden: bool, cells: tuple[Cell, ...] | None,
           say_count: bool = True) -> AnswerStats:
    if hidden or not values:
        return AnswerStats(len(values) if say_count else None, hidden, None, None, None)
    # a yes share times the answers is the yes cell: published only with every cell
    complete = cells is not None and all(c.count is not None for c in cells)
    return AnswerStats(len(values), hidden, yes_share(q, values) if complete else None, mean(q, values), cells)


def publish_question(qa: QuestionAnswers, roles: Sequence[str], k: int, private: bool) -> QuestionReport:
    """One question's published answers: overall and per role, small groups and small answer cells suppressed."""
    q = qa.question
    values = [a.value for a in qa.answers]
    overall_hidden = 0 < len(values) < k
    per_role = {role: [a.value for a in qa.answers if a.role == role] for role in roles}
    # the roles add up to the overall count, so one hidden role would be total minus the other
    shown = suppress_cells({role: len(v) for role, v in per_role.items()}, k)
    role_hidden = {role: overall_hidden or shown[role] is None for role in roles}
    shown_roles = {role: v for role, v in per_role.items() if v and not role_hidden[role]}
    cells = _answer_cells(q, values, shown_roles, k) if q.type != "text" and values and not overall_hidden else {}
    answers = None
    if private and q.type == "text":
        answers = tuple(TextAnswer(a.response.respondent, str(a.value), a.response.source.path)
                        for a in sorted(qa.answers, key=lambda x: login_key(x.response.respondent)))
    return QuestionReport(q.id, q.text, q.type, _stats(q, values, overall_hidden, cells.get("")),
                          # a hidden role's count is the small group itself: said only in the private report
                          tuple((role,
                                 _stats(q, v, role_hidden[role], cells.get(role), private or not role_hidden[role]))
                                for role, v in per_role.items()),
                          answers)
