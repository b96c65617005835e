"""Asking for values: from flags, from an existing file, or interactively with click prompts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import click

from ..api.answers import Answer, Answers
from ..api.init import Program
from ..layout import LOGIN


def items(text: str) -> list[str]:
    """A comma- or semicolon-separated answer as a list."""
    return [item.strip() for item in re.split(r"[,;]", text) if item.strip()]


def chosen(value: Answer) -> list[str]:
    """The names a list answer holds, or the keys of a mapping answer (visibility: field -> public)."""
    return [str(name) for name in value] if isinstance(value, (list, Mapping)) else []


class Invalid(ValueError):
    """An answer that cannot be taken; the message says why and what is expected."""


@dataclass(frozen=True, slots=True)
class Ask:
    """One value a command needs: its data key, how to ask for it, and how to read the answer."""

    key: str
    prompt: str
    required: bool = False
    interactive: bool = True  # asked in interactive mode even when optional
    parse: Callable[[str], Answer] = str
    choices: Callable[[Program], Sequence[str]] | None = None
    default: Callable[[dict[str, Answer]], Answer] | None = None
    # the answers so far -> the valid choices (replaces ``choices`` when set), e.g. levels by role
    choices_for: Callable[[Answers], Sequence[str]] | None = None
    # (value, answers so far) -> why the value cannot be taken, or None
    check: Callable[[Answer, Answers], str | None] | None = None
    when: Callable[[Answers], bool] | None = None  # asked only when this holds
    hint: str = ""  # shown with the question, e.g. the expected form


def _reader(ask: Ask, choices: Sequence[str], answers: Answers) -> Callable[[str], Answer]:
    """Answer text -> value, or UsageError (with the reason) so that click asks again at once."""
    def read(text: str) -> Answer:
        text = text.strip()
        if not text:
            if ask.required:
                raise click.UsageError("an answer is required")
            return None
        values = items(text) if ask.parse is items else [text]
        unknown = [v for v in values if choices and v not in choices]
        if unknown:
            raise click.UsageError(f"{', '.join(unknown)} is not one of: {', '.join(choices)}")
        try:
            value = ask.parse(text)
        except Invalid as exc:
            raise click.UsageError(str(exc)) from None
        except ValueError:
            raise click.UsageError(f"{text!r} is not a valid answer") from None
        reason = ask.check(value, answers) if ask.check else None
        if reason:
            raise click.UsageError(reason)
        return value
    return read


def _shown(current: Answer) -> str:
    if isinstance(current, list):
        return ", ".join(map(str, current))
    if isinstance(current, Mapping):  # visibility: the fields marked public
        return ", ".join(k for k, v in current.items() if v == "public") or "none"
    if isinstance(current, bool):
        return "yes" if current else "no"
    return "" if current is None else str(current)


def ask_once(ask: Ask, program: Program, current: Answer, answers: Answers | None = None) -> Answer:
    """Ask for one value; click repeats the question, with the reason, until the answer is acceptable."""
    answers = answers or {}
    if ask.choices_for is not None:
        choices = list(ask.choices_for(answers))
    else:
        choices = list(ask.choices(program)) if ask.choices else []
    default = _shown(current)
    if choices and default and not all(v in choices for v in (items(default) if ask.parse is items else [default])):
        default = ""  # never suggest what would be refused
    text = ask.prompt + ("" if ask.required else " (optional)")
    if ask.hint:
        text += f"\n  {ask.hint}\n "
    if ask.parse is items and choices:
        text += f"\n  comma-separated, from: {', '.join(choices)}\n "
    elif choices:
        text += f" ({'/'.join(choices)})" if len(choices) <= 8 else f"\n  one of: {', '.join(choices)}\n "
    value = click.prompt(text, default=default if default or not ask.required else None,
                         show_default=bool(default), value_proc=_reader(ask, choices, answers))
    return None if value == [] else value


def collect(asks: Sequence[Ask], given: Answers, start: Answers, program: Program,
            interactive: bool) -> dict[str, Answer]:
    """Values from flags, else asked for with ``start`` (an existing file) or the default as the suggestion.

    Without ``interactive`` the suggestion is taken as it is; a required value that is
    still missing is a usage error naming its flag.
    """
    data = dict(start)
    missing = []
    for ask in asks:
        if ask.when is not None and not ask.when(data):
            continue
        value = given.get(ask.key)
        if value is None:
            current = data.get(ask.key)
            if current is None and ask.default is not None:
                current = ask.default(data)
            value = (ask_once(ask, program, current, data) if interactive and (ask.required or ask.interactive)
                     else current)
        if value is None and ask.required:
            missing.append("--" + ask.key.replace("_", "-"))
        if value is not None:
            data[ask.key] = value
        else:
            data.pop(ask.key, None)
    if missing:
        raise click.UsageError(f"missing {', '.join(missing)} (required with --no-input)")
    return data


# --- answers as people type them --------------------------------------------------------------

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_TIME = r"(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?"
_SLOT = re.compile(rf"^([a-z]+)\.?,?\s+{_TIME}\s*(?:-|–|to|until)\s*{_TIME}$")
DATE_FORMS = "YYYY-MM-DD (e.g. 2026-11-24), today, yesterday, 24.11.2026 or 24 Nov 2026"
SLOT_FORM = "a day and a time range in your time zone, e.g. tue 09:00-11:00 or Tuesday 9-11am"


def parse_login(text: str) -> str:
    value = text.strip()
    if not LOGIN.match(value):
        raise Invalid(f"{value[:60]!r} is not a GitHub login: letters, digits and single hyphens, "
                      "no spaces, at most 39 characters")
    return value


def whole(low: int, high: int | None = None) -> Callable[[str], int]:
    def read(text: str) -> int:
        value = text.strip()
        if not value.isdigit() or int(value) < low or (high is not None and int(value) > high):
            raise Invalid(f"{value[:30]!r} is not a whole number " + (f"from {low} to {high}" if high is not None
                                                                        else f"of at least {low}"))
        return int(value)
    return read


def parse_yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in ("y", "yes", "true", "ja", "oui", "si"):
        return True
    if value in ("n", "no", "false", "nein", "non"):
        return False
    raise Invalid(f"{text.strip()[:30]!r}: answer yes or no")


def parse_zone(text: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    value = text.strip()
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(f"{value[:60]!r} is not a time zone: write an IANA name such as Europe/Berlin, "
                      "America/New_York or Asia/Kolkata") from None
    if not re.match(r"^(UTC|[A-Za-z_]+(/[A-Za-z0-9_+-]+){1,2})$", value):
        raise Invalid(f"{value!r}: write the region/city name, such as Europe/Berlin")
    return value


def parse_languages(text: str) -> list[str]:
    values = [x.lower() for x in items(text)]
    wrong = [x for x in values if not re.fullmatch(r"[a-z]{2,3}", x)]
    if wrong or not values:
        raise Invalid(f"{', '.join(wrong) or 'nothing'}: write ISO 639-1 codes such as en, de, fr")
    return values


def _minutes(hour: str, minute: str | None, half: str | None) -> int:
    h, m = int(hour), int(minute or 0)
    if half:
        if not 1 <= h <= 12:
            raise Invalid(f"{h}{half} is not a time")
        h = h % 12 + (12 if half.startswith("p") else 0)
    if h > 24 or m >= 60 or (h == 24 and m):
        raise Invalid(f"{hour}:{minute or '00'} is not a time")
    return h * 60 + m


def parse_slot(text: str) -> str:
    """One weekly slot in common forms ('Tuesday 9-11am', 'tue 14:00 - 15:30') as 'tue 09:00-11:00'."""
    match = _SLOT.match(" ".join(text.lower().split()))
    day = match and next((d for d in _DAYS if match.group(1).startswith(d)), None)
    if not match or not day:
        raise Invalid(f"{text.strip()[:60]!r} is not {SLOT_FORM}")
    _, h1, m1, half1, h2, m2, half2 = match.groups()
    # "9-11am": the suffix of the end applies to the start too, unless that would end before it starts
    shared = half2 if not half1 and half2 and int(h1) <= int(h2) else half1
    start, end = _minutes(h1, m1, shared), _minutes(h2, m2, half2)
    if start % 30 or end % 30:
        raise Invalid(f"{text.strip()!r}: times are on the hour or half hour (09:00, 09:30)")
    if end <= start:
        raise Invalid(f"{text.strip()!r}: the slot must end after it starts")
    return f"{day} {start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def parse_slots(text: str) -> list[str]:
    return [parse_slot(x) for x in items(text)]


def parse_day(text: str, today: dt.date) -> dt.date:
    """A date in a common form: ISO, today/yesterday, 24.11.2026, 24/11/2026, 24 Nov 2026, Nov 24 2026."""
    value = " ".join(text.strip().lower().replace(",", " ").split())
    if value in ("today", "yesterday"):
        return today - dt.timedelta(days=value == "yesterday")
    forms = [(r"(\d{4})-(\d{1,2})-(\d{1,2})", (1, 2, 3)), (r"(\d{4})/(\d{1,2})/(\d{1,2})", (1, 2, 3)),
             (r"(\d{1,2})\.(\d{1,2})\.(\d{4})", (3, 2, 1))]
    for pattern, (y, m, d) in forms:
        found = re.fullmatch(pattern, value)
        if found:
            return _date(int(found.group(y)), int(found.group(m)), int(found.group(d)), text)
    words = value.split(" ")
    if len(words) in (2, 3):
        month = next((i + 1 for i, name in enumerate(_MONTHS) for w in words if w.startswith(name)), None)
        numbers = [w for w in words if w.isdigit()]
        day = next((int(n) for n in numbers if len(n) <= 2), None)
        year = next((int(n) for n in numbers if len(n) == 4), today.year)
        if month and day:
            return _date(year, month, day, text)
    raise Invalid(f"{text.strip()[:40]!r} is not a date: write {DATE_FORMS}")


def _date(year: int, month: int, day: int, text: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise Invalid(f"{text.strip()[:40]!r} is not a day of the calendar") from None


def skill_reader(program: Program) -> Callable[[str], list[str]]:
    """Skill ids or names (any case), comma-separated, as ids."""
    known = {s.id.lower(): s.id for s in program.skills} | {s.name.lower(): s.id for s in program.skills}

    def read(text: str) -> list[str]:
        values: list[str] = []
        wrong: list[str] = []
        for item in items(text):
            sid = known.get(item.lower())
            (values if sid else wrong).append(sid or item)
        if wrong:
            raise Invalid(f"{', '.join(wrong)}: not in the skills list; choose from "
                          + ", ".join(f"{s.id} ({s.name})" for s in program.skills))
        return list(dict.fromkeys(values))
    return read
