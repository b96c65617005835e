"""The program's pull requests and issues as api calls: check-pr, pr-summary, from-issue, codeowners, nudge.

check-pr and pr-summary read the pull request with git, then judge it: io.gitdiff reads the change
(data only, nothing executed); github.authorize decides who may make it, github.codeowners whether
an admin's review binds, github.pr_summary says what it changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import cast

from ..errors import LoadError, Problem, SchemaError, refuse
from ..github.authorize import Author, Decision, Roster, Verdict, decide
from ..github.codeowners import PATH as CODEOWNERS_PATH
from ..github.codeowners import drift, render_codeowners
from ..github.issueform import FORM_KINDS, MAX_BODY_CHARS, SCHEMA_OF, FormFile, FormKind, form_file
from ..github.pr_summary import VERDICT_FORMATS, problems_md, summarize, unreadable
from ..io.files import read_existing, refuse_link, write_data_file
from ..io.git import GitError
from ..io.gitdiff import Snapshot, read_changes
from ..io.worktree import read_head, read_regular_text, write_text_atomic
from ..layout import MATCHES, PROGRAM, login_key, parse_path, size_limit
from ..load.loader import load_bytes
from ..model import ProgramData, Sealing
from ..model.documents import SealingDoc
from ..progress.nudge import RENDERERS as NUDGE_RENDERERS
from ..progress.nudge import Nudge, build_nudge
from ..sealing import JsonValue
from ..validate.sealed import sealed_fields
from . import load_as_of, validate, validate_overlaid
from .roster import roster_prefill

# GitError: what a bad revision raises
__all__ = ["CODEOWNERS_PATH", "FORM_KINDS", "NUDGE_RENDERERS", "VERDICT_FORMATS", "Decision", "FormKind", "GitError",
           "Verdict", "check_pr", "codeowners_gap", "codeowners_text", "committed_codeowners", "issue_file", "nudge",
           "problems_md", "read_issue_body", "roster", "save_issue_file", "summarize_pr", "write_codeowners"]


def _load(snapshot: Snapshot, path: str) -> JsonValue:
    """The data of ``path`` on one side of the change; None when it is missing or does not load."""
    content = snapshot.read(path)
    if content is None:
        return None
    try:
        data: JsonValue = load_bytes(path, content, max_bytes=size_limit(path)).data
    except LoadError:
        return None
    return data


def _github_id(value: JsonValue) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def roster(base: Snapshot) -> Roster:
    """Admins, pairs and profile ids as the base branch has them; unreadable parts count as absent."""
    program, matches = _load(base, PROGRAM), _load(base, MATCHES)
    admins = frozenset(github_id for a in _items(program, "admins")
                       if (github_id := _github_id(a.get("github_id"))) is not None)
    pairs = {str(p["id"]): (str(p.get("mentor", "")), str(p.get("mentee", ""))) for p in _items(matches, "pairs")
             if isinstance(p.get("id"), str)}
    by_key = {login_key(where.login): path for path in base.entries
              if (where := parse_path(path)) is not None and where.kind == "participant" and where.login}

    def profile_id(login: str) -> int | None:
        path = by_key.get(login_key(login))
        profile = _load(base, path) if path else None
        return _github_id(profile.get("github_id")) if isinstance(profile, dict) else None
    return Roster(admins, pairs, profile_id, _sealing(program))


def _sealing(program: JsonValue) -> Sealing:
    """The base branch's sealing section; one that does not fit its schema counts as absent."""
    section = program.get("sealing") if isinstance(program, dict) else None
    try:
        # unvalidated: a section of another shape fails in from_raw and counts as absent (below)
        return Sealing.from_raw(cast(SealingDoc, section) if isinstance(section, dict) else None)
    except (AttributeError, KeyError, TypeError):
        return Sealing()


def _items(doc: JsonValue, key: str) -> Sequence[dict[str, JsonValue]]:
    values = doc.get(key) if isinstance(doc, dict) else None
    return [v for v in values if isinstance(v, dict)] if isinstance(values, list) else []


def check_pr(root: Path, base: str, head: str, author_id: int, author: str | None = None,
             fail_on: Decision = "needs-admin", via: str | None = None) -> Verdict:
    """May the author with ``author_id`` make the change ``base...head``? Reads git, runs nothing.

    The rules, admins and pairs are the base branch's; see rmcode.github.authorize. ``via`` is the
    bot that opened the pull request for the author.
    """
    changes = read_changes(root, base, head)
    paths = set(changes.head.entries) | set(changes.base.entries)
    who = Author(author_id, author, via)
    base_roster = roster(changes.base)
    owners = codeowners_gap(changes.base, changes.head, who.github_id in base_roster.admins and via is None)
    return decide(changes.changes, paths, who, base_roster, fail_on, owners)


def _admin_logins(snapshot: Snapshot) -> list[str]:
    return [login for a in _items(_load(snapshot, PROGRAM), "admins") if isinstance(login := a.get("login"), str)]


def codeowners_gap(base: Snapshot, head: Snapshot, author_is_admin: bool) -> str | None:
    """Why .github/CODEOWNERS does not make an admin's review binding for this change, or None.

    GitHub requires the owners named on the base branch, so a missing or stale file there
    means nobody's review is required; only a program admin may then repair it, and the
    pull request must leave the file matching its own program.yaml.
    """
    before = drift(base.read(CODEOWNERS_PATH), _admin_logins(base))
    after = drift(head.read(CODEOWNERS_PATH), _admin_logins(head))
    if before is not None and (after is not None or not author_is_admin):
        return (f"{CODEOWNERS_PATH} on the base branch {before}; a program admin must bring it up to date "
                "(`rmcode codeowners`) before other pull requests can pass")
    if after is not None:
        return f"after this change, {CODEOWNERS_PATH} {after}: run `rmcode codeowners` and commit the file"
    return None


def summarize_pr(root: Path, base: str, head: str) -> tuple[str, list[Problem]]:
    """Markdown for a job summary: what ``base...head`` changes, in plain words, and the
    problems of the pull request's data files that do not load (with file and line)."""
    changes = read_changes(root, base, head)
    return summarize(changes.changes, roster(changes.base).pairs), unreadable(changes.changes)


def read_issue_body(path: Path) -> str:
    """An issue body saved by the workflow; OSError when unreadable, RmcodeError when it is not UTF-8."""
    content = read_head(path, MAX_BODY_CHARS * 4 + 1)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        raise refuse(path, "RM608", "is not valid UTF-8", "save the issue body as UTF-8") from None


def issue_file(root: Path, kind: FormKind, body: str, author: str, author_id: int, day: dt.date) -> FormFile:
    """The profile or check-in file an issue form's answers make, checked among the repository's files.

    Refused field by field when an answer is invalid (RmcodeError), and with the repository's
    problems it would bring (SchemaError: a github_id another profile has, a pair that does not
    exist), as ``register`` and ``log`` refuse them, when ``day`` is the date it is checked on.
    """
    made = form_file(kind, body, author, author_id, day, lambda rel: read_existing(root, rel),
                     _sealed_by(root, SCHEMA_OF[kind]), roster_prefill(root, author))
    problems, _ = validate_overlaid(root, made.path, made.text.encode("utf-8"), day)
    if problems:
        raise SchemaError(problems)
    return made


def save_issue_file(root: Path, made: FormFile) -> None:
    write_data_file(root, made.path, made.text, force=True)


def _sealed_by(root: Path, kind: str) -> frozenset[str]:
    """What the program at ``root`` seals in a file of ``kind``; the default set if it does not validate."""
    data = validate(root).data
    return sealed_fields(data.program if data is not None else None, kind)


def codeowners_text(root: Path, as_of: dt.date | None) -> str:
    """.github/CODEOWNERS as program.yaml's admins say, even when the committed one is out of date."""
    return render_codeowners(_program_ignoring_codeowners(root, as_of))


def committed_codeowners(root: Path) -> str:
    """The CODEOWNERS file on disk; "" when there is none (or it is a link)."""
    return read_regular_text(root / CODEOWNERS_PATH)


def write_codeowners(root: Path, text: str) -> None:
    """Replace .github/CODEOWNERS atomically; never through a symbolic link."""
    target = root / CODEOWNERS_PATH
    refuse_link(target, CODEOWNERS_PATH)
    write_text_atomic(target, text)


def _program_ignoring_codeowners(root: Path, as_of: dt.date | None) -> ProgramData:
    """The program, even when the committed CODEOWNERS is out of date (this command repairs it)."""
    result = validate(root, as_of)
    problems = tuple(p for p in result.problems if p.path != CODEOWNERS_PATH)
    if result.data is None or any(p.severity == "error" for p in problems):
        raise SchemaError(problems)
    return result.data


def nudge(root: Path, as_of: dt.date | None) -> Nudge:
    """Pairs behind or stalled and profiles incomplete or unmatched, counted (naming nobody)."""
    data, day = load_as_of(root, as_of)
    return build_nudge(data, day)
