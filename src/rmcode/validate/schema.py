"""JSON Schema validation of loaded documents, reported as problems with positions."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable
from functools import cache, lru_cache, partial
from typing import Literal, TypedDict, cast

import fastjsonschema
import jsonschema

from ..errors import Problem
from ..io.package_data import read_package_text
from ..load.loader import Document, escape_pointer
from ..model.json import JsonObject, JsonValue
from ..sealing import ARMOR_BEGIN
from .suggest import did_you_mean

SchemaName = Literal["program", "participant", "matches", "checkin", "survey-response", "report", "roster"]
SCHEMA_NAMES: tuple[SchemaName, ...] = ("program", "participant", "matches", "checkin", "survey-response", "report",
                                        "roster")
_TYPE_WORDS = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
               "array": "a list", "object": "a mapping", "null": "empty"}
_DATE_CACHED = 40  # longer text is never a date: not worth keeping
_RANGE = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
          "minItems", "maxItems", "maxProperties", "minProperties"}


def schema_text(name: str) -> str:
    """The JSON text of a shipped schema."""
    return read_package_text(f"schemas/{name}.schema.json")


class SchemaNode(TypedDict, total=False):
    """The parts of a JSON Schema that rmcode reads (its own shipped schemas; every enum lists text)."""

    title: str
    description: str
    properties: dict[str, SchemaNode]
    items: SchemaNode
    anyOf: list[SchemaNode]
    enum: list[str]
    propertyNames: SchemaNode


@cache
def schema_json(name: str) -> JsonObject:
    """A shipped schema as plain JSON data (to walk it generically)."""
    result: JsonObject = json.loads(schema_text(name))
    return result


def load_schema(name: str) -> SchemaNode:
    """A shipped schema, read through the keys rmcode looks at (titles, descriptions, properties, ...)."""
    return cast(SchemaNode, schema_json(name))  # the same object: rmcode's schemas have this shape


def plain_field_schema(kind: str, name: str) -> JsonObject:
    """The schema of the plain (unsealed) value of a sealable field, e.g. ("checkin", "rating")."""
    if kind == "pair":
        prop = _checked_schema("matches")["properties"]["pairs"]["items"]["properties"][name]
    else:
        prop = _checked_schema(kind)["properties"][name]
    return cast(JsonObject, next(b for b in prop["anyOf"] if "$ref" not in b))  # a schema, as plain JSON


def _anchor_patterns(node: JsonValue) -> JsonValue:
    """JSON Schema patterns follow ECMA-262, where ``$`` never matches before a final newline.

    Python's ``$`` does, so ``login: "ana\\n"`` would pass ``^...$``; ``\\Z`` restores the meaning.
    """
    if isinstance(node, dict):
        return {k: (v[:-1] + "\\Z"
                    if k == "pattern" and isinstance(v, str) and v.endswith("$") and not v.endswith("\\$")
                    else _anchor_patterns(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_anchor_patterns(v) for v in node]
    return node


@cache
def _checked_json(name: str) -> JsonObject:
    result = _anchor_patterns(schema_json(name))
    assert isinstance(result, dict)
    return result


def _checked_schema(name: str) -> SchemaNode:
    # a copy with the same keys (only pattern texts change): the shape of load_schema
    return cast(SchemaNode, _checked_json(name))


@cache
def _validator(name: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(_checked_json(name), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def _positive_patterns(node: JsonValue) -> JsonValue:
    """The same schema with ``"not": {"pattern": "^P"}`` on text written ``"pattern": "^(?!P)"``.

    Both refuse exactly the strings where P matches at the start (``^`` without MULTILINE only
    matches there). fastjsonschema checks ``not`` by raising and catching an exception, which
    every plain title, location and bio would pay for (the pattern spots a sealed value).
    """
    if isinstance(node, list):
        return [_positive_patterns(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: _positive_patterns(v) for k, v in node.items()}
    refused = node.get("not")
    if (node.get("type") == "string" and "pattern" not in node and isinstance(refused, dict)
            and list(refused) == ["pattern"] and isinstance(text := refused["pattern"], str)
            and text.startswith("^") and "|" not in text and "$" not in text):
        del out["not"]
        out["pattern"] = f"^(?!{text[1:]})"
    return out


@cache
def _fast(name: str) -> Callable[[JsonValue], object]:
    # compiled once; only answers "valid?" - the messages come from jsonschema. fastjsonschema's own
    # date regex accepts Unicode digits and year 0000 (date.fromisoformat then crashes), so dates use jsonschema's check
    # (the same dates recur across thousands of files: each is checked once)
    conforms = partial(_validator(name).format_checker.conforms, format="date")
    known = lru_cache(maxsize=4096)(conforms)

    def date(value: str) -> bool:
        return known(value) if len(value) <= _DATE_CACHED else conforms(value)

    rewritten = _positive_patterns(_checked_json(name))
    assert isinstance(rewritten, dict)
    return fastjsonschema.compile(rewritten, formats={"date": date})


def validate_document(doc: Document, name: str) -> list[Problem]:
    """Check ``doc`` against schema ``name``; return its problems (empty when valid).

    A plain scalar that YAML read as a number, boolean or null where the schema wants
    text is given back the text the person typed (``0755`` stays "0755").
    """
    try:
        _fast(name)(doc.data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    validator = _validator(name)
    for _ in range(3):
        errors = _unwrap_sealable(validator.iter_errors(doc.data))
        restored = _restore_typed_text(doc, errors)
        if not restored:
            break
    return sorted({p for error in errors for p in _problems(doc, error, name)})


def _unwrap_sealable(errors: Iterable[jsonschema.ValidationError]) -> list[jsonschema.ValidationError]:
    """A field that takes a plain value or a sealed one fails as ``anyOf``; report it as the branch
    the writer meant: the damaged armor when the text starts like a sealed value, else the plain shape."""
    out: list[jsonschema.ValidationError] = []
    for error in errors:
        branches = error.validator_value if error.validator == "anyOf" else None
        sealed = [i for i, b in enumerate(branches or ()) if b == {"$ref": "#/definitions/sealed"}]
        if not sealed:
            out.append(error)
            continue
        armored = isinstance(error.instance, str) and error.instance.lstrip().startswith(ARMOR_BEGIN)
        out += [e for e in error.context or () if (e.relative_schema_path[0] in sealed) == armored]
    return out


def _restore_typed_text(doc: Document, errors: list[jsonschema.ValidationError]) -> bool:
    restored = False
    raw = doc.typed_text()
    for error in errors:
        pointer = _pointer(error.absolute_path)
        wanted = error.validator_value if error.validator == "type" else None
        if pointer in raw and (wanted == "string" or (isinstance(wanted, list) and "string" in wanted)):
            if not pointer:
                doc.data = raw.pop(pointer)
            else:
                parent, last = _resolve(doc.data, list(error.absolute_path)[:-1]), error.absolute_path[-1]
                if isinstance(parent, dict):
                    parent[str(last)] = raw.pop(pointer)
                elif isinstance(parent, list) and isinstance(last, int):
                    parent[last] = raw.pop(pointer)
            restored = True
    if restored:
        doc.data = copy.deepcopy(doc.data)  # drop jsonschema's cached references
    return restored


def _resolve(data: JsonValue, path: Iterable[str | int]) -> JsonValue:
    """The value at ``path`` (keys and list indexes, as jsonschema gives them); KeyError when there is none."""
    for part in path:
        if isinstance(data, dict):
            data = data[str(part)]
        elif isinstance(data, list) and isinstance(part, int):
            data = data[part]
        else:
            raise KeyError(part)
    return data


def _pointer(path: Iterable[str | int]) -> str:
    return "".join(f"/{escape_pointer(str(p))}" for p in path)


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _described(error: jsonschema.ValidationError, name: str) -> str:
    """The description of the failing schema, or of the nearest schema that contains it."""
    node: JsonValue = schema_json(name)
    found = load_schema(name).get("description", "")
    for part in list(error.absolute_schema_path)[:-1]:
        if isinstance(node, (dict, list)):
            node = _resolve(node, [part])
            if isinstance(node, dict) and isinstance(description := node.get("description"), str):
                found = description
    return str(found)


def _problems(doc: Document, error: jsonschema.ValidationError, name: str) -> list[Problem]:
    pointer = _pointer(error.absolute_path)
    field = ((_where(pointer) if isinstance(error.absolute_path[-1], int) else str(error.absolute_path[-1]))
             if error.absolute_path else "(file)")
    described = _described(error, name)
    kind = error.validator
    if "propertyNames" in error.absolute_schema_path and isinstance(error.instance, str):
        return [_bad_key(doc, pointer, field, error)]
    if kind == "additionalProperties" and isinstance(error.instance, dict):
        known = sorted(error.schema.get("properties", {}))
        extras = sorted(set(error.instance) - set(known))
        return [_unknown_key(doc, pointer, key, known) for key in extras]
    if kind == "required":
        missing = str(error.validator_value and error.message.split("'")[1])
        return [doc.problem(pointer, "RM201", f"{_where(pointer)}: missing required field '{missing}'",
                            _field_hint(error.schema, missing))]
    if kind == "type":
        wanted = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        words = " or ".join(_TYPE_WORDS.get(str(w), str(w)) for w in wanted)
        hint = described
        if "boolean" in wanted and isinstance(error.instance, str):
            hint = "write true or false (YAML words like yes, no, on, off are read as text here)"
        elif "string" in wanted:
            hint = "put the value in quotes"
        return [doc.problem(pointer, "RM203", f"{field}: expected {words}, got {_short(error.instance)}", hint)]
    if kind == "enum":
        choices = ", ".join(str(c) for c in error.validator_value)
        return [doc.problem(pointer, "RM204", f"{field}: {_short(error.instance)} is not one of: {choices}",
                            did_you_mean(str(error.instance), [str(c) for c in error.validator_value]))]
    if kind == "format":
        hint = "write dates as YYYY-MM-DD, e.g. 2026-09-21" if error.validator_value == "date" else described
        return [doc.problem(pointer, "RM205",
                            f"{field}: {_short(error.instance)} is not a valid {error.validator_value}", hint)]
    if isinstance(error.schema, dict) and error.schema.get("title") == "Sealed value" and kind not in _RANGE:
        return [doc.problem(pointer, "RM210", f"{field}: the sealed value is damaged (not a complete age message)",
                            "restore it from git, or write the value again and run `rmcode seal FILE`")]
    if kind == "pattern":
        return [doc.problem(pointer, "RM206", f"{field}: {_short(error.instance)} does not have the expected form",
                            described)]
    if kind in _RANGE:
        return [doc.problem(pointer, "RM207", f"{field}: {_range_message(error)}", described)]
    if kind == "uniqueItems":
        return [doc.problem(pointer, "RM208", f"{field}: the list has duplicate entries", "list each entry once")]
    return [doc.problem(pointer, "RM209", f"{field}: {error.message[:200]}", described)]


def _bad_key(doc: Document, pointer: str, field: str, error: jsonschema.ValidationError) -> Problem:
    """A key refused by propertyNames: jsonschema reports the key as the instance at the mapping's path."""
    key = error.instance
    child = f"{pointer}/{escape_pointer(key)}"
    if error.validator == "enum":
        options = [str(c) for c in error.validator_value]
        return doc.problem(child, "RM204", f"{field}: {_short(key)} is not one of: {', '.join(options)}",
                           did_you_mean(key, options), key=True)
    return doc.problem(child, "RM202", f"{field}: {_short(key)} is not an allowed key here",
                       "use lower-case words joined by hyphens", key=True)


def _range_message(error: jsonschema.ValidationError) -> str:
    limit, value = error.validator_value, error.instance
    messages = {
        "minimum": f"{_short(value)} is less than the minimum of {limit}",
        "maximum": f"{_short(value)} is more than the maximum of {limit}",
        "minLength": f"must be at least {limit} character{'s' * (limit != 1)} long",
        "maxLength": f"is longer than {limit} characters",
        "minItems": f"needs at least {limit} entr{'y' if limit == 1 else 'ies'}",
        "maxItems": f"has more than {limit} entries",
        "maxProperties": f"has more than {limit} entries",
    }
    return messages.get(str(error.validator), error.message[:200])


def _where(pointer: str) -> str:
    return pointer.lstrip("/").replace("/", ".") or "file"


def _field_hint(schema: object, name: str) -> str:
    prop = schema.get("properties", {}).get(name, {}) if isinstance(schema, dict) else {}
    text = prop.get("description", "")
    return f"add '{name}:' - {text}" if text else f"add '{name}:'"


def _unknown_key(doc: Document, pointer: str, key: str, known: list[str]) -> Problem:
    child = f"{pointer}/{escape_pointer(key)}"
    return doc.problem(child, "RM202", f"unknown key '{key[:60]}'" + (f" in {_where(pointer)}" if pointer else ""),
                       did_you_mean(key, known), key=True)
