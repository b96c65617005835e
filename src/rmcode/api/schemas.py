"""The JSON Schemas of a program's files, for `rmcode schema` and editors."""

from __future__ import annotations

from ..validate.schema import SCHEMA_NAMES, schema_text

__all__ = ["SCHEMA_NAMES", "schema_text"]
