"""Reading a pull request's change with git, as data only: ``read_changes(root, base, head)``.

What the change means (may the author make it, what does it change in plain words) is decided
above, in rmcode.github.authorize and rmcode.api.pull_requests; this module only reads.

Nothing from the change is checked out, installed or executed: git lists the changed
paths with their modes (``git diff --raw``), the trees (``git ls-tree``) and hands over
blob bytes (``git cat-file --batch``). External diff drivers and text conversions are
switched off, so attributes in the pull request cannot make git run a program.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..layout import is_data_path, size_limit
from .git import GitError
from .git import run as git

Status = Literal["added", "modified", "deleted", "type-changed"]


@dataclass(frozen=True, slots=True)
class FileChange:
    """One changed path as git reports it, with both versions' bytes when they are data.

    ``old``/``new`` are None for a side that is absent, not a regular file, not a data
    file, or larger than ``size_limit(path)`` (``old_size``/``new_size`` tell which).
    """

    path: str
    status: Status
    old_mode: str
    new_mode: str
    old: bytes | None = None
    new: bytes | None = None
    old_size: int = 0
    new_size: int = 0


_STATUS: Mapping[str, Status] = {"A": "added", "M": "modified", "D": "deleted", "T": "type-changed"}
_REGULAR = ("100644", "100755")


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
