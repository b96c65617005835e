"""Which values a program seals, where plain text sits in a sealed field, and opening the domain.

The default sealed set (SEALING.md) plus what ``program.yaml``'s ``sealing.fields`` adds is
answered by ONE function, ``sealed_fields``: writers, validation, ``rmcode seal`` and check-pr
all ask it. Sealed values stay opaque in the domain (``item.sealed`` holds the armor, the
plain field keeps its default) until ``open_data`` opens them with a keyring.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Literal, TypeVar

import fastjsonschema

from ..errors import RmcodeError
from ..io.cache import replaced
from ..model import (
    SEALABLE,
    CheckIn,
    Pair,
    Participant,
    Program,
    ProgramData,
    Sealing,
    SurveyResponse,
)
from ..sealing import JsonValue, Keyring, SealError, Unsealing, is_sealed, seal

Kind = Literal["participant", "checkin", "survey-response", "pair"]
KINDS: tuple[Kind, ...] = ("participant", "checkin", "survey-response", "pair")
Sealable = Participant | CheckIn | SurveyResponse | Pair
Target = tuple[str | int, ...]  # the path of a value in a document: ("rating",), ("pairs", 3, "end_reason")
S = TypeVar("S", Participant, CheckIn, SurveyResponse, Pair)

# what rmcode seals in every program (SEALING.md); a program adds to it, never removes from it
DEFAULT_SEALED: Mapping[str, frozenset[str]] = MappingProxyType({
    "participant": frozenset({"self_identification", "email"}),
    "checkin": frozenset({"concern", "notes", "rating", "good_fit"}),
    "survey-response": frozenset({"answers"}),
    "pair": frozenset({"end_reason"}),
})
NEEDS_KEY = "needs the program key"


def sealed_fields(program: Program | Sealing | None, kind: str,
                  visibility: Mapping[str, str] | None = None) -> frozenset[str]:
    """The fields of a file of ``kind`` whose values are sealed in ``program``.

    The default set, plus ``sealing.fields`` of program.yaml, plus (for a profile) the
    sealable fields the person marked ``visibility: admins``. Fields that matching and
    validation need in plain text (level, department, languages, ...) are never sealed;
    ``admins`` on them keeps them off the site only (the schema's visibility description says so).
    """
    fields = DEFAULT_SEALED.get(kind, frozenset())
    sealing = program.sealing if isinstance(program, Program) else program
    if sealing is not None and kind in sealing.fields:
        fields |= sealing.fields[kind]
    if kind == "participant" and visibility:
        fields |= {f for f, v in visibility.items() if v == "admins" and f in SEALABLE["participant"]}
    return fields


def sealed_targets(data: object, schema: str, program: Program | Sealing | None) -> list[Target]:
    """Where the values a program seals sit in a loaded document of ``schema`` (present ones only)."""
    if not isinstance(data, dict):
        return []
    if schema == "matches":
        fields = sealed_fields(program, "pair")
        pairs = data.get("pairs")
        return [("pairs", i, f) for i, pair in enumerate(pairs if isinstance(pairs, list) else [])
                if isinstance(pair, dict) for f in sorted(fields) if f in pair]
    if schema not in ("participant", "checkin", "survey-response"):
        return []
    visibility = data.get("visibility") if isinstance(data.get("visibility"), dict) else None
    return [(f,) for f in sorted(sealed_fields(program, schema, visibility)) if f in data]


def plain_targets(data: object, schema: str, program: Program | Sealing | None) -> list[Target]:
    """Where a loaded document holds plain text in a field ``program`` seals (check-pr, pre-commit)."""
    return [t for t in sealed_targets(data, schema, program) if not is_sealed(value_at(data, t))]


def value_at(data: object, target: Target) -> object:
    """The value at ``target`` in a loaded document (a path ``sealed_targets`` found in it)."""
    for part in target:
        if isinstance(part, int) and isinstance(data, list):
            data = data[part]
            continue
        if not isinstance(data, dict):
            raise KeyError(target)
        data = data[part]
    return data


_KINDS: Mapping[type, Kind] = MappingProxyType({Participant: "participant", CheckIn: "checkin",
                                                 SurveyResponse: "survey-response", Pair: "pair"})


def kind_of(item: object) -> Kind | None:
    """The kind of file a domain object comes from, for ``sealed_fields``."""
    return _KINDS.get(type(item))


# the attribute that holds a sealable field's plain value, and whether it is unset when None (else: when empty)
_PLAIN_ATTR: Mapping[str, tuple[str, bool]] = MappingProxyType({
    "bio": ("bio", False), "email": ("email", False), "location": ("location", False), "title": ("title", False),
    "self_identification": ("self_identification", False), "concern": ("concern_level", True),
    "good_fit": ("good_fit", True), "next_steps": ("next_steps", False), "notes": ("notes", False),
    "rating": ("rating", True), "answers": ("answers", False), "end_reason": ("end_reason", False),
})


def plain_sealed(item: Sealable, program: Program | None) -> tuple[str, ...]:
    """The fields of ``item`` that ``program`` seals but that hold plain text, sorted."""
    kind = _KINDS.get(type(item))
    if kind is None:
        return ()
    visibility = item.visibility if isinstance(item, Participant) else None
    sealed = item.sealed  # a sealed field's plain attribute is unset: only the others are looked at
    plain = []
    for name in sealed_fields(program, kind, visibility):
        if name not in sealed:
            attr, by_none = _PLAIN_ATTR[name]
            value = getattr(item, attr)
            if value is not None if by_none else value:
                plain.append(name)
    return tuple(sorted(plain)) if plain else ()


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


def open_data(data: ProgramData, keyring: Keyring, opening: Unsealing | None = None) -> Opened:
    """Open the sealed values of ``data`` with ``keyring``; values that cannot be opened stay sealed.

    An opened value must have the shape the schema gives the plain field (a rating 1..5, ...);
    one that does not is left sealed and reported, so it can never produce a wrong number.
    ``opening``: where values are being opened already (started while ``data`` was loaded, see
    ``api.report``); it opens whatever of ``data`` it was not given.
    """
    if not keyring:
        return Opened(data, 0, tuple(Unread(x.source.path, f, "no program key here")
                                     for x in sealed_items(data) for f in x.sealed))
    # the caller closes an opening it started; one started here is closed here
    with contextlib.nullcontext(opening) if opening else Unsealing(keyring) as values:
        # each value is opened once, on every core for a large program; the values are put in place as
        # they arrive, while the workers open the rest
        values.expect(dict.fromkeys(text for x in sealed_items(data) for text in x.sealed.values()))
        merge = _Merge(values.get)
        new = dataclasses.replace(data, participants=merge.all(data.participants), pairs=merge.all(data.pairs),
                                  checkins=merge.all(data.checkins), responses=merge.all(data.responses))
    return Opened(new, count_sealed(data) - len(merge.unread), tuple(merge.unread))


class _Merge:
    """Puts opened values in place, item by item; what stays sealed is listed in ``unread``."""

    def __init__(self, value_of: Callable[[str], JsonValue | SealError]) -> None:
        self.value_of = value_of
        self.unread: list[Unread] = []
        self.fits: dict[tuple[Kind, str, object], bool] = {}

    def all(self, items: tuple[S, ...]) -> tuple[S, ...]:
        return tuple(self.one(x) if x.sealed else x for x in items)

    def one(self, item: S) -> S:
        kind = _KINDS[type(item)]
        changes: dict[str, object] = {}
        left: dict[str, str] = {}
        for name, text in item.sealed.items():
            value = self.value_of(text)
            if isinstance(value, SealError):
                left[name] = text
                self.unread.append(Unread(item.source.path, name, str(value)))
            elif not self.check(kind, name, value):
                left[name] = text
                self.unread.append(Unread(item.source.path, name, "it opened, but its value does not fit the field"))
            elif name == "concern":
                assert isinstance(value, dict)
                changes["concern_level"], changes["concern_note"] = value.get("level", "low"), value.get("note", "")
            else:
                changes[name] = MappingProxyType(dict(sorted(value.items()))) if isinstance(value, dict) else value
        changes["sealed"] = MappingProxyType(left) if left else _NO_SEALED
        changes["sealed_to"] = item.sealed_to if left else frozenset()
        return replaced(item, changes)

    def check(self, kind: Kind, name: str, value: JsonValue) -> bool:
        """Does ``value`` fit the plain field? Values repeat (a rating is 1..5, survey answers are few
        combinations): each is checked once."""
        memo = (kind, name, _key(value))
        fits = self.fits.get(memo)
        if fits is None:
            fits = self.fits[memo] = _fits(kind, name, value)
        return fits


_NO_SEALED: Mapping[str, str] = MappingProxyType({})


def _key(value: JsonValue) -> object:
    """Equal for two JSON values exactly when they are the same (True is not 1, 1.0 is not 1, key order
    aside for a mapping)."""
    if isinstance(value, dict):
        return dict, frozenset((k, _key(v)) for k, v in value.items())
    if isinstance(value, list):
        return list, tuple(_key(v) for v in value)
    return type(value), value


def _fits(kind: Kind, name: str, value: JsonValue) -> bool:
    try:
        _plain_validator(kind, name)(value)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


@cache
def _plain_validator(kind: Kind, name: str) -> Callable[[JsonValue], object]:
    from .schema import plain_field_schema  # the schemas are the one description of a field's shape
    return fastjsonschema.compile(plain_field_schema(kind, name))


# KPI metrics computed from sealed values: (kind, field) they read
METRIC_INPUTS: Mapping[str, tuple[str, str]] = MappingProxyType({
    "average_rating": ("checkin", "rating"),
    "first_session_fit_rate": ("checkin", "good_fit"),
    "would_continue_share": ("survey-response", "answers"),
})


def still_sealed(data: ProgramData) -> frozenset[tuple[str, str]]:
    """The (kind, field) pairs some object of ``data`` still holds sealed: what cannot be computed here."""
    return frozenset((kind_of(x) or "", f) for x in sealed_items(data) for f in x.sealed)


def needs_key(sealed: frozenset[tuple[str, str]], metric: str) -> bool:
    """True when ``metric`` reads values that are still sealed: its number would be wrong here."""
    inputs = METRIC_INPUTS.get(metric)
    return inputs is not None and inputs in sealed


def seal_pairs(pairs: Iterable[Pair], recipients: Sequence[str]) -> tuple[Pair, ...]:
    """Pairs whose plain end reason is sealed to ``recipients`` (unchanged when there are none)."""
    if not recipients:
        return tuple(pairs)
    return tuple(dataclasses.replace(p, end_reason="", sealed_to=p.sealed_to | {len(recipients)},
                                     sealed=MappingProxyType(
        {**p.sealed, "end_reason": seal(p.end_reason, recipients)})) if p.end_reason else p for p in pairs)


def open_with_key(data: ProgramData, keyring: Keyring, opening: Unsealing | None = None) -> Opened:
    """``open_data`` for commands: a key that opens none of the sealed values is an error, not a quiet
    report full of "needs the program key" (a wrong --identity, or a publish secret of another program)."""
    opened = open_data(data, keyring, opening)
    if keyring and opened.unread and not opened.opened:
        raise RmcodeError(f"the key given opens none of the {len(opened.unread):,} sealed values: it is not a key "
                          "they were sealed to (check --identity or RMCODE_IDENTITY; after an admin change, "
                          "an admin runs `rmcode rekey`)")
    return opened
