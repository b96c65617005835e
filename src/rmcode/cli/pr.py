"""check-pr, pr-summary, from-issue, codeowners, nudge: the program's pull requests and issues."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sys
from pathlib import Path

import click

from ..api.pull_requests import (
    CODEOWNERS_PATH,
    FORM_KINDS,
    NUDGE_RENDERERS,
    VERDICT_FORMATS,
    Decision,
    FormKind,
    GitError,
    codeowners_text,
    committed_codeowners,
    issue_file,
    problems_md,
    read_issue_body,
    save_issue_file,
    summarize_pr,
    write_codeowners,
)
from ..api.pull_requests import check_pr as run_check_pr
from ..api.pull_requests import nudge as build_nudge
from ..layout import LOGIN
from .options import AS_OF, ROOT, as_date

# GitHub Apps act as "<app-slug>[bot]" (github-actions[bot], dependabot[bot])
BOT = r"^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,33}\[bot\]$"
BASE = click.option("--base", required=True, metavar="REF",
                    help="The pull request's base commit (the branch it merges into).")
HEAD = click.option("--head", required=True, metavar="REF", help="The pull request's head commit.")


def _login(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not LOGIN.match(value):
        raise click.BadParameter(f"{value[:60]!r} is not a GitHub login")
    return value


def _person_or_bot(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not LOGIN.match(value) and not re.match(BOT, value):
        raise click.BadParameter(f"{value[:60]!r} is not a GitHub login or an app's bot name (name[bot])")
    return value


def _bot(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not re.match(BOT, value):
        raise click.BadParameter(f"{value[:60]!r} is not an app's bot name such as github-actions[bot]")
    return value


@click.command("check-pr")
@ROOT
@BASE
@HEAD
@click.option("--author-id", type=click.IntRange(min=1), required=True,
              help="Numeric GitHub id of the pull request's author (the identity; logins can be re-claimed).")
@click.option("--author", "author_login", callback=_person_or_bot, default=None, metavar="LOGIN",
              help="The author's login (a person, or a bot such as dependabot[bot]), for messages and for "
                   "naming a new profile.")
@click.option("--via", callback=_bot, default=None, metavar="BOT",
              help="The bot that opened the pull request for the author (e.g. github-actions[bot] for an "
                   "issue form's author, taken from the issue as GitHub reports it). Admin rights do not "
                   "pass through a bot.")
@click.option("--fail-on", type=click.Choice(["needs-admin", "rejected"]), default="needs-admin", show_default=True,
              help="Fail when a file needs an admin, or only when a file is rejected (when a required "
                   "code-owner review already demands the admin's approval).")
@click.option("--format", "fmt", type=click.Choice(sorted(VERDICT_FORMATS)), default="text", show_default=True,
              help="text for logs, md for a job summary, json for tools.")
def check_pr(root: Path, base: str, head: str, author_id: int, author_login: str | None, via: str | None,
             fail_on: Decision, fmt: str) -> None:
    """May this author make this change? Decides file by file, reading git only.

    Rules, admins and pairs come from BASE; the pull request's files are read as data
    and never checked out or run. Every file is allowed, needs-admin or rejected, with
    the reason. Exit 0 when every file is allowed (or the author is an admin and nothing
    is rejected), 1 otherwise; with --fail-on rejected, 1 only when a file is rejected or
    when .github/CODEOWNERS does not make an admin's review required (missing, or not
    matching program.yaml's admins).

    A bot's own pull request (the weekly match, a dependency update) is judged by what it
    touches: bots are never admins. A pull request a bot opened for a person is judged as
    that person's change with --author-id/--author for the person and --via for the bot.

    \b
    Example:
      rmcode check-pr --base origin/main --head HEAD --author-id 583231 --author octocat
      rmcode check-pr --base main --head rmcode/issue-7 --author-id 583231 --author octocat \\
        --via 'github-actions[bot]' --fail-on rejected
    """
    try:
        verdict = run_check_pr(root, base, head, author_id, author_login, fail_on, via)
    except GitError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(VERDICT_FORMATS[fmt](verdict), nl=False)
    sys.exit(verdict.exit_code)


@click.command("pr-summary")
@ROOT
@BASE
@HEAD
def pr_summary(root: Path, base: str, head: str) -> None:
    """Describe in plain words what a pull request changes (Markdown, for a job summary).

    Data files of the pull request that do not load are listed with file and line
    (on stdout in the summary, and on stderr), and the exit code is then 1.

    \b
    Example:
      rmcode pr-summary --base origin/main --head HEAD >> "$GITHUB_STEP_SUMMARY"
    """
    try:
        summary, problems = summarize_pr(root, base, head)
    except GitError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(summary + problems_md(problems), nl=False)
    for problem in problems:
        click.echo(problem.format_text(), err=True)
    sys.exit(1 if problems else 0)


def _read_body(path: Path) -> str:
    try:
        return read_issue_body(path)
    except OSError as exc:
        raise click.BadParameter(f"cannot read {path}: {exc.strerror}", param_hint="--issue-file") from None


@click.command("from-issue")
@ROOT
@click.option("--issue-file", "issue_file_path", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The issue body, as GitHub sends it.")
@click.option("--kind", type=click.Choice(FORM_KINDS), required=True, help="Which form the issue was filed with.")
@click.option("--author", required=True, callback=_login, metavar="LOGIN", help="The issue author's login.")
@click.option("--author-id", type=click.IntRange(min=1), required=True, help="The issue author's numeric GitHub id.")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Registration date for a new profile; default: today.")
@click.option("--dry-run", is_flag=True, help="Print the file instead of writing it.")
def from_issue(root: Path, issue_file_path: Path, kind: FormKind, author: str, author_id: int,
               day: dt.datetime | None, dry_run: bool) -> None:
    """Turn a submitted issue form into a profile or check-in file; print its path.

    Identity comes from --author and --author-id (the issue's author), never from the
    form. Answers the schema does not accept are refused with a message per field, and so
    is any answer to a field the program seals (issues are public): the message names the
    field, never the answer.

    \b
    Example:
      rmcode from-issue --issue-file body.md --kind register --author octocat --author-id 583231
    """
    made = issue_file(root, kind, _read_body(issue_file_path), author, author_id, as_date(day) or dt.date.today())
    if dry_run:
        click.echo(made.text, nl=False)
        return
    save_issue_file(root, made)
    click.echo(made.path)


@click.command()
@ROOT
@AS_OF
@click.option("--check", is_flag=True, help="Exit 1 if the committed file differs from what the data says.")
@click.option("--stdout", "to_stdout", is_flag=True, help="Print the file instead of writing it.")
def codeowners(root: Path, as_of: dt.datetime | None, check: bool, to_stdout: bool) -> None:
    """Write .github/CODEOWNERS from program.yaml's admins.

    Admins own every file, so with branch protection requiring code-owner review every
    pull request needs an admin's approval; GitHub enforces it.

    \b
    Example:
      rmcode codeowners            # writes .github/CODEOWNERS
      rmcode codeowners --check    # in CI: is it up to date?
    """
    text = codeowners_text(root, as_date(as_of))
    if to_stdout:
        click.echo(text, nl=False)
    elif check:
        current = committed_codeowners(root)
        if current != text:
            diff = difflib.unified_diff(current.splitlines(True), text.splitlines(True), CODEOWNERS_PATH,
                                        "expected", n=1)
            click.echo("".join(diff), nl=False)
            click.echo(f"{CODEOWNERS_PATH} is out of date: run `rmcode codeowners` and commit it.", err=True)
            sys.exit(1)
        click.echo(f"ok: {CODEOWNERS_PATH} is up to date")
    else:
        write_codeowners(root, text)
        click.echo(f"wrote {CODEOWNERS_PATH}")


@click.command()
@ROOT
@AS_OF
@click.option("--format", "fmt", type=click.Choice(sorted(NUDGE_RENDERERS)), default="md", show_default=True,
              help="md for the nudge issue, json for tools.")
def nudge(root: Path, as_of: dt.datetime | None, fmt: str) -> None:
    """Count pairs behind or stalled and profiles incomplete or unmatched, naming nobody.

    The nudge workflow keeps one issue with this text. It never includes concerns,
    ratings or notes (see `rmcode report --private` for those).

    \b
    Example:
      rmcode nudge --format md > nudge.md
    """
    click.echo(NUDGE_RENDERERS[fmt](build_nudge(root, as_date(as_of))), nl=False)


COMMANDS = (check_pr, pr_summary, from_issue, codeowners, nudge)
