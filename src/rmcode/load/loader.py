"""Strict, safe YAML loading: bytes -> plain data with a position for every value.

libyaml (``yaml.CBaseLoader``) composes the node tree; this module then builds the
values itself so that it can refuse what YAML allows but a data file should not
carry (tags, aliases, merge keys, duplicate keys) and so that YAML 1.1 surprises
(``no`` as false, ``12:30`` as 750, unquoted dates) never change what a person typed.
Plain scalars are read by YAML 1.2 core rules; the text as typed is kept in
``Document.raw`` so that a field whose schema wants a string gets that text back.
"""

from __future__ import annotations

import hashlib
import math
import re
import sys
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import yaml
import yaml.cyaml

from ..errors import LoadError, Problem
from ..layout import MAX_BYTES

MAX_DEPTH = 16
BOM = b"\xef\xbb\xbf"

_T = "tag:yaml.org,2002:"
_STR, _SEQ, _MAP = _T + "str", _T + "seq", _T + "map"
_SCALAR = yaml.ScalarNode
_INT_DEC = re.compile(r"[-+]?[0-9]+")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_TRUE, _FALSE = ("true", "True", "TRUE"), ("false", "False", "FALSE")
_NULL = ("", "~", "null", "Null", "NULL")
_INTERN_MAX = 40
# no field of a data file needs a longer number; Python refuses ints over 4,300 digits
# and a long exponent overflows a float to infinity, so such values are refused here
MAX_NUMBER_CHARS = 32
_QUOTE_HINT = 'quote the value, e.g. title: "Head of Data: Europe"'
Position = tuple[int, int]  # 1-based line and column
TOP: Position = (1, 1)  # where a problem goes when its place in the file is unknown


@dataclass(slots=True)
class Document:
    """One parsed file: its data, where each value sits, and what was typed.

    ``positions`` maps a JSON pointer to the 1-based (line, column) of its value (``position``
    resolves a pointer, the one place that does);
    ``key_positions`` maps the pointer of a mapping entry to where its key is;
    ``raw`` maps pointers of plain scalars that were read as non-strings to their text (read it
    through ``typed_text``). Until ``complete``, only the top-level keys' places are there.
    """

    path: str
    data: Any
    digest: str
    positions: dict[str, Position] = field(default_factory=dict)
    key_positions: dict[str, Position] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)
    content: bytes | None = None

    # loaded without positions: each top-level key's libyaml mark, until the positions are recorded
    top_marks: dict[str, Any] | None = field(default=None, repr=False, compare=False)
    # and the marks of the items of each top-level list of mappings (see ``item_lines``)
    item_marks: dict[str, list[Any]] | None = field(default=None, repr=False, compare=False)

    @property
    def complete(self) -> bool:
        """Whether every position is recorded (not loaded without them, or asked for one since)."""
        return self.top_marks is None

    def top_level_lines(self) -> dict[str, int]:
        """The line of each top-level key, without rebuilding the position maps."""
        if self.top_marks is not None:
            return {sys.intern(_child("", k)[1:]): mark.line + 1 for k, mark in self.top_marks.items()}
        return {sys.intern(k[1:]): line for k, (line, _) in self.key_positions.items() if k.count("/") == 1}

    def item_lines(self, key: str) -> list[int]:
        """The line of each item of the top-level list ``key`` (of mappings, e.g. matches.yaml's pairs),
        without rebuilding the position maps."""
        marks = self.item_marks.get(key) if self.item_marks is not None else None
        if marks is not None:
            return [mark.line + 1 for mark in marks]
        return [self.where(f"{_child('', key)}/{i}")[0] for i in range(len(self.data[key]))]

    def _ensure_positions(self) -> None:
        if self.top_marks is not None and self.content is not None:
            full = load_bytes(self.path, self.content, max_bytes=len(self.content))
            self.positions, self.key_positions, self.raw = full.positions, full.key_positions, full.raw
            self.top_marks = self.item_marks = None

    def typed_text(self) -> dict[str, str]:
        """``raw``, recorded first if the document was loaded without positions (``load_bytes``)."""
        self._ensure_positions()
        return self.raw

    def position(self, pointer: str, key: bool = False) -> Position | None:
        """The one resolver: where ``pointer`` is written (with ``key``, where its key is, if it
        has one), else its nearest parent; None when the document has no positions at all (a
        file that changed since it was checked: see validate.pipeline.Reread)."""
        self._ensure_positions()
        if key and (at := self.key_positions.get(pointer)) is not None:
            return at
        while True:
            if pointer in self.positions:
                return self.positions[pointer]
            if not pointer:
                return None
            pointer = pointer.rsplit("/", 1)[0]

    def where(self, pointer: str) -> Position:
        """``position``, with the top of the file standing for unknown (a problem needs a line)."""
        return self.position(pointer) or TOP

    def problem(self, pointer: str, code: str, message: str, hint: str = "", key: bool = False) -> Problem:
        line, col = self.position(pointer, key) or TOP
        return Problem(self.path, line, col, code, message, hint, pointer)

    def locate(self, problem: Problem, key: bool = True) -> Problem:
        """``problem`` placed at its pointer in this document (as it is when it has no pointer)."""
        if not problem.pointer:
            return problem
        line, col = self.position(problem.pointer, key) or TOP
        return replace(problem, line=line, col=col)


def escape_pointer(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _child(pointer: str, key: str) -> str:
    """The JSON pointer of ``key`` in the mapping at ``pointer``."""
    return f"{pointer}/{escape_pointer(key)}" if ("/" in key or "~" in key) else f"{pointer}/{key}"


class _Composer(yaml.cyaml.CParser):  # type: ignore[name-defined]  # the stubs omit the C parser
    """libyaml's parser and composer with a resolver that does nothing.

    Every implicit node gets the default tag (str/seq/map); an explicit tag stays as
    written. Skipping PyYAML's Python-level resolver saves a third of the parse time.
    """

    def descend_resolver(self, *_: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        return _STR if kind is yaml.ScalarNode else (_SEQ if kind is yaml.SequenceNode else _MAP)


def load_bytes(path: str, content: bytes, max_bytes: int | None = MAX_BYTES, positions: bool = True) -> Document:
    """Parse one YAML file strictly. Raises LoadError with every problem found.

    Without ``positions`` only the top-level keys' places are recorded (``top_level_lines``),
    about a third cheaper; the first ``position`` asked for parses ``content`` again and records
    them all (for a file that has a problem: a valid file is usually never asked).
    """
    _check_bytes(path, content, MAX_BYTES if max_bytes is None else max_bytes)
    text = content.decode("utf-8")
    _check_tabs(path, text)
    try:
        root = _Composer(text).get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise LoadError([_parse_problem(path, exc)]) from None
    except yaml.YAMLError as exc:  # ReaderError: control characters
        raise LoadError([Problem(path, 1, 1, "RM106", f"not readable as YAML: {_one_line(exc)}",
                                 "remove control characters from the file")]) from None
    doc = Document(path, None, hashlib.sha256(content).hexdigest(), content=content,
                   top_marks=None if positions else {}, item_marks=None if positions else {})
    if root is None:
        raise LoadError([Problem(path, 1, 1, "RM107", "the file is empty", "fill in the fields, see `rmcode schema`")])
    builder = (_Builder if positions else _LeanBuilder)(doc, aliases="*" in text)
    doc.data = builder.build(root, "", 0)
    if builder.problems:
        raise LoadError(builder.problems)
    return doc


def size_problem(path: str, size: int, limit: int, what: str = "file") -> Problem | None:
    """RM101 when a file of ``size`` bytes is over ``limit`` (see ``layout.size_limit``): the one size check."""
    if size <= limit:
        return None
    return Problem(path, 1, 1, "RM101", f"{what} is {size:,} bytes, more than the limit of {limit:,}",
                   "split the content or shorten free-text fields")


def _check_bytes(path: str, content: bytes, max_bytes: int) -> None:
    too_large = size_problem(path, len(content), max_bytes)
    if too_large is not None:
        raise LoadError([too_large])
    if content.startswith(BOM):
        raise LoadError([Problem(path, 1, 1, "RM102", "file starts with a byte order mark (BOM)",
                                 "save the file as UTF-8 without BOM")])
    try:
        content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        col = exc.start - (content.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError([Problem(path, line, col, "RM103", f"not valid UTF-8 (byte 0x{content[exc.start]:02x})",
                                 "save the file with UTF-8 encoding")]) from None


def _check_tabs(path: str, text: str) -> None:
    if "\t" not in text:
        return
    problems = []
    for number, line in enumerate(text.split("\n"), 1):
        indent = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:indent]:
            problems.append(Problem(path, number, line.index("\t") + 1, "RM104", "tab character in indentation",
                                    "indent with spaces only"))
    if problems:
        raise LoadError(problems)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _parse_problem(path: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "invalid YAML"
    if "expected a single document" in (exc.context or "") or "but found another document" in problem:
        return Problem(path, line, col, "RM105", "the file holds more than one YAML document",
                       "keep one document per file: remove the '---' line")
    if isinstance(exc, yaml.composer.ComposerError) and "alias" in problem:
        return Problem(path, line, col, "RM110", "anchors and aliases (&name, *name) are not allowed",
                       "write the value out in full")
    hint = "check the indentation and " + _QUOTE_HINT
    if "mapping values are not allowed" in problem:
        hint = "a value that contains ': ' must be quoted: " + _QUOTE_HINT
    elif "nesting depth" in problem:
        hint = f"rmcode files nest at most {MAX_DEPTH} levels deep"
    elif "'\\t'" in problem or "\\t" in problem:
        hint = "indent with spaces only"
    return Problem(path, line, col, "RM100", f"invalid YAML: {problem}", hint)


class _Builder:
    """Builds Python values from a composed node tree, recording positions.

    The tree comes from libyaml with PyYAML's BaseResolver, so every implicit scalar is
    tagged str and any other tag was written explicitly in the file.
    """

    def __init__(self, doc: Document, aliases: bool = True) -> None:
        self.doc = doc
        # an alias is written *name: without a "*" in the text no node can be reached twice
        self.aliases = aliases
        self.seen: set[int] = set()
        self.problems: list[Problem] = []
        self.alias_reported = False

    def fail(self, node: yaml.Node, code: str, message: str, hint: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.doc.path, mark.line + 1, mark.column + 1, code, message, hint))

    def build(self, node: yaml.Node, pointer: str, depth: int) -> Any:
        if self.aliases:
            if id(node) in self.seen:
                # an alias is the same node object reached twice; one message is enough
                # (a billion-laughs file would otherwise report each reuse)
                if not self.alias_reported:
                    self.fail(node, "RM110", "anchors and aliases (&name, *name) are not allowed",
                              "write the value out in full")
                    self.alias_reported = True
                return None
            self.seen.add(id(node))
        mark = node.start_mark
        self.doc.positions[pointer] = (mark.line + 1, mark.column + 1)
        if depth > MAX_DEPTH:
            self.fail(node, "RM108", f"nested more than {MAX_DEPTH} levels deep", "flatten the structure")
            return None
        cls = type(node)
        if cls is yaml.ScalarNode:
            return self.scalar(node, pointer)  # type: ignore[arg-type]  # exact type checked above (fast path)
        if node.tag != (_SEQ if cls is yaml.SequenceNode else _MAP):
            self.fail(node, "RM111", f"tag {node.tag} is not allowed", "remove the tag")
        if cls is yaml.SequenceNode:
            return [self.build(item, f"{pointer}/{i}", depth + 1) for i, item in enumerate(node.value)]
        return self.mapping(node, pointer, depth)  # type: ignore[arg-type]

    def mapping(self, node: yaml.MappingNode, pointer: str, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        key_positions = self.doc.key_positions
        for key_node, value_node in node.value:
            key = self.key(key_node, result)
            if key is None:
                continue
            child = _child(pointer, key)
            mark = key_node.start_mark
            key_positions[child] = (mark.line + 1, mark.column + 1)
            result[key] = self.build(value_node, child, depth + 1)
        return result

    def key(self, node: yaml.Node, result: dict[str, Any]) -> str | None:
        """The key ``node`` holds, or None (and a problem) when it cannot be a key of ``result``."""
        if type(node) is not yaml.ScalarNode:
            self.fail(node, "RM113", "a key must be plain text", "use a simple word as the key")
            return None
        key: str = sys.intern(node.value)
        if key == "<<" and not node.style:
            self.fail(node, "RM112", "merge keys (<<) are not allowed", "write the keys out in full")
            return None
        if key in result:
            self.fail(node, "RM114", f"duplicate key '{key}'", "keep one of the entries and delete the other")
            return None
        return key

    def scalar(self, node: yaml.ScalarNode, pointer: str | None) -> Any:
        """The value of ``node``; with a ``pointer``, the text of a typed one is kept in ``raw``."""
        value: str = node.value
        if node.tag != _STR:
            self.fail(node, "RM111", f"tag {node.tag} is not allowed", "remove the tag; quote the value if it is text")
            return value
        if node.style or not value or value[0] not in _TYPED_START:  # quoted, block, or plainly text
            if len(value) <= _INTERN_MAX:
                # ids, names and enum values repeat across thousands of files: one string object
                # each keeps memory and the validation cache small
                value = sys.intern(value)
            return value if (value or node.style) else None
        try:
            typed = _resolve_core(value)
        except _NumberTooLarge as exc:
            self.fail(node, "RM115", str(exc), "write a shorter number, or quote the value if it is text")
            return None
        if pointer is not None and not isinstance(typed, str):
            self.doc.raw[pointer] = value
        return typed


class _LeanBuilder(_Builder):
    """The same values and problems as ``_Builder``, with the marks of top-level keys only (for
    ``top_level_lines``) and no ``raw``: both are recorded when the document is first asked for a
    position or for ``typed_text``.

    No JSON pointer is built, and a scalar that is plainly text (most are) is taken where its
    parent is walked. Anything else goes through ``_Builder``'s own checks, in the same order,
    so the values and problems are the same.
    """

    def build(self, node: yaml.Node, pointer: str, depth: int) -> Any:
        if depth > MAX_DEPTH or (self.aliases and id(node) in self.seen):
            return super().build(node, pointer, depth)  # reported as always
        if self.aliases:
            self.seen.add(id(node))
        cls = type(node)
        if cls is _SCALAR:
            return self.scalar(node, None)  # type: ignore[arg-type]  # exact type checked above (fast path)
        is_seq = cls is yaml.SequenceNode
        if node.tag != (_SEQ if is_seq else _MAP):
            self.fail(node, "RM111", f"tag {node.tag} is not allowed", "remove the tag")
        # a reused scalar must reach the alias check; one too deep, the depth check
        inline = depth < MAX_DEPTH and not self.aliases
        intern, typed_start, deeper = sys.intern, _TYPED_START, depth + 1
        result: Any = [] if is_seq else {}
        top = self.doc.top_marks if depth == 0 else None
        key = ""
        for entry in node.value:
            if is_seq:
                value_node = entry
            else:
                key_node, value_node = entry
                if type(key_node) is not _SCALAR or (key := intern(key_node.value)) == "<<" or key in result:
                    checked = self.key(key_node, result)  # the problem with it, if any
                    if checked is None:
                        continue
                    key = checked
                if top is not None:
                    top[key] = key_node.start_mark
            if not inline:
                value: Any = self.build(value_node, "", deeper)
            elif type(value_node) is _SCALAR and value_node.tag == _STR:
                text: str = value_node.value
                if value_node.style or (text and text[0] not in typed_start):
                    value = intern(text) if len(text) <= _INTERN_MAX else text
                else:
                    try:
                        value = _resolve_core(text)
                    except _NumberTooLarge:
                        value = self.scalar(value_node, None)  # reports it
            else:
                if top is not None and type(value_node) is yaml.SequenceNode and value_node.value \
                        and type(value_node.value[0]) is yaml.MappingNode:
                    self.doc.item_marks[key] = [item.start_mark for item in value_node.value]  # type: ignore[index]
                value = self.build(value_node, "", deeper)
            if is_seq:
                result.append(value)
            else:
                result[key] = value
        return result


# a plain scalar that YAML 1.2 core might read as non-text starts with one of these
_TYPED_START = frozenset("0123456789+-.~nNtTfF")


def plain_reads_as_text(value: str) -> bool:
    """Whether ``value`` written as a plain (unquoted) scalar is read back as this same text."""
    if not value or value[0] not in _TYPED_START:
        return bool(value)
    try:
        return isinstance(_resolve_core(value), str)
    except _NumberTooLarge:
        return False


class _NumberTooLarge(ValueError):
    """A plain scalar that is a number too long or too large to read."""


def _number(value: str, kind: type[int | float], base: int = 10) -> int | float:
    shown = value if len(value) <= 24 else f"{value[:12]}…{value[-6:]} ({len(value):,} characters)"
    if len(value) > MAX_NUMBER_CHARS:
        raise _NumberTooLarge(f"the number {shown} is longer than {MAX_NUMBER_CHARS} characters")
    number = int(value, base) if kind is int else float(value)
    if not math.isfinite(number):
        raise _NumberTooLarge(f"the number {shown} is too large to be read")
    return number


@lru_cache(maxsize=4096)
def _resolve_core(value: str) -> Any:
    """YAML 1.2 core schema for a plain scalar that YAML 1.1 read as non-string.

    Raises _NumberTooLarge for a number no data file needs (see MAX_NUMBER_CHARS).
    """
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if _INT_DEC.fullmatch(value):
        return _number(value, int)
    if _INT_HEX.fullmatch(value):
        return _number(value, int, 16)
    if _FLOAT.fullmatch(value):
        return _number(value, float)
    return value
