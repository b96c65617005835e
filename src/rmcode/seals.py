"""Which values a program seals, where plain text sits in a sealed field, and opening the domain.

The default sealed set (SEALING.md) plus what ``program.yaml``'s ``sealing.fields`` adds is
answered by ONE function, ``sealed_fields``: writers, validation, ``rmcode seal`` and check-pr
all ask it. Sealed values stay opaque in the domain (``item.sealed`` holds the armor, the
plain field keeps its default) until ``open_data`` opens them with a keyring.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any, Literal

import fastjsonschema

from .model import SEALABLE, CheckIn, Pair, Participant, Program, ProgramData, SurveyResponse
from .sealing import JsonValue, Keyring, SealError, unseal

Kind = Literal["participant", "checkin", "survey-response", "pair"]
KINDS: tuple[Kind, ...] = ("participant", "checkin", "survey-response", "pair")
Sealable = Participant | CheckIn | SurveyResponse | Pair

# what rmcode seals in every program (SEALING.md); a program adds to it, never removes from it
DEFAULT_SEALED: Mapping[str, frozenset[str]] = MappingProxyType({
    "participant": frozenset({"self_identification", "email"}),
    "checkin": frozenset({"concern", "notes", "rating", "good_fit"}),
    "survey-response": frozenset({"answers"}),
    "pair": frozenset({"end_reason"}),
})
NEEDS_KEY = "needs the program key"


def sealed_fields(program: Program | None, kind: str, visibility: Mapping[str, str] | None = None) -> frozenset[str]:
    """The fields of a file of ``kind`` whose values are sealed in ``program``.

    The default set, plus ``sealing.fields`` of program.yaml, plus (for a profile) the
    sealable fields the person marked ``visibility: admins``. Fields that matching and
    validation need in plain text (level, department, languages, ...) are never sealed;
    ``admins`` on them keeps them off the site only (validate warns, RM338).
    """
    fields = set(DEFAULT_SEALED.get(kind, ()))
    if program is not None:
        fields |= program.sealing.fields.get(kind, frozenset())
    if kind == "participant" and visibility:
        fields |= {f for f, v in visibility.items() if v == "admins" and f in SEALABLE["participant"]}
    return frozenset(fields)


def kind_of(item: object) -> Kind | None:
    """The kind of file a domain object comes from, for ``sealed_fields``."""
    kinds: dict[type, Kind] = {Participant: "participant", CheckIn: "checkin", SurveyResponse: "survey-response",
                               Pair: "pair"}
    return kinds.get(type(item))


# for each sealable field: does the object hold a plain (unsealed) value there?
_PLAIN: Mapping[str, Callable[[Any], bool]] = MappingProxyType({
    "bio": lambda x: x.bio != "", "email": lambda x: x.email != "", "location": lambda x: x.location != "",
    "title": lambda x: x.title != "", "self_identification": lambda x: bool(x.self_identification),
    "concern": lambda x: x.concern_level is not None, "good_fit": lambda x: x.good_fit is not None,
    "next_steps": lambda x: x.next_steps != "", "notes": lambda x: x.notes != "",
    "rating": lambda x: x.rating is not None, "answers": lambda x: bool(x.answers),
    "end_reason": lambda x: x.end_reason != "",
})


def plain_sealed(item: Sealable, program: Program | None) -> tuple[str, ...]:
    """The fields of ``item`` that ``program`` seals but that hold plain text, sorted."""
    kind = kind_of(item)
    if kind is None:
        return ()
    visibility = item.visibility if isinstance(item, Participant) else None
    return tuple(sorted(f for f in sealed_fields(program, kind, visibility) if _PLAIN[f](item)))


def sealed_items(data: ProgramData) -> list[Sealable]:
    """Every domain object of ``data`` that can hold sealed values, in a stable order."""
    return [*data.participants, *data.pairs, *data.checkins, *data.responses]


def count_sealed(data: ProgramData) -> int:
    """How many sealed values ``data`` holds unopened."""
    return sum(len(x.sealed) for x in sealed_items(data))


@dataclass(frozen=True, slots=True)
class Unread:
    """A sealed value that could not be opened here, and why (never its content)."""

    path: str
    field: str
    reason: str


@dataclass(frozen=True, slots=True)
class Opened:
    """``data`` with every sealed value this keyring could open put in place, and what was left sealed."""

    data: ProgramData
    opened: int
    unread: tuple[Unread, ...]


def open_data(data: ProgramData, keyring: Keyring) -> Opened:
    """Open the sealed values of ``data`` with ``keyring``; values that cannot be opened stay sealed.

    An opened value must have the shape the schema gives the plain field (a rating 1..5, ...);
    one that does not is left sealed and reported, so it can never produce a wrong number.
    """
    if not keyring:
        return Opened(data, 0, tuple(Unread(x.source.path, f, "no program key here")
                                     for x in sealed_items(data) for f in x.sealed))
    unread: list[Unread] = []
    people = tuple(_open(x, keyring, unread) for x in data.participants)
    pairs = tuple(_open(x, keyring, unread) for x in data.pairs)
    checkins = tuple(_open(x, keyring, unread) for x in data.checkins)
    responses = tuple(_open(x, keyring, unread) for x in data.responses)
    opened = count_sealed(data) - len(unread)
    new = dataclasses.replace(data, participants=people, pairs=pairs, checkins=checkins, responses=responses)
    return Opened(new, opened, tuple(unread))


def _open(item: Any, keyring: Keyring, unread: list[Unread]) -> Any:
    if not item.sealed:
        return item
    kind = kind_of(item)
    assert kind is not None
    changes: dict[str, Any] = {}
    left: dict[str, str] = {}
    for name, text in item.sealed.items():
        try:
            value = unseal(text, keyring)
        except SealError as exc:
            left[name] = text
            unread.append(Unread(item.source.path, name, str(exc)))
            continue
        if not _fits(kind, name, value):
            left[name] = text
            unread.append(Unread(item.source.path, name, "it opened, but its value does not fit the field"))
            continue
        changes.update(_as_fields(name, value))
    return dataclasses.replace(item, sealed=MappingProxyType(left), **changes)


def _as_fields(name: str, value: JsonValue) -> dict[str, Any]:
    if name == "concern":
        assert isinstance(value, dict)
        return {"concern_level": value.get("level", "low"), "concern_note": value.get("note", "")}
    if isinstance(value, dict):
        return {name: MappingProxyType(dict(sorted(value.items())))}
    return {name: value}


def _fits(kind: Kind, name: str, value: JsonValue) -> bool:
    try:
        _plain_validator(kind, name)(value)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


@cache
def _plain_validator(kind: Kind, name: str) -> Callable[[Any], Any]:
    from .schema import plain_field_schema  # the schemas are the one description of a field's shape
    return fastjsonschema.compile(plain_field_schema(kind, name))
