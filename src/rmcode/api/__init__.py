"""The library API: one function per user-facing action. The CLI is a thin layer over this."""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from ..errors import LoadError, Problem, RmcodeError, SchemaError
from ..github.codeowners import PATH as CODEOWNERS_PATH
from ..github.codeowners import drift_problem
from ..io import cache
from ..io.cache import DIGEST_CHARS, Record
from ..io.files import exists, matching_files, read_text_file
from ..io.repo import (
    FileRef,
    Scan,
    Stamp,
    data_changed,
    data_changed_later,
    head_date,
    read_bytes,
    scan,
)
from ..layout import PARTICIPANTS, login_key
from ..load.loader import Document, load_bytes
from ..model import Program, ProgramData
from ..model.roster import HrRoster
from ..validate.pipeline import (
    Item,
    Reader,
    Reread,
    Validation,
    build_item,
    validate_items,
)
from ..validate.pipeline import validate_overlaid as pipeline_overlaid
from .roster import load_roster

Progress = Callable[[int, int], None]
# the data folders whose files register, log, survey and from-issue write, and their schemas
SCHEMA_OF_FOLDER: Mapping[str, str] = {"participants": "participant", "checkins": "checkin",
                                       "surveys": "survey-response"}
PARALLEL_MIN_FILES = 4000  # below this, starting worker processes costs more than it saves
_CHUNK = 500  # files per task of a worker: the last task of one worker is about what the other may wait
_SINGLE_FILE_SCHEMAS = frozenset({"program", "matches"})
# superseded cache entries tolerated before the cache file is rewritten: 1,000 or a quarter of the files
_REWRITE_MIN, _REWRITE_SHARE = 1000, 4

Checked = tuple[FileRef, Document | None, list[Problem]]
NO_STAMP: Stamp = (-1, -1, -1)  # a file that could not be stat-ed: never matches, so never reused

def resolve_as_of(root: Path, as_of: dt.date | None, changed: Callable[[], bool] | None = None) -> dt.date:
    """``as_of`` if given, else the date of HEAD, so an old commit always gives the same numbers.

    Today when the data has uncommitted changes (a profile just written by ``rmcode
    register`` is dated today) or outside a Git repository. ``changed`` answers whether
    the data changed (``repo.data_changed_later``) when the caller started asking earlier.
    """
    if as_of is not None:
        return as_of
    committed = head_date(root)
    if committed is None or (changed or partial(data_changed, root))():
        return max(committed or dt.date.today(), dt.date.today())
    return committed


def check_file(root: Path, ref: FileRef) -> Checked:
    """Read, parse and schema-check one file. The document is None when it did not parse."""
    from ..validate.schema import (
        validate_document,  # jsonschema: only when some file is checked afresh
    )

    content = read_bytes(root, ref)
    if isinstance(content, Problem):
        return ref, None, [content]
    try:
        # positions are recorded when a problem asks for one (see Document.position)
        doc = load_bytes(ref.path, content, max_bytes=len(content) if ref.schema == "matches" else None,
                         positions=False)
    except LoadError as exc:
        return ref, None, list(exc.problems)
    return ref, doc, validate_document(doc, ref.schema)


def check_record(root: Path, ref: FileRef, stamp: Stamp) -> Record:
    """Check one file (``stamp`` taken before it is read) and build its domain object: what the cache keeps."""
    _, doc, found = check_file(root, ref)
    if doc is None or found:
        return Record(stamp, ref.schema, None, tuple(found), "")
    item, own = build_item(doc, ref.schema)
    return Record(stamp, ref.schema, item, tuple(own), doc.digest[:DIGEST_CHARS])


def _worker_started() -> None:
    # a forked worker inherits the parent's heap: keep the collector from ever scanning it
    gc.freeze()


def _record_chunk(root: Path, refs: Sequence[FileRef], stamps: Sequence[Stamp]) -> bytes:
    # sent back already pickled as a cache frame: cheap to send, and written to the cache as it is
    frame = cache.dumps({ref.path: check_record(root, ref, st) for ref, st in zip(refs, stamps)})
    # checking leaves a few cycles per file; once the records are freed, only those few objects are scanned,
    # and what survives (the modules and schemas the first task loaded) is not scanned again by the next task
    gc.collect()
    gc.freeze()
    return frame


def _check_stale(root: Path, refs: Sequence[FileRef], stamps: Mapping[str, Stamp],
                 progress: Progress | None) -> tuple[dict[str, Record], list[bytes] | None]:
    """Check files afresh, on all cores when there are many.

    Also returns the entries as cache frames when the workers pickled them anyway (else None).
    """
    workers = min(os.cpu_count() or 1, 8)
    entries: dict[str, Record] = {}
    if len(refs) < PARALLEL_MIN_FILES or workers < 2:
        for number, ref in enumerate(refs, 1):
            entries[ref.path] = check_record(root, ref, stamps.get(ref.path, NO_STAMP))
            if progress is not None:
                progress(number, len(refs))
        return entries, None
    from concurrent.futures import ProcessPoolExecutor  # only when many files changed

    # the files of a schema with one file (program.yaml: compiling its schema is a tenth of a second)
    # go first, so the other worker is busy meanwhile and both finish about together
    alone = [ref for ref in refs if ref.schema in _SINGLE_FILE_SCHEMAS]
    many = [ref for ref in refs if ref.schema not in _SINGLE_FILE_SCHEMAS]
    chunks = [chunk for part in (alone, many) for chunk in (part[i:i + _CHUNK] for i in range(0, len(part), _CHUNK))]
    frames: list[bytes] = []
    with ProcessPoolExecutor(max_workers=workers, initializer=_worker_started) as pool:
        for frame in pool.map(_record_chunk, [root] * len(chunks), chunks,
                              [[stamps.get(r.path, NO_STAMP) for r in chunk] for chunk in chunks]):
            frames.append(frame)
            entries.update(cache.loads(frame))
            if progress is not None:
                progress(len(entries), len(refs))
    return {ref.path: entries[ref.path] for ref in refs}, frames  # in the order of refs, as checked one by one


def _records(root: Path, found: Scan, stored: cache.Loaded, started: int, progress: Progress | None,
             use_cache: bool) -> dict[str, Record]:
    """Each file's record: from the cache when its stamp is unchanged, else checked afresh.

    (A path's schema follows from the path alone, so an unchanged stamp means an unchanged record.)
    """
    cached, stamp_of = stored.records.get, found.stamps.get
    records = {path: record for path in found.files
               if (record := cached(path)) is not None and record.stamp == stamp_of(path)}
    stale = sorted((FileRef(path, schema) for path, schema in found.files.items() if path not in records),
                   key=lambda ref: ref.path)
    fresh, frames = _check_stale(root, stale, found.stamps, progress)
    records.update(fresh)
    if use_cache and (fresh or found.listed):
        _save(root, found, records, stored, fresh, frames, started)
    return records


def _save(root: Path, found: Scan, records: Mapping[str, Record], stored: cache.Loaded,
          fresh: Mapping[str, Record], frames: list[bytes] | None, started: int) -> None:
    """Append what is new to the cache, or rewrite it once superseded entries pile up."""
    live = len(found.files) + len(found.folders)
    listed = {key: found.folders[key] for key in found.listed}
    new = frames if frames is not None else [cache.dumps(fresh)] if fresh else []
    if listed:
        new = new + [cache.dumps(listed)]
    if stored.size and stored.size + len(fresh) + len(listed) - live <= max(_REWRITE_MIN, live // _REWRITE_SHARE):
        cache.save(root, new, started, append=True)
    elif len(fresh) + len(listed) == live:
        cache.save(root, new, started)
    else:
        everything: dict[str, Record | cache.Listed] = {path: records[path] for path in found.files}
        cache.save(root, [cache.dumps(everything | found.folders)], started)


def _read(root: Path) -> Reader:
    def read(path: str) -> bytes | None:
        content = read_bytes(root, FileRef(path, "matches" if path == "matches.yaml" else "data"))
        return content if isinstance(content, bytes) else None
    return read


@contextmanager
def collector_paused() -> Iterator[None]:
    """Loading creates about a million objects and no garbage cycles worth collecting:
    without this the collector re-scans them over and over (several times slower)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if not gc.get_freeze_count():
                # the first young collection would scan every new object once more (0.1 s for a large
                # program); freezing and unfreezing moves them to the oldest generation without a scan
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def validate(root: Path, as_of: dt.date | None = None, progress: Progress | None = None,
             use_cache: bool = True, stored: cache.Loaded | None = None) -> Validation:
    """Check every file of the program at ``root`` against its schema and the cross-file rules.

    Results of unchanged files are reused from the cache (see ``rmcode.io.cache``); ``stored``:
    the cache as the caller already read it in this run (else it is read here).
    """
    changed = data_changed_later(root) if as_of is None else None
    try:
        with collector_paused():
            found, records = _checked(root, progress, use_cache, stored)
            problems = found.problems + [p for record in records.values() if record.problems for p in record.problems]
            roster = _roster(root, problems)
            result = validate_items(_items(records), problems, resolve_as_of(root, as_of, changed), len(found.files),
                                    _present(found), Reread(records, _read(root)), roster)
            return _with_codeowners(root, result)
    finally:
        if changed is not None:
            changed()  # reaps git


def validate_overlaid(root: Path, rel: str, content: bytes, as_of: dt.date) -> tuple[list[Problem], Program | None]:
    """What `rmcode validate` would say about ``rel`` with ``content``, among the repository's files.

    The errors of that file (its own, or the cross-file ones it brings; see
    ``validate.pipeline.validate_overlaid``), and the program it was checked in (None when
    the file or program.yaml does not validate). The repository's files are checked as
    ``validate`` checks them, the cache included; ``rel`` on disk is left out.
    """
    from ..validate.schema import validate_document

    schema = SCHEMA_OF_FOLDER[rel.split("/", 1)[0]]
    doc = load_bytes(rel, content)
    own = validate_document(doc, schema)
    if own:
        return own, None
    with collector_paused():
        found, records = _checked(root, None, True)
        records.pop(rel, None)
        return pipeline_overlaid(_items(records), Reread(records, _read(root)), doc, schema, as_of,
                                 _present(found), _roster(root, []))


def _checked(root: Path, progress: Progress | None, use_cache: bool,
             stored: cache.Loaded | None = None) -> tuple[Scan, dict[str, Record]]:
    """The repository's files and each one's record (see ``_records``)."""
    started = cache.now()  # before any stat: see cache.RACY_NS
    if not use_cache:
        stored = cache.Loaded({}, {}, 0)
    elif stored is None:
        stored = cache.load(root)
    found = scan(root, stored.folders)
    return found, _records(root, found, stored, started, progress, use_cache)


def _items(records: Mapping[str, Record]) -> dict[str, Item]:
    return {path: record.item for path, record in records.items() if record.item is not None}


def _present(found: Scan) -> set[str]:
    """The logins that have a profile file, valid or not (so a broken profile is not also missing)."""
    return {login_key(path[len(PARTICIPANTS) + 1:-len(".yaml")])
            for path, schema in found.files.items() if schema == "participant"}


def _with_codeowners(root: Path, result: Validation) -> Validation:
    """Add the drift of a committed .github/CODEOWNERS from program.yaml's admins (a missing file is
    check-pr's concern: a program run without GitHub has none)."""
    if result.data is None or not exists(root / CODEOWNERS_PATH):
        return result
    content = read_bytes(root, FileRef(CODEOWNERS_PATH, "data"))
    problem = content if isinstance(content, Problem) else drift_problem(content, result.data)
    if problem is None:
        return result
    return Validation(result.data, tuple(sorted((*result.problems, problem))), result.files)


def _roster(root: Path, problems: list[Problem]) -> HrRoster | None:
    """roster.csv where the program has one; a damaged one is a problem, and then no roster."""
    try:
        return load_roster(root)
    except LoadError as exc:
        problems.extend(exc.problems)
        return None


def load_program(root: Path, as_of: dt.date | None = None, stored: cache.Loaded | None = None) -> ProgramData:
    """The validated program, or SchemaError with every problem (``stored``: see ``validate``)."""
    result = validate(root, as_of, stored=stored)
    if not result.valid or result.data is None:
        raise SchemaError(result.problems)
    return result.data


def load_as_of(root: Path, as_of: dt.date | None = None,
               stored: cache.Loaded | None = None) -> tuple[ProgramData, dt.date]:
    """The program as it stood on ``as_of`` (default: HEAD's date), and that date.

    Validated as of the later of ``as_of`` and the current date, so that a view of an
    earlier day leaves out files dated later instead of rejecting them; then restricted to
    what existed on that day, so every command shows the same program for the same date.
    """
    current = resolve_as_of(root, None)
    day = as_of or current
    return load_program(root, max(day, current), stored).on(day), day
def repository_warnings(root: Path, program: Program) -> list[Problem]:
    """Warnings about the repository beyond its data: issue forms behind program.yaml, template text left in."""
    from ..github.forms import FORM_FIELDS, placeholder_warnings, stale_forms

    forms = {rel: text for rel in FORM_FIELDS if (text := read_text_file(root, rel)) is not None}
    pages = ["program.yaml", "site/mkdocs.yml"] + matching_files(root, "site/docs", "*.md")
    texts = {rel: text for rel in pages if (text := read_text_file(root, rel)) is not None}
    try:
        stale = stale_forms(program, forms)
    except RmcodeError as exc:  # a form without the option lists rmcode fills in
        stale = [dataclasses.replace(p, severity="warning") for p in exc.problems]
    return stale + placeholder_warnings(texts)
