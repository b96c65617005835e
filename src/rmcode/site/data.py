"""The site's data files: JSON Schemas, CSV and JSON exports, and the static JSON API.

Exports are built from a whitelist, never by copying the report: a field added to the
report later does not reach the site until it is listed here. Logins never appear;
a person in a pair is named only when their name is public.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence

from ..formats.escape import csv_cell
from ..formats.report import Json, JsonObject, cohort_data, milestone_data, stats_data
from ..layout import login_key
from ..model import ProgramData
from ..report.model import KpiResult, PairReport, QuestionReport, Report, Table
from ..report.public import shown_responses
from ..validate.schema import SCHEMA_NAMES, schema_text
from .people import Profile, directory, public_name

API = "api/v1"
_KPI_FIELDS = ("id", "name", "metric", "unit", "value", "target", "direction", "met", "suppressed")
_PAIR_FIELDS = ("cohort", "status", "sessions_held", "sessions_confirmed", "sessions_expected", "sessions_committed",
                "progress", "last_session", "next_due", "minutes", "wanted_covered", "wanted_total")
_COHORT_FIELDS = ("id", "name", "start", "end", "registration_opens", "registration_closes", "mentors", "mentees",
                  "pairs")


def to_json(value: Json) -> str:
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return out.getvalue()


def _kpi(k: KpiResult) -> JsonObject:
    out: JsonObject = {"id": k.id, "name": k.name, "metric": k.metric, "unit": k.unit, "value": k.value,
                       "target": k.target, "direction": k.direction, "met": k.met, "suppressed": k.suppressed,
                       "series": [] if k.suppressed else [{"week": s.week.isoformat(), "value": s.value}
                                                          for s in k.series]}
    if k.needs_key:
        out["needs_key"] = True
    return out


def _pair(number: int, p: PairReport, mentor: str | None, mentee: str | None) -> JsonObject:
    return {"number": number, "mentor": mentor, "mentee": mentee, "cohort": p.cohort, "status": p.status,
            "sessions_held": p.sessions_held, "sessions_confirmed": p.sessions_confirmed,
            "sessions_expected": p.sessions_expected, "sessions_committed": p.sessions_committed,
            "progress": p.progress, "last_session": None if p.last_session is None else p.last_session.isoformat(),
            "next_due": None if p.next_due is None else p.next_due.isoformat(), "minutes": p.minutes,
            "wanted_covered": p.wanted_covered, "wanted_total": p.wanted_total,
            "milestones": [milestone_data(m) for m in p.milestones]}


def _public_names(data: ProgramData, report: Report) -> list[tuple[str | None, str | None]]:
    """(mentor, mentee) per pair of the report, each name only where its person made it public."""
    people = data.by_login()
    return [(public_name(people.get(login_key(p.mentor)), data), public_name(people.get(login_key(p.mentee)), data))
            for p in report.pairs]


def public_report(data: ProgramData, report: Report) -> JsonObject:
    """The report with only what the site may publish."""
    pairs: list[Json] = [_pair(number, p, *names)
                         for number, (p, names) in enumerate(zip(report.pairs, _public_names(data, report)), 1)]
    return {
        "version": 1, "as_of": report.as_of.isoformat(), "aggregates_as_of": report.aggregates_as_of.isoformat(),
        "program": {"id": report.program.id, "name": report.program.name,
                    "organisation": report.program.organisation}, "people": report.people,
        "kpis": [_kpi(k) for k in report.kpis],
        "pairs": pairs,
        "cohorts": [cohort_data(c) for c in report.cohorts],
        "participation": {t.name: _groups(t) for t in sorted(report.participation, key=lambda t: t.name)},
        "surveys": [{"id": s.id, "name": s.name, "responses": s.responses,
                     "questions": [_question(q) for q in s.questions if q.type != "text"]} for s in report.surveys],
    }


def _question(q: QuestionReport) -> JsonObject:
    # "2 answers" is itself a number about fewer than min_group_size people: see public.shown_responses
    return {"id": q.id, "text": q.text, "type": q.type, **stats_data(q.stats), "responses": shown_responses(q.stats)}


def _groups(table: Table) -> JsonObject:
    # a suppressed group is left out by name too: "Legal: hidden" would still say someone from Legal takes part,
    # and so is how many were left out (docs/site.md: small groups are not listed, not even as a count)
    return {"groups": [{"group": c.group, "count": c.count} for c in table.cells if c.count is not None]}


def public_profiles(data: ProgramData) -> list[JsonObject]:
    return [_profile_json(p) for p in directory(data).profiles]


def _profile_json(p: Profile) -> JsonObject:
    raw: JsonObject = {
        "name": p.name if p.named else None, "role": p.role, "cohort": p.cohort, "title": p.title, "level": p.level,
        "department": p.department, "location": p.location, "timezone": p.timezone, "languages": list(p.languages),
        "skills_offered": list(p.offered), "skills_wanted": list(p.wanted), "skill_ids": list(p.skill_ids),
        "goals": list(p.goals), "bio": p.bio, "mentoring": p.mentoring}
    return {k: v for k, v in raw.items() if v not in ("", [], None) or k == "name"}


def program_json(data: ProgramData) -> JsonObject:
    p = data.program
    return {
        "id": p.id, "name": p.name, "organisation": p.organisation, "objective": p.objective,
        "registration": p.registration_mode,
        "levels": [{"level": lv.level, "name": lv.name} for lv in p.levels],
        "eligibility": {"min_level_gap": p.min_level_gap, "mentor_max_level": p.mentor_max_level,
                        "mentee_min_level": p.mentee_min_level, "capacity_default": p.capacity_default,
                        "capacity_max": p.capacity_max},
        "commitment": {"sessions": p.commitment.sessions, "cadence_days": p.commitment.cadence_days,
                       "minutes": p.commitment.minutes, "inactivity_days": p.commitment.inactivity_days},
        "milestones": [{"id": m.id, "name": m.name, "day": m.day, "at_end": m.at_end} for m in p.milestones],
        "skills": [{"id": s.id, "name": s.name, "description": s.description} for s in p.skills],
        "kpis": [{"id": k.id, "name": k.name, "metric": k.metric, "target": k.target, "direction": k.direction}
                 for k in p.kpis],
        "weights": dict(p.weights.normalised()),
        "privacy": {"min_group_size": p.privacy.min_group_size, "public_fields": sorted(p.privacy.public_fields)},
    }


def data_files(data: ProgramData, report: Report) -> dict[str, str]:
    """Every downloadable file, path -> text."""
    pub = public_report(data, report)
    profiles = public_profiles(data)
    api = {"report.json": pub, "program.json": program_json(data), "kpis.json": pub["kpis"],
           "pairs.json": pub["pairs"], "cohorts.json": pub["cohorts"], "participants.json": profiles,
           "participation.json": pub["participation"], "surveys.json": pub["surveys"]}
    files = {f"{API}/{name}": to_json(value) for name, value in api.items()}
    files[f"{API}/index.json"] = to_json({"version": 1, "as_of": pub["as_of"],
                                          "aggregates_as_of": pub["aggregates_as_of"],
                                          "endpoints": sorted(f"{API}/{n}" for n in api)})
    files |= {f"downloads/schemas/{n}.schema.json": schema_text(n) for n in SCHEMA_NAMES}
    files |= _csv_files(data, report, profiles)
    return files


def _csv_files(data: ProgramData, report: Report, profiles: list[JsonObject]) -> dict[str, str]:
    pairs = [_pair(number, p, *names)
             for number, (p, names) in enumerate(zip(report.pairs, _public_names(data, report)), 1)]
    kpis = [_kpi(k) for k in report.kpis]
    return {
        "downloads/kpis.csv": to_csv(_KPI_FIELDS, ([k[f] for f in _KPI_FIELDS] for k in kpis)),
        "downloads/kpi-series.csv": to_csv(("kpi", "week", "value"), (
            (k.id, s.week.isoformat(), s.value) for k in report.kpis if not k.suppressed for s in k.series)),
        "downloads/pairs.csv": to_csv(("number", "mentor", "mentee") + _PAIR_FIELDS,
                                      ([p[f] for f in ("number", "mentor", "mentee") + _PAIR_FIELDS] for p in pairs)),
        "downloads/participation.csv": to_csv(("dimension", "group", "count"), (
            (t.name, c.group, c.count) for t in sorted(report.participation, key=lambda t: t.name)
            for c in t.cells if c.count is not None)),
        "downloads/participants.csv": to_csv(_PROFILE_COLUMNS, (
            [";".join(str(x) for x in v) if isinstance(v := p.get(c), (list, tuple)) else v for c in _PROFILE_COLUMNS]
            for p in profiles)),
    }


_PROFILE_COLUMNS = ("name", "role", "cohort", "title", "level", "department", "location", "timezone", "languages",
                    "skills_offered", "skills_wanted", "goals", "bio", "mentoring")
DOWNLOADS: tuple[tuple[str, str], ...] = (
    ("downloads/kpis.csv", "Every KPI with its value, target and whether it is met."),
    ("downloads/kpi-series.csv", "The weekly value of every KPI."),
    ("downloads/pairs.csv", "Progress of every pair; names only where the person made them public."),
    ("downloads/participation.csv", "Participants per department, level and role (small groups left out)."),
    ("downloads/participants.csv", "The public directory: only the fields each person made public."),
)
