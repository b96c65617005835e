"""`rmcode register`, `log` and `survey`: one data file, checked among the repository's files, then written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import SchemaError, refuse
from ..formats.person_yaml import PLAIN_IN_SEALED, fields_to_seal, render, seal_document
from ..io.files import ensure_free, write_data_file
from ..load.loader import load_bytes
from ..model.json import JsonMapping
from . import SCHEMA_OF_FOLDER, validate_overlaid
from .keys import load_program_file


def left_plain(root: Path, rel: str, data: JsonMapping) -> list[str]:
    """The fields of ``data`` that rmcode seals but that ``save`` wrote in plain text (the program lists no keys)."""
    program = load_program_file(root)
    return [] if program.sealing.keys else fields_to_seal(SCHEMA_OF_FOLDER[rel.split("/", 1)[0]], data, program)


def save(root: Path, rel: str, data: JsonMapping, as_of: dt.date, force: bool = False,
         dry_run: bool = False) -> str:
    """Render ``data`` for ``rel``, check it among the repository's files, write it; returns the text.

    Raises SchemaError with the problems of this file (nothing is written then), and
    RmcodeError when the file exists and ``force`` is not set.
    """
    from ..validate.schema import validate_document

    if not force and not dry_run:
        ensure_free(root, rel)
    kind = SCHEMA_OF_FOLDER[rel.split("/", 1)[0]]
    # checked in plain text (a sealed value can no longer show a rating out of range), then sealed
    problems, program = validate_overlaid(root, rel, render(kind, data).encode("utf-8"), as_of)
    problems = [p for p in problems if p.code != PLAIN_IN_SEALED]
    if problems:
        raise SchemaError(problems)
    if program is None:
        raise refuse("program.yaml", "RM627", "does not validate, so rmcode cannot tell what to seal",
                     "run `rmcode validate` and fix program.yaml first")
    text = render(kind, seal_document(kind, data, program))
    problems = validate_document(load_bytes(rel, text.encode("utf-8")), kind)
    if problems:
        raise SchemaError(problems)
    if not dry_run:
        write_data_file(root, rel, text, force)
    return text
