"""Reading a pull request's change with git, as data only.

Nothing from the change is checked out, installed or executed: git lists the changed
paths with their modes (``git diff --raw``), the trees (``git ls-tree``) and hands over
blob bytes (``git cat-file --batch``). External diff drivers and text conversions are
switched off, so attributes in the pull request cannot make git run a program.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import LoadError, Problem
from ..github.authorize import (
    Author,
    Decision,
    FileChange,
    Roster,
    Status,
    Verdict,
    decide,
    is_data_path,
)
from ..github.codeowners import PATH as CODEOWNERS_PATH
from ..github.codeowners import drift
from ..github.pr_summary import summarize, unreadable
from ..layout import size_limit
from ..load.loader import load_bytes
from ..model import Sealing

_STATUS: Mapping[str, Status] = {"A": "added", "M": "modified", "D": "deleted", "T": "type-changed"}
_REGULAR = ("100644", "100755")
_GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}


class GitError(Exception):
    """git could not do what was asked: a bad revision or not a repository (a usage problem)."""


def git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """Run git in ``root`` and return its output; GitError with git's message on failure."""
    command = ["git", "-C", str(root), "-c", "core.quotePath=false", *args]
    try:
        done = subprocess.run(command, input=stdin, capture_output=True, check=False, timeout=300,
                              env={**os.environ, **_GIT_ENV})
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitError(f"git failed: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def resolve(root: Path, ref: str) -> str:
    """The commit id ``ref`` names; refs that look like options are refused."""
    if not ref or ref.startswith("-") or any(c in ref for c in "\0\n"):
        raise GitError(f"'{ref[:60]}' is not a revision")
    try:
        return git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}").decode().strip()
    except GitError:
        raise GitError(f"'{ref[:60]}' is not a commit in {root}") from None


@dataclass(frozen=True, slots=True)
class TreeEntry:
    mode: str
    sha: str


@dataclass(slots=True)
class Snapshot:
    """The files of one commit, read on demand (blobs are cached)."""

    root: Path
    commit: str
    entries: dict[str, TreeEntry]
    _cache: dict[str, bytes | None] = field(default_factory=dict)

    def read(self, path: str) -> bytes | None:
        """The bytes of a regular file no larger than its limit, else None."""
        if path not in self._cache:
            entry = self.entries.get(path)
            ok = entry is not None and entry.mode in _REGULAR
            self._cache[path] = read_blobs(self.root, [entry.sha], size_limit(path)).get(entry.sha) if ok and entry \
                else None
        return self._cache[path]


def tree(root: Path, commit: str) -> dict[str, TreeEntry]:
    """Every path of a commit with its mode and blob id."""
    entries = {}
    for record in git(root, "ls-tree", "-r", "-z", "--full-tree", commit).split(b"\0"):
        if record:
            meta, _, path = record.partition(b"\t")
            mode, _, sha = meta.decode().split(" ")
            entries[path.decode("utf-8", "backslashreplace")] = TreeEntry(mode, sha)
    return entries


def blob_sizes(root: Path, shas: Iterable[str]) -> dict[str, int]:
    wanted = sorted(set(shas))
    if not wanted:
        return {}
    out = git(root, "cat-file", "--batch-check", stdin="".join(f"{s}\n" for s in wanted).encode())
    sizes = {}
    for line in out.decode().splitlines():
        sha, kind, size = line.split(" ")
        if kind == "blob":
            sizes[sha] = int(size)
    return sizes


def read_blobs(root: Path, shas: Iterable[str], limit: int, sizes: Mapping[str, int] | None = None) -> dict[str, bytes]:
    """Blob bytes by id, for the blobs no larger than ``limit`` (sizes are checked first)."""
    shas = set(shas)
    known = blob_sizes(root, shas) if sizes is None else sizes
    small = sorted(sha for sha in shas if known.get(sha, limit + 1) <= limit)
    if not small:
        return {}
    out = git(root, "cat-file", "--batch", stdin="".join(f"{s}\n" for s in small).encode())
    blobs, pos = {}, 0
    while pos < len(out):
        header_end = out.index(b"\n", pos)
        sha, _, size = out[pos:header_end].decode().split(" ")
        start = header_end + 1
        blobs[sha] = out[start:start + int(size)]
        pos = start + int(size) + 1
    return blobs


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """A pull request as data: the changed files and the trees of both sides."""

    base: Snapshot
    head: Snapshot
    changes: tuple[FileChange, ...]


def _raw_changes(root: Path, merge_base: str, head: str) -> list[tuple[str, str, str, str, str, str]]:
    out = git(root, "diff", "--raw", "-z", "--no-renames", "--no-abbrev", "--no-ext-diff", "--no-textconv",
              "--ignore-submodules=none", merge_base, head, "--")
    fields = out.split(b"\0")
    records = []
    for meta, path in zip(fields[0::2], fields[1::2]):
        old_mode, new_mode, old_sha, new_sha, status = meta.decode().lstrip(":").split(" ")
        records.append((path.decode("utf-8", "backslashreplace"), status[0], old_mode, new_mode, old_sha, new_sha))
    return records


def read_changes(root: Path, base: str, head: str) -> ChangeSet:
    """What ``base...head`` changes (diffed from the merge base, like a pull request)."""
    base_commit, head_commit = resolve(root, base), resolve(root, head)
    try:
        merge_base = git(root, "merge-base", base_commit, head_commit).decode().strip()
    except GitError:
        raise GitError(f"{base[:60]} and {head[:60]} have no common history") from None
    records = _raw_changes(root, merge_base, head_commit)
    wanted: dict[int, set[str]] = {}  # size limit -> blob ids of data files
    for path, _, old_mode, new_mode, old_sha, new_sha in records:
        if is_data_path(path):
            wanted.setdefault(size_limit(path), set()).update(
                sha for sha, mode in ((old_sha, old_mode), (new_sha, new_mode)) if mode in _REGULAR)
    sizes = blob_sizes(root, [sha for shas in wanted.values() for sha in shas])
    blobs: dict[str, bytes] = {}
    for limit, shas in sorted(wanted.items()):
        blobs.update(read_blobs(root, shas, limit, sizes))
    changes = tuple(FileChange(path, _STATUS.get(status, "modified"), old_mode, new_mode,
                               blobs.get(old_sha) if old_mode in _REGULAR else None,
                               blobs.get(new_sha) if new_mode in _REGULAR else None,
                               sizes.get(old_sha, 0), sizes.get(new_sha, 0))
                    for path, status, old_mode, new_mode, old_sha, new_sha in records)
    return ChangeSet(Snapshot(root, base_commit, tree(root, base_commit)),
                     Snapshot(root, head_commit, tree(root, head_commit)), changes)


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
    program, matches = _load(base, "program.yaml"), _load(base, "matches.yaml")
    admins = frozenset(a["github_id"] for a in _items(program, "admins")
                       if isinstance(a.get("github_id"), int) and not isinstance(a.get("github_id"), bool))
    pairs = {str(p["id"]): (str(p.get("mentor", "")), str(p.get("mentee", ""))) for p in _items(matches, "pairs")
             if isinstance(p.get("id"), str)}
    by_lower = {path[len("participants/"):-5].lower(): path for path in base.entries
                if path.startswith("participants/") and path.endswith(".yaml") and path.count("/") == 1}

    def profile_id(login: str) -> int | None:
        path = by_lower.get(login.lower())
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
    return [a["login"] for a in _items(_load(snapshot, "program.yaml"), "admins") if isinstance(a.get("login"), str)]


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
