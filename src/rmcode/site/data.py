"""The site's data files: JSON Schemas, CSV and JSON exports, and the static JSON API.

Exports are built from a whitelist, never by copying the report: a field added to the
report later does not reach the site until it is listed here. Logins never appear;
a person in a pair is named only when their name is public.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from typing import Any

from ..formats.escape import csv_cell
from ..model import ProgramData
from ..validate.schema import SCHEMA_NAMES, schema_text
from .people import Profile, directory, public_name

Report = Mapping[str, Any]
API = "api/v1"
_KPI_FIELDS = ("id", "name", "metric", "unit", "value", "target", "direction", "met", "suppressed")
_PAIR_FIELDS = ("cohort", "status", "sessions_held", "sessions_confirmed", "sessions_expected", "sessions_committed",
                "progress", "last_session", "next_due", "minutes", "wanted_covered", "wanted_total")
_COHORT_FIELDS = ("id", "name", "start", "end", "registration_opens", "registration_closes", "mentors", "mentees",
                  "pairs")
_QUESTION_FIELDS = ("id", "text", "type", "responses", "suppressed", "yes_share", "mean", "distribution")


def to_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return out.getvalue()


def _pick(source: Mapping[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    return {f: source.get(f) for f in fields}


def public_report(data: ProgramData, report: Report) -> dict[str, Any]:
    """The report with only what the site may publish."""
    people = data.by_login()
    pairs = []
    for number, p in enumerate(report["pairs"], 1):
        mentor, mentee = (public_name(people.get(str(p[k]).lower()), data) for k in ("mentor", "mentee"))
        pairs.append({"number": number, "mentor": mentor, "mentee": mentee, **_pick(p, _PAIR_FIELDS),
                      "milestones": [_pick(m, ("id", "name", "due", "done")) for m in p.get("milestones", [])]})
    return {
        "version": 1, "as_of": report["as_of"], "aggregates_as_of": report["aggregates_as_of"],
        "program": _pick(report["program"], ("id", "name", "organisation")), "people": report["people"],
        "kpis": [_pick(k, _KPI_FIELDS) | {"series": [] if k.get("suppressed") else
                                          [_pick(s, ("week", "value")) for s in k.get("series", [])]}
                 | ({"needs_key": True} if k.get("needs_key") else {})
                 for k in report["kpis"]],
        "pairs": pairs,
        "cohorts": [_pick(c, _COHORT_FIELDS) for c in report["cohorts"]],
        "participation": {dim: _groups(rows) for dim, rows in sorted(report["participation"].items())},
        "surveys": [_pick(s, ("id", "name", "responses")) | {
            "questions": [_question(q) for q in s.get("questions", []) if q.get("type") != "text"]}
            for s in report.get("surveys", [])],
    }


def _question(q: Mapping[str, Any]) -> dict[str, Any]:
    out = _pick(q, _QUESTION_FIELDS)
    if q.get("suppressed"):
        out["responses"] = None  # "2 answers" is itself a number about fewer than min_group_size people
    return out


def _groups(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    rows = list(rows)
    # a suppressed group is left out by name too: "Legal: hidden" would still say someone from Legal takes part,
    # and so is how many were left out (docs/site.md: small groups are not listed, not even as a count)
    return {"groups": [{"group": r["group"], "count": r["count"]} for r in rows if r.get("count") is not None]}


def public_profiles(data: ProgramData) -> list[dict[str, Any]]:
    return [_profile_json(p) for p in directory(data).profiles]


def _profile_json(p: Profile) -> dict[str, Any]:
    raw = asdict(p)
    raw["name"] = p.name if p.named else None
    raw["skills_offered"], raw["skills_wanted"] = raw.pop("offered"), raw.pop("wanted")
    raw.pop("named")
    return {k: v for k, v in raw.items() if v not in ("", (), [], None) or k == "name"}


def program_json(data: ProgramData) -> dict[str, Any]:
    p = data.program
    return {
        "id": p.id, "name": p.name, "organisation": p.organisation, "objective": p.objective,
        "registration": p.registration_mode,
        "levels": [{"level": lv.level, "name": lv.name} for lv in p.levels],
        "eligibility": {"min_level_gap": p.min_level_gap, "mentor_max_level": p.mentor_max_level,
                        "mentee_min_level": p.mentee_min_level, "capacity_default": p.capacity_default,
                        "capacity_max": p.capacity_max},
        "commitment": asdict(p.commitment),
        "milestones": [{"id": m.id, "name": m.name, "day": m.day, "at_end": m.at_end} for m in p.milestones],
        "skills": [asdict(s) for s in p.skills],
        "kpis": [{"id": k.id, "name": k.name, "metric": k.metric, "target": k.target, "direction": k.direction}
                 for k in p.kpis],
        "weights": p.weights.normalised(),
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
    files[f"{API}/index.json"] = to_json({"version": 1, "as_of": pub["as_of"], "aggregates_as_of": pub["aggregates_as_of"],
                                          "endpoints": sorted(f"{API}/{n}" for n in api)})
    files |= {f"downloads/schemas/{n}.schema.json": schema_text(n) for n in SCHEMA_NAMES}
    files |= _csv_files(pub, profiles)
    return files


def _csv_files(pub: Mapping[str, Any], profiles: list[dict[str, Any]]) -> dict[str, str]:
    kpis = pub["kpis"]
    return {
        "downloads/kpis.csv": to_csv(_KPI_FIELDS, ([k[f] for f in _KPI_FIELDS] for k in kpis)),
        "downloads/kpi-series.csv": to_csv(("kpi", "week", "value"),
                                           ((k["id"], s["week"], s["value"]) for k in kpis for s in k["series"])),
        "downloads/pairs.csv": to_csv(("number", "mentor", "mentee") + _PAIR_FIELDS,
                                      ([p["number"], p["mentor"], p["mentee"], *(p[f] for f in _PAIR_FIELDS)]
                                       for p in pub["pairs"])),
        "downloads/participation.csv": to_csv(("dimension", "group", "count"), (
            (dim, g["group"], g["count"]) for dim, v in pub["participation"].items() for g in v["groups"])),
        "downloads/participants.csv": to_csv(_PROFILE_COLUMNS, (
            [";".join(v) if isinstance(v := p.get(c), (list, tuple)) else v for c in _PROFILE_COLUMNS]
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
