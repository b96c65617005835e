"""The progress report's text forms: JSON (the site's data and HR tools), Markdown (people), CSV (spreadsheets).

Each renderer takes the typed report (rmcode.report.model) and is deterministic: JSON keys
are sorted, so the same report gives the same bytes. ``report_data`` is the JSON form as
plain data, the shape documented in docs/report-api.md and schemas/report.schema.json.
KPI values are formatted for people by ``format_value`` only (here, the terminal and the site).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeAlias

from ..progress.flags import Flag
from ..progress.pairs import MilestoneState
from ..report.model import (
    AnswerStats,
    Cell,
    CohortReport,
    KpiResult,
    PairReport,
    QuestionReport,
    Report,
    SurveyReport,
    Table,
)
from ..validate.sealed import NEEDS_KEY
from .escape import csv_cell, gfm_text

__all__ = ["RENDERERS", "Json", "JsonObject", "PairReport", "Report", "format_kpi", "format_target", "format_value",
           "render_csv", "render_json", "render_markdown", "report_data"]
Json: TypeAlias = "None | bool | int | float | str | Sequence[Json] | Mapping[str, Json]"
JsonObject: TypeAlias = "dict[str, Json]"


# --- values for people -----------------------------------------------------------------

def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def _plain_number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


UNIT_FORMAT: Mapping[str, Callable[[float], str]] = {
    "share": _percent, "count": lambda v: f"{v:g}", "days": lambda v: f"{v:.1f} days",
    "hours": lambda v: f"{v:.1f} h", "rating": lambda v: f"{v:.2f} / 5", "sessions": lambda v: f"{v:.1f}",
}


def format_value(unit: str, value: float | None, suppressed: bool = False, locked: bool = False,
                 missing: str = "no data") -> str:
    """A KPI value for people: 86%, 12.5 h, 4.20 / 5; 'suppressed', 'needs the program key' or ``missing``.

    A unit without its own format (a survey mean) prints with at most two decimals.
    """
    if locked:
        return NEEDS_KEY
    if suppressed:
        return "suppressed"
    return missing if value is None else UNIT_FORMAT.get(unit, _plain_number)(float(value))


def format_kpi(kpi: KpiResult) -> str:
    return format_value(kpi.unit, kpi.value, kpi.suppressed, kpi.needs_key)


def format_target(kpi: KpiResult) -> str:
    return ("≥ " if kpi.direction == "at-least" else "≤ ") + format_value(kpi.unit, kpi.target)


# --- JSON ------------------------------------------------------------------------------

def _kpi(k: KpiResult) -> JsonObject:
    out: JsonObject = {
        "id": k.id, "name": k.name, "metric": k.metric, "unit": k.unit, "value": k.value, "target": k.target,
        "direction": k.direction, "met": k.met, "suppressed": k.suppressed, "params": dict(k.params),
        "series": [{"week": s.week.isoformat(), "value": s.value} for s in k.series]}
    if k.needs_key:
        out["needs_key"] = True
    return out


def milestone_data(m: MilestoneState) -> JsonObject:
    return {"id": m.id, "name": m.name, "due": m.due.isoformat(), "done": m.done}


def _pair(p: PairReport) -> JsonObject:
    out: JsonObject = {
        "id": p.id, "cohort": p.cohort, "mentor": p.mentor, "mentee": p.mentee, "status": p.status,
        "sessions_held": p.sessions_held, "sessions_confirmed": p.sessions_confirmed,
        "sessions_unconfirmed": p.sessions_unconfirmed, "sessions_expected": p.sessions_expected,
        "sessions_committed": p.sessions_committed, "progress": p.progress,
        "last_session": None if p.last_session is None else p.last_session.isoformat(),
        "next_due": None if p.next_due is None else p.next_due.isoformat(), "minutes": p.minutes,
        "topics_covered": list(p.topics_covered), "wanted_covered": p.wanted_covered, "wanted_total": p.wanted_total,
        "milestones": [milestone_data(m) for m in p.milestones]}
    if p.private is not None:
        out["ratings"] = {"mentor": p.private.rating_mentor, "mentee": p.private.rating_mentee}
        out["first_session_fit"] = p.private.first_session_fit
    return out


def cohort_data(c: CohortReport) -> JsonObject:
    return {"id": c.id, "name": c.name, "start": c.start.isoformat(), "end": c.end.isoformat(),
            "registration_opens": c.registration_opens.isoformat(),
            "registration_closes": c.registration_closes.isoformat(), "mentors": c.mentors, "mentees": c.mentees,
            "pairs": c.pairs}


def _cells(cells: Iterable[Cell]) -> list[Json]:
    return [{"group": c.group, "count": c.count} for c in cells]


def _tables(tables: Iterable[Table]) -> JsonObject:
    return {t.name: _cells(t.cells) for t in tables}


def distribution_data(cells: tuple[Cell, ...] | None) -> Json:
    return None if cells is None else {c.group: c.count for c in cells}


def stats_data(s: AnswerStats) -> JsonObject:
    return {"responses": s.responses, "suppressed": s.suppressed, "yes_share": s.yes_share, "mean": s.mean,
            "distribution": distribution_data(s.distribution)}


def _question(q: QuestionReport) -> JsonObject:
    out: JsonObject = {"id": q.id, "text": q.text, "type": q.type, **stats_data(q.stats),
                       "by_role": {role: stats_data(s) for role, s in q.by_role}}
    if q.answers is not None:
        out["answers"] = [{"login": a.login, "text": a.text, "path": a.path} for a in q.answers]
    return out


def _survey(s: SurveyReport) -> JsonObject:
    out: JsonObject = {"id": s.id, "name": s.name, "responses": s.responses,
                       "questions": [_question(q) for q in s.questions]}
    if s.needs_key:
        out["needs_key"] = True
    return out


def _flag(f: Flag) -> JsonObject:
    return {"kind": f.kind, "pair": f.pair, "login": f.login, "message": f.message,
            "evidence": [{"path": s.path, "line": s.line} for s in f.evidence]}


def report_data(report: Report) -> JsonObject:
    """The report as plain JSON data (the shape of schemas/report.schema.json)."""
    out: JsonObject = {
        "version": report.version, "as_of": report.as_of.isoformat(),
        "aggregates_as_of": report.aggregates_as_of.isoformat(), "private": report.private,
        "privacy": {"min_group_size": report.privacy.min_group_size, "publish_every": report.privacy.publish_every},
        "program": {"id": report.program.id, "name": report.program.name,
                    "organisation": report.program.organisation},
        "people": report.people,
        "kpis": [_kpi(k) for k in report.kpis],
        "pairs": [_pair(p) for p in report.pairs],
        "cohorts": [cohort_data(c) for c in report.cohorts],
        "participation": _tables(report.participation),
        "self_identification": _tables(report.self_identification),
        "surveys": [_survey(s) for s in report.surveys],
    }
    if report.sealed is not None:
        out["sealed"] = {"opened": report.sealed.opened, "unread": report.sealed.unread}
    if report.flags is not None:
        out["flags"] = [_flag(f) for f in report.flags]
    if report.notes is not None:
        out["notes"] = [{"pair": n.pair, "author": n.author, "date": n.date.isoformat(), "note": n.note,
                         "path": n.path} for n in report.notes]
    return out


# one encoder for every line: json.dumps with options builds a new one per call (2,000 pairs, 2,000 calls)
_compact: Callable[[Json], str] = json.JSONEncoder(sort_keys=True, ensure_ascii=False).encode


def render_json(report: Report) -> str:
    """Sorted keys, one top-level key and one list entry (a KPI, a pair...) per line.

    Diffs between two reports read pair by pair, and json's C encoder (only used
    without ``indent``) keeps a report of thousands of pairs fast.
    """
    data = report_data(report)
    lines = []
    for key in sorted(data):
        value = data[key]
        if isinstance(value, list) and value:
            body = ",\n".join("    " + _compact(item) for item in value)
            lines.append(f"  {_compact(key)}: [\n{body}\n  ]")
        else:
            lines.append(f"  {_compact(key)}: {_compact(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


# --- Markdown --------------------------------------------------------------------------

def _cell(value: object) -> str:
    # user text never breaks the table or starts markup of its own: the one GitHub-safe escaper
    return "" if value is None else gfm_text(value)


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    body = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    if not body:
        return ["None yet.", ""]
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *body, ""]


def _md_met(met: bool | None) -> str:
    return {True: "met", False: "not met", None: "–"}[met]


def _count(value: int | None) -> str:
    return "suppressed" if value is None else str(value)


def _md_answer(s: AnswerStats) -> str:
    if s.suppressed:
        return "suppressed (fewer than the minimum group size)"
    if s.yes_share is not None:
        return f"{_percent(s.yes_share)} yes"
    if s.mean is not None:
        return f"mean {s.mean:.2f}"
    if s.distribution:
        return ", ".join(f"{c.group}: {_count(c.count)}" for c in s.distribution)
    return "–"


def _date(day: object) -> str:
    return "–" if day is None else str(day)


def render_markdown(report: Report) -> str:
    """The report as a Markdown document (private sections only when the report is private)."""
    program = report.program
    lines = [f"# {_cell(program.name)}: progress report", "",
             (f"{_cell(program.organisation)}. As of {report.as_of}; aggregates as of "
              f"{report.aggregates_as_of}."), "", "## KPIs", ""]
    lines += _table(["KPI", "Value", "Target", "Status"],
                    [(k.name, format_kpi(k), format_target(k), _md_met(k.met)) for k in report.kpis])
    lines += ([f"- {_cell(k.name)}: {_cell(k.why)}." for k in report.kpis if k.why]
              + [""] * any(k.why for k in report.kpis))
    lines += ["## Pairs", ""] + _table(
        ["Pair", "Cohort", "Status", "Sessions", "Expected", "Progress", "Last session", "Next due"],
        [(p.id, p.cohort, p.status, f"{p.sessions_held}/{p.sessions_committed}", p.sessions_expected,
          _percent(p.progress), _date(p.last_session), _date(p.next_due)) for p in report.pairs])
    lines += ["## Cohorts", ""] + _table(["Cohort", "Start", "End", "Mentors", "Mentees", "Pairs"], [
        (c.name, c.start, c.end, _count(c.mentors), _count(c.mentees), c.pairs) for c in report.cohorts])
    for title, tables in (("Participation", report.participation),
                          ("Self-identification", report.self_identification)):
        lines += [f"## {title}", ""] if tables else []
        for table in tables:
            lines += [f"### {table.name.replace('_', ' ').replace('-', ' ').capitalize()}", ""]
            lines += _table(["Group", "People"], [(c.group, _count(c.count)) for c in table.cells])
    for survey in report.surveys:
        lines += [f"## {_cell(survey.name)} ({survey.responses} responses)", ""]
        if survey.needs_key:
            lines += [f"Answers are sealed: {NEEDS_KEY}.", ""]
            continue
        lines += _table(["Question", "Answers", "Result"],
                        [(q.text, q.stats.responses, _md_answer(q.stats)) for q in survey.questions])
    if report.sealed is not None and report.sealed.unread:
        lines += ["## Sealed values", "", _unread_sentence(report.sealed.unread), ""]
    if report.private:
        lines += _private_markdown(report)
    return "\n".join(lines).rstrip("\n") + "\n"


def _unread_sentence(unread: int) -> str:
    return (f"{unread} sealed value{'s' * (unread != 1)} could not be read here (concerns, notes, ratings, fit and "
            "survey answers among them): what needs them says \"needs the program key\". Pass --identity FILE or "
            "set RMCODE_IDENTITY to include them.")


def _private_markdown(report: Report) -> list[str]:
    lines = ["## Flags (admins only)", ""]
    lines += _table(["Kind", "Pair", "Person", "What", "Evidence"], [
        (f.kind, f.pair or "–", f.login or "–", f.message,
         ", ".join(f"{e.path}:{e.line}" for e in f.evidence)) for f in report.flags]) \
        if report.flags else ["No flags.", ""]
    lines += ["## Free-text answers (admins only)", ""]
    for survey in report.surveys:
        for q in survey.questions:
            if q.answers:
                lines += [f"### {_cell(survey.name)}: {_cell(q.text)}", ""]
                lines += _table(["Person", "Answer"], [(a.login, a.text) for a in q.answers])
    if report.notes is not None:
        lines += ["## Session notes (admins only)", ""]
        lines += _table(["Pair", "Author", "Date", "Note", "File"],
                        [(n.pair, n.author, n.date, n.note, n.path) for n in report.notes])
    return lines


# --- CSV -------------------------------------------------------------------------------

def _rows(value: Json, path: tuple[str, ...]) -> Iterable[tuple[str, ...]]:
    # report_data makes dicts and lists only (isinstance on them is much faster than on the ABCs)
    if isinstance(value, dict):
        for key in sorted(value):
            yield from _rows(value[key], (*path, str(key)))
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for i, item in enumerate(value):
            assert isinstance(item, dict)
            name = next((str(item[k]) for k in ("id", "group", "week") if k in item), str(i + 1))
            yield from _rows({k: v for k, v in item.items() if k not in ("id", "group", "week")}, (*path, name))
    elif isinstance(value, list):
        yield (*path, ";".join(str(v) for v in value))
    else:
        yield (*path, "" if value is None else json.dumps(value) if isinstance(value, bool) else str(value))


def render_csv(report: Report) -> str:
    """The report as one tidy table: section, item, field, value (every number of the JSON, nothing more)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "item", "field", "value"])
    for row in _rows(report_data(report), ()):
        section, rest, value = row[0], row[1:-1], row[-1]
        item = rest[0] if len(rest) > 1 else ""
        field = ".".join(rest[1:] if len(rest) > 1 else rest)
        writer.writerow([csv_cell(v) for v in (section, item, field, value)])
    return out.getvalue()


RENDERERS: Mapping[str, Callable[[Report], str]] = {"md": render_markdown, "json": render_json, "csv": render_csv}
