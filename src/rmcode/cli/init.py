"""init, register, log: start a program, add a profile, log a session - interactively or from flags."""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TypeAlias, TypeVar

import click

from ..api import init as scaffold_api
from ..api.answers import Answers, file_data
from ..api.init import (
    PUBLIC_FIELDS,
    Json,
    JsonMapping,
    Program,
    ProgramData,
    as_in_profile,
    cohort_choices,
    first_log,
    goals_from_texts,
    levels_for,
    local_zone,
    open_cohort,
    pairs_of,
    public_choices,
    roster_prefill,
)
from ..layout import ID_PATTERN, LOGIN, checkin_path, profile_path
from .options import ROOT
from .prompts import (
    DATE_FORMS,
    Ask,
    Invalid,
    ask_once,
    chosen,
    collect,
    parse_day,
    parse_languages,
    parse_login,
    parse_slots,
    parse_yes_no,
    parse_zone,
    skill_reader,
    whole,
)
from .prompts import items as _items

# what click passes for an option: text, a number, a flag, the values of a repeatable option, or nothing
Flag: TypeAlias = "str | int | bool | tuple[str, ...] | None"
T = TypeVar("T")

REPOSITORY = re.compile(r"^[A-Za-z0-9-]+/[A-Za-z0-9._-]+$")
NO_INPUT = click.option("--no-input", is_flag=True, help="Never prompt: take everything from flags (for scripts).")
FORCE = click.option("--force", is_flag=True, help="Replace the file if it exists.")
DRY_RUN = click.option("--dry-run", is_flag=True, help="Print the file instead of writing it.")
ON = click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                  help="Today's date for defaults and checks (YYYY-MM-DD); default: today.")


def _today(as_of: dt.datetime | None) -> dt.date:
    return as_of.date() if as_of else dt.date.today()


def _load(root: Path) -> ProgramData:
    """The program as far as it is valid: one broken file elsewhere does not stop a person."""
    return scaffold_api.valid_program(root)


def _write(root: Path, rel: str, data: JsonMapping, on: dt.date, force: bool, dry_run: bool) -> None:
    text = scaffold_api.save(root, rel, data, on, force, dry_run)
    click.echo(text if dry_run else f"wrote {rel}", nl=not dry_run)
    plain = scaffold_api.left_plain(root, rel, data)
    if plain:
        click.echo(f"note: {', '.join(plain)} {'is' if len(plain) == 1 else 'are'} plain text, readable by everyone "
                   "with access to the repository: this program lists no keys to seal with (sealing.recipients "
                   "in program.yaml)", err=True)


# --- register -------------------------------------------------------------------------------

def _visibility(text: str) -> dict[str, str]:
    chosen = _items(text)
    return {} if [c.lower() for c in chosen] == ["none"] else {f: "public" for f in chosen}


def _style_asks(program: Program) -> list[Ask]:
    return [Ask(f"working_style.{qid}", f"“{text}” 1 = disagree ... 5 = agree", parse=whole(1, 5))
            for qid, text in program.working_style]


def _profile_asks(on: dt.date, program: Program) -> list[Ask]:
    public = public_choices(program)
    return [
        Ask("login", "Your GitHub login", required=True, parse=parse_login),
        Ask("github_id", "Your numeric GitHub id (https://api.github.com/users/LOGIN shows it)", required=True,
            parse=whole(1)),
        Ask("name", "Your name", required=True),
        Ask("role", "Role: mentor (junior colleague who teaches) or mentee (senior leader who learns)",
            required=True, choices=lambda p: ["mentor", "mentee"]),
        Ask("cohort", "Cohort", required=True, choices=lambda p: cohort_choices(p, on),
            default=lambda d: open_cohort(program, on)),
        Ask("level", "Job level (" + ", ".join(f"{x.level} = {x.name}" for x in program.levels) + ")",
            required=True, parse=int, choices_for=lambda d: levels_for(program, d.get("role"))),
        Ask("department", "Department", required=True),
        Ask("title", "Job title"),
        Ask("timezone", "Time zone (IANA name)", required=True, default=lambda d: local_zone(), parse=parse_zone),
        Ask("languages", "Languages you can mentor in (ISO codes, comma-separated)", required=True,
            parse=parse_languages, default=lambda d: ["en"]),
        Ask("skills_offered", "Skills you can teach (ids or names, comma-separated)", parse=skill_reader(program),
            when=lambda d: d.get("role") != "mentee",
            hint="from: " + ", ".join(f"{s.id} ({s.name})" for s in program.skills)),
        Ask("skills_wanted", "Skills you want to learn (ids or names, comma-separated)", parse=skill_reader(program),
            when=lambda d: d.get("role") != "mentor",
            hint="from: " + ", ".join(f"{s.id} ({s.name})" for s in program.skills)),
        Ask("availability", "Weekly availability in your time zone, separated by ';'", parse=parse_slots,
            hint="e.g. tue 09:00-11:00; thu 14:00-15:30 (Tuesday 9-11am works too)"),
        Ask("bio", "A few sentences about you"),
        *_style_asks(program),
        Ask("visibility", "Fields to show on the public site (comma-separated, or none)", parse=_visibility,
            hint="from: " + ", ".join(public) + "; everything else stays inside the program",
            check=lambda v, d: (None if all(f in public for f in chosen(v)) else
                                f"{', '.join(f for f in chosen(v) if f not in public)}: "
                                "the program does not publish it; "
                                f"choose from {', '.join(public)} or none")) if public else
        Ask("visibility", "", interactive=False),
        Ask("manager", "Your manager's GitHub login, if they are in the program", interactive=False),
        Ask("location", "City or site", interactive=False),
        Ask("capacity", "Mentees you can take", parse=int, interactive=False),
        Ask("prefer", "Logins you would like to be paired with", parse=_items, interactive=False),
    ]


def _profile_flags(flags: Mapping[str, Flag]) -> dict[str, Json]:
    """Flag values as profile data: comma lists split, empty flags left out."""
    given: dict[str, Json] = {k: v for k, v in flags.items() if v is not None and v != ()}
    for key in ("skills_offered", "skills_wanted", "prefer"):
        if isinstance(value := flags.get(key), str):
            given[key] = _items(value)
    if isinstance(languages := flags.get("languages"), str):
        given["languages"] = [x.lower() for x in _items(languages)]
    if isinstance(availability := flags.get("availability"), tuple) and availability:
        given["availability"] = [" ".join(x.lower().split()) for x in availability]
    return given


def _ask_login(given: Answers, interactive: bool) -> str:
    login = given.get("login") or (click.prompt("Your GitHub login", value_proc=_login_answer)
                                   if interactive else None)
    if not login:
        raise click.UsageError("missing --login (required with --no-input)")
    if not LOGIN.match(str(login)):
        raise click.BadParameter(f"{str(login)[:60]!r} is not a GitHub login", param_hint="--login")
    return str(login)


def _login_answer(text: str) -> str:
    try:
        return parse_login(text)
    except Invalid as exc:
        raise click.UsageError(str(exc)) from None


PLACEHOLDER_EMAIL = "mentoring@example.com"
SELF_ID_MAX_CHARS = 100  # participant.schema.json: self_identification answers


def _id_answer(text: str) -> int:
    try:
        return whole(1)(text)
    except Invalid as exc:
        raise click.UsageError(str(exc)) from None


def _email_answer(text: str) -> str:
    value = text.strip()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise click.UsageError(f"{value[:60]!r} is not an e-mail address")
    return value


def _repository_answer(text: str) -> str:
    value = text.strip().removeprefix("https://github.com/").removesuffix(".git").strip("/")
    if value and not REPOSITORY.match(value):
        raise click.UsageError(f"{value[:60]!r} is not a GitHub repository: write owner/name, e.g. acme/mentoring")
    return value


def _starting_point(root: Path, rel: str, force: bool, dry_run: bool) -> JsonMapping:
    """An existing profile is replaced only with --force, and then gives the defaults."""
    if not scaffold_api.present(root, rel):
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
@click.option("--email", help="Your work email, for private reminders (sealed for the program team once program.yaml "
              "lists keys; until then plain text in the repository).")
@click.option("--self-id", "self_id", multiple=True, metavar="QUESTION=ANSWER",
              help="An optional self-identification answer, e.g. generation=gen-z (sealed once program.yaml "
              "lists keys); repeatable.")
@click.option("--public", multiple=True, type=click.Choice(PUBLIC_FIELDS),
              help="A field to show on the public site; repeatable.")
@click.option("--registered", type=click.DateTime(formats=["%Y-%m-%d"]), help="Registration date; default: today.")
@ON
@NO_INPUT
@FORCE
@DRY_RUN
def register(root: Path, as_of: dt.datetime | None, no_input: bool, force: bool, dry_run: bool,
             registered: dt.datetime | None, goals: tuple[str, ...], public: tuple[str, ...], self_id: tuple[str, ...],
             email: str | None, **flags: Flag) -> None:
    """Write your profile, participants/<login>.yaml, checked before it is written.

    Asks for what the flags leave out (with choices from program.yaml), or with
    --no-input takes everything from flags. Never replaces an existing profile without
    --force; with --force the existing values are the defaults. When program.yaml
    lists keys (sealing.recipients), your email and self-identification answers are
    sealed (encrypted to the program team's keys) before the file is written.

    \b
    Example:
      rmcode register                     # answer the questions
      rmcode register --no-input --login octocat --github-id 583231 --name "Mona Lisa" \\
        --role mentor --cohort 2027-spring --level 2 --department Sales \\
        --timezone Europe/Berlin --languages en,de --skills-offered generative-ai
    """
    on, interactive = _today(as_of), not no_input
    given = _profile_flags(flags)
    login = given["login"] = _ask_login(given, interactive)
    rel = profile_path(login)
    # HR facts from roster.csv, where it exists, over the existing profile
    existing: dict[str, Json] = {**_starting_point(root, rel, force, dry_run), **roster_prefill(root, login)}
    program = _load(root).program
    start = {**existing, **{f"working_style.{k}": v for k, v in _mapping(existing.get("working_style")).items()}}
    profile = _fold_styles(file_data(collect(_profile_asks(on, program), given, start, program, interactive)))
    profile["registered"] = registered.date().isoformat() if registered else existing.get("registered", on.isoformat())
    known = _goal_texts(existing.get("goals"))
    texts = list(goals) or (_items(click.prompt("Your goals, separated by ';' (optional)", default="; ".join(known),
                                                show_default=bool(known))) if interactive else [])
    profile.pop("goals", None)
    merged = goals_from_texts(texts, profile["role"], existing.get("goals")) if texts else existing.get("goals")
    profile.update({"goals": merged} if merged else {})
    old_visibility = _mapping(existing.get("visibility"))
    if public:
        profile["visibility"] = {**old_visibility, **{f: "public" for f in public}}
    elif interactive and "visibility" in profile:
        # the answer lists what is public; what the file said about other fields (admins) stays
        kept = {k: v for k, v in old_visibility.items() if v != "public"}
        profile["visibility"] = {**kept, **_mapping(profile["visibility"])}
    if not profile.get("visibility"):
        profile.pop("visibility", None)
    if not email and interactive:  # sealed fields: asked last, each skipped with Enter
        email = click.prompt(f"Your work email, for private reminders (optional, {_privacy(program)})",
                             default="", show_default=False, value_proc=_optional_email) or None
    if email:
        profile["email"] = email
    if self_id:
        profile["self_identification"] = _self_identification(self_id)
    elif interactive:
        answers = click.prompt("Self-identification for diversity reporting, QUESTION=ANSWER separated by ';' "
                               f"(optional, {_privacy(program)})\n  e.g. generation=gen-z; counted only in "
                               "groups, never shown per person\n ", default="", show_default=False,
                               value_proc=_self_id_answer)
        if answers:
            profile["self_identification"] = answers
    _write(root, rel, profile, on, force, dry_run)


def _privacy(program: Program) -> str:
    """How a sealed answer is kept, in the words of the question."""
    if program.sealing.keys:
        return "sealed: only the program team can read it; Enter to skip"
    return ("Enter to skip; this program lists no keys to seal with, "
            "so everyone with access to the repository can read it")


def _optional_email(text: str) -> str:
    return _email_answer(text) if text.strip() else ""


def _self_id_answer(text: str) -> dict[str, str]:
    """Typed self-identification answers; UsageError (asked again) for one the schema would refuse."""
    answers: dict[str, str] = {}
    for value in _items(text):
        question, sep, answer = (part.strip() for part in value.partition("="))
        if not sep or not re.fullmatch(ID_PATTERN, question):
            raise click.UsageError(f"{value[:60]!r}: write QUESTION=ANSWER, the question in lower case "
                                   "letters, digits and hyphens (e.g. generation=gen-z)")
        if len(answer) > SELF_ID_MAX_CHARS:
            raise click.UsageError(f"the answer to {question} is longer than {SELF_ID_MAX_CHARS} characters")
        answers[question] = answer
    return answers


def _self_identification(values: Sequence[str]) -> dict[str, str]:
    answers = {}
    for value in values:
        question, sep, answer = value.partition("=")
        if not sep or not question.strip():
            raise click.BadParameter("write QUESTION=ANSWER", param_hint="--self-id")
        answers[question.strip()] = answer.strip()
    return answers


def _mapping(value: Json) -> JsonMapping:
    """``value`` where it is a mapping (a profile's working_style, visibility, goals), else an empty one."""
    return value if isinstance(value, Mapping) else {}


def _goal_texts(goals: Json) -> list[str]:
    """The texts of a profile's goals (``{learn: [{id, text}], grow: [...]}``), in the file's order."""
    return [text for side in _mapping(goals).values() if isinstance(side, list)
            for goal in side if isinstance(text := _mapping(goal).get("text"), str)]


def _fold_styles(profile: dict[str, Json]) -> dict[str, Json]:
    """``working_style.<id>`` answers into the profile's ``working_style`` mapping."""
    styles = {k.split(".", 1)[1]: profile.pop(k) for k in [k for k in profile if k.startswith("working_style.")]}
    if styles:
        profile["working_style"] = styles
    return profile


# --- log ------------------------------------------------------------------------------------

def _session_day(on: dt.date) -> Callable[[str], dt.date]:
    def read(text: str) -> dt.date:
        day = parse_day(text, on)
        if day > on:
            raise Invalid(f"{day} is in the future: log a session once it took place (today is {on})")
        return day
    return read


def _checkin_asks(data: ProgramData, login: str, on: dt.date) -> list[Ask]:
    pairs = pairs_of(data, login)
    program = data.program
    return [
        Ask("pair", "Pair", required=True, choices=lambda p: pairs, default=lambda d: pairs[0] if pairs else None),
        Ask("date", "Date of the session", required=True, default=lambda d: on.isoformat(), parse=_session_day(on),
            hint=DATE_FORMS),
        Ask("held", "Did the session take place? (yes/no)", parse=parse_yes_no, default=lambda d: "yes"),
        Ask("minutes", "Minutes", required=True, parse=whole(0, 600),
            default=lambda d: program.commitment.minutes if d.get("held", True) else 0),
        Ask("topics", "Topics you covered (skill ids or names, comma-separated)", parse=skill_reader(program),
            hint="from: " + ", ".join(f"{s.id} ({s.name})" for s in program.skills)),
        Ask("rating", "How useful was it, 1 (not at all) to 5 (very)? Leave empty to skip", parse=whole(1, 5)),
        Ask("good_fit", "First session: is this pairing a good fit? (yes/no, empty to skip)", parse=parse_yes_no,
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
        concern: str | None, concern_level: str | None, **flags: Flag) -> None:
    """Log a session: checkins/<pair>/<date>-<login>.yaml, checked before it is written.

    Asks for what the flags leave out (your pairs, today's date and the program's
    session length are the defaults), or with --no-input takes everything from flags.
    When program.yaml lists keys (sealing.recipients), the rating, fit answer, notes
    and concern are sealed (encrypted to the program team's keys) before the file is
    written.

    \b
    Example:
      rmcode log                          # answer the questions
      rmcode log --no-input --login octocat --minutes 45 --topics generative-ai --rating 5
    """
    on, interactive = _today(as_of), not no_input
    given: dict[str, Json] = {k: v for k, v in flags.items() if v is not None}
    login = _ask_login(given, interactive)
    if isinstance(topics := flags.get("topics"), str):
        given["topics"] = _items(topics)
    data = _load(root)
    author = as_in_profile(data, login)
    if "pair" not in given and not pairs_of(data, author):
        raise scaffold_api.refuse("matches.yaml", "RM625", f"{author} is in no approved pair",
                                  "sessions are logged once a program admin has approved the pair")
    asks = _checkin_asks(data, author, on)
    answers = collect(asks, given, {}, data.program, interactive)
    if interactive and "good_fit" not in answers and first_log(data, str(answers["pair"]), author):
        fit = ask_once(next(a for a in asks if a.key == "good_fit"), data.program, None)
        answers.update({"good_fit": fit} if fit is not None else {})
    checkin = file_data(answers)  # the day typed at the prompt as its ISO text, like --date and the default
    checkin["author"] = author
    if goals:
        checkin["goals"] = _goal_progress(goals)
    if concern:
        checkin["concern"] = {"level": concern_level or "low", "note": concern}
    rel = checkin_path(str(checkin["pair"]), str(checkin["date"]), author)
    _write(root, rel, _ordered_checkin(checkin), on, force, dry_run)


def _ordered_checkin(checkin: dict[str, Json]) -> dict[str, Json]:
    if isinstance(held := checkin.get("held"), str):
        checkin["held"] = held.lower() in ("y", "yes", "true")
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
@click.option("--contact-name", help="Who participants contact, e.g. a team's name.  [default: Program team]")
@click.option("--contact-email", help="The program's contact address (shown on the site).")
@click.option("--repository", help="The GitHub repository (owner/name) the site's links open.")
@click.option("--opens", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="First day of registration for the first cohort; default: today.")
@NO_INPUT
@click.option("--force", is_flag=True, help="Write into a folder that is not empty (template files are replaced).")
def init(directory: Path, no_input: bool, force: bool, opens: dt.datetime | None, name: str | None,
         organisation: str | None, admin_login: str | None, admin_id: int | None, program_id: str | None,
         contact_name: str | None, contact_email: str | None, repository: str | None) -> None:
    """Create a new program repository in DIRECTORY, ready to validate and build.

    Writes a commented program.yaml, an empty participants/ folder, the JSON Schemas,
    workflows, issue forms, CODEOWNERS, site settings and a README for program owners.
    Asks for what the flags leave out: the program, its first admin, the contact and the
    GitHub repository. With --no-input the contact is a placeholder that `rmcode
    validate` warns about until it is replaced.

    \b
    Example:
      rmcode init acme-mentoring --name "Acme Reverse Mentoring" --organisation Acme \\
        --admin octocat --admin-id 583231 --contact-email mentoring@acme.com --repository acme/mentoring
    """
    def value(given: T | None, flag: str, prompt: str, default: T | None, read: Callable[[str], T]) -> T:
        """The flag's value, else the answer (asked until it can be taken), else the default."""
        if given is None and not no_input:
            given = click.prompt(prompt, default=default, value_proc=read, show_default=bool(default))
        if given is None:
            given = default
        if given is None:
            raise click.UsageError(f"missing --{flag} (required with --no-input)")
        return given

    # asked in this order, each only when its flag is missing
    name = value(name, "name", "Program name", "Reverse Mentoring", str)
    organisation = value(organisation, "organisation", "Organisation", None, str)
    admin_login = value(admin_login, "admin", "Your GitHub login (the first admin)", None, _login_answer)
    admin_id = value(admin_id, "admin-id", "Your numeric GitHub id (https://api.github.com/users/LOGIN)", None,
                     _id_answer)
    contact_name = value(contact_name, "contact-name", "Who participants contact (a team or a person)",
                         "Program team", str)
    contact_email = value(contact_email, "contact-email", "The program's contact e-mail address", PLACEHOLDER_EMAIL,
                          _email_answer)
    repository = value(repository, "repository", "The GitHub repository, owner/name (empty: set it later in "
                       "site/mkdocs.yml)", "", _repository_answer) or None
    if not LOGIN.match(admin_login):
        raise click.BadParameter(f"{admin_login!r} is not a GitHub login", param_hint="--admin")
    if opens and opens.date() > dt.date.max - dt.timedelta(days=366):
        raise click.BadParameter("leaves no room for the first cohort before the year 10000", param_hint="--opens")
    if repository and not REPOSITORY.match(repository):
        raise click.BadParameter(f"{repository!r} is not owner/name", param_hint="--repository")
    settings = scaffold_api.InitSettings(
        program_id=program_id or _program_id(directory), name=name, organisation=organisation,
        admin_login=admin_login, admin_id=admin_id, contact_name=contact_name, contact_email=contact_email,
        today=opens.date() if opens else dt.date.today(), repository=repository)
    written = scaffold_api.init_program(directory, settings, force)
    click.echo(f"Created {len(written)} files in {directory}. Next:\n"
               f"  cd {directory}\n  rmcode validate && rmcode build\n"
               "  then read README.md: it lists the GitHub settings that make the rules binding.")


@click.command()
@ROOT
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when a form does not follow program.yaml.")
def forms(root: Path, check: bool) -> None:
    """Generate the issue forms' choices (cohorts, levels, skills) from program.yaml.

    Rewrites only the option lists of .github/ISSUE_TEMPLATE/register.yml and
    log-session.yml; `rmcode validate` warns while they are out of date, and the
    publish workflow proposes the regenerated forms as a pull request.

    \b
    Example:
      rmcode forms            # update the forms, then commit them
      rmcode forms --check    # in CI: exit 1 when they are out of date
    """
    program = _load(root).program
    texts = scaffold_api.forms_in(root)
    fresh = scaffold_api.regenerated_forms(program, texts)
    changed = sorted(rel for rel, text in fresh.items() if text != texts[rel])
    for rel in changed:
        if check:
            click.echo(f"out of date: {rel}")
        else:
            scaffold_api.write_files(root, {rel: fresh[rel]}, force=True)
            click.echo(f"wrote {rel}")
    if not changed:
        click.echo("ok: the issue forms follow program.yaml")
    sys.exit(1 if check and changed else 0)


COMMANDS = (init, register, log, forms)
