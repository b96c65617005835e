"""Start a program, add a profile, log a session, refresh the issue forms: what `rmcode init`,
`register`, `log` and `forms` do, apart from asking.

The commands ask; these functions know the program: which cohorts are open, which levels
a role may have, which pairs a person may log for, how a profile is saved (sealed and
checked against the whole repository before it is written).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import SchemaError, refuse
from ..github.forms import FORM_FIELDS, regenerated_forms
from ..github.issueform import goals_from_texts
from ..init.scaffold import InitSettings, init_program, write_files
from ..io.files import read_existing
from ..io.system import local_zone
from ..io.worktree import present as is_present
from ..io.worktree import read_text_if_file
from ..layout import login_key, same_login
from ..model import Program, ProgramData
from ..model.json import Json, JsonMapping
from ..validate.schema import load_schema
from . import validate
from .data_files import left_plain, save
from .roster import roster_prefill

__all__ = [
    "PUBLIC_FIELDS",
    "InitSettings",
    "Json",
    "JsonMapping",
    "Program",
    "ProgramData",
    "as_in_profile",
    "cohort_choices",
    "first_log",
    "forms_in",
    "goals_from_texts",
    "init_program",
    "left_plain",
    "levels_for",
    "local_zone",
    "open_cohort",
    "pairs_of",
    "present",
    "public_choices",
    "read_existing",
    "refuse",
    "regenerated_forms",
    "roster_prefill",
    "save",
    "valid_program",
    "write_files",
]

PUBLIC_FIELDS: tuple[str, ...] = tuple(load_schema("participant")["properties"]["visibility"]["propertyNames"]["enum"])


def valid_program(root: Path) -> ProgramData:
    """The program as far as it is valid: one broken file elsewhere does not stop a person."""
    result = validate(root)
    if result.data is None:
        raise SchemaError(result.problems)
    return result.data


def present(root: Path, rel: str) -> bool:
    """Whether ``rel`` is there at all (a file, a folder or a link, even a broken one)."""
    return is_present(root / rel)


def levels_for(program: Program, role: object) -> list[str]:
    """The levels a role may have: mentors up to mentor_max_level, mentees from mentee_min_level.

    ``role`` is the answer so far: anything but mentor or mentee (none yet) limits nothing."""
    top, bottom = program.mentor_max_level, program.mentee_min_level
    return [str(x.level) for x in program.levels
            if not (role == "mentor" and top is not None and x.level > top)
            and not (role == "mentee" and bottom is not None and x.level < bottom)]


def _open_cohorts(program: Program, on: dt.date) -> list[str]:
    return [c.id for c in sorted(program.cohorts, key=lambda c: (c.registration_opens, c.id))
            if c.registration_opens <= on <= c.registration_closes]


def open_cohort(program: Program, on: dt.date) -> str | None:
    """The cohort registering on ``on`` (the one that opened first), if any."""
    open_now = _open_cohorts(program, on)
    return open_now[0] if open_now else None


def cohort_choices(program: Program, on: dt.date) -> list[str]:
    """Open cohorts; an admin registering someone later may still pick any, so all when none is open."""
    return _open_cohorts(program, on) or [c.id for c in program.cohorts]


def public_choices(program: Program) -> list[str]:
    """The profile fields a person may choose to show on the public site."""
    return [f for f in PUBLIC_FIELDS if f in program.privacy.public_fields]


def pairs_of(data: ProgramData, login: str) -> list[str]:
    """The approved pairs ``login`` belongs to, active ones first."""
    key = login_key(login)
    mine = [p for p in data.pairs if key in (login_key(p.mentor), login_key(p.mentee)) and p.status != "proposed"]
    return [p.id for p in sorted(mine, key=lambda p: (p.status != "active", p.id))]


def as_in_profile(data: ProgramData, login: str) -> str:
    """The login as the profile spells it: GitHub ignores case, file names (and the pairing of logs) do not."""
    return next((p.login for p in data.participants if p.key == login_key(login)), login)


def first_log(data: ProgramData, pair: str, login: str) -> bool:
    """Whether ``login`` has logged no session of ``pair`` yet."""
    return not any(c.pair == pair and same_login(c.author, login) for c in data.checkins)


def forms_in(root: Path) -> dict[str, str]:
    """The issue forms of rmcode present in the repository, by path."""
    return {rel: text for rel in FORM_FIELDS if (text := read_text_if_file(root / rel)) is not None}

