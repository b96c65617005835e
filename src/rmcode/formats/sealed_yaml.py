"""Sealing (and re-sealing) the values of a YAML file in place, keeping every other byte.

A value is replaced by its armored age message as a literal block scalar at the key's
indentation + 2; the key, a comment on the key's line and everything outside the value stay
as they were. Positions come from PyYAML's composer (character offsets), and the result is
parsed again and compared with the original before anyone writes it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import yaml

from ..errors import LoadError, Problem
from ..load.loader import load_bytes
from ..sealing import JsonValue, is_sealed
from ..validate.sealed import Target, value_at

# what to put in place of a value: given the current value, the new armored text (or None: leave it)
Transform = Callable[[Target, object], str | None]


@dataclass(frozen=True, slots=True)
class Rewritten:
    """The new text of a file and the paths of the values that changed."""

    text: str
    changed: tuple[Target, ...]


def seal_plain(seal: Callable[[JsonValue], str]) -> Transform:
    """A transform that seals plain values and leaves sealed ones."""
    def transform(_: Target, value: object) -> str | None:
        return None if is_sealed(value) else seal(_json(value))
    return transform


def _json(value: object) -> JsonValue:
    """A loaded YAML value as the JSON value it is (what the loader gives is JSON: this only checks)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _json(v) for k, v in value.items()}
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def rewrite(path: str, text: str, targets: Sequence[Target], transform: Transform) -> Rewritten:
    """Put ``transform(target, value)`` in place of each target's value, as a literal block."""
    root = _compose(path, text)
    data = load_bytes(path, text.encode("utf-8"), max_bytes=None).data
    spans: list[tuple[int, int, str]] = []
    changed: list[Target] = []
    for target in targets:
        key, value = _find(root, target)
        if key is None or value is None:
            continue
        armored = transform(target, value_at(data, target))
        if armored is None:
            continue
        spans.append(_span(text, key, value, armored))
        changed.append(target)
    new = text
    for start, end, replacement in sorted(spans, reverse=True):
        new = new[:start] + replacement + new[end:]
    if changed:
        _check(path, text, new, changed)
    return Rewritten(new, tuple(changed))


def _compose(path: str, text: str) -> yaml.Node:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise LoadError([Problem(path, 0, 0, "RM109", f"cannot be read as YAML: {str(exc).splitlines()[0]}",
                                 "fix the file (rmcode validate shows where), then seal it")]) from None
    if not isinstance(node, yaml.MappingNode):
        raise LoadError([Problem(path, 0, 0, "RM109", "is not a mapping", "fix the file, then seal it")])
    return node


def _find(node: yaml.Node, target: Target) -> tuple[yaml.Node | None, yaml.Node | None]:
    key: yaml.Node | None = None
    for part in target:
        if isinstance(part, int) and isinstance(node, yaml.SequenceNode) and part < len(node.value):
            key, node = None, node.value[part]
        elif isinstance(part, str) and isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part), None)
            if found is None:
                return None, None
            key, node = found
        else:
            return None, None
    return key, node


def _span(text: str, key: yaml.Node, value: yaml.Node, armored: str) -> tuple[int, int, str]:
    """The region to replace (from just after the key's colon to the end of the value) and its text."""
    colon = text.index(":", key.end_mark.index) + 1
    indent = " " * (key.start_mark.column + 2)
    block = "".join(indent + line + "\n" for line in armored.strip("\n").split("\n"))
    between = text[colon:value.start_mark.index]
    comment = between.split("\n", 1)[0].strip() if value.start_mark.line > key.start_mark.line else ""
    end = value.end_mark.index
    if value.end_mark.column == 0 or end >= len(text):  # a block value ends at the start of the next line
        rest = ""
    else:  # an inline value: keep what follows it on its line (a comment)
        eol = text.find("\n", end)
        eol = len(text) if eol < 0 else eol
        rest, end = text[end:eol], eol + (eol < len(text))
    header = " |" + (f"  {comment}" if comment.startswith("#") else "") + rest.rstrip()
    return colon, end, header + "\n" + block


def _check(path: str, old: str, new: str, changed: Sequence[Target]) -> None:
    """The rewritten file must hold the same values, the changed ones now sealed."""
    before = load_bytes(path, old.encode("utf-8"), max_bytes=None).data
    after = load_bytes(path, new.encode("utf-8"), max_bytes=None).data
    for target in changed:
        if not is_sealed(_pop(after, target)):
            raise LoadError(f"{path}: sealing {'.'.join(map(str, target))} would not give a sealed value; "
                            "the file was left as it was")
        _pop(before, target)
    if before != after:
        raise LoadError(f"{path}: sealing would change other values of the file; it was left as it was "
                        "(please report this file's layout)")


def _pop(data: object, target: Target) -> object:
    container = value_at(data, target[:-1])
    assert isinstance(container, dict)
    return container.pop(target[-1])
