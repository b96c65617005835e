"""Reaching participants outside Git: calendar files and private reminders (`rmcode calendar`, `notify`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import Problem, RmcodeError
from ..formats.ical import pair_token
from ..io.delivery import (
    Deliverer,
    Delivery,
    SmtpSettings,
    check_log_path,
    default_log_path,
    open_addresses,
    webhooks_from_env,
)
from ..io.repo import read_keyring
from ..io.sent import open_sent_log
from ..io.worktree import read_text_file, write_bytes
from ..layout import login_key
from ..model import ProgramData
from ..reach.notify import Message, plan
from ..site.build import read_overrides
from ..site.pair import calendars
from . import load_program, resolve_as_of

__all__ = ["Delivery", "Message", "NotifyRun", "calendar_files", "notify", "write_calendars"]


def site_url(root: Path, given: str | None) -> str | None:
    """``given``, else the https ``site_url`` of site/mkdocs.yml, else None."""
    if given:
        return given
    doc = read_overrides(root)
    value = doc.data.get("site_url") if doc is not None and isinstance(doc.data, dict) else None
    return str(value) if isinstance(value, str) and value.startswith("https://") else None


def _page_url(data: ProgramData, url: str | None) -> Callable[[str], str | None]:
    if not url:
        return lambda _pid: None
    return lambda pid: f"{url.rstrip('/')}/pairs/{pair_token(data.program.id, pid)}.html#pair={pid}"


def calendar_files(root: Path, as_of: dt.date | None, pairs: Sequence[str], url: str | None) -> dict[str, bytes]:
    """program.ics and one <pair-id>.ics per pair (only the pairs asked for, without program.ics, when given)."""
    day = resolve_as_of(root, as_of)
    data = load_program(root, day)
    known = {p.id for p in data.pairs}
    unknown = [p for p in pairs if p not in known]
    if unknown:
        raise RmcodeError([Problem("matches.yaml", 0, 0, "RM910", f"no pair {p!r}", "see `rmcode status` for pair ids")
                           for p in unknown])
    files = calendars(data, day, set(pairs) if pairs else None, _page_url(data, site_url(root, url)))
    if pairs:
        files = {k: v for k, v in files.items() if k != "calendar/program.ics"}
    return files


def write_calendars(out: Path, files: Mapping[str, bytes]) -> None:
    """Each calendar file into the folder ``out`` (by its file name)."""
    for path, text in sorted(files.items()):
        write_bytes(out / Path(path).name, text)


@dataclass(frozen=True, slots=True)
class NotifyRun:
    messages: tuple[Message, ...]
    results: tuple[Delivery, ...]


def notify(root: Path, as_of: dt.date | None, env: Mapping[str, str], warn: Callable[[str], None], *,
           dry_run: bool, identity: Path | None, addresses: Path | None, sent_log: Path | None,
           url: str | None, attempts: int, retry_wait: float, resend_uncertain: bool) -> NotifyRun:
    """Plan today's messages and deliver them (or, with ``dry_run``, say what would go out)."""
    day = resolve_as_of(root, as_of)
    data = load_program(root, day)
    messages = plan(data, day, site_url(root, url))
    log_path = sent_log or default_log_path(data.program.id, env)
    check_log_path(log_path, root)
    keyring = read_keyring(identity, env)
    emails = _sealed_emails(data, addresses)
    book, problems = open_addresses(emails, keyring) if keyring else ({}, [])
    if emails and not keyring:
        warn(f"warning: {len(emails)} sealed e-mail addresses need the program key "
             "(--identity FILE or $RMCODE_IDENTITY)")
    for p in problems:
        warn(f"warning: {p.format_text()}")
    deliverer = Deliverer(open_sent_log(log_path, data.program.id), day, book, SmtpSettings.from_env(env),
                          webhooks_from_env(env), attempts, retry_wait, resend_uncertain)
    return NotifyRun(tuple(messages), tuple(deliverer.deliver(messages, dry_run)))


def _sealed_emails(data: ProgramData, roster: Path | None) -> dict[str, tuple[str, object]]:
    """{login: (where, sealed value)} from the profiles' ``email`` field, then a roster file (it wins)."""
    found: dict[str, tuple[str, object]] = {}
    for person in data.participants:
        value = person.sealed.get("email") or person.email or None  # plain text is refused later, never used
        if value:
            found[person.key] = (person.source.path, value)
    if roster is not None:
        try:
            loaded = yaml.safe_load(read_text_file(roster))
        except (OSError, yaml.YAMLError) as exc:
            raise RmcodeError([Problem(str(roster), 0, 0, "RM908", f"cannot read the address file: {exc}",
                                       "a YAML mapping of login: sealed address")]) from None
        if not isinstance(loaded, Mapping):
            raise RmcodeError([Problem(str(roster), 1, 1, "RM908", "the address file must be a mapping",
                                       "login: sealed address, one per line")])
        found |= {login_key(str(k)): (str(roster), v) for k, v in loaded.items()}
    return found
