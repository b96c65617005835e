"""The sealing step of every writer: values a program seals are encrypted before a file exists. Pure.

``rmcode register``, ``rmcode log`` and ``rmcode survey`` build their data in plain text,
check it (ranges, choices, references: what a sealed value can no longer show), and then
pass it through :func:`seal_document` just before it is rendered and written, so the
plain text of a sealed field never reaches the disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .model import Program
from .sealing import is_sealed, seal
from .seals import sealed_fields

PLAIN_IN_SEALED = "RM336"  # validate's code for plain text in a sealed field (rules._sealing)


def fields_to_seal(kind: str, data: Mapping[str, Any], program: Program) -> list[str]:
    """The keys of ``data`` that ``program`` seals and that are not sealed yet, in data order."""
    visibility = data.get("visibility") if kind == "participant" else None
    fields = sealed_fields(program, kind, visibility if isinstance(visibility, Mapping) else None)
    return [key for key, value in data.items() if key in fields and value is not None and not is_sealed(value)]


def seal_document(kind: str, data: Mapping[str, Any], program: Program) -> dict[str, Any]:
    """``data`` with every value ``program`` seals encrypted to its recipients.

    A program without recipients has nothing to seal to: the data is returned as it is
    (validate then warns that those values are plain text, RM337).
    """
    keys = program.sealing.keys
    if not keys:
        return dict(data)
    todo = set(fields_to_seal(kind, data, program))
    return {key: seal(value, keys) if key in todo else value for key, value in data.items()}
