"""Loading without positions (``load_bytes(positions=False)``, the cold validation path) gives the
same values and problems as the full load, and the same places once a position is asked for."""

from __future__ import annotations

import pickle
import random
from pathlib import Path

import pytest
import yaml

from rmcode.errors import LoadError, Problem
from rmcode.load.loader import MAX_DEPTH, Document, escape_pointer, load_bytes
from rmcode.validate.schema import validate_document


def _nested(depth: int, leaf: str, seq: bool) -> str:
    """A value nested ``depth`` levels below the top-level key ``top`` (flow style)."""
    text = leaf
    for level in range(depth):
        text = f"[{text}, x]" if seq and level % 2 else f"{{k{level}: {text}, 'a/b~c': 1.10}}"
    return f"top: {text}\n"


HOSTILE: list[bytes] = [
    b"a: no\nb: 0755\nc: 12:30\nd: 2026-01-02\ne: [1, 2.5, true, ~, 0x1f, -.5, 1e3, +7, .inf, null, ~]\nf: on\n",
    b"'a/b': 1\n'c~d': {'e/f~g': [1.10, '1.10', x], h~: ~}\n'/': {'~': {'~1': 2}}\n",
    b"pairs:\n  - {mentor: a, mentee: b, score: 0.5}\n  - mentor: c\n    mentee: d\n    tags: [1, two, 3.0]\n",
    b"top:\n  - - - - [1, [2, [3, {deep: 4.5, more: [true, false, x]}]]]\n",
    b"x: |\n  12\n  34\ny: >-\n  5\n  6\nz: ''\nw:\nv: \"\"\nu: !!str 5\n",
    b"a: 1\na: 2\nb: {c: 1, c: 2}\n",
    b"a:\n  <<: {b: 1}\n'<<': quoted merge key is text\n",
    b"? [a]\n: b\nc: d\n",
    b"a: !!int '5'\nb: ! 7\nc: !custom [1]\nd: !!map {e: 1}\n",
    b"a: &x foo\nb: *x\n",
    b"a: &x [1, 2]\nb: *x\nc: *x\n",
    b"a: 'x * y'\nb: [1, 2, '*']\n",
    b"n: 123456789012345678901234567890123\nm: [1e99999]\nk: 0x" + b"f" * 40 + b"\n",
    b"- a\n- 1\n- {b: [2, c]}\n",
    b"42\n",
    b"plain text at the top\n",
    "é: ü\nключ: [значение, 1]\n\"quoted key\": 2\n".encode(),
    b"long: " + b"y" * 41 + b"\nlist: [" + b"z" * 41 + b", " + b"1" * 20 + b"]\n",
    b"a:\n  b:\n    c:\n      - 1\n      - d: 2\n        e: [3, {f: 4}]\n",
    b"1: one\n2.5: x\ntrue: y\nnull: z\n",
    _nested(MAX_DEPTH - 1, "1.10", seq=False).encode(),
    _nested(MAX_DEPTH, "1.10", seq=False).encode(),
    _nested(MAX_DEPTH, "{a: b}", seq=True).encode(),
    _nested(MAX_DEPTH + 1, "text", seq=True).encode(),
    _nested(MAX_DEPTH + 3, "[1, 2]", seq=False).encode(),
]


def _random_value(rng: random.Random, depth: int) -> object:
    scalars: list[object] = ["x", "1.10", "0755", "a/b", "~t", "no", 1, 2.5, True, None, "", "2026-01-02", "12:30",
                             "null", "-", "+1", ".5", "tab\there", "é", "x" * 45]
    if depth >= MAX_DEPTH + 1 or rng.random() < 0.45:
        return rng.choice(scalars)
    if rng.random() < 0.5:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = ["a", "b/c", "d~e", "~", "/", "f~1g", "1", "true", "é", "h i", "<<"]
    return {rng.choice(keys): _random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def _random_files(count: int) -> list[bytes]:
    rng = random.Random(14)
    files = []
    for _ in range(count):
        value = {"top": _random_value(rng, 1), "other": _random_value(rng, 1)}
        files.append(yaml.safe_dump(value, default_flow_style=rng.choice([None, False, True]), allow_unicode=True,
                                    default_style=rng.choice([None, None, "'", '"'])).encode())
    return files


def _loaded(content: bytes, positions: bool) -> Document | list[Problem]:
    try:
        return load_bytes("participants/x.yaml", content, positions=positions)
    except LoadError as exc:
        return list(exc.problems)


def _pointers(doc: Document) -> list[str]:
    """Every pointer the full load knows, and a few below and beside them."""
    known = list(doc.positions) + list(doc.key_positions)
    return known + [f"{p}/0" for p in known] + [f"{p}/nothing/9" for p in known] + ["/nothing", ""]


@pytest.mark.parametrize("content", HOSTILE + _random_files(300))
def test_lazy_load_has_the_same_values_problems_and_places(content: bytes) -> None:
    full, lazy = _loaded(content, True), _loaded(content, False)
    if isinstance(full, list):
        assert lazy == full  # the same problems, in the same order
        return
    assert isinstance(lazy, Document)
    assert not lazy.complete and not lazy.positions and not lazy.raw
    # the same values of the same types (1 == True == 1.0 would hide a difference; pickle does not)
    assert pickle.dumps(lazy.data) == pickle.dumps(full.data)
    assert lazy.top_level_lines() == full.top_level_lines()
    assert not lazy.positions  # top_level_lines needs no second parse
    if isinstance(full.data, dict):
        for key, value in full.data.items():
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                assert lazy.item_lines(key) == full.item_lines(key) == [
                    full.positions[f"/{escape_pointer(key)}/{i}"][0] for i in range(len(value))], key
                assert lazy.complete == (b"*" in content), key  # without aliases, no second parse
    assert lazy.digest == full.digest
    for pointer in _pointers(full):
        assert lazy.position(pointer) == full.position(pointer), pointer
        assert lazy.position(pointer, key=True) == full.position(pointer, key=True), pointer
    assert lazy.complete
    assert (lazy.positions, lazy.key_positions, lazy.raw) == (full.positions, full.key_positions, full.raw)


def test_typed_text_records_raw_on_first_use() -> None:
    lazy = load_bytes("f.yaml", b"a: {b: [1.10, x, 0755]}\n'c/d': {'e~f': true}\n", positions=False)
    assert lazy.raw == {} and not lazy.complete
    assert lazy.typed_text() == {"/a/b/0": "1.10", "/a/b/2": "0755", "/c~1d/e~0f": "true"}
    assert lazy.complete and lazy.positions["/a/b/2"] == (1, 18)


def test_the_top_level_keys_are_placed_without_a_second_parse() -> None:
    content = b"# c\nz: 1\n'a/b': [x]\nm: {n: 1}\n"
    lazy = load_bytes("f.yaml", content, positions=False)
    assert not lazy.key_positions
    assert lazy.top_level_lines() == load_bytes("f.yaml", content).top_level_lines()
    assert lazy.top_level_lines()["m"] == 4 and not lazy.complete
    assert lazy.position("/a~1b", key=True) == (3, 1) and lazy.top_level_lines() == {"z": 2, "a~1b": 3, "m": 4}


_PROFILE = """login: ana
github_id: 100
name: Ana
role: mentor
cohort: big
registered: 2026-01-17
title: Title
level: 2
department: Engineering
location: City
timezone: Europe/Berlin
languages: [en, de]
skills_offered: [python]
working_style: {structure: 4, async: 1}
availability: ["fri 09:00-11:00"]
bio: Bio.
visibility: {name: public}
"""
_BROKEN_PROFILES = [
    _PROFILE.replace("name: Ana", "name: 1.10"),  # typed text restored, then valid
    _PROFILE.replace("title: Title", "title: 0755\nnmae: x"),
    _PROFILE.replace("languages: [en, de]", "languages: [en, 1.10, true, ~]"),
    _PROFILE.replace("working_style: {structure: 4, async: 1}", "working_style: {structure: 9, 'a/b': 1.5, x~: no}"),
    _PROFILE.replace("visibility: {name: public}", "visibility: {name: 1.10, bio: [x]}"),
    _PROFILE.replace("github_id: 100", "github_id: '100'").replace("level: 2", "level: two"),
    _PROFILE.replace("registered: 2026-01-17", "registered: 2026-13-45").replace("role: mentor", "role: 7"),
    _PROFILE.replace("login: ana\n", ""),
    _PROFILE + "extra:\n  deep: [{a: 1}, {b: 2.0}]\n",
]


@pytest.mark.parametrize("content", _BROKEN_PROFILES)
def test_schema_problems_are_placed_the_same_on_a_lazy_document(content: str) -> None:
    full = load_bytes("participants/ana.yaml", content.encode())
    lazy = load_bytes("participants/ana.yaml", content.encode(), positions=False)
    found = validate_document(full, "participant")
    assert validate_document(lazy, "participant") == found
    assert pickle.dumps(lazy.data) == pickle.dumps(full.data)  # typed text restored alike
    assert found or content == _BROKEN_PROFILES[0]


def test_the_demo_programs_files_load_alike() -> None:
    repo = Path(__file__).parents[1]
    examples = [repo / "program.yaml", repo / "matches.yaml"] + sorted(
        path for folder in ("participants", "checkins", "surveys") for path in (repo / folder).rglob("*.yaml"))
    assert len(examples) > 20
    for path in examples:
        content = path.read_bytes()
        full, lazy = _loaded(content, True), _loaded(content, False)
        if isinstance(full, Document):
            assert isinstance(lazy, Document)
            assert pickle.dumps(lazy.data) == pickle.dumps(full.data), path
            for pointer in _pointers(full):
                assert lazy.position(pointer, key=True) == full.position(pointer, key=True), (path, pointer)
        else:
            assert lazy == full, path


def test_matches_pairs_are_placed_without_a_second_parse() -> None:
    content = (Path(__file__).parents[1] / "matches.yaml").read_bytes()
    full, lazy = load_bytes("matches.yaml", content), load_bytes("matches.yaml", content, positions=False)
    lines = lazy.item_lines("pairs")
    assert len(lines) == len(full.data["pairs"]) > 3 and not lazy.complete
    assert lines == full.item_lines("pairs") == [full.where(f"/pairs/{i}")[0] for i in range(len(lines))]
