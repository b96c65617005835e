"""Asking for values: from flags, from an existing file, or interactively with click prompts."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import click

from ..model import Program


def items(text: str) -> list[str]:
    """A comma- or semicolon-separated answer as a list."""
    return [item.strip() for item in re.split(r"[,;]", text) if item.strip()]


def local_zone() -> str:
    """The IANA name of this computer's time zone, or UTC."""
    name = os.environ.get("TZ", "").lstrip(":")
    if "/" in name:
        return name
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        return "UTC"
    return target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else "UTC"


@dataclass(frozen=True, slots=True)
class Ask:
    """One value a command needs: its data key, how to ask for it, and how to read the answer."""

    key: str
    prompt: str
    required: bool = False
    interactive: bool = True  # asked in interactive mode even when optional
    parse: Callable[[str], Any] = str
    choices: Callable[[Program], Sequence[str]] | None = None
    default: Callable[[dict[str, Any]], Any] | None = None


def _reader(ask: Ask, choices: Sequence[str]) -> Callable[[str], Any]:
    """Answer text -> value, or UsageError so that click asks again."""
    def read(text: str) -> Any:
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
            return ask.parse(text)
        except ValueError:
            raise click.UsageError(f"{text!r} is not a valid answer") from None
    return read


def ask_once(ask: Ask, program: Program, current: Any) -> Any:
    """Ask for one value (click repeats the question until the answer is acceptable)."""
    choices = list(ask.choices(program)) if ask.choices else []
    default = ", ".join(map(str, current)) if isinstance(current, list) else "" if current is None else str(current)
    text = ask.prompt + ("" if ask.required else " (optional)")
    if ask.parse is items and choices:
        text += f"\n  comma-separated, from: {', '.join(choices)}\n "
    elif choices:
        text += f" ({'/'.join(choices)})" if len(choices) <= 8 else f"\n  one of: {', '.join(choices)}\n "
    value = click.prompt(text, default=default if default or not ask.required else None,
                         show_default=bool(default), value_proc=_reader(ask, choices))
    return None if value == [] else value


def collect(asks: Sequence[Ask], given: Mapping[str, Any], start: Mapping[str, Any], program: Program,
            interactive: bool) -> dict[str, Any]:
    """Values from flags, else asked for with ``start`` (an existing file) or the default as the suggestion.

    Without ``interactive`` the suggestion is taken as it is; a required value that is
    still missing is a usage error naming its flag.
    """
    data = dict(start)
    missing = []
    for ask in asks:
        value = given.get(ask.key)
        if value is None:
            current = data.get(ask.key)
            if current is None and ask.default is not None:
                current = ask.default(data)
            value = ask_once(ask, program, current) if interactive and (ask.required or ask.interactive) else current
        if value is None and ask.required:
            missing.append("--" + ask.key.replace("_", "-"))
        if value is not None:
            data[ask.key] = value
        else:
            data.pop(ask.key, None)
    if missing:
        raise click.UsageError(f"missing {', '.join(missing)} (required with --no-input)")
    return data
