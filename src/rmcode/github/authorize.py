"""May this author make this change? Pure decision logic for ``rmcode check-pr``.

Identity is the numeric GitHub id, never the login alone: logins can be renamed and
re-claimed, so a file belongs to whoever's id it carries on the base branch. The rules
and the roster (admins, pairs, profiles) come from the base branch, which is already
reviewed; the pull request's files are only read as data.

Every changed file gets one decision:
- allowed: the author may make this change without an admin;
- needs-admin: only an admin may make it (an admin's approval is the review);
- rejected: nobody should (links, submodules, case-variant names, malformed data paths,
  data files that do not load or do not fit their schema).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from ..errors import LoadError, Problem
from ..io.gitdiff import FileChange, Status
from ..layout import (
    CHECKIN_PATH,
    DATA_FOLDERS,
    PROFILE_PATH,
    SURVEY_PATH,
    login_key,
    same_login,
    size_limit,
)
from ..load.loader import load_bytes
from ..model import OPEN_PAIR, Sealing
from ..model.documents import CheckInDoc, MatchesDoc, ParticipantDoc, SurveyResponseDoc
from ..validate.schema import validate_document
from ..validate.sealed import plain_targets

Decision = Literal["allowed", "needs-admin", "rejected"]
DECISIONS: tuple[Decision, ...] = ("allowed", "needs-admin", "rejected")
SYMLINK, SUBMODULE = "120000", "160000"
PLACEHOLDERS = frozenset({".gitkeep", ".keep", "README.md"})  # skipped by validation, admins may add them
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\]|(^|/)\.\.?(/|$)|^/")


@dataclass(frozen=True, slots=True)
class Author:
    """Whose change this is. ``via`` names the bot that opened the pull request for this
    person (the author of the issue it was made from, as GitHub reports the issue).

    Admin rights never pass through a bot: anyone who may push to the bot's branch could
    otherwise add changes under an admin's name, so a bot's pull request is judged as the
    person's own files only.
    """

    github_id: int
    login: str | None = None
    via: str | None = None


@dataclass(frozen=True, slots=True)
class Roster:
    """What the base branch says: admin ids, pairs, and each login's github_id (looked up lazily)."""

    admins: frozenset[int]
    pairs: Mapping[str, tuple[str, str]]
    profile_id: Callable[[str], int | None]
    # program.yaml's sealing on the base branch: plain text in a sealed field is rejected
    sealing: Sealing = field(default_factory=Sealing)


@dataclass(frozen=True, slots=True)
class FileVerdict:
    path: str
    status: Status
    decision: Decision
    reason: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """Every file's decision. The check fails on any file at ``fail_on`` or worse.

    ``fail_on="needs-admin"`` (the default) passes only when the author may make every
    change; ``fail_on="rejected"`` also passes when the remaining files need an admin,
    for repositories where a required code-owner review already demands that approval.
    """

    author: Author
    admin: bool
    files: tuple[FileVerdict, ...]
    fail_on: Decision = "needs-admin"
    owners: str | None = None  # why .github/CODEOWNERS does not make an admin's review binding

    @property
    def unreviewed(self) -> bool:
        """Passing needs-admin files relies on a required code-owner review that CODEOWNERS does not give."""
        return self.fail_on == "rejected" and self.owners is not None

    @property
    def allowed(self) -> bool:
        """Every change is the author's to make (or the author is an admin)."""
        return all(f.decision == "allowed" for f in self.files)

    @property
    def passed(self) -> bool:
        worst = max((DECISIONS.index(f.decision) for f in self.files), default=0)
        return worst < DECISIONS.index(self.fail_on) and not self.unreviewed

    @property
    def exit_code(self) -> int:
        return 0 if self.passed else 1

    def count(self, decision: Decision) -> int:
        return sum(f.decision == decision for f in self.files)


def is_data_path(path: str) -> bool:
    """Files whose contents check-pr reads: the program's data."""
    return path in ("program.yaml", "matches.yaml") or path.split("/", 1)[0] in DATA_FOLDERS


def decide(changes: Sequence[FileChange], tree: Collection[str], author: Author, roster: Roster,
           fail_on: Decision = "needs-admin", owners: str | None = None) -> Verdict:
    """A decision for every changed file, sorted by path.

    ``tree`` holds every path the merged result could contain (head and base branch),
    to find names that differ from another only in case. ``owners`` says why CODEOWNERS
    does not make an admin's review binding (see Verdict.unreviewed).
    """
    admin = author.github_id in roster.admins and author.via is None
    variants = case_variants([c.path for c in changes if c.status != "deleted"], tree,
                             {c.path for c in changes if c.status == "deleted"})
    verdicts = []
    for change in sorted(changes, key=lambda c: c.path):
        decision, reason = _hazard(change, variants) or _plain_sealed(change, roster) or (
            ("allowed", "you are a program admin") if admin else _by_kind(change, author, roster))
        verdicts.append(FileVerdict(change.path, change.status, decision, reason))
    return Verdict(author, admin, tuple(verdicts), fail_on, owners)


def case_variants(paths: Iterable[str], tree: Collection[str], deleted: Collection[str]) -> dict[str, str]:
    """Changed path -> an existing path or folder that differs from it only in case.

    Case-insensitive file systems (macOS, Windows) would check both out as one file.
    """
    known: dict[str, set[str]] = {}
    for path in {*tree, *paths} - set(deleted):
        for prefix in _prefixes(path):
            known.setdefault(prefix.lower(), set()).add(prefix)
    found = {}
    for path in paths:
        for prefix in _prefixes(path):
            others = sorted(known.get(prefix.lower(), set()) - {prefix})
            if others:
                found[path] = others[0]
                break
    return found


def _prefixes(path: str) -> list[str]:
    parts = path.split("/")
    return ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]


Ruling = tuple[Decision, str]


def _hazard(change: FileChange, variants: Mapping[str, str]) -> Ruling | None:
    """Changes nobody should make, admins included."""
    path, mode = change.path, change.new_mode
    if _UNSAFE.search(path):
        return "rejected", "the path contains control characters, backslashes or '.'/'..' parts"
    if change.status == "deleted":
        return None  # removing a bad entry is a repair, never a hazard
    if mode == SYMLINK:
        return "rejected", "a symbolic link: rmcode never follows links; commit the file itself"
    if mode == SUBMODULE:
        return "rejected", "a submodule: a program repository holds no other repositories"
    if path in variants:
        return "rejected", f"differs only in upper/lower case from {variants[path]}"
    return _layout(path)


def _layout(path: str) -> Ruling | None:
    folder, _, rest = path.partition("/")
    if folder not in DATA_FOLDERS or not rest:
        return None
    if rest.split("/")[-1] in PLACEHOLDERS and rest.count("/") <= (folder != "participants"):
        return None
    if PROFILE_PATH.fullmatch(path) or CHECKIN_PATH.fullmatch(path) or SURVEY_PATH.fullmatch(path):
        return None
    return "rejected", f"{folder}/ holds {DATA_FOLDERS[folder]}; this path does not fit"


_ADMIN_ONLY: tuple[tuple[Callable[[str], bool], str], ...] = (
    (lambda p: p == "program.yaml", "program.yaml holds the program's rules; only admins change it"),
    (lambda p: p == "matches.yaml", "matches.yaml: pairs are proposed by `rmcode match` and approved by admins"),
    (lambda p: p.startswith(".github/workflows/"),
     "workflows run with the repository's token; only admins change them"),
    (lambda p: p == ".github/CODEOWNERS", "CODEOWNERS is generated from program.yaml by `rmcode codeowners`"),
    (lambda p: p.startswith(".github/"), "repository settings (.github/) are changed by admins"),
    (lambda p: p.split("/")[0] in DATA_FOLDERS, "folder placeholders and stray files are changed by admins"),
    (lambda p: True, "only data files of your own are open to participants; code, docs and settings need an admin"),
)


def _by_kind(change: FileChange, author: Author, roster: Roster) -> Ruling:
    for pattern, rule in ((PROFILE_PATH, _profile), (CHECKIN_PATH, _checkin), (SURVEY_PATH, _survey)):
        match = pattern.fullmatch(change.path)
        if match:
            return rule(change, match.groups(), author, roster)
    ending = _end_own_pair(change, author, roster) if change.path == "matches.yaml" else None
    return ending or ("needs-admin", next(reason for test, reason in _ADMIN_ONLY if test(change.path)))


# --- sealed data (docs/sealing.md) ------------------------------------------------------

_SCHEMAS = ((PROFILE_PATH, "participant"), (CHECKIN_PATH, "checkin"), (SURVEY_PATH, "survey-response"))
_ENDING = frozenset({"status", "ended", "end_reason"})  # what ending a pair may change


def _plain_sealed(change: FileChange, roster: Roster) -> Ruling | None:
    """Plain text in a field the program seals: nobody commits it, admins included."""
    schema = "matches" if change.path == "matches.yaml" else next(
        (name for pattern, name in _SCHEMAS if pattern.fullmatch(change.path)), None)
    if schema is None or change.new is None or not roster.sealing.recipients:
        return None
    try:
        data = load_bytes(change.path, change.new, max_bytes=size_limit(change.path)).data
    except LoadError:
        return None  # the rules for the file's kind reject what does not load
    plain = plain_targets(data, schema, roster.sealing)
    if not plain:
        return None
    fields = ", ".join(".".join(map(str, t)) for t in plain)
    return "rejected", f"plain text in sealed field{'s' * (len(plain) > 1)} {fields}: run `rmcode seal {change.path}`"


def _end_own_pair(change: FileChange, author: Author, roster: Roster) -> Ruling | None:
    """Either partner may end their own pair: status ended, the day, a (sealed) reason, nothing else."""
    versions = _versions(change, MATCHES)
    old, new = versions.old, versions.new
    if versions.unusable or old is None or new is None or len(old["pairs"]) != len(new["pairs"]):
        return None
    if {k: v for k, v in old.items() if k != "pairs"} != {k: v for k, v in new.items() if k != "pairs"}:
        return None
    changed = [(a, b) for a, b in zip(old["pairs"], new["pairs"]) if a != b]
    if len(changed) != 1:
        return None
    before, after = changed[0]
    keys = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    # str(): a raw value of the base file may be any YAML value, and a set needs it hashable
    if (not keys <= _ENDING or str(before.get("status")) not in OPEN_PAIR or after.get("status") != "ended"
            or "ended" not in after or not after.get("end_reason")):
        return None
    mine = [who for who in (before["mentor"], before["mentee"]) if roster.profile_id(who) == author.github_id]
    if not mine:
        return None
    return "allowed", f"{mine[0]} ends their own pair {before['id']}"


class _Unreadable(Exception):
    """A version of a data file that cannot be used as evidence."""

    def ruling(self, side: Literal["old", "new"]) -> Ruling:
        # a broken pull request file is the author's to fix; a broken base file is an admin's
        return ("rejected" if side == "new" else "needs-admin"), str(self)


_Doc = TypeVar("_Doc", ParticipantDoc, CheckInDoc, SurveyResponseDoc, MatchesDoc)


@dataclass(frozen=True, slots=True)
class _Kind(Generic[_Doc]):
    """A kind of data file: its schema's name, and (as the type parameter) what a valid one holds."""

    schema: str


PROFILE: _Kind[ParticipantDoc] = _Kind("participant")
CHECKIN: _Kind[CheckInDoc] = _Kind("checkin")
RESPONSE: _Kind[SurveyResponseDoc] = _Kind("survey-response")
MATCHES: _Kind[MatchesDoc] = _Kind("matches")


def _data(change: FileChange, side: Literal["old", "new"], kind: _Kind[_Doc]) -> _Doc:
    content = change.old if side == "old" else change.new
    size = change.old_size if side == "old" else change.new_size
    which = "the base version" if side == "old" else "the file"
    if content is None:
        limit = size_limit(change.path)
        raise _Unreadable(f"{which} is {size:,} bytes, more than the limit of {limit:,}" if size > limit
                          else f"{which} is not a regular file")
    try:
        doc = load_bytes(change.path, content)
    except LoadError as exc:
        raise _Unreadable(f"{which} is not valid: {_first(exc.problems)}") from None
    problems = validate_document(doc, kind.schema)
    if problems:
        raise _Unreadable(f"{which} is not valid: {_first(problems)}")
    result: _Doc = doc.data  # valid: what the schema describes
    return result


def _first(problems: Sequence[Problem]) -> str:
    text = "; ".join(f"line {p.line}: {p.code} {p.message}" for p in problems[:3])
    return text + (f" (and {len(problems) - 3} more)" if len(problems) > 3 else "")


@dataclass(frozen=True, slots=True)
class _Versions(Generic[_Doc]):
    """Base and head data of a changed file (None where absent), or why they are unusable."""

    old: _Doc | None = None
    new: _Doc | None = None
    unusable: Ruling | None = None


def _versions(change: FileChange, kind: _Kind[_Doc]) -> _Versions[_Doc]:
    sides: dict[Literal["old", "new"], _Doc | None] = {"old": None, "new": None}
    present = {"old": change.status != "added", "new": change.status != "deleted"}
    for side in sides:
        try:
            sides[side] = _data(change, side, kind) if present[side] else None
        except _Unreadable as exc:
            return _Versions(unusable=exc.ruling(side))
    return _Versions(sides["old"], sides["new"])


def _profile(change: FileChange, groups: Sequence[str], author: Author, roster: Roster) -> Ruling:
    (login,) = groups
    versions = _versions(change, PROFILE)
    if versions.unusable:
        return versions.unusable
    old, new = versions.old, versions.new
    ids = (old["github_id"] if old else None, roster.profile_id(login))
    owners = sorted(i for i in ids if i is not None and i != author.github_id)
    if owners:
        reason = f"this profile belongs to github_id {owners[0]}, not to you ({author.github_id})"
        if author.login and same_login(author.login, login):
            reason += "; a renamed and re-claimed login does not carry the profile with it"
        return "needs-admin", reason
    if new is None:
        return "allowed", "withdrawal: you delete your own profile, which ends your pairs"
    if new["login"] != login:
        return "rejected", f"login '{new['login']}' does not match the file name {login}.yaml"
    if new["github_id"] != author.github_id:
        return "needs-admin", f"github_id {new['github_id']} in the file is not yours ({author.github_id})"
    if old is None and author.login is not None and not same_login(author.login, login):
        return "needs-admin", f"a new profile must be named after your login ({author.login}.yaml)"
    return "allowed", "your own profile" + (" (new)" if old is None else "")


def _member(roster: Roster, login: str, author: Author) -> Ruling | None:
    """None when ``login`` is the author by github_id on the base branch."""
    known = roster.profile_id(login)
    if known is None:
        return "needs-admin", f"{login} has no profile on the base branch"
    if known != author.github_id:
        return "needs-admin", f"{login} is github_id {known} on the base branch, not you ({author.github_id})"
    return None


def _member_versions(change: FileChange, kind: _Kind[_Doc], roster: Roster, login: str,
                     author: Author) -> _Versions[_Doc]:
    """The file's versions when ``login`` is the author (see ``_member``); else why not, as unusable."""
    not_you = _member(roster, login, author)
    return _Versions(unusable=not_you) if not_you else _versions(change, kind)


def _checkin(change: FileChange, groups: Sequence[str], author: Author, roster: Roster) -> Ruling:
    pair_id, date, login = groups
    pair = roster.pairs.get(pair_id)
    if pair is None:
        return "needs-admin", f"pair {pair_id} is not in matches.yaml on the base branch"
    if login_key(login) not in (login_key(pair[0]), login_key(pair[1])):
        return "needs-admin", f"{login} is not in pair {pair_id}; log sessions only for your own pair"
    versions = _member_versions(change, CHECKIN, roster, login, author)
    if versions.unusable:
        return versions.unusable
    old, new = versions.old, versions.new
    if old is not None and not same_login(old["author"], login):
        return "needs-admin", f"the base version was written by {old['author']}"
    if new is not None:
        expected = {"pair": pair_id, "date": date, "author": login}
        found = {"pair": new["pair"], "date": new["date"], "author": new["author"]}
        wrong = [f"{k} is '{found[k]}'" for k, v in expected.items() if found[k] != v]
        if wrong:
            return "rejected", f"the file name says {pair_id}/{date}-{login} but {', '.join(wrong)}"
    return "allowed", ("your own session log" if new is not None else "you delete your own session log")


def _survey(change: FileChange, groups: Sequence[str], author: Author, roster: Roster) -> Ruling:
    survey, login = groups
    versions = _member_versions(change, RESPONSE, roster, login, author)
    if versions.unusable:
        return versions.unusable
    old, new = versions.old, versions.new
    for version in (v for v in (old, new) if v is not None):
        if version["respondent"] != login or version["survey"] != survey:
            return "rejected", (f"the file name says {survey}/{login} but the answers are for "
                                f"{version['survey']}/{version['respondent']}")
        pair = roster.pairs.get(version.get("pair") or "")
        if version.get("pair") and (pair is None or login_key(login) not in (login_key(pair[0]), login_key(pair[1]))):
            return "needs-admin", f"{login} is not in pair {version['pair']}"
    return "allowed", "your own survey answers"
