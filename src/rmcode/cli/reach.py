"""calendar and notify: reaching participants outside Git (calendar files, private reminders, announcements)."""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import click

from ..api.reach import Delivery, Message, calendar_files, write_calendars
from ..api.reach import notify as run_notify
from .options import AS_OF, IDENTITY, ROOT, as_date


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
    files = calendar_files(root, as_date(as_of), pairs, site_url)
    if str(out) == "-":
        for text in files.values():
            click.echo(text.decode(), nl=False)
        return
    write_calendars(out, files)
    click.echo(f"wrote {len(files)} calendar file{'s' * (len(files) != 1)} to {out}")


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
    run = run_notify(root, as_date(as_of), dict(os.environ), lambda text: click.echo(text, err=True),
                     dry_run=dry_run, identity=identity, addresses=addresses, sent_log=sent_log, url=site_url,
                     attempts=attempts, retry_wait=retry_wait, resend_uncertain=resend_uncertain)
    results = run.results
    if dry_run:
        _print_dry(run.messages, results)
    for r in results:
        if r.outcome not in ("sent", "would-send", "already-sent") and not dry_run:
            click.echo(f"{_LABELS[r.outcome]}: {r.channel} to {r.to}: {r.subject}"
                       + (f" ({r.detail})" if r.detail else ""), err=True)
    counts = {label: sum(r.outcome == key for r in results) for key, label in _LABELS.items()}
    click.echo(", ".join(f"{n} {label}" for label, n in counts.items() if n) or "nothing to send today")
    if any(r.outcome == "failed" for r in results):
        sys.exit(1)


COMMANDS = (calendar, notify)
