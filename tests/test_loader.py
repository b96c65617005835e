"""The strict YAML loader: hostile and surprising inputs get one clear problem each."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rmcode.errors import LoadError
from rmcode.load.loader import MAX_DEPTH, load_bytes


def problems(content: bytes) -> list[str]:
    with pytest.raises(LoadError) as info:
        load_bytes("participants/x.yaml", content)
    return [p.format_text() for p in info.value.problems]


def test_plain_scalars_follow_yaml_1_2_core_and_keep_typed_text() -> None:
    doc = load_bytes("f.yaml", b"a: no\nb: 0755\nc: 12:30\nd: 2026-01-02\ne: [1, 2.5, true, ~, 0x1f]\nf: on\n")
    assert doc.data == {"a": "no", "b": 755, "c": "12:30", "d": "2026-01-02", "e": [1, 2.5, True, None, 31], "f": "on"}
    assert doc.raw == {"/b": "0755", "/e/0": "1", "/e/1": "2.5", "/e/2": "true", "/e/3": "~", "/e/4": "0x1f"}


def test_every_value_keeps_line_and_column() -> None:
    doc = load_bytes("f.yaml", b"# comment\nname: Ana\nskills:\n  - python\n  - sql\n")
    assert doc.positions["/name"] == (2, 7)
    assert doc.positions["/skills/1"] == (5, 5)
    assert doc.key_positions["/skills"] == (3, 1)
    assert doc.where("/skills/9/deeper") == (4, 3)  # the list value starts on line 4


def test_quoted_values_are_always_text() -> None:
    assert load_bytes("f.yaml", b"a: '5'\nb: \"true\"\nc: |\n  12\n").data == {"a": "5", "b": "true", "c": "12\n"}


def test_duplicate_key() -> None:
    assert problems(b"name: a\nname: b\n") == [
        "participants/x.yaml:2:1: RM114 duplicate key 'name'\n    hint: keep one of the entries and delete the other"]


def test_alias_and_billion_laughs_fail_once_and_fast() -> None:
    lol = b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + b"".join(
        b"%c: &%c [%s]\n" % (ord("b") + i, ord("b") + i,
                             b",".join([b"*" + bytes([ord("a") + i])] * 9)) for i in range(8))
    assert problems(lol) == [
        ("participants/x.yaml:1:4: RM110 anchors and aliases (&name, *name) are not allowed\n"
        "    hint: write the value out in full")]


def test_merge_key() -> None:
    assert problems(b"a:\n  <<: {b: 1}\n") == [
        "participants/x.yaml:2:3: RM112 merge keys (<<) are not allowed\n    hint: write the keys out in full"]


@pytest.mark.parametrize("content", [b"a: !!python/object:os.system echo\n", b"a: !!int '5'\n", b"a: !custom [1]\n",
                                     b"a: !!binary aGk=\n", b"!!set {a, b}\n"])
def test_tags_are_rejected(content: bytes) -> None:
    found = problems(content)
    assert len(found) == 1 and "RM111 tag " in found[0] and "is not allowed" in found[0]


def test_tab_indentation() -> None:
    assert problems(b"a:\n\tb: 1\n") == [
        "participants/x.yaml:2:1: RM104 tab character in indentation\n    hint: indent with spaces only"]


def test_tab_inside_quoted_text_is_fine() -> None:
    assert load_bytes("f.yaml", b'a: "x\ty"\n').data == {"a": "x\ty"}


def test_bom() -> None:
    assert problems(b"\xef\xbb\xbfa: 1\n") == [
        ("participants/x.yaml:1:1: RM102 file starts with a byte order mark (BOM)\n"
        "    hint: save the file as UTF-8 without BOM")]


def test_non_utf8_points_at_the_byte() -> None:
    assert problems(b"a: 1\nb: caf\xe9\n") == [
        "participants/x.yaml:2:7: RM103 not valid UTF-8 (byte 0xe9)\n    hint: save the file with UTF-8 encoding"]


def test_several_documents() -> None:
    assert problems(b"a: 1\n---\nb: 2\n") == [
        ("participants/x.yaml:2:1: RM105 the file holds more than one YAML document\n"
        "    hint: keep one document per file: remove the '---' line")]


def test_unquoted_colon_explains_quoting() -> None:
    assert problems(b"title: Head: Data\n") == [
        ("participants/x.yaml:1:12: RM100 invalid YAML: mapping values are not allowed in this context\n"
        "    hint: a value that contains ': ' must be quoted: quote the value, e.g. title: \"Head of Data: Europe\"")]


def test_empty_file() -> None:
    assert problems(b"# only a comment\n") == [
        "participants/x.yaml:1:1: RM107 the file is empty\n    hint: fill in the fields, see `rmcode schema`"]


def test_control_character() -> None:
    (found,) = problems(b"a: \x07\n")
    assert found.startswith("participants/x.yaml:1:1: RM106 not readable as YAML:")


def test_size_limit() -> None:
    (found,) = problems(b"a: " + b"x" * (1 << 20) + b"\n")
    assert found == ("participants/x.yaml:1:1: RM101 file is 1,048,580 bytes, more than the limit of 1,048,576\n"
                     "    hint: split the content or shorten free-text fields")


def test_nesting_depth() -> None:
    deep = b"a: " + b"[" * (MAX_DEPTH + 5) + b"]" * (MAX_DEPTH + 5) + b"\n"
    (found,) = problems(deep)
    assert f"RM108 nested more than {MAX_DEPTH} levels deep" in found


def test_libyaml_depth_limit_is_a_problem_not_a_crash() -> None:
    (found,) = problems(b"[" * 5000)
    assert "RM100 invalid YAML: exceeded maximum nesting depth" in found


def test_non_string_keys_are_read_as_typed() -> None:
    assert load_bytes("f.yaml", b"1: a\nyes: b\n~: c\n").data == {"1": "a", "yes": "b", "~": "c"}


def test_complex_key() -> None:
    (found,) = problems(b"? [a, b]\n: 1\n")
    assert "RM113 a key must be plain text" in found


def test_position_is_the_one_resolver_and_none_means_unknown() -> None:
    from rmcode.load.loader import TOP, Document

    doc = load_bytes("f.yaml", b"name: Ana\nskills:\n  - python\n")
    assert doc.position("/skills/0") == (3, 5)
    assert doc.position("/skills") == (3, 3)  # the value
    assert doc.position("/skills", key=True) == (2, 1)  # the key
    assert doc.position("/skills/7/deeper", key=True) == (3, 3)  # no key there: the nearest parent's value
    blind = Document("f.yaml", None, "digest")  # changed since it was checked: no positions at all
    assert blind.position("/skills") is None
    assert blind.where("/skills") == TOP == (1, 1)  # a problem still needs a line: the top of the file


def test_locate_places_a_problem_at_its_pointer_and_keeps_the_rest() -> None:
    from rmcode.errors import Problem

    doc = load_bytes("program.yaml", b"matching:\n  pins:\n    - [ana, bo]\n")
    found = Problem("program.yaml", 0, 0, "RM601", "ana is paused", "unpin", "/matching/pins", "warning")
    assert doc.locate(found) == Problem("program.yaml", 2, 3, "RM601", "ana is paused", "unpin", "/matching/pins",
                                        "warning")
    assert doc.locate(found, key=False) == Problem("program.yaml", 3, 5, "RM601", "ana is paused", "unpin",
                                                   "/matching/pins", "warning")
    assert doc.locate(replace(found, pointer="/matching/pins/0/1")) == replace(found, line=3, col=13,
                                                                               pointer="/matching/pins/0/1")
    file_level = Problem("program.yaml", 0, 0, "RM120", "no pointer")
    assert doc.locate(file_level) is file_level
