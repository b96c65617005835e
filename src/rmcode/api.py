"""The library API: one function per user-facing action. The CLI is a thin layer over this."""

from __future__ import annotations

import datetime as dt
import importlib
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from . import cache
from .errors import LoadError, Problem, SchemaError
from .loader import Document, load_bytes
from .model import ProgramData
from .repo import FileRef, data_changed, discover, head_date, read_bytes
from .schema import validate_document
from .validate import Validation, validate_documents

Progress = Callable[[int, int], None]
PARALLEL_MIN_FILES = 4000  # below this, starting worker processes costs more than it saves
_CHUNK = 1000
_KEEP_POSITIONS = frozenset({"program", "matches"})

Checked = tuple[FileRef, Document | None, list[Problem]]

# The rest of the public API, imported on first use so that `rmcode validate` does not
# pay for scipy, matplotlib and mkdocs (PEP 562).
_LAZY = {
    "propose": "matching", "Proposal": "matching",
    "diff_matches": ("matchfile", "diff"), "render_matches": ("matchfile", "render"),
    "build_report": "report", "RENDERERS": "report", "REPORT_VERSION": "report",
    "progress_of": "progress", "METRICS": "metrics", "kpi_problems": "metrics",
    "check_pr": "gitdiff", "summarize_pr": "gitdiff", "form_file": "issueform", "build_nudge": "nudge",
    "render_codeowners": "codeowners", "InitSettings": "scaffold", "init_program": "scaffold", "save": "scaffold",
    "render_file": ("writer", "render"),
}


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'rmcode.api' has no attribute {name!r}")
    module, attr = (target, name) if isinstance(target, str) else target
    return getattr(importlib.import_module(f"rmcode.{module}"), attr)


def resolve_as_of(root: Path, as_of: dt.date | None) -> dt.date:
    """``as_of`` if given, else the date of HEAD, so an old commit always gives the same numbers.

    Today when the data has uncommitted changes (a profile just written by ``rmcode
    register`` is dated today) or outside a Git repository.
    """
    if as_of is not None:
        return as_of
    committed = head_date(root)
    if committed is None or data_changed(root):
        return max(committed or dt.date.today(), dt.date.today())
    return committed


def check_file(root: Path, ref: FileRef) -> Checked:
    """Read, parse and schema-check one file. The document is None when it did not parse."""
    content = read_bytes(root, ref)
    if isinstance(content, Problem):
        return ref, None, [content]
    try:
        doc = load_bytes(ref.path, content, max_bytes=len(content) if ref.schema == "matches" else None)
    except LoadError as exc:
        return ref, None, list(exc.problems)
    return ref, doc, validate_document(doc, ref.schema)


def _check_chunk(root: Path, refs: Sequence[FileRef]) -> list[Checked]:
    # positions are rebuilt on demand in the parent, so they need not cross the process boundary
    # (program.yaml and matches.yaml keep them: their positions are used for every pair)
    return [(ref, doc.compact() if doc is not None and ref.schema not in _KEEP_POSITIONS else doc, found)
            for ref, doc, found in (check_file(root, r) for r in refs)]


def check_files(root: Path, refs: Sequence[FileRef], progress: Progress | None = None) -> Iterator[Checked]:
    """Check every file, on all cores when there are many."""
    workers = min(os.cpu_count() or 1, 8)
    if len(refs) < PARALLEL_MIN_FILES or workers < 2:
        for number, ref in enumerate(refs, 1):
            yield check_file(root, ref)
            if progress is not None:
                progress(number, len(refs))
        return
    chunks = [refs[i:i + _CHUNK] for i in range(0, len(refs), _CHUNK)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        done = 0
        for result in pool.map(_check_chunk, [root] * len(chunks), chunks):
            yield from result
            done += len(result)
            if progress is not None:
                progress(done, len(refs))


def _check_cached(root: Path, refs: Sequence[FileRef], progress: Progress | None, use_cache: bool) -> list[Checked]:
    """Check files whose size, mtime or inode changed since the last run; reuse the rest."""
    previous = cache.load(root) if use_cache else {}
    stamps = {ref.path: cache.stamp(root, ref.path) for ref in refs} if use_cache else {}
    results: dict[str, Checked] = {}
    stale: list[FileRef] = []
    for ref in refs:
        entry = previous.get(ref.path)
        if entry is not None and entry[0] == stamps[ref.path] and entry[1][0] == ref.schema:
            results[ref.path] = (ref, entry[1][1], entry[1][2])
        else:
            stale.append(ref)
    for checked in check_files(root, stale, progress):
        results[checked[0].path] = checked
    if use_cache and (stale or len(previous) < len(results)):
        # plain tuples: unpickling frozen slotted dataclasses is several times slower
        cache.save(root, {path: (stamp, (ref.schema, doc, found)) for path, (ref, doc, found) in results.items()
                          if (stamp := stamps[path]) is not None})
    return [results[ref.path] for ref in refs]


def validate(root: Path, as_of: dt.date | None = None, progress: Progress | None = None,
             use_cache: bool = True) -> Validation:
    """Check every file of the program at ``root`` against its schema and the cross-file rules.

    Results of unchanged files are reused from the cache (see ``rmcode.cache``).
    """
    refs, problems = discover(root)
    good: dict[str, tuple[Document, str]] = {}
    for ref, doc, found in _check_cached(root, refs, progress, use_cache):
        problems += found
        if doc is not None and not found:
            good[ref.path] = (doc, ref.schema)
    present = {ref.path.rsplit("/", 1)[-1][:-5].lower() for ref in refs if ref.schema == "participant"}
    return validate_documents(good, problems, resolve_as_of(root, as_of), len(refs), present)


def load_program(root: Path, as_of: dt.date | None = None) -> ProgramData:
    """The validated program, or SchemaError with every problem."""
    result = validate(root, as_of)
    if not result.valid or result.data is None:
        raise SchemaError(result.problems)
    return result.data
