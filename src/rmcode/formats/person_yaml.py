"""Profiles, check-ins and survey answers as YAML text: schema line first, keys in schema order,
safe quoting, and the values a program seals encrypted before the text exists.

Everything rmcode writes for a person (``rmcode register``, ``rmcode log``, ``rmcode
from-issue``) goes through here, so the files look the same whichever way they were
made and read back to exactly the data that was written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import yaml

from ..layout import schema_line
from ..load.loader import load_bytes, plain_reads_as_text
from ..model import Program
from ..model.json import Json, JsonMapping, JsonValue
from ..sealing import is_sealed, seal
from ..validate.schema import schema_json
from ..validate.sealed import sealed_fields

_STR = "tag:yaml.org,2002:str"
_SPECIAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")


class _Dumper(yaml.SafeDumper):
    """Block style, indented lists, never anchors or aliases."""

    def ignore_aliases(self, data: object) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: _Dumper, text: str) -> yaml.ScalarNode:
    # Quote anything a YAML reader could take for something else (yes, 0755, 12:30, dates),
    # and keep multi-line text readable as a literal block.
    if is_sealed(text) and text.endswith("\n") and not text.endswith("\n\n"):
        return dumper.represent_scalar(_STR, text, style="|")  # armor lines stay readable, as `age` prints them
    if _SPECIAL.search(text):
        # YAML reads these as line breaks or drops them unless they are escaped in double quotes
        return dumper.represent_scalar(_STR, text, style='"')
    lines = text.split("\n")
    if len(lines) > 1 and text == text.strip() and not any(c in text for c in "\r\t") \
            and not any(line[:1].isspace() for line in lines):
        return dumper.represent_scalar(_STR, text, style="|")
    # both YAML 1.1 readers (editors, other tools) and rmcode's 1.2 reading must see text
    plain_is_text = dumper.resolve(yaml.ScalarNode, text, (True, False)) == _STR and plain_reads_as_text(text)
    return dumper.represent_scalar(_STR, text, style=None if plain_is_text else '"')


_Dumper.add_representer(str, _represent_str)


def ordered(data: JsonMapping, schema: JsonMapping) -> dict[str, Json]:
    """``data`` with its keys in the order the schema lists them (unknown keys last, sorted).

    Nested objects and lists of objects are ordered by their own sub-schemas, so the same
    data always gives the same text.
    """
    props = _subschema(schema, "properties")
    keys = [k for k in props if k in data] + sorted(k for k in data if k not in props)
    return {key: _ordered_value(data[key], _subschema(props, key)) for key in keys}


def _subschema(schema: JsonMapping, key: str) -> JsonMapping:
    """``schema[key]`` where it is a mapping (a sub-schema, or ``properties``), else an empty one."""
    found = schema.get(key, {})
    return found if isinstance(found, Mapping) else {}


def _ordered_value(value: Json, schema: JsonMapping) -> Json:
    if isinstance(value, Mapping):
        if "properties" in schema:
            return ordered(value, schema)
        return {k: value[k] for k in sorted(value)}
    if isinstance(value, list):
        return [_ordered_value(item, _subschema(schema, "items")) for item in value]
    return value


def dump(data: JsonMapping) -> str:
    """YAML text of ``data`` as given (key order kept)."""
    text: str = yaml.dump(dict(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return text


def render(kind: str, data: JsonMapping) -> str:
    """The file text for ``data`` of schema ``kind``: schema line, then the keys in schema order.

    Raises ValueError if the text would not read back as the same data, so a quirk of
    YAML can never change what a person entered.
    """
    text = schema_line(kind) + dump(ordered(data, schema_json(kind)))
    if load_bytes("(written)", text.encode("utf-8")).data != _plain(data):
        raise ValueError(f"{kind} data does not survive a YAML round trip")
    return text


def _plain(value: Json) -> JsonValue:
    """``value`` as the loader reads it back: mappings as dicts, sequences (tuples too) as lists."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, str) or not isinstance(value, Sequence):
        return value
    return [_plain(v) for v in value]


# --- the sealing step of every writer ---------------------------------------------------------
# register, log and survey check their data in plain text (a sealed value can no longer show a
# rating out of range), then seal it here just before it is rendered, so the plain text of a
# sealed field never reaches the disk.

PLAIN_IN_SEALED = "RM336"  # validate's code for plain text in a sealed field (rules._sealing)


def fields_to_seal(kind: str, data: JsonMapping, program: Program) -> list[str]:
    """The keys of ``data`` that ``program`` seals and that are not sealed yet, in data order."""
    visibility = data.get("visibility") if kind == "participant" else None
    chosen = {k: v for k, v in visibility.items() if isinstance(v, str)} if isinstance(visibility, Mapping) else None
    fields = sealed_fields(program, kind, chosen)
    return [key for key, value in data.items() if key in fields and value is not None and not is_sealed(value)]


def seal_document(kind: str, data: JsonMapping, program: Program) -> dict[str, Json]:
    """``data`` with every value ``program`` seals encrypted to its recipients.

    A program without recipients has nothing to seal to: the data is returned as it is
    (validate then warns that those values are plain text, RM337).
    """
    keys = program.sealing.keys
    if not keys:
        return dict(data)
    todo = set(fields_to_seal(kind, data, program))
    return {key: seal(_plain(value), keys) if key in todo else value for key, value in data.items()}
