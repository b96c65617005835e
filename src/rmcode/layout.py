"""The repository layout: which files a program has, where they live, who a login is.

The one owner of the ``participants/<login>.yaml`` / ``checkins/<pair>/<date>-<login>.yaml``
/ ``surveys/<survey>/<login>.yaml`` paths, of GitHub-login identity (case-insensitive), of the
size limits per kind of file and of the ``# yaml-language-server`` header line. Pure: no
imports from the rest of rmcode, no disk.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

FileKind = Literal["program", "matches", "participant", "checkin", "survey-response"]

# GitHub's rule for user names: alphanumerics and single inner hyphens, at most 39 characters
LOGIN_PATTERN = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}"
LOGIN = re.compile(rf"^{LOGIN_PATTERN}$")
LOGIN_FULL = re.compile(LOGIN_PATTERN)
PAIR_PATTERN = r"[A-Za-z0-9-]+--[A-Za-z0-9-]+"
ID_PATTERN = r"[a-z0-9][a-z0-9-]{0,62}"
DATE_PATTERN = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

PROGRAM, MATCHES = "program.yaml", "matches.yaml"
PARTICIPANTS, CHECKINS, SURVEYS = "participants", "checkins", "surveys"
PROFILE_PATH = re.compile(rf"{PARTICIPANTS}/({LOGIN_PATTERN})\.yaml")
CHECKIN_PATH = re.compile(rf"{CHECKINS}/({PAIR_PATTERN})/({DATE_PATTERN})-({LOGIN_PATTERN})\.yaml")
SURVEY_PATH = re.compile(rf"{SURVEYS}/({ID_PATTERN})/({LOGIN_PATTERN})\.yaml")
DATA_FOLDERS = {PARTICIPANTS: "one <login>.yaml file per person",
                CHECKINS: "checkins/<pair-id>/<date>-<login>.yaml files",
                SURVEYS: "surveys/<survey-id>/<login>.yaml files"}

# how deep below the repository root each kind of file lives (for the schema header line)
DEPTH: dict[str, int] = {"program": 0, "matches": 0, "participant": 1, "checkin": 2, "survey-response": 2}

MAX_BYTES = 1 << 20  # one data file
MATCHES_MAX_BYTES = 64 << 20  # matches.yaml grows with the program: about 400 bytes a pair


class Login(str):
    """A GitHub login as its owner spelled it; ``key`` is the identity (GitHub ignores case).

    Two logins name the same person when their keys are equal: compare ``a.key == b.key``
    (or ``login_key(a) == login_key(b)`` for plain strings), never the spellings.
    """

    __slots__ = ()

    @property
    def key(self) -> str:
        return login_key(self)


# The case-folded identity of a login (GitHub logins are ASCII and case-insensitive). The C method
# itself rather than a wrapper: it runs over every row of a 100,000-person HR roster on validate.
login_key: Callable[[str], str] = str.lower


def same_login(a: str, b: str) -> bool:
    return login_key(a) == login_key(b)


def is_login(text: str) -> bool:
    """Whether ``text`` is a GitHub login, exactly (``LOGIN.match`` also lets one trailing newline through)."""
    return LOGIN_FULL.fullmatch(text) is not None


def is_data_path(path: str) -> bool:
    """Files that hold the program's data: program.yaml, matches.yaml and anything in a data folder."""
    return path in (PROGRAM, MATCHES) or path.split("/", 1)[0] in DATA_FOLDERS


def profile_path(login: str) -> str:
    return f"{PARTICIPANTS}/{login}.yaml"


def checkin_path(pair: str, day: date | str, author: str) -> str:
    stamp = day.isoformat() if isinstance(day, date) else day
    return f"{CHECKINS}/{pair}/{stamp}-{author}.yaml"


def survey_path(survey: str, login: str) -> str:
    return f"{SURVEYS}/{survey}/{login}.yaml"


@dataclass(frozen=True, slots=True)
class DataPath:
    """What a repository path is: its kind and the ids its name carries."""

    kind: FileKind
    login: str | None = None  # the profile's person, the check-in's author, the respondent
    pair: str | None = None
    day: str | None = None  # ISO date of a check-in, as written in the file name
    survey: str | None = None


def parse_path(path: str) -> DataPath | None:
    """The kind and ids of a data file's path; None for any other path."""
    if path == PROGRAM:
        return DataPath("program")
    if path == MATCHES:
        return DataPath("matches")
    if m := PROFILE_PATH.fullmatch(path):
        return DataPath("participant", login=m[1])
    if m := CHECKIN_PATH.fullmatch(path):
        return DataPath("checkin", pair=m[1], day=m[2], login=m[3])
    if m := SURVEY_PATH.fullmatch(path):
        return DataPath("survey-response", survey=m[1], login=m[2])
    return None


def size_limit(path: str) -> int:
    """The most bytes a file at ``path`` may have."""
    return MATCHES_MAX_BYTES if path == MATCHES else MAX_BYTES


def schema_line(kind: str, depth: int | None = None) -> str:
    """``# yaml-language-server: $schema=...`` with the path from the file to schemas/."""
    up = "../" * (DEPTH[kind] if depth is None else depth)
    return f"# yaml-language-server: $schema={up}schemas/{kind}.schema.json\n"
