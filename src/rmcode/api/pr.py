"""``rmcode check-pr`` and ``summarize-pr`` as api calls: read the pull request with git, then judge it.

io.gitdiff reads the change (data only, nothing executed); github.authorize decides who may make it,
github.codeowners whether an admin's review binds, github.pr_summary says what it changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import LoadError, Problem
from ..github.authorize import Author, Decision, Roster, Verdict, decide
from ..github.codeowners import PATH as CODEOWNERS_PATH
from ..github.codeowners import drift
from ..github.pr_summary import summarize, unreadable
from ..io.git import GitError
from ..io.gitdiff import Snapshot, read_changes
from ..layout import MATCHES, PROGRAM, login_key, parse_path, size_limit
from ..load.loader import load_bytes
from ..model import Sealing

__all__ = ["GitError", "check_pr", "codeowners_gap", "roster", "summarize_pr"]  # GitError: what a bad revision raises


def _load(snapshot: Snapshot, path: str) -> Any:
    content = snapshot.read(path)
    if content is None:
        return None
    try:
        return load_bytes(path, content, max_bytes=size_limit(path)).data
    except LoadError:
        return None


def roster(base: Snapshot) -> Roster:
    """Admins, pairs and profile ids as the base branch has them; unreadable parts count as absent."""
    program, matches = _load(base, PROGRAM), _load(base, MATCHES)
    admins = frozenset(a["github_id"] for a in _items(program, "admins")
                       if isinstance(a.get("github_id"), int) and not isinstance(a.get("github_id"), bool))
    pairs = {str(p["id"]): (str(p.get("mentor", "")), str(p.get("mentee", ""))) for p in _items(matches, "pairs")
             if isinstance(p.get("id"), str)}
    by_key = {login_key(where.login): path for path in base.entries
              if (where := parse_path(path)) is not None and where.kind == "participant" and where.login}

    def profile_id(login: str) -> int | None:
        path = by_key.get(login_key(login))
        profile = _load(base, path) if path else None
        value = profile.get("github_id") if isinstance(profile, dict) else None
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    return Roster(admins, pairs, profile_id, _sealing(program))


def _sealing(program: Any) -> Sealing:
    """The base branch's sealing section; one that does not fit its schema counts as absent."""
    try:
        return Sealing.from_raw(program.get("sealing") if isinstance(program, dict) else None)
    except (AttributeError, KeyError, TypeError):
        return Sealing()


def _items(doc: Any, key: str) -> Sequence[dict[str, Any]]:
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
    return [a["login"] for a in _items(_load(snapshot, PROGRAM), "admins") if isinstance(a.get("login"), str)]


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
