"""Template contexts of the program pages: home, rules, directory, pairs, dashboard, matching.

Each builder takes the validated program, its public report and the as-of date and
returns the values a template shows plus the charts the page needs. Nothing here
escapes: the Jinja environment escapes every value it prints (see render.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence

from markupsafe import Markup

from ..formats.report import format_value
from ..model import BREAKDOWN_KEYS, Cohort, Program, ProgramData
from ..report.model import AnswerStats, KpiResult, Report, SurveyReport, Table, WeekValue
from ..report.public import may_publish_mean, shown_count, shown_responses
from ..validate.sealed import sealed_fields
from .charts import (
    BarChart,
    Chart,
    LineChart,
    Span,
    StackedChart,
    TimelineChart,
    sparkline,
    week_label,
)
from .contexts import (
    DashboardContext,
    GroupView,
    HomeContext,
    KpiView,
    MatchingContext,
    PairsContext,
    ParticipantsContext,
    QuestionView,
    RulesContext,
    SurveyView,
)
from .people import (
    STATUS_LABELS,
    credited_mentors,
    directory,
    mean_breakdown,
    pair_rows,
    public_breakdowns,
)

_PERCENT_UNITS = frozenset({"share"})
CRITERIA: Mapping[str, tuple[str, str]] = {
    "skills": ("Skills", "how many of the mentee's wanted skills the mentor offers"),
    "working_style": ("Working style", "how close their answers to the working-style questions are"),
    "cross_department": ("Cross-department", "whether they work in different departments"),
    "timezone": ("Time zone", "how few hours apart they live"),
    "availability": ("Availability", "how many hours a week both are free at the same time"),
    "preferences": ("Preferences", "whether one of them asked to be paired with the other"),
}
COHORT_PHASES: tuple[tuple[str, Callable[[Cohort, dt.date], bool]], ...] = (
    ("Registration open", lambda c, d: c.registration_opens <= d <= c.registration_closes),
    ("Running", lambda c, d: c.start <= d <= c.end),
    ("Finished", lambda c, d: d > c.end),
    ("Registration closed", lambda c, d: c.registration_closes < d < c.start),
)
HEADLINE_KPIS = 4


def fmt_value(value: float | None, unit: str) -> str:
    return format_value(unit, value, missing="no data yet")


def slug(text: str) -> str:
    """A file-name-safe id (KPI and question ids are already safe; this guards the output path)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def cohort_phase(cohort: Cohort, on: dt.date) -> str:
    return next((label for label, test in COHORT_PHASES if test(cohort, on)), "Upcoming")


def open_cohort(program: Program, on: dt.date) -> tuple[Cohort | None, bool]:
    """The cohort to join: one whose registration is open (True), else the next to open (False)."""
    ordered = sorted(program.cohorts, key=lambda c: (c.registration_opens, c.id))
    current = next((c for c in ordered if c.registration_opens <= on <= c.registration_closes), None)
    if current is not None:
        return current, True
    return next((c for c in ordered if c.registration_opens > on), None), False


_KPI_STATES = {True: ("met", "Target met"), False: ("missed", "Below target"), None: ("pending", "Not yet measurable")}


def _trend(series: Sequence[WeekValue], unit: str) -> str:
    """The trend in words, for the card (the sparkline beside it is decorative)."""
    known = [(s.week, s.value) for s in series if s.value is not None]
    if len(known) < 2:
        return ""
    (since, first), (_, last) = known[0], known[-1]
    how = "up" if last > first else "down" if last < first else "unchanged"
    return f"{how} from {fmt_value(first, unit)} since {since.day} {since:%b}"


def _kpi_view(k: KpiResult, min_group: int) -> KpiView:
    unit = k.unit
    state, label = _KPI_STATES[k.met]
    small = f"Hidden: fewer than {min_group} people"
    if k.suppressed:  # the badge stays short; the dashboard gives the sentence why
        state, label = "suppressed", small if k.why in ("", small) else "Hidden"
    if k.needs_key:  # built without the program key: sealed ratings or answers stay unread
        state, label = "needs-key", "Computed only where the program key is"
    series = () if k.suppressed else k.series
    labels = [s.week.isoformat() for s in series]
    rows = tuple((f"Week of {week_label(w)}", fmt_value(s.value, unit)) for w, s in zip(labels, series))
    values = tuple(s.value for s in series)
    percent = unit in _PERCENT_UNITS
    trend = _trend(series, unit)
    chart = LineChart(
        f"charts/kpi-{slug(k.id)}.svg", f"{k.name} by week",
        f"Line chart of {k.name} per week against the target of {fmt_value(k.target, unit)}"
        + (f": {trend} to {fmt_value(k.value, unit)}." if trend else "."),
        tuple(labels), values, float(k.target), percent) if any(v is not None for v in values) else None
    direction = "at most" if k.direction == "at-most" else "at least"
    shown = format_value(unit, k.value, k.suppressed, k.needs_key, missing="no data yet")
    return KpiView(k.id, k.name, shown, fmt_value(k.target, unit), direction, state, label, chart, rows,
                   f"kpi-{slug(k.id)}", Markup(sparkline(values, float(k.target), percent)) or None, trend,
                   k.why if k.suppressed else "")


def kpi_views(report: Report, min_group: int) -> list[KpiView]:
    return [_kpi_view(k, min_group) for k in report.kpis]


def timeline(program: Program, on: dt.date) -> TimelineChart | None:
    if not program.cohorts:
        return None
    spans = tuple(Span(c.name, c.registration_opens, c.registration_closes, c.start, c.end)
                  for c in sorted(program.cohorts, key=lambda c: (c.start, c.id)))
    alt = "Timeline of the cohorts: " + "; ".join(
        f"{s.label} registers {s.opens} to {s.closes} and meets {s.start} to {s.end}" for s in spans) + "."
    return TimelineChart("charts/cohort-timeline.svg", "Cohort timeline", alt, spans, on)


def home(data: ProgramData, report: Report, on: dt.date) -> tuple[HomeContext, list[Chart]]:
    program = data.program
    cohort, is_open = open_cohort(program, on)
    chart = timeline(program, on)
    ordered = sorted(program.cohorts, key=lambda c: (c.start, c.id))
    rows = [(c.name, f"{c.registration_opens} to {c.registration_closes}", f"{c.start} to {c.end}", cohort_phase(c, on))
            for c in ordered]
    return {"program": program, "as_of": on.isoformat(), "chart": chart, "chart_rows": rows,
            "cohorts": [(c, cohort_phase(c, on)) for c in sorted(program.cohorts, key=lambda c: (c.start, c.id))],
            "kpis": kpi_views(report, program.privacy.min_group_size)[:HEADLINE_KPIS],
            "join_cohort": cohort, "join_open": is_open,
            "mentors": credited_mentors(directory(data).profiles),
            "pairs": len(report.pairs), "people": report.people}, [chart] if chart else []


def rules(data: ProgramData, report: Report, on: dt.date) -> tuple[RulesContext, list[Chart]]:
    program = data.program
    weights = program.weights.normalised()
    criteria = [(CRITERIA[k][0], CRITERIA[k][1], f"{weights[k]:.0%}") for k in BREAKDOWN_KEYS if weights[k] > 0]
    return {"program": program, "criteria": criteria, "constraints": constraints(program),
            "cohorts": [(c, cohort_phase(c, on)) for c in sorted(program.cohorts, key=lambda c: (c.start, c.id))],
            "public_fields": sorted(program.privacy.public_fields), "sealing": sealing_terms(program)}, []


# what a sealed field is called on the site, per kind of file (rules page, privacy section)
SEALED_TERMS: Mapping[str, Mapping[str, str]] = {
    "checkin": {"rating": "session ratings", "good_fit": "first-session fit answers", "notes": "session notes",
                "concern": "concerns", "next_steps": "next steps"},
    "survey-response": {"answers": "survey answers"},
    "participant": {"self_identification": "self-identification answers", "email": "email addresses",
                    "bio": "bios", "title": "job titles", "location": "locations"},
    "pair": {"end_reason": "reasons for ending a pair"},
}


def sealing_terms(program: Program) -> dict[str, list[str]]:
    """What the program seals, in words, and who holds the keys."""
    sealed = [term for kind, terms in SEALED_TERMS.items()
              for field, term in terms.items() if field in sealed_fields(program, kind)]
    return {"sealed": sealed, "recipients": [r.name for r in program.sealing.recipients]}


def constraints(program: Program) -> list[str]:
    """The hard matching rules in plain words."""
    c = program.constraints
    out = ["A mentor and a mentee are in the same cohort.",
           f"The mentor's job level is at least {program.min_level_gap} below the mentee's.",
           "Nobody is paired with a person they asked to avoid, and no mentor gets more mentees than their capacity."]
    optional = [
        (c.shared_language, "They share at least one language."),
        (c.separate_management_chains,
         "They are not in one management chain (neither manages the other, directly or through others)."),
        (c.min_availability_overlap_hours > 0,
         f"They are both free at least {_hours(c.min_availability_overlap_hours)} a week at the same time."),
        (c.max_timezone_difference_hours is not None,
         f"They live at most {_hours(c.max_timezone_difference_hours or 0)} apart."),
    ]
    return out + [text for applies, text in optional if applies]


def _hours(value: float) -> str:
    return f"{value:g} hour{'' if value == 1 else 's'}"


def participants(data: ProgramData, report: Report, on: dt.date) -> tuple[ParticipantsContext, list[Chart]]:
    found = directory(data)
    used = {s for p in found.profiles for s in p.skill_ids}
    skills = [(s.id, s.name) for s in data.program.skills if s.id in used]
    return {"program": data.program, "directory": found, "skills": skills,
            "mentors": [p for p in found.profiles if p.role == "mentor"],
            "mentees": [p for p in found.profiles if p.role == "mentee"]}, []


def pairs(data: ProgramData, report: Report, on: dt.date) -> tuple[PairsContext, list[Chart]]:
    rows = pair_rows(data, report.pairs)
    counts = [(label, sum(1 for r in rows if r.status == status)) for status, label in STATUS_LABELS.items()]
    counts = [(label, n) for label, n in counts if n]
    chart = BarChart("charts/pair-status.svg", "Pairs by status",
                     "Bar chart of the number of pairs per status: "
                     + ", ".join(f"{n} {lab.lower()}" for lab, n in counts) + ".",
                     tuple(c[0] for c in counts), tuple(float(c[1]) for c in counts)) if counts else None
    cohorts = sorted({r.cohort for r in rows})
    return {"program": data.program, "as_of": on.isoformat(), "chart": chart, "counts": counts,
            "groups": [(c, [r for r in rows if r.cohort == c]) for c in cohorts]}, [chart] if chart else []


def dashboard(data: ProgramData, report: Report, on: dt.date) -> tuple[DashboardContext, list[Chart]]:
    min_group = data.program.privacy.min_group_size
    kpis = kpi_views(report, min_group)
    groups = [_participation(table) for table in sorted(report.participation, key=lambda t: t.name)]
    surveys = [_survey(s, min_group) for s in report.surveys]
    charts: list[Chart] = [k.chart for k in kpis if k.chart]
    charts += [g.chart for g in groups if g.chart]
    charts += [q.chart for s in surveys for q in s.questions if q.chart]
    return {"program": data.program, "as_of": on.isoformat(), "kpis": kpis, "groups": groups,
            "surveys": surveys, "min_group": min_group}, charts


def _participation(table: Table) -> GroupView:
    shown = [(c.group, c.count) for c in table.cells if c.count is not None]
    hidden = sum(1 for c in table.cells if c.count is None)
    title = f"Participants by {table.name.replace('_', ' ')}"
    chart = BarChart(f"charts/participation-{slug(table.name)}.svg", title,
                     f"Bar chart of {title.lower()}: " + ", ".join(f"{g} {n}" for g, n in shown) + ".",
                     tuple(g for g, _ in shown), tuple(float(n) for _, n in shown)) if shown else None
    return GroupView(title, shown, hidden, chart)


def _survey(survey: SurveyReport, min_group: int) -> SurveyView:
    questions = []
    for q in survey.questions:
        if q.type == "text":
            continue  # free-text answers are private; not even a count per question
        stats = q.stats
        # an answer given by too few people (and its complements) is left out, as a small group is
        dist = {c.group: c.count for c in stats.distribution or () if c.count is not None}
        hidden = sum(1 for c in stats.distribution or () if c.count is None)
        chart = BarChart(f"charts/survey-{slug(survey.id)}-{slug(q.id)}.svg", q.text,
                         f"Bar chart of the answers to “{q.text}”: " + ", ".join(f"{k}: {v}" for k, v in dist.items())
                         + ".", tuple(dist), tuple(float(v) for v in dist.values()),
                         columns=q.type == "scale") if any(dist.values()) else None
        questions.append(QuestionView(q.text, shown_responses(stats), _answer_summary(stats, dist, hidden, min_group),
                                      chart, list(dist.items())))
    return SurveyView(survey.name, survey.responses, questions)


def _answer_summary(stats: AnswerStats, dist: Mapping[str, int], hidden: int, min_group: int) -> str:
    if stats.suppressed:
        return f"hidden: fewer than {min_group} answers"
    if stats.yes_share is not None:
        return f"{stats.yes_share:.0%} yes"
    if stats.mean is not None:
        return f"mean {fmt_value(stats.mean, 'mean')}"
    top = max(dist.values(), default=0)
    if hidden:
        return f"answers given by fewer than {min_group} people are not shown"
    if not top:
        return "no answers yet"
    most = [answer for answer, n in dist.items() if n == top]
    return "most answered " + " and ".join(f"“{a}”" for a in most)


def matching(data: ProgramData, report: Report, on: dt.date) -> tuple[MatchingContext, list[Chart]]:
    program = data.program
    public = public_breakdowns(data)
    scored, means = mean_breakdown(data)
    parts = tuple(CRITERIA[k][0] for k in BREAKDOWN_KEYS)
    charts: list[Chart] = []
    mean_chart = None
    if scored and may_publish_mean(scored, program.privacy.min_group_size):
        # the bars and the alt text say what the table says: two decimals
        shown_means = tuple(float(f"{m:.2f}") for m in means)
        mean_chart = BarChart("charts/matching-mean.svg",
                              "Average contribution of each criterion to the score (0 to 1)",
                              f"Bar chart of the average score contribution per criterion over {scored} pairs: "
                              + ", ".join(f"{p} {m:.2f}" for p, m in zip(parts, means)) + ".", parts, shown_means)
        charts.append(mean_chart)
    stacked = None
    if public:
        shown = public[:40]  # the table lists all; a chart of thousands of bars helps nobody
        stacked = StackedChart("charts/matching-public.svg", "Score breakdown of public pairs",
                               f"Stacked bar chart of the score of {len(shown)} pairs whose names are public, split by "
                               "criterion; the table beside it gives every number.",
                               tuple(f"{p.mentor} / {p.mentee}" for p in shown), parts, tuple(p.parts for p in shown))
        charts.append(stacked)
    context: MatchingContext = {
        **rules(data, report, on)[0],
        "scored": scored, "means": list(zip(parts, (f"{m:.2f}" for m in means))), "mean_chart": mean_chart,
        "public": public, "parts": parts, "stacked": stacked,
        "unmatched": shown_count(len(data.unmatched), program.privacy.min_group_size),
        "pairs_total": len(data.pairs)}
    return context, charts
