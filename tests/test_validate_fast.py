"""The compiled fast check (``schema._fast``) answers "valid?" exactly as the shipped schema does:
its rewritten ``not``-patterns and its remembered date checks change the cost, not the verdict."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path

import fastjsonschema
import pytest

from rmcode.load.loader import load_bytes
from rmcode.model.json import JsonValue
from rmcode.validate import schema
from rmcode.validate.schema import SCHEMA_NAMES

REPO = Path(__file__).parents[1]
SAMPLES = {"participant": "participants/*.yaml", "checkin": "checkins/*/*.yaml", "matches": "matches.yaml",
           "program": "program.yaml", "survey-response": "surveys/*/*.yaml"}
ARMOR = "-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n"
TEXTS: list[JsonValue] = [
    "", "x", "plain text", " -----BEGIN AGE ENCRYPTED FILE-----", "\n\t -----BEGIN AGE ENCRYPTED FILE-----x",
    "-----BEGIN AGE ENCRYPTED FILE-----", "x-----BEGIN AGE ENCRYPTED FILE-----",
    "x\n-----BEGIN AGE ENCRYPTED FILE-----",
    "-----BEGIN AGE ENCRYPTED FILE----", ARMOR, " " + ARMOR, ARMOR + "\n", "\u00a0-----BEGIN AGE ENCRYPTED FILE-----",
    "y" * 201, "y" * 2001, 5, None, True, ["x"], {"a": "b"},
]
DATES: list[JsonValue] = ["2026-01-02", "2026-02-30", "0000-01-01", "2026-1-2", "２０２６-01-02", "x" * 50, "",
                          20260102]


def _refused_paths(node: JsonValue, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """The data paths ("*" for every list item) whose schema refuses a pattern with ``not``."""
    if isinstance(node, dict):
        if isinstance(node.get("anyOf"), list) and any(isinstance(b, dict) and "not" in b for b in node["anyOf"]):
            yield path
        for key, sub in (node.get("properties") or {}).items():
            yield from _refused_paths(sub, (*path, key))
        if isinstance(node.get("items"), dict):
            yield from _refused_paths(node["items"], (*path, "*"))


def _date_paths(node: JsonValue, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if isinstance(node, dict):
        if node.get("format") == "date":
            yield path
        for key, sub in (node.get("properties") or {}).items():
            yield from _date_paths(sub, (*path, key))
        if isinstance(node.get("items"), dict):
            yield from _date_paths(node["items"], (*path, "*"))


def _set(data: JsonValue, path: tuple[str, ...], value: JsonValue) -> bool:
    """Put ``value`` at ``path`` (the first item for "*"); False when the document has no such place."""
    for part in path[:-1]:
        if part == "*":
            if not isinstance(data, list) or not data:
                return False
            data = data[0]
        elif isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return False
    last = path[-1]
    if last == "*":
        if not isinstance(data, list) or not data:
            return False
        data[0] = value
    elif isinstance(data, dict):
        data[last] = value
    else:
        return False
    return True


def _documents(name: str) -> list[JsonValue]:
    files = sorted(REPO.glob(SAMPLES[name]))[:6]
    assert files, name
    return [load_bytes(str(f), f.read_bytes()).data for f in files]


@pytest.mark.parametrize("name", list(SAMPLES))
def test_fast_check_gives_the_shipped_schemas_verdict(name: str) -> None:
    shipped = fastjsonschema.compile(schema._checked_json(name), formats={
        "date": lambda v: schema._validator(name).format_checker.conforms(v, "date")})
    fast, full = schema._fast(name), schema._validator(name)

    def verdict(check: object, data: JsonValue) -> bool:
        assert callable(check)
        try:
            check(data)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    tried = 0
    places = [(p, TEXTS) for p in _refused_paths(schema.schema_json(name))]
    places += [(p, DATES) for p in _date_paths(schema.schema_json(name))]
    for document in _documents(name):
        assert verdict(fast, document) and verdict(shipped, document)
        for path, values in places:
            for value in values:
                data = copy.deepcopy(document)
                if _set(data, path, value):
                    tried += 1
                    expected = verdict(shipped, data)
                    assert verdict(fast, data) == expected == full.is_valid(data), (path, value)
                    assert verdict(fast, data) == expected, (path, value)  # again: a remembered date answer
    assert tried or name in ("program", "survey-response")


def test_the_rewrite_leaves_no_refused_pattern_on_plain_text() -> None:
    rewritten = schema._positive_patterns(schema._checked_json("participant"))
    for field in ("title", "location", "bio"):
        branch = rewritten["properties"][field]["anyOf"][0]  # type: ignore[call-overload,index]
        assert "not" not in branch and branch["pattern"] == "^(?!\\s*-----BEGIN AGE ENCRYPTED FILE-----)"
    assert schema._checked_json("participant") != rewritten  # the shipped schema itself is left as it is
    assert all(name in SCHEMA_NAMES for name in SAMPLES)
