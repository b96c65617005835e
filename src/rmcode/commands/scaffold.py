"""init, register, log: start a program, add a profile, log a session - interactively or from flags."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from .. import api
from .. import scaffold as scaffold_api
from ..errors import SchemaError
from ..issueform import goals_from_texts
from ..model import Program, ProgramData
from ..options import ROOT
from ..roster_run import roster_prefill
from ..schema import load_schema
from .prompts import Ask, collect
from .prompts import items as _items
from .prompts import local_zone as _local_zone

LOGIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")
REPOSITORY = re.compile(r"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")
NO_INPUT = click.option("--no-input", is_flag=True, help="Never prompt: take everything from flags (for scripts).")
FORCE = click.option("--force", is_flag=True, help="Replace the file if it exists.")
DRY_RUN = click.option("--dry-run", is_flag=True, help="Print the file instead of writing it.")
ON = click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="Today's date for defaults and checks (YYYY-MM-DD); default: today.")
PUBLIC_FIELDS = tuple(load_schema("participant")["properties"]["visibility"]["propertyNames"]["enum"])


def _today(as_of: dt.datetime | None) -> dt.date:
    return as_of.date() if as_of else dt.date.today()


def _load(root: Path) -> ProgramData:
    """The program as far as it is valid: one broken file elsewhere does not stop a person."""
    result = api.validate(root)
    if result.data is None:
        raise SchemaError(result.problems)
    return result.data


def _write(root: Path, rel: str, data: Mapping[str, Any], on: dt.date, force: bool, dry_run: bool) -> None:
    text = scaffold_api.save(root, rel, data, on, force, dry_run)
    click.echo(text if dry_run else f"wrote {rel}", nl=not dry_run)


# --- register -------------------------------------------------------------------------------

def _levels(program: Program) -> list[str]:
    return [str(x.level) for x in program.levels]


def _skills(program: Program) -> list[str]:
    return [s.id for s in program.skills]


def _open_cohort(program: Program, on: dt.date) -> str | None:
    open_now = [c.id for c in program.cohorts if c.registration_opens <= on <= c.registration_closes]
    return open_now[0] if open_now else None


def _profile_asks(on: dt.date, program: Program) -> list[Ask]:
    return [
        Ask("login", "Your GitHub login", required=True),
        Ask("github_id", "Your numeric GitHub id (https://api.github.com/users/LOGIN shows it)", required=True,
            parse=int),
        Ask("name", "Your name", required=True),
        Ask("role", "Role: mentor (junior colleague who teaches) or mentee (senior leader who learns)",
            required=True, choices=lambda p: ["mentor", "mentee"]),
        Ask("cohort", "Cohort", required=True, choices=lambda p: [c.id for c in p.cohorts],
            default=lambda d: _open_cohort(program, on)),
        Ask("level", "Job level (" + ", ".join(f"{x.level} = {x.name}" for x in program.levels) + ")",
            required=True, parse=int, choices=_levels),
        Ask("department", "Department", required=True),
        Ask("title", "Job title"),
        Ask("timezone", "Time zone (IANA name)", required=True, default=lambda d: _local_zone()),
        Ask("languages", "Languages you can mentor in (ISO codes, comma-separated)", required=True,
            parse=lambda t: [x.lower() for x in _items(t)], default=lambda d: ["en"]),
        Ask("skills_offered", "Skills you can teach", parse=_items, choices=_skills),
        Ask("skills_wanted", "Skills you want to learn", parse=_items, choices=_skills),
        Ask("availability", "Weekly availability in your time zone, e.g. tue 09:00-11:00; thu 14:00-15:30",
            parse=lambda t: [" ".join(x.lower().split()) for x in _items(t)]),
        Ask("bio", "A few sentences about you"),
        Ask("manager", "Your manager's GitHub login, if they are in the program", interactive=False),
        Ask("location", "City or site", interactive=False),
        Ask("capacity", "Mentees you can take", parse=int, interactive=False),
        Ask("prefer", "Logins you would like to be paired with", parse=_items, interactive=False),
    ]


def _profile_flags(flags: Mapping[str, Any]) -> dict[str, Any]:
    """Flag values as profile data: comma lists split, empty flags left out."""
    given = {k: v for k, v in flags.items() if v is not None and v != ()}
    for key in ("skills_offered", "skills_wanted", "prefer"):
        if key in given:
            given[key] = _items(given[key])
    if "languages" in given:
        given["languages"] = [x.lower() for x in _items(given["languages"])]
    if "availability" in given:
        given["availability"] = [" ".join(x.lower().split()) for x in given["availability"]]
    return given


def _ask_login(given: Mapping[str, Any], interactive: bool) -> str:
    login = given.get("login") or (click.prompt("Your GitHub login") if interactive else None)
    if not login:
        raise click.UsageError("missing --login (required with --no-input)")
    if not LOGIN.match(str(login)):
        raise click.BadParameter(f"{str(login)[:60]!r} is not a GitHub login", param_hint="--login")
    return str(login)


def _starting_point(root: Path, rel: str, force: bool, dry_run: bool) -> dict[str, Any]:
    """An existing profile is replaced only with --force, and then gives the defaults."""
    if not (root / rel).exists() and not (root / rel).is_symlink():
        return {}
    if not force and not dry_run:
        raise click.UsageError(f"{rel} already exists; pass --force to replace it (its values become the defaults)")
    return scaffold_api.read_existing(root, rel) or {}


@click.command()
@ROOT
@click.option("--login", help="Your GitHub login (the file name).")
@click.option("--github-id", type=click.IntRange(min=1), help="Your numeric GitHub id.")
@click.option("--name", help="Your name as it should appear.")
@click.option("--role", type=click.Choice(["mentor", "mentee"]))
@click.option("--cohort", help="Cohort id from program.yaml.")
@click.option("--level", type=int, help="Your job level number from program.yaml.")
@click.option("--department")
@click.option("--title", help="Your job title.")
@click.option("--timezone", help="IANA time zone, e.g. Europe/Berlin.")
@click.option("--languages", help="Comma-separated ISO 639-1 codes, e.g. en,de.")
@click.option("--skills-offered", help="Comma-separated skill ids (mentors).")
@click.option("--skills-wanted", help="Comma-separated skill ids (mentees).")
@click.option("--availability", multiple=True, help="A weekly slot, e.g. 'tue 09:00-11:00'; repeatable.")
@click.option("--goal", "goals", multiple=True, help="A goal in one sentence; repeatable.")
@click.option("--bio")
@click.option("--manager", help="Your manager's login.")
@click.option("--location")
@click.option("--capacity", type=click.IntRange(1, 20), help="Mentors: how many mentees you can take.")
@click.option("--prefer", help="Comma-separated logins you would like to be paired with.")
@click.option("--public", multiple=True, type=click.Choice(PUBLIC_FIELDS),
              help="A field to show on the public site; repeatable.")
@click.option("--registered", type=click.DateTime(formats=["%Y-%m-%d"]), help="Registration date; default: today.")
@ON
@NO_INPUT
@FORCE
@DRY_RUN
def register(root: Path, as_of: dt.datetime | None, no_input: bool, force: bool, dry_run: bool,
             registered: dt.datetime | None, goals: tuple[str, ...], public: tuple[str, ...], **flags: Any) -> None:
    """Write your profile, participants/<login>.yaml, checked before it is written.

    Asks for what the flags leave out (with choices from program.yaml), or with
    --no-input takes everything from flags. Never replaces an existing profile without
    --force; with --force the existing values are the defaults.

    \b
    Example:
      rmcode register                     # answer the questions
      rmcode register --no-input --login octocat --github-id 583231 --name "Mona Lisa" \\
        --role mentor --cohort 2027-spring --level 2 --department Sales \\
        --timezone Europe/Berlin --languages en,de --skills-offered generative-ai
    """
    on, interactive = _today(as_of), not no_input
    given = _profile_flags(flags)
    given["login"] = _ask_login(given, interactive)
    rel = scaffold_api.profile_path(given["login"])
    existing = _starting_point(root, rel, force, dry_run)
    existing = {**existing, **roster_prefill(root, given["login"])}  # HR facts from roster.csv, where it exists
    program = _load(root).program
    profile = collect(_profile_asks(on, program), given, existing, program, interactive)
    profile["registered"] = registered.date().isoformat() if registered else existing.get("registered", on.isoformat())
    known = [g["text"] for side in existing.get("goals", {}).values() for g in side]
    texts = list(goals) or (_items(click.prompt("Your goals, separated by ';' (optional)", default="; ".join(known),
                                                show_default=bool(known))) if interactive else [])
    profile.pop("goals", None)
    merged = goals_from_texts(texts, profile["role"], existing.get("goals")) if texts else existing.get("goals")
    profile.update({"goals": merged} if merged else {})
    if public:
        profile["visibility"] = {**existing.get("visibility", {}), **{f: "public" for f in public}}
    _write(root, rel, profile, on, force, dry_run)


# --- log ------------------------------------------------------------------------------------

def _pairs_of(data: ProgramData, login: str) -> list[str]:
    """The approved pairs ``login`` belongs to, active ones first."""
    mine = [p for p in data.pairs if login.lower() in (p.mentor.lower(), p.mentee.lower()) and p.status != "proposed"]
    return [p.id for p in sorted(mine, key=lambda p: (p.status != "active", p.id))]


def _as_in_profile(data: ProgramData, login: str) -> str:
    """The login as the profile spells it: GitHub ignores case, file names (and the pairing of logs) do not."""
    return next((p.login for p in data.participants if p.key == login.lower()), login)


def _first_log(data: ProgramData, pair: str, login: str) -> bool:
    return not any(c.pair == pair and c.author.lower() == login.lower() for c in data.checkins)


def _checkin_asks(data: ProgramData, login: str, on: dt.date) -> list[Ask]:
    pairs = _pairs_of(data, login)
    return [
        Ask("pair", "Pair", required=True, choices=lambda p: pairs, default=lambda d: pairs[0] if pairs else None),
        Ask("date", "Date of the session (YYYY-MM-DD)", required=True, default=lambda d: on.isoformat()),
        Ask("held", "Did the session take place? (yes/no)", parse=lambda t: t.lower() in ("y", "yes", "true"),
            default=lambda d: "yes"),
        Ask("minutes", "Minutes", required=True, parse=int,
            default=lambda d: data.program.commitment.minutes if d.get("held", True) else 0),
        Ask("topics", "Topics you covered", parse=_items, choices=lambda p: [s.id for s in p.skills]),
        Ask("rating", "How useful was it, 1 (not at all) to 5 (very)? Leave empty to skip", parse=int,
            choices=lambda p: ["1", "2", "3", "4", "5"]),
        Ask("good_fit", "First session: is this pairing a good fit? (yes/no, empty to skip)",
            parse=lambda t: t.lower() in ("y", "yes", "true"),
            interactive=False),
        Ask("next_steps", "Next steps you agreed"),
        Ask("notes", "Notes (never published)", interactive=False),
    ]


def _goal_progress(values: Sequence[str]) -> list[dict[str, str]]:
    out = []
    for value in values:
        goal, sep, progress = value.partition(":")
        if not sep:
            raise click.BadParameter(f"{value!r}: write goal-id:progress", param_hint="--goal")
        out.append({"goal": goal.strip(), "progress": progress.strip()})
    return out


@click.command()
@ROOT
@click.option("--login", help="Your GitHub login (the author).")
@click.option("--pair", help="Your pair's id (mentor--mentee); default: your active pair.")
@click.option("--date", help="Day of the session (YYYY-MM-DD); default: today.")
@click.option("--held/--not-held", default=None, help="Whether the session took place; default: held.")
@click.option("--minutes", type=click.IntRange(0, 600), help="Length; default: the program's session length.")
@click.option("--topics", help="Comma-separated skill ids you covered.")
@click.option("--goal", "goals", multiple=True, help="Progress on a goal, goal-id:started|progressing|achieved.")
@click.option("--rating", type=click.IntRange(1, 5), help="How useful, 1 to 5.")
@click.option("--good-fit/--not-a-fit", "good_fit", default=None, help="First session: is the pairing a good fit?")
@click.option("--next-steps")
@click.option("--notes", help="Private notes (never published).")
@click.option("--concern", help="A concern for the program admins (never published).")
@click.option("--concern-level", type=click.Choice(["low", "high"]), default=None)
@ON
@NO_INPUT
@FORCE
@DRY_RUN
def log(root: Path, as_of: dt.datetime | None, no_input: bool, force: bool, dry_run: bool, goals: tuple[str, ...],
        concern: str | None, concern_level: str | None, **flags: Any) -> None:
    """Log a session: checkins/<pair>/<date>-<login>.yaml, checked before it is written.

    Asks for what the flags leave out (your pairs, today's date and the program's
    session length are the defaults), or with --no-input takes everything from flags.

    \b
    Example:
      rmcode log                          # answer the questions
      rmcode log --no-input --login octocat --minutes 45 --topics generative-ai --rating 5
    """
    on, interactive = _today(as_of), not no_input
    given = {k: v for k, v in flags.items() if v is not None}
    given["login"] = _ask_login(given, interactive)
    if "topics" in given:
        given["topics"] = _items(given["topics"])
    data = _load(root)
    author = _as_in_profile(data, given.pop("login"))
    if "pair" not in given and not _pairs_of(data, author):
        raise scaffold_api.refuse("matches.yaml", "RM625", f"{author} is in no approved pair",
                                  "sessions are logged once a program admin has approved the pair")
    asks = _checkin_asks(data, author, on)
    checkin = collect(asks, given, {}, data.program, interactive)
    if interactive and "good_fit" not in checkin and _first_log(data, checkin["pair"], author):
        answer = click.prompt(asks[6].prompt, default="", show_default=False)
        checkin.update({"good_fit": asks[6].parse(answer)} if answer.strip() else {})
    checkin.update({"author": author, "date": str(checkin["date"])})
    if goals:
        checkin["goals"] = _goal_progress(goals)
    if concern:
        checkin["concern"] = {"level": concern_level or "low", "note": concern}
    rel = scaffold_api.checkin_path(checkin["pair"], checkin["date"], author)
    _write(root, rel, _ordered_checkin(checkin), on, force, dry_run)


def _ordered_checkin(checkin: dict[str, Any]) -> dict[str, Any]:
    if isinstance(checkin.get("held"), str):
        checkin["held"] = checkin["held"].lower() in ("y", "yes", "true")
    if checkin.get("held") is True:
        del checkin["held"]  # true is the default: keep the file short
    return checkin


# --- init -----------------------------------------------------------------------------------

def _program_id(folder: Path) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", folder.resolve().name.lower()).strip("-")
    return (words or "mentoring")[:60].rstrip("-")


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", help="The program's name, shown on the site.")
@click.option("--organisation", help="The organisation that runs it.")
@click.option("--admin", "admin_login", help="Your GitHub login: the first program admin.")
@click.option("--admin-id", type=click.IntRange(min=1), help="Your numeric GitHub id (api.github.com/users/LOGIN).")
@click.option("--id", "program_id", help="A short id; default: from the folder name.")
@click.option("--contact-name", default="Program team", show_default=True)
@click.option("--contact-email", default="mentoring@example.com", show_default=True)
@click.option("--repository", help="The GitHub repository (owner/name) the site's links open.")
@click.option("--opens", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="First day of registration for the first cohort; default: today.")
@NO_INPUT
@click.option("--force", is_flag=True, help="Write into a folder that is not empty (template files are replaced).")
def init(directory: Path, no_input: bool, force: bool, opens: dt.datetime | None, **flags: Any) -> None:
    """Create a new program repository in DIRECTORY, ready to validate and build.

    Writes a commented program.yaml, an empty participants/ folder, the JSON Schemas,
    workflows, issue forms, CODEOWNERS, site settings and a README for program owners.

    \b
    Example:
      rmcode init acme-mentoring --name "Acme Reverse Mentoring" --organisation Acme \\
        --admin octocat --admin-id 583231
    """
    asks = {"name": ("Program name", "Reverse Mentoring"), "organisation": ("Organisation", None),
            "admin_login": ("Your GitHub login (the first admin)", None),
            "admin_id": ("Your numeric GitHub id (https://api.github.com/users/LOGIN)", None)}
    values = dict(flags)
    for key, (prompt, default) in asks.items():
        if values.get(key) is None and not no_input:
            values[key] = click.prompt(prompt, default=default, type=int if key == "admin_id" else str)
        if values.get(key) is None:
            values[key] = default
        if values[key] is None:
            raise click.UsageError(f"missing --{key.replace('_login', '').replace('_', '-')} (required with --no-input)")
    if not LOGIN.match(str(values["admin_login"])):
        raise click.BadParameter(f"{values['admin_login']!r} is not a GitHub login", param_hint="--admin")
    if opens and opens.date() > dt.date.max - dt.timedelta(days=366):
        raise click.BadParameter("leaves no room for the first cohort before the year 10000", param_hint="--opens")
    if values["repository"] and not REPOSITORY.match(values["repository"]):
        raise click.BadParameter(f"{values['repository']!r} is not owner/name", param_hint="--repository")
    settings = scaffold_api.InitSettings(
        program_id=values["program_id"] or _program_id(directory), name=values["name"],
        organisation=values["organisation"], admin_login=values["admin_login"], admin_id=int(values["admin_id"]),
        contact_name=values["contact_name"], contact_email=values["contact_email"],
        today=opens.date() if opens else dt.date.today(), repository=values["repository"])
    written = scaffold_api.init_program(directory, settings, force)
    click.echo(f"Created {len(written)} files in {directory}. Next:\n"
               f"  cd {directory}\n  rmcode validate && rmcode build\n"
               "  then read README.md: it lists the GitHub settings that make the rules binding.")


COMMANDS = (init, register, log)
