"""The join and log-a-session pages: prefilled GitHub links, issue forms and CLI commands.

The profile and check-in templates are valid files as written (placeholder values that
match the schema), so a person who only edits the placeholders gets a passing check.
"""

from __future__ import annotations

import datetime as dt

import yaml

from ..layout import schema_line
from ..model import Cohort, Program, ProgramData
from ..model.json import Json, JsonMapping
from ..report.model import Report
from ..validate.sealed import sealed_fields
from .config import SiteSettings
from .contexts import JoinContext, JoinRole, LogSessionContext
from .pages import open_cohort

PLACEHOLDER_LOGIN = "your-github-login"


def _dump(data: JsonMapping) -> str:
    return yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)


def profile_template(program: Program, cohort: Cohort, role: str, on: dt.date) -> str:
    """A participant file for ``cohort`` that validates once the placeholders are replaced."""
    levels = [lv.level for lv in program.levels]
    if role == "mentor":
        level = min(levels)
    else:
        level = program.mentee_min_level if program.mentee_min_level is not None else max(levels)
    registered = min(max(on, cohort.registration_opens), cohort.registration_closes)
    skill = [program.skills[0].id] if program.skills else []
    body: dict[str, Json] = {
        "login": PLACEHOLDER_LOGIN, "github_id": 1, "name": "Your Name", "role": role, "cohort": cohort.id,
        "registered": registered.isoformat(), "title": "Your job title", "level": level,
        "department": "Your department", "timezone": "Europe/Berlin", "languages": ["en"],
        ("skills_offered" if role == "mentor" else "skills_wanted"): skill,
        "availability": ["tue 09:00-11:00", "thu 14:00-16:00"],
        "bio": "A few sentences about you.",
        "visibility": {"name": "public", "title": "public", "department": "public"},
    }
    if program.working_style:
        body["working_style"] = {qid: 3 for qid, _ in program.working_style}
    return schema_line("participant") + _dump(body)


def checkin_template(pair_id: str, author: str, on: dt.date, program: Program) -> str:
    body: dict[str, Json] = {"pair": pair_id, "date": on.isoformat(), "author": author,
                            "minutes": program.commitment.minutes, "held": True}
    if program.skills:
        body["topics"] = [program.skills[0].id]
    # nothing the program seals (rating, fit, notes, concern, ...): a file made from this template is plain text
    if "next_steps" not in sealed_fields(program, "checkin"):
        body["next_steps"] = "What you agreed to try before the next session."
    return schema_line("checkin") + _dump(body)


def join(data: ProgramData, report: Report, on: dt.date, settings: SiteSettings) -> JoinContext:
    program = data.program
    cohort, is_open = open_cohort(program, on)
    roles: list[JoinRole] = []
    if cohort is not None:
        filename = f"participants/{PLACEHOLDER_LOGIN}.yaml"
        for role in ("mentor", "mentee"):
            text = profile_template(program, cohort, role, on)
            roles.append({"role": role, "template": text, "url": settings.new_file_url(filename, text)})
    return {"program": program, "cohort": cohort, "open": is_open, "roles": roles,
            "levels": program.levels, "issue_url": settings.issue_form_url("register.yml"),
            "repo_url": settings.repo_url(), "skills": program.skills,
            "invite_only": program.registration_mode == "invite-only"}


def log_session(data: ProgramData, report: Report, on: dt.date, settings: SiteSettings) -> LogSessionContext:
    program = data.program
    pair_id = "mentor-login--mentee-login"
    filename = f"checkins/{pair_id}/{on.isoformat()}-{PLACEHOLDER_LOGIN}.yaml"
    text = checkin_template(pair_id, PLACEHOLDER_LOGIN, on, program)
    return {"program": program, "template": text, "filename": filename,
            "url": settings.new_file_url(filename, text), "issue_url": settings.issue_form_url("log-session.yml"),
            "repo_url": settings.repo_url(), "commitment": program.commitment}
