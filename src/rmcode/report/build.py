"""The progress report: one JSON-serialisable dict (the site's data and the static API), and its renderings.

``build_report`` is pure and deterministic: the same data and as-of date give the same
dict, and ``render_json`` sorts keys, so the bytes are identical too. The public dict
carries no free text, notes, flags, end reasons or per-person self-identification;
``private=True`` adds flags, free-text answers and per-pair ratings for admins.
The shape is documented in docs/report-api.md and schemas/report.schema.json.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..errors import SchemaError
from ..model import Kpi, Participant, ProgramData
from ..progress.flags import find_flags
from ..progress.metrics import METRICS, Context, evaluate
from ..progress.pairs import PairProgress, progress_of
from ..progress.surveys import aggregate_surveys
from ..validate.kpis import kpi_problems
from ..validate.sealed import NEEDS_KEY, count_sealed, needs_key, still_sealed
from .privacy import (
    NOT_ANSWERED,
    OTHER,
    fold_small_groups,
    hold_series,
    publish_date,
    suppress_cells,
)

REPORT_VERSION = 1
SELF_ID_MIN_GROUP = 2
Report = dict[str, Any]


def weeks(ctx: Context, until: dt.date) -> list[dt.date]:
    """Mondays from the week the first registration window opened up to ``until``."""
    if not ctx.program.cohorts:
        return []
    first = min(c.registration_opens for c in ctx.program.cohorts)
    monday = first - dt.timedelta(days=first.weekday())
    return [monday + dt.timedelta(weeks=i) for i in range(max(0, (until - monday).days // 7 + 1))]


def _met(kpi: Kpi, value: float | None) -> bool | None:
    if value is None:
        return None
    return value >= kpi.target if kpi.direction == "at-least" else value <= kpi.target


def _kpi(ctx: Context, kpi: Kpi, on: dt.date, k: int, sealed: frozenset[tuple[str, str]]) -> dict[str, Any]:
    if needs_key(sealed, kpi.metric):  # computed where the key is; never a number from the readable part only
        return {"id": kpi.id, "name": kpi.name, "metric": kpi.metric, "unit": METRICS[kpi.metric].unit, "value": None,
                "target": kpi.target, "direction": kpi.direction, "met": None, "suppressed": False, "needs_key": True,
                "params": dict(kpi.params), "series": [{"week": m.isoformat(), "value": None} for m in weeks(ctx, on)]}
    mondays = weeks(ctx, on)
    # each week's point is the metric at the week's end, the last one at the publication date
    # min() of the offsets, not of the dates: the Sunday after as-of 9999-12-31 does not exist
    days = [m.toordinal() + min(6, (on - m).days) for m in mondays] or [on.toordinal()]
    spec = METRICS[kpi.metric]
    points = hold_series(evaluate(ctx, kpi, days), k, spec.sensitive)
    value, suppressed = points[-1]
    return {"id": kpi.id, "name": kpi.name, "metric": kpi.metric, "unit": spec.unit, "value": value,
            "target": kpi.target, "direction": kpi.direction, "met": _met(kpi, value), "suppressed": suppressed,
            "params": dict(kpi.params),
            "series": [{"week": m.isoformat(), "value": v} for m, (v, _) in zip(mondays, points)]}


def _date(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _pair(p: PairProgress, private: bool) -> dict[str, Any]:
    out = {
        "id": p.pair.id, "cohort": p.pair.cohort, "mentor": p.pair.mentor, "mentee": p.pair.mentee,
        "status": p.status, "sessions_held": p.sessions_held, "sessions_confirmed": p.sessions_confirmed,
        "sessions_unconfirmed": p.sessions_unconfirmed, "sessions_expected": p.sessions_expected,
        "sessions_committed": p.sessions_committed, "progress": p.progress, "last_session": _date(p.last_session),
        "next_due": _date(p.next_due), "minutes": p.minutes, "topics_covered": list(p.topics_covered),
        "wanted_covered": p.wanted_covered, "wanted_total": p.wanted_total,
        "milestones": [{"id": m.id, "name": m.name, "due": m.due.isoformat(), "done": m.done} for m in p.milestones],
    }
    if private:
        out["ratings"] = {"mentor": p.rating_mentor, "mentee": p.rating_mentee}
        out["first_session_fit"] = p.first_session_fit
    return out


def _present(data: ProgramData, on: dt.date) -> list[Participant]:
    return [p for p in data.participants if p.registered <= on]


def _cells(counts: Mapping[str, int], order: Sequence[str], k: int,
           floors: Mapping[str, int] | None = None) -> list[dict[str, Any]]:
    shown = suppress_cells({g: counts.get(g, 0) for g in order}, k, floors)
    return [{"group": g, "count": shown[g]} for g in order]


def known_floors(data: ProgramData, people: Sequence[Participant],
                 progress: Sequence[PairProgress]) -> dict[str, Counter[str]]:
    """What the site tells anyway, per table: people listed in the directory (with their role and
    cohort, and the department or level where public) and people in a listed pair. A reader knows
    each cell holds at least that many (see ``privacy.suppress_cells``)."""
    fields = data.program.privacy.public_fields
    floors: dict[str, Counter[str]] = {"department": Counter(), "level": Counter(), "role": Counter(), "cohort": Counter()}
    known: set[str] = set()
    for p in people:
        shown = {f for f in p.visibility if p.visibility_of(f, fields) == "public"}
        if not shown:
            continue  # not listed
        known.add(p.key)
        if "department" in shown:
            floors["department"][p.department] += 1
        if "level" in shown:
            floors["level"][data.program.level_name(p.level)] += 1
    by_key = {p.key: p for p in people}
    known |= {login.lower() for x in progress for login in (x.pair.mentor, x.pair.mentee) if login.lower() in by_key}
    for key in known:
        floors["role"][by_key[key].role] += 1
        floors["cohort"][f"{by_key[key].cohort}/{by_key[key].role}"] += 1
    return floors


def _participation(data: ProgramData, people: Sequence[Participant], k: int,
                   floors: Mapping[str, Counter[str]]) -> dict[str, list[dict[str, Any]]]:
    levels = [x.name for x in data.program.levels]
    by_level = Counter(data.program.level_name(p.level) for p in people)
    return {
        "department": _cells(Counter(p.department for p in people), sorted({p.department for p in people}), k,
                             floors["department"]),
        "level": _cells(by_level, [n for n in levels if by_level[n]] + sorted(set(by_level) - set(levels)), k,
                        floors["level"]),
        "role": _cells(Counter(p.role for p in people), ["mentor", "mentee"], k, floors["role"]),
    }


def _self_identification(data: ProgramData, on: dt.date, k: int) -> dict[str, list[dict[str, Any]]]:
    # never about one person, even where a program publishes groups of one
    k = max(k, SELF_ID_MIN_GROUP)
    people = _present(data, on)
    out = {}
    for key in sorted({key for p in people for key in p.self_identification}):
        counts = fold_small_groups(Counter(p.self_identification.get(key, NOT_ANSWERED) for p in people), k)
        named = sorted(g for g in counts if g not in (OTHER, NOT_ANSWERED))
        out[key] = _cells(counts, named + [g for g in (OTHER, NOT_ANSWERED) if g in counts], k)
    return out


def _cohorts(data: ProgramData, people: Sequence[Participant], progress: Sequence[PairProgress], k: int,
             floors: Mapping[str, Counter[str]]) -> list[dict[str, Any]]:
    ids = [c.id for c in data.program.cohorts]
    # each column adds up to a published role total; the pairs listed per cohort are a known floor
    columns = {role: suppress_cells({c: sum(p.cohort == c and p.role == role for p in people) for c in ids}, k,
                                    {c: floors["cohort"][f"{c}/{role}"] for c in ids})
               for role in ("mentor", "mentee")}
    return [{"id": c.id, "name": c.name, "start": c.start.isoformat(), "end": c.end.isoformat(),
             "registration_opens": c.registration_opens.isoformat(),
             "registration_closes": c.registration_closes.isoformat(),
             "mentors": columns["mentor"][c.id], "mentees": columns["mentee"][c.id],
             "pairs": sum(p.pair.cohort == c.id and p.status != "proposed" for p in progress)}
            for c in data.program.cohorts]


def build_report(data: ProgramData, as_of: dt.date, private: bool = False, opened: int = 0) -> Report:
    """The progress report as of ``as_of``: KPIs with weekly series, pairs, cohorts, participation, surveys.

    Aggregates follow ``privacy.publish_every`` (computed at the end of the last
    complete week or month) and ``privacy.min_group_size`` (small groups suppressed,
    complementary cells too). ``private=True`` is for admins: aggregates as of
    ``as_of`` itself, plus flags with evidence and free-text answers.
    Values still sealed in ``data`` (no key here: see ``seals.open_data``; ``opened`` says how
    many were opened) are counted, and what needs them is marked ``needs_key``, never computed.
    Raises SchemaError when a KPI's parameters do not fit its metric.
    """
    program = data.program
    problems = kpi_problems(program)
    if problems:
        raise SchemaError(problems)
    k = program.privacy.min_group_size
    on = as_of if private else min(as_of, publish_date(as_of, program.privacy.publish_every))
    # one date for every number: the public report is the program as it stood on the publication date
    data = data.on(on) if on < as_of else data
    ctx = Context(data)
    sealed = still_sealed(data)
    progress = progress_of(data, on, ctx.pairs, ctx.table)
    people = _present(data, on)
    floors = known_floors(data, people, progress)
    report: Report = {
        "version": REPORT_VERSION, "as_of": as_of.isoformat(), "aggregates_as_of": on.isoformat(),
        "private": private,
        "privacy": {"min_group_size": k, "publish_every": program.privacy.publish_every},
        "program": {"id": program.id, "name": program.name, "organisation": program.organisation},
        "people": None if 0 < len(people) < k else len(people),
        "kpis": [_kpi(ctx, kpi, on, k, sealed) for kpi in program.kpis],
        "pairs": [_pair(p, private) for p in progress],
        "cohorts": _cohorts(data, people, progress, k, floors),
        "participation": _participation(data, people, k, floors),
        "self_identification": {} if ("participant", "self_identification") in sealed
        else _self_identification(data, on, k),
        "surveys": _surveys(data, on, k, private, sealed),
    }
    unread = count_sealed(data)
    if unread or opened:
        report["sealed"] = {"opened": opened, "unread": unread}
    if private:
        report["flags"] = [f.as_dict() for f in find_flags(data, as_of, ctx.pairs, progress)]
        if program.sealing.recipients:  # notes are sealed: shown to admins once opened with the key
            report["notes"] = [{"pair": c.pair, "author": c.author, "date": c.date.isoformat(), "note": c.notes,
                                "path": c.source.path} for c in data.checkins if c.notes and c.date <= as_of]
    return report


def _surveys(data: ProgramData, on: dt.date, k: int, private: bool,
             sealed: frozenset[tuple[str, str]]) -> list[dict[str, Any]]:
    out = aggregate_surveys(data, on, k, private)
    if ("survey-response", "answers") not in sealed:
        return out
    locked = {r.survey for r in data.responses if r.sealed}
    return [s | {"questions": [], "needs_key": True} if s["id"] in locked else s for s in out]


# --- renderings ------------------------------------------------------------------------

def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


UNIT_FORMAT: Mapping[str, Callable[[float], str]] = {
    "share": _percent, "count": lambda v: f"{v:g}", "days": lambda v: f"{v:.1f} days",
    "hours": lambda v: f"{v:.1f} h", "rating": lambda v: f"{v:.2f} / 5", "sessions": lambda v: f"{v:.1f}",
}


def format_value(unit: str, value: float | None, suppressed: bool = False, locked: bool = False) -> str:
    """A KPI value for people: 86%, 12.5 h, 4.20 / 5; 'suppressed', 'needs the program key' or 'no data'."""
    if locked:
        return NEEDS_KEY
    if suppressed:
        return "suppressed"
    return "no data" if value is None else UNIT_FORMAT[unit](value)


def format_target(kpi: Mapping[str, Any]) -> str:
    return ("≥ " if kpi["direction"] == "at-least" else "≤ ") + format_value(kpi["unit"], kpi["target"])


def _cell(value: object) -> str:
    # user text never breaks the table or starts markup of its own
    text = "" if value is None else str(value)
    return " ".join(text.split()).replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    body = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    if not body:
        return ["None yet.", ""]
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *body, ""]


def _md_met(met: bool | None) -> str:
    return {True: "met", False: "not met", None: "–"}[met]


def _md_answer(q: Mapping[str, Any]) -> str:
    if q["suppressed"]:
        return "suppressed (fewer than the minimum group size)"
    if q["yes_share"] is not None:
        return f"{_percent(q['yes_share'])} yes"
    if q["mean"] is not None:
        return f"mean {q['mean']:.2f}"
    if q["distribution"]:
        return ", ".join(f"{k}: {n}" for k, n in q["distribution"].items())
    return "–"


def render_markdown(report: Report) -> str:
    """The report as a Markdown document (private sections only when the report is private)."""
    program = report["program"]
    lines = [f"# {_cell(program['name'])}: progress report", "",
             (f"{_cell(program['organisation'])}. As of {report['as_of']}; aggregates as of "
              f"{report['aggregates_as_of']}."), "", "## KPIs", ""]
    lines += _table(["KPI", "Value", "Target", "Status"], [
        (k["name"], format_value(k["unit"], k["value"], k["suppressed"], k.get("needs_key", False)), format_target(k),
         _md_met(k["met"]))
        for k in report["kpis"]])
    lines += ["## Pairs", ""] + _table(
        ["Pair", "Cohort", "Status", "Sessions", "Expected", "Progress", "Last session", "Next due"],
        [(p["id"], p["cohort"], p["status"], f"{p['sessions_held']}/{p['sessions_committed']}",
          p["sessions_expected"], _percent(p["progress"]), p["last_session"] or "–", p["next_due"] or "–")
         for p in report["pairs"]])
    lines += ["## Cohorts", ""] + _table(["Cohort", "Start", "End", "Mentors", "Mentees", "Pairs"], [
        (c["name"], c["start"], c["end"], _count(c["mentors"]), _count(c["mentees"]), c["pairs"])
        for c in report["cohorts"]])
    for title, tables in (("Participation", report["participation"]),
                          ("Self-identification", report["self_identification"])):
        lines += [f"## {title}", ""] if tables else []
        for field, cells in tables.items():
            lines += [f"### {field.replace('_', ' ').replace('-', ' ').capitalize()}", ""]
            lines += _table(["Group", "People"], [(c["group"], _count(c["count"])) for c in cells])
    for survey in report["surveys"]:
        lines += [f"## {_cell(survey['name'])} ({survey['responses']} responses)", ""]
        if survey.get("needs_key"):
            lines += [f"Answers are sealed: {NEEDS_KEY}.", ""]
            continue
        lines += _table(["Question", "Answers", "Result"],
                        [(q["text"], q["responses"], _md_answer(q)) for q in survey["questions"]])
    if report.get("sealed", {}).get("unread"):
        lines += ["## Sealed values", "", _unread_sentence(report["sealed"]["unread"]), ""]
    if report["private"]:
        lines += _private_markdown(report)
    return "\n".join(lines).rstrip("\n") + "\n"


def _unread_sentence(unread: int) -> str:
    return (f"{unread} sealed value{'s' * (unread != 1)} could not be read here (concerns, notes, ratings, fit and "
            "survey answers among them): what needs them says \"needs the program key\". Pass --identity FILE or "
            "set RMCODE_IDENTITY to include them.")


def _count(value: int | None) -> str:
    return "suppressed" if value is None else str(value)


def _private_markdown(report: Report) -> list[str]:
    lines = ["## Flags (admins only)", ""]
    lines += _table(["Kind", "Pair", "Person", "What", "Evidence"], [
        (f["kind"], f["pair"] or "–", f["login"] or "–", f["message"],
         ", ".join(f"{e['path']}:{e['line']}" for e in f["evidence"])) for f in report["flags"]]) \
        if report["flags"] else ["No flags.", ""]
    lines += ["## Free-text answers (admins only)", ""]
    for survey in report["surveys"]:
        for q in survey["questions"]:
            if q.get("answers"):
                lines += [f"### {_cell(survey['name'])}: {_cell(q['text'])}", ""]
                lines += _table(["Person", "Answer"], [(a["login"], a["text"]) for a in q["answers"]])
    if "notes" in report:
        lines += ["## Session notes (admins only)", ""]
        lines += _table(["Pair", "Author", "Date", "Note", "File"],
                        [(n["pair"], n["author"], n["date"], n["note"], n["path"]) for n in report["notes"]])
    return lines


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def render_json(report: Report) -> str:
    """Sorted keys, one top-level key and one list entry (a KPI, a pair...) per line.

    Diffs between two reports read pair by pair, and json's C encoder (only used
    without ``indent``) keeps a report of thousands of pairs fast.
    """
    lines = []
    for key in sorted(report):
        value = report[key]
        if isinstance(value, list) and value:
            body = ",\n".join("    " + _compact(item) for item in value)
            lines.append(f"  {_compact(key)}: [\n{body}\n  ]")
        else:
            lines.append(f"  {_compact(key)}: {_compact(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def _rows(value: Any, path: tuple[str, ...]) -> Iterable[tuple[str, ...]]:
    if isinstance(value, Mapping):
        for key in sorted(value):
            yield from _rows(value[key], (*path, str(key)))
    elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
        for i, item in enumerate(value):
            name = next((str(item[k]) for k in ("id", "group", "week") if k in item), str(i + 1))
            yield from _rows({k: v for k, v in item.items() if k not in ("id", "group", "week")}, (*path, name))
    elif isinstance(value, list):
        yield (*path, ";".join(str(v) for v in value))
    else:
        yield (*path, "" if value is None else json.dumps(value) if isinstance(value, bool) else str(value))


def _inert(text: str) -> str:
    # a spreadsheet runs a cell starting with = + - @ as a formula (OWASP "CSV injection");
    # every number of the report is non-negative, so only text is ever changed
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_csv(report: Report) -> str:
    """The report as one tidy table: section, item, field, value (every number of the JSON, nothing more)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "item", "field", "value"])
    for row in _rows(report, ()):
        section, rest, value = row[0], row[1:-1], row[-1]
        item = rest[0] if len(rest) > 1 else ""
        field = ".".join(rest[1:] if len(rest) > 1 else rest)
        writer.writerow([_inert(v) for v in (section, item, field, value)])
    return out.getvalue()


RENDERERS: Mapping[str, Callable[[Report], str]] = {"md": render_markdown, "json": render_json, "csv": render_csv}
