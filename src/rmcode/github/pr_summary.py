"""What a pull request changes, in plain words (a job summary), and check-pr's verdict as text.

Pure: the changed files (as rmcode.github.authorize.FileChange) and the base branch's pairs
in, Markdown out. Every value that comes from the pull request is escaped, since a
job summary renders Markdown and HTML.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence

from ..errors import LoadError, Problem
from ..formats.escape import gfm_text
from ..layout import CHECKIN_PATH, PROFILE_PATH, SURVEY_PATH, same_login, size_limit
from ..load.loader import load_bytes
from ..model.json import JsonValue
from ..validate.schema import load_schema
from .authorize import DECISIONS, SUBMODULE, SYMLINK, FileChange, Verdict

MAX_TEXT = 120
_STATUS_WORDS: Mapping[str | None, str] = {None: "removed", "proposed": "proposed", "active": "approved",
                                    "completed": "completed", "ended": "ended"}


def md(text: object, limit: int = MAX_TEXT) -> str:
    """``text`` as inert Markdown: one line, no markup, no HTML, no mentions, at most ``limit`` characters."""
    return gfm_text(text, limit)


def _load(change: FileChange, side: str) -> JsonValue:
    """One side's data as parsed (not validated: the pull request's files are hostile), None if unreadable."""
    content = change.old if side == "old" else change.new
    if content is None:
        return None
    try:
        return load_bytes(change.path, content, max_bytes=size_limit(change.path)).data
    except LoadError:
        return None


def _get(data: JsonValue, key: str, default: JsonValue = "?") -> JsonValue:
    return data.get(key, default) if isinstance(data, dict) else default


def _titles(schema: str, keys: Sequence[str]) -> str:
    props = load_schema(schema).get("properties", {})
    return ", ".join(md(str(props.get(k, {}).get("title", k)).lower()) for k in keys)


def _parts(pattern: re.Pattern[str], change: FileChange) -> tuple[str, ...]:
    """The ids in a data file's path (DESCRIBERS picks a describer only for a path its pattern matches)."""
    found = pattern.fullmatch(change.path)
    return found.groups() if found else ()


def _changed_keys(old: JsonValue, new: JsonValue, schema: str) -> list[str]:
    """Top-level keys whose values differ, in the schema's order."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return []
    order = list(load_schema(schema).get("properties", {}))
    changed = {k for k in {*old, *new} if old.get(k) != new.get(k)}
    return sorted(changed, key=lambda k: (order.index(k) if k in order else len(order), k))


def _profile(change: FileChange, pairs: Mapping[str, tuple[str, str]]) -> str:
    (login,) = _parts(PROFILE_PATH, change)
    old, new = _load(change, "old"), _load(change, "new")
    if change.status == "added":
        return (f"**New participant**: {md(_get(new, 'name'))} ({md(login)}), {md(_get(new, 'role'))} "
                f"in cohort {md(_get(new, 'cohort'))}")
    if change.status == "deleted":
        ended = sorted(pid for pid, members in pairs.items() if any(same_login(login, m) for m in members))
        names = ", ".join(md(p) for p in ended)
        tail = (f"; pair {names} ends" if len(ended) == 1 else f"; pairs {names} end") if ended else ""
        return f"**Withdrawal**: {md(login)} leaves the program (profile deleted){tail}"
    keys = _changed_keys(old, new, "participant")
    what = f" ({_titles('participant', keys)})" if keys else ""
    return f"**Profile updated**: {md(login)}{what}"


def _checkin(change: FileChange, pairs: Mapping[str, tuple[str, str]]) -> str:
    pair, date, login = _parts(CHECKIN_PATH, change)
    new = _load(change, "new")
    if change.status == "deleted":
        return f"**Session log removed** for pair {md(pair)} on {md(date)} by {md(login)}"
    verb = "Session logged" if change.status == "added" else "Session log updated"
    if _get(new, "held", True) is False:
        verb = "Missed session logged" if change.status == "added" else "Missed session updated"
    minutes = _get(new, "minutes", None)
    length = f" ({md(minutes)} minutes)" if isinstance(minutes, int) and _get(new, "held", True) is not False else ""
    unknown = "" if pair in pairs else " (pair not in matches.yaml)"
    return f"**{verb}** for pair {md(pair)} on {md(date)} by {md(login)}{length}{unknown}"


def _survey(change: FileChange, pairs: Mapping[str, tuple[str, str]]) -> str:
    survey, login = _parts(SURVEY_PATH, change)
    verb = {"added": "answered", "deleted": "withdrew the answers to"}.get(change.status, "changed the answers to")
    return f"**Survey**: {md(login)} {verb} {md(survey)}"


def _statuses(change: FileChange, side: str) -> dict[str, str | None]:
    """Pair id -> status on one side of the change; anything that is not a pair with a text id is left out."""
    pairs = _get(_load(change, side), "pairs", None)
    if not isinstance(pairs, list):  # the file is hostile until validated: `pairs: 5` is no list
        return {}
    return {pid: None if p.get("status") is None else str(p.get("status"))
            for p in pairs if isinstance(p, dict) and isinstance(pid := p.get("id"), str)}


def _matches(change: FileChange, pairs: Mapping[str, tuple[str, str]]) -> str:
    old, new = _statuses(change, "old"), _statuses(change, "new")
    events: dict[str, list[str]] = {}
    for pid in sorted(set(old) | set(new)):
        before, after = old.get(pid), new.get(pid)
        if before != after:
            word = _STATUS_WORDS.get(after, str(after))
            events.setdefault(word, []).append(md(pid))
    parts = [f"{len(ids)} {word} ({', '.join(ids[:5])}{', …' if len(ids) > 5 else ''})"
             for word, ids in sorted(events.items())]
    return "**Pairs** (matches.yaml): " + ("; ".join(parts) if parts else "details changed, no pair changed status")


def _program(change: FileChange, pairs: Mapping[str, tuple[str, str]]) -> str:
    old, new = _load(change, "old"), _load(change, "new")
    keys = _changed_keys(old, new, "program")
    same = old is not None and old == new
    return "**Program rules changed** (program.yaml)" + (f": {_titles('program', keys)}" if keys else
                                                         ": comments or layout only" if same else "")


def _not_a_file(change: FileChange, pairs: Mapping[str, tuple[str, str]]) -> str:
    kind = "symbolic link" if change.new_mode == SYMLINK else "submodule"
    return f"**Not a regular file**: {md(change.path)} is a {kind}"


Describer = Callable[[FileChange, Mapping[str, tuple[str, str]]], str]
# in the order the summary lists them
DESCRIBERS: tuple[tuple[Callable[[FileChange], bool], Describer], ...] = (
    (lambda c: c.status != "deleted" and c.new_mode in (SYMLINK, SUBMODULE), _not_a_file),
    (lambda c: PROFILE_PATH.fullmatch(c.path) is not None, _profile),
    (lambda c: CHECKIN_PATH.fullmatch(c.path) is not None, _checkin),
    (lambda c: SURVEY_PATH.fullmatch(c.path) is not None, _survey),
    (lambda c: c.path == "matches.yaml", _matches),
    (lambda c: c.path == "program.yaml", _program),
)


def summarize(changes: Sequence[FileChange], pairs: Mapping[str, tuple[str, str]]) -> str:
    """Markdown: one line per data change in plain words, then the other files."""
    described: list[tuple[int, int, str, str]] = []
    others = []
    for change in changes:
        rank = next((i for i, (test, _) in enumerate(DESCRIBERS) if test(change)), None)
        if rank is None:
            others.append(change)
        else:
            order = ("added", "modified", "type-changed", "deleted").index(change.status)
            described.append((rank, order, change.path, DESCRIBERS[rank][1](change, pairs)))
    lines = [f"- {text}" for *_, text in sorted(described)]
    others.sort(key=lambda c: c.path)
    if others:
        shown = ", ".join(f"{md(c.path)} ({c.status})" for c in others[:20])
        more = f" and {len(others) - 20} more" if len(others) > 20 else ""
        lines.append(f"- **Other files** ({len(others)}): {shown}{more}")
    body = "\n".join(lines) if lines else "This pull request changes no files."
    count = len(changes)
    return f"## What this pull request changes\n\n{body}\n\n{count} file{'s' * (count != 1)} changed.\n"


def unreadable(changes: Sequence[FileChange]) -> list[Problem]:
    """Why the pull request's version of each data file that does not load cannot be read, with file:line."""
    problems: list[Problem] = []
    for change in changes:
        if change.new is not None and _is_data(change.path):
            try:
                load_bytes(change.path, change.new, max_bytes=size_limit(change.path))
            except LoadError as exc:
                problems.extend(exc.problems)
    return sorted(problems)


def _is_data(path: str) -> bool:
    return any(test(FileChange(path, "added", "100644", "100644")) for test, _ in DESCRIBERS[1:])


def problems_md(problems: Sequence[Problem]) -> str:
    """The problems as a Markdown list for the job summary (empty when there are none)."""
    if not problems:
        return ""
    lines = [f"- {md(p.one_line(), 600)}" for p in problems]
    return "\n### Files that do not load\n\n" + "\n".join(lines) + "\n"


# --- check-pr verdicts ----------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def plain(text: str) -> str:
    """One safe line for a terminal or a workflow log: control characters shown as escapes.

    A path with a newline could otherwise start a line with ``::`` and be read by GitHub
    Actions as a workflow command.
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _who(verdict: Verdict) -> str:
    login, via = verdict.author.login, verdict.author.via
    who = f"{plain(login)} (github_id {verdict.author.github_id})" if login else f"github_id {verdict.author.github_id}"
    return f"{who}, opened by {plain(via)} for them" if via else who


def _outcome(verdict: Verdict) -> str:
    if verdict.unreviewed:
        return "not allowed: no admin's review is required (see CODEOWNERS above)"
    if verdict.allowed:
        return "allowed: the author is a program admin" if verdict.admin and verdict.files else \
            "allowed: every change is the author's own to make"
    needs, rejected = verdict.count("needs-admin"), verdict.count("rejected")
    parts = [f"{needs} need{'s' * (needs == 1)} an admin's approval" if needs else "",
             f"{rejected} {'is' if rejected == 1 else 'are'} rejected" if rejected else ""]
    head = "passed, once an admin approves" if verdict.passed else "not allowed"
    return f"{head}: " + " and ".join(p for p in parts if p)


def verdict_text(verdict: Verdict) -> str:
    width = max((len(f.decision) for f in verdict.files), default=0)
    lines = [f"check-pr: {len(verdict.files)} changed file{'s' * (len(verdict.files) != 1)} by {_who(verdict)}"]
    lines += [f"  {f.decision.ljust(width)}  {plain(f.path)} ({f.status}): {plain(f.reason)}" for f in verdict.files]
    lines += [f"CODEOWNERS: {plain(verdict.owners)}"] if verdict.unreviewed and verdict.owners else []
    return "\n".join([*lines, _outcome(verdict)]) + "\n"


def verdict_md(verdict: Verdict) -> str:
    icon = {"allowed": "✅ allowed", "needs-admin": "🟡 needs an admin", "rejected": "⛔ rejected"}
    lines = [f"## Authorization: {md(_outcome(verdict), 300)}", "",
             f"Author: {md(_who(verdict))}" + (" (program admin)" if verdict.admin else ""), ""]
    if verdict.files:
        lines += ["| decision | file | change | why |", "|---|---|---|---|"]
        lines += [f"| {icon[f.decision]} | {md(f.path, 300)} | {f.status} | {md(f.reason, 600)} |"
                  for f in verdict.files]
    if verdict.unreviewed and verdict.owners:
        lines += ["", f"**CODEOWNERS**: {md(verdict.owners, 600)}"]
    return "\n".join(lines) + "\n"


def verdict_json(verdict: Verdict) -> str:
    payload = {
        "author": {"login": verdict.author.login, "github_id": verdict.author.github_id, "via": verdict.author.via},
        "admin": verdict.admin, "codeowners": verdict.owners, "allowed": verdict.allowed, "passed": verdict.passed,
        "fail_on": verdict.fail_on,
        "counts": {d: verdict.count(d) for d in DECISIONS},
        "files": [{"path": f.path, "status": f.status, "decision": f.decision, "reason": f.reason}
                  for f in verdict.files],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


VERDICT_FORMATS: Mapping[str, Callable[[Verdict], str]] = {"text": verdict_text, "md": verdict_md,
                                                           "json": verdict_json}
