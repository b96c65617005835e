"""JSON-shaped data: what a YAML or JSON file holds before a schema has said what it is.

Two views of the same values, each precise enough for mypy to check what reads it:

``JsonValue`` / ``JsonObject``
    data as parsed (``load.loader``, ``json.loads``): lists and dicts, so ``isinstance(value, dict)``
    narrows it. Read it with isinstance checks until a schema has validated it; after that, the
    model's TypedDicts in ``model.documents`` say what each file holds.
``Json`` / ``JsonMapping``
    data about to be written (YAML, JSON, a form's answers): any sequence or mapping of JSON
    values, read-only, so a ``list[str]`` or a ``dict[str, int]`` is one without a copy.

``sealing.JsonValue`` (a lower layer, which cannot import this module) is the same type.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeAlias

__all__ = ["Json", "JsonMapping", "JsonObject", "JsonScalar", "JsonValue"]

JsonScalar: TypeAlias = "None | bool | int | float | str"
JsonValue: TypeAlias = "None | bool | int | float | str | list[JsonValue] | dict[str, JsonValue]"
JsonObject: TypeAlias = "dict[str, JsonValue]"
Json: TypeAlias = "None | bool | int | float | str | Sequence[Json] | Mapping[str, Json]"
JsonMapping: TypeAlias = "Mapping[str, Json]"
