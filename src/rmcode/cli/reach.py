"""calendar and notify: reaching participants outside Git (calendar files, private reminders, announcements)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import click
import yaml

from .. import api
from ..errors import Problem, RmcodeError
from ..formats.ical import pair_token
from ..io.delivery import (
    Deliverer,
    Delivery,
    SentLog,
    SmtpSettings,
    check_log_path,
    default_log_path,
    open_addresses,
    webhooks_from_env,
)
from ..io.repo import read_keyring
from ..model import ProgramData
from ..reach.notify import Message, plan
from ..site.pair import calendars
from .options import AS_OF, IDENTITY, ROOT, as_date


def _site_url(root: Path, given: str | None) -> str | None:
    if given:
        return given
    from ..site.build import read_overrides  # only when the site settings are needed

    doc = read_overrides(root)
    value = doc.data.get("site_url") if doc is not None and isinstance(doc.data, dict) else None
    return str(value) if isinstance(value, str) and value.startswith("https://") else None


def _page_url(data: ProgramData, url: str | None) -> Callable[[str], str | None]:
    if not url:
        return lambda _pid: None
    return lambda pid: f"{url.rstrip('/')}/pairs/{pair_token(data.program.id, pid)}.html#pair={pid}"


@click.command("calendar")
@ROOT
@AS_OF
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("calendar"),
              show_default=True, help="Folder for program.ics and one <pair-id>.ics per pair.")
@click.option("--pair", "pairs", multiple=True, metavar="PAIR-ID", help="Only this pair's calendar (repeatable).")
@click.option("--site-url", default=None, help="The site's address, for links to pair pages in the events.")
def calendar(root: Path, as_of: dt.datetime | None, out: Path, pairs: tuple[str, ...], site_url: str | None) -> None:
    """Write iCalendar files: the program's dates and each pair's session series.

    A pair's series repeats every commitment.cadence_days at the first weekly time both
    partners are free, in the mentee's time zone, until the cohort ends. These files are
    private (they tell when people are free): the site carries the program calendar and
    each pair's milestones only; `rmcode notify` sends each pair its series.

    \b
    Example:
      rmcode calendar --out calendars --as-of 2026-11-24
      rmcode calendar --pair aarav-sharma--rajesh-menon --out -
    """
    day = api.resolve_as_of(root, as_date(as_of))
    data = api.load_program(root, day)
    known = {p.id for p in data.pairs}
    unknown = [p for p in pairs if p not in known]
    if unknown:
        raise RmcodeError([Problem("matches.yaml", 0, 0, "RM910", f"no pair {p!r}", "see `rmcode status` for pair ids")
                           for p in unknown])
    url = _site_url(root, site_url)
    files = calendars(data, day, set(pairs) if pairs else None, _page_url(data, url))
    if pairs:
        files = {k: v for k, v in files.items() if k != "calendar/program.ics"}
    if str(out) == "-":
        for text in files.values():
            click.echo(text.decode(), nl=False)
        return
    for path, text in sorted(files.items()):
        target = out / Path(path).name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text)
    click.echo(f"wrote {len(files)} calendar file{'s' * (len(files) != 1)} to {out}")


def _sealed_emails(data: ProgramData, roster: Path | None) -> dict[str, tuple[str, object]]:
    """{login: (where, sealed value)} from the profiles' ``email`` field, then a roster file (it wins)."""
    found: dict[str, tuple[str, object]] = {}
    for person in data.participants:
        value = person.sealed.get("email") or person.email or None  # plain text is refused later, never used
        if value:
            found[person.key] = (person.source.path, value)
    if roster is not None:
        try:
            loaded = yaml.safe_load(roster.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise RmcodeError([Problem(str(roster), 0, 0, "RM908", f"cannot read the address file: {exc}",
                                       "a YAML mapping of login: sealed address")]) from None
        if not isinstance(loaded, Mapping):
            raise RmcodeError([Problem(str(roster), 1, 1, "RM908", "the address file must be a mapping",
                                       "login: sealed address, one per line")])
        found |= {str(k).lower(): (str(roster), v) for k, v in loaded.items()}
    return found


_LABELS: Mapping[str, str] = {"sent": "sent", "would-send": "would send", "already-sent": "already sent",
                              "uncertain": "UNCERTAIN", "failed": "FAILED", "no-address": "no address",
                              "not-configured": "not configured"}


def _print_dry(messages: Sequence[Message], results: Sequence[Delivery]) -> None:
    by_key = {m.key: m for m in messages}
    for r in results:
        if r.outcome != "would-send":
            continue
        m = by_key[r.key.split("@")[0] if r.channel != "email" else r.key]
        to = f"{r.channel} webhook" if m.channel == "announce" else m.to
        note = f"\nnote: {r.detail}" if r.detail else ""
        click.echo(f"--- to: {to}\nsubject: {m.subject}{note}\n\n{m.body.rstrip()}\n")


@click.command("notify")
@ROOT
@AS_OF
@click.option("--dry-run", is_flag=True, help="Print every message that would go out; send nothing, record nothing.")
@IDENTITY
@click.option("--addresses", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="A YAML file of login: sealed e-mail address (an HR roster export), kept outside the repository.")
@click.option("--sent-log", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where sent messages are recorded (digests only); default: "
                   "$RMCODE_SENT_LOG or $XDG_STATE_HOME/rmcode/<program-id>/sent.jsonl.")
@click.option("--site-url", default=None, help="The site's address, for links to pair pages; "
                                               "default: site_url in site/mkdocs.yml.")
@click.option("--attempts", type=click.IntRange(1, 10), default=3, show_default=True,
              help="Tries per message before it is reported as failed.")
@click.option("--retry-wait", type=click.FloatRange(0, 300), default=2.0, show_default=True,
              help="Seconds before the second try; doubled for each further try.")
@click.option("--resend-uncertain", is_flag=True,
              help="Send again what an interrupted run may or may not have sent.")
def notify(root: Path, as_of: dt.datetime | None, dry_run: bool, identity: Path | None, addresses: Path | None,
           sent_log: Path | None, site_url: str | None, attempts: int, retry_wait: float,
           resend_uncertain: bool) -> None:
    """Send each person what they should hear today, privately; announce program news to chat.

    People hear: that they have been matched (with their partner and the pair's page), that
    a session or a survey is due, that their pair has been silent, that their profile
    lacks what matching needs. E-mail goes through SMTP ($RMCODE_SMTP_HOST, _PORT, _FROM,
    _USER, _PASSWORD, _SECURITY) to the person's sealed address (opened with the program
    key). Registration opening, cohort start and match results go to the incoming webhooks
    in $RMCODE_SLACK_WEBHOOK and $RMCODE_TEAMS_WEBHOOK. Every message is sent once: a rerun
    skips what the sent-log records. Exit 1 when a delivery failed after its retries.

    \b
    Example:
      rmcode notify --dry-run --as-of 2026-11-24
      RMCODE_SMTP_HOST=smtp.example.org RMCODE_SMTP_FROM=mentoring@example.org \\
        rmcode notify --identity ~/.config/rmcode/key.txt
    """
    env = dict(os.environ)
    day = api.resolve_as_of(root, as_date(as_of))
    data = api.load_program(root, day)
    messages = plan(data, day, _site_url(root, site_url))
    log_path = sent_log or default_log_path(data.program.id, env)
    check_log_path(log_path, root)
    keyring = read_keyring(identity, env)
    emails = _sealed_emails(data, addresses)
    book, problems = open_addresses(emails, keyring) if keyring else ({}, [])
    if emails and not keyring:
        click.echo(f"warning: {len(emails)} sealed e-mail addresses need the program key "
                   "(--identity FILE or $RMCODE_IDENTITY)", err=True)
    for p in problems:
        click.echo(f"warning: {p.format_text()}", err=True)
    deliverer = Deliverer(SentLog.open(log_path, data.program.id), day, book, SmtpSettings.from_env(env),
                          webhooks_from_env(env), attempts, retry_wait, resend_uncertain)
    results = deliverer.deliver(messages, dry_run)
    if dry_run:
        _print_dry(messages, results)
    for r in results:
        if r.outcome not in ("sent", "would-send", "already-sent") and not dry_run:
            click.echo(f"{_LABELS[r.outcome]}: {r.channel} to {r.to}: {r.subject}"
                       + (f" ({r.detail})" if r.detail else ""), err=True)
    counts = {label: sum(r.outcome == key for r in results) for key, label in _LABELS.items()}
    click.echo(", ".join(f"{n} {label}" for label, n in counts.items() if n) or "nothing to send today")
    if any(r.outcome == "failed" for r in results):
        sys.exit(1)


COMMANDS = (calendar, notify)
