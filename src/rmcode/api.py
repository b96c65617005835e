"""The library API: one function per user-facing action. The CLI is a thin layer over this."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

from .errors import LoadError, Problem, SchemaError
from .loader import Document, load_bytes
from .model import ProgramData
from .repo import FileRef, discover, head_date, read_bytes
from .validate import Validation, validate_documents

Progress = Callable[[int, int], None]


def resolve_as_of(root: Path, as_of: dt.date | None) -> dt.date:
    """``as_of`` if given, else the date of HEAD, else today (outside a Git repository)."""
    return as_of or head_date(root) or dt.date.today()


def load_documents(root: Path, progress: Progress | None = None) -> tuple[dict[str, tuple[Document, str]], list[Problem]]:
    """Read and parse every data file of the repository at ``root``.

    Returns the documents that parsed (path -> (document, schema name)) and the
    problems of those that did not; one bad file never hides the others.
    """
    refs, problems = discover(root)
    docs: dict[str, tuple[Document, str]] = {}
    for number, ref in enumerate(refs, 1):
        loaded = _load_one(root, ref)
        if isinstance(loaded, Document):
            docs[ref.path] = (loaded, ref.schema)
        else:
            problems += loaded
        if progress is not None:
            progress(number, len(refs))
    return docs, problems


def _load_one(root: Path, ref: FileRef) -> Document | list[Problem]:
    content = read_bytes(root, ref)
    if isinstance(content, Problem):
        return [content]
    try:
        return load_bytes(ref.path, content, max_bytes=len(content) + 1 if ref.schema == "matches" else None)
    except LoadError as exc:
        return list(exc.problems)


def validate(root: Path, as_of: dt.date | None = None, progress: Progress | None = None) -> Validation:
    """Check every file of the program at ``root`` against its schema and the cross-file rules."""
    docs, problems = load_documents(root, progress)
    return validate_documents(docs, problems, resolve_as_of(root, as_of))


def load_program(root: Path, as_of: dt.date | None = None) -> ProgramData:
    """The validated program, or SchemaError with every problem."""
    result = validate(root, as_of)
    if not result.valid or result.data is None:
        raise SchemaError(result.problems)
    return result.data
