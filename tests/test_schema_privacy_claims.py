"""What the JSON Schemas tell a person about who can read a field must be true.

The schemas' descriptions reach people in their editor (autocompletion), in `rmcode schema` and
in the issue forms. A field is readable only by the program team when rmcode seals it, and rmcode
seals only the sealable fields of the default set (or those a program adds), and only once
program.yaml lists keys. So: a description that promises the program team alone can read a field
must name a field rmcode seals by default and say it holds once program.yaml lists keys; a field
rmcode never seals must not promise privacy, and says plainly that it is readable in the repository.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from rmcode.model import SEALABLE
from rmcode.validate.sealed import DEFAULT_SEALED

SCHEMAS = Path(__file__).resolve().parent.parent / "src" / "rmcode" / "schemas"
KIND_OF = {"participant": "participant", "checkin": "checkin", "survey-response": "survey-response",
           "matches": "pair"}
PROMISE = re.compile(r"admins? only|only (?:the )?(?:program team|admins) can read|visible to (?:the )?admins|"
                     r"always sealed", re.IGNORECASE)
CONDITION = "once program.yaml lists keys"


def _descriptions(node: object, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """(the property names leading to it, description) for every description in a schema."""
    if isinstance(node, dict):
        if isinstance(node.get("description"), str):
            yield path, node["description"]
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                for name, child in value.items():
                    yield from _descriptions(child, (*path, name))
            elif key == "items":
                yield from _descriptions(value, (*path, "[]"))
            elif key != "description":
                yield from _descriptions(value, path)
    elif isinstance(node, list):
        for item in node:
            yield from _descriptions(item, path)


def _claims() -> Iterator[tuple[str, tuple[str, ...], str]]:
    for schema, kind in KIND_OF.items():
        document = json.loads((SCHEMAS / f"{schema}.schema.json").read_text(encoding="utf-8"))
        for path, text in _descriptions(document):
            yield kind, path, text


def test_every_promise_of_privacy_names_a_field_sealed_by_default_and_its_condition() -> None:
    promises = [(kind, path, text) for kind, path, text in _claims() if PROMISE.search(text)]
    assert promises, "the schemas promise privacy somewhere (the email field): the scan must find it"
    for kind, path, text in promises:
        field = path[-1] if path else ""
        assert field in DEFAULT_SEALED.get(kind, frozenset()), (
            f"{kind} {'/'.join(path)}: '{text}' promises privacy, but rmcode does not seal {field!r} by default")
        assert CONDITION in text, f"{kind} {'/'.join(path)}: '{text}' must say it holds {CONDITION}"


@pytest.mark.parametrize(("kind", "path"), [("participant", ("avoid",)), ("participant", ("paused", "reason"))])
def test_fields_rmcode_never_seals_say_they_are_readable(kind: str, path: tuple[str, ...]) -> None:
    """`avoid` and a pause's reason are read by matching without a key, so they can never be sealed."""
    assert path[0] not in SEALABLE[kind]
    (text,) = [t for k, p, t in _claims() if k == kind and p == path]
    assert not PROMISE.search(text)
    assert "readable by everyone with access to it" in text


def test_the_promise_scan_catches_the_old_wording() -> None:
    for old in ("Optional, visible to admins only.", "Logins you must not be paired with (visible to admins only).",
                "Your work email, used only for private reminders (always sealed: only the program team can read it)."):
        assert PROMISE.search(old), old
