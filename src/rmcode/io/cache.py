"""A per-file cache of check results, so re-validating after a small change is quick.

For each file the cache keeps its *record*: the schema it was checked against, its own problems,
its typed domain object and the digest of its content - not the parsed data or the text, so
loading it is quick (a cross-file problem that needs an exact position reads its file again).

Entries are keyed by path and checked against the file's size, mtime and inode (folders'
listings too, keyed by "/" + the folder, see ``repo.scan``); the whole cache is keyed by the
source of rmcode's modules, the schemas' text and the versions of Python and of the libraries
that parse and check, so an upgrade or an edit never reuses stale results. It lives in
``.git/rmcode-cache`` (outside the tracked files; nothing to ignore) or, outside a Git
repository, in the user's cache folder (``$XDG_CACHE_HOME/rmcode``, default ``~/.cache``).

The file is a sequence of frames, each a checksummed pickle of ``{path: Record}`` (and of
``{"/" + folder: (stamp, listing)}``). A run
that checked a few files again appends one small frame instead of rewriting everything; later
frames override earlier ones. A torn or corrupt frame ends the reading: what came before it is
still used, the rest is checked again.
"""

from __future__ import annotations

import copyreg
import dataclasses
import datetime as dt
import hashlib
import io
import operator
import os
import pickle
import struct
import sys
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache, partial
from importlib import metadata
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from .. import errors, model
from ..errors import Problem
from ..model import Item
from ..model.slots import slot_constructor
from . import package_data
from .repo import Folder, Stamp, write_atomic

if TYPE_CHECKING:
    from _pickle import _ReducedType

    from _typeshed import DataclassInstance

# File times tick coarsely (a few ms); a file changed in the same tick as it was read could keep
# its stamp. Like git's "racy" index entries, an entry whose file was modified less than this
# before the run that wrote it started is not trusted, and the file is checked again.
RACY_NS = 2_000_000_000
_FRAME = struct.Struct("<4sqQI")  # magic, start of the writing run (ns), payload length, CRC-32 of the payload
_MAGIC = b"rmc2"
_LIBRARIES = ("PyYAML", "jsonschema", "fastjsonschema")
DIGEST_CHARS = 16  # of a file's SHA-256: enough to tell whether it changed since it was checked


class Record(NamedTuple):
    """What the cache keeps of one checked file: not its text, nor its parsed data."""

    stamp: Stamp  # the file's stamp when it was checked: an entry is reused while the stamp is the same
    schema: str
    item: Item | None  # the typed domain object; None when the file has problems of its own
    problems: tuple[Problem, ...]  # its own problems (cross-file ones are found afresh on every run)
    digest: str  # DIGEST_CHARS of its content's SHA-256 ("" with problems): has it changed since?


Listed = tuple[Stamp, Folder]  # a folder's stamp and listing, keyed by "/" + the folder (see repo.scan)
Entries = Mapping[str, Record | Listed]


@dataclass(frozen=True, slots=True)
class Loaded:
    """The trustworthy entries of the cache, and how many entries the file holds in all."""

    records: dict[str, Record]
    folders: dict[str, Listed]
    size: int


def now() -> int:
    """The time to pass to ``save`` as ``started``: take it before the first file is stat-ed."""
    return time.time_ns()


def key_inputs() -> list[tuple[str, bytes]]:
    """What cached results depend on besides the files: the Python and library versions, the
    source of every module of the package and the text of every schema."""
    inputs = [("python", sys.version.encode()), ("format", _FRAME.format.encode() + _MAGIC)]
    for name in _LIBRARIES:
        try:
            inputs.append((name, metadata.version(name).encode()))
        except metadata.PackageNotFoundError:
            continue
    return inputs + package_data.module_sources() + package_data.schema_files()


def key_of(inputs: list[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, content in inputs:
        digest.update(f"{name}\0{len(content)}\0".encode() + content)
    return digest.hexdigest()[:16]


@cache
def _key() -> str:
    # the code that produces cached results is part of the key, so an edit to it (or an
    # upgrade of a library that parses or checks) never reuses stale results
    return key_of(key_inputs())


def cache_path(root: Path) -> Path:
    """``.git/rmcode-cache/`` (whoever can write .git can already run code through hooks),
    else the user's cache folder: never the working tree, where a downloaded archive could
    plant a pickle that would run code when read."""
    git_dir = root / ".git"
    if git_dir.is_dir() and not git_dir.is_symlink():
        base = git_dir / "rmcode-cache"
    else:
        user = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        base = user / "rmcode" / hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return base / f"validate-{_key()}.pickle"


def load(root: Path, each: Callable[[Iterable[Record]], None] | None = None) -> Loaded:
    """The trustworthy cached entries; none when there is no cache or it cannot be read.

    ``each`` is given the trusted records of each frame as it is read (a later frame may supersede
    some). ``report`` reads the cache first, to start opening the sealed values it holds while it
    reads on, and then hands what it read to validation (``api.validate``'s ``stored``).
    """
    try:
        with open(cache_path(root), "rb") as handle:
            return _parse(handle.read(), each)
    except OSError:
        return Loaded({}, {}, 0)


def _parse(blob: bytes, each: Callable[[Iterable[Record]], None] | None) -> Loaded:
    entries: dict[str, Record | Listed] = {}
    size = offset = 0
    view = memoryview(blob)
    while offset + _FRAME.size <= len(blob):
        magic, written, length, crc = _FRAME.unpack_from(blob, offset)
        start, offset = offset + _FRAME.size, offset + _FRAME.size + length
        payload = view[start:offset]
        if magic != _MAGIC or len(payload) != length or zlib.crc32(payload) != crc:
            break  # torn by a crash, or not ours
        frame = _frame(payload)
        if frame is None:
            break
        try:
            trusted = {path: entry for path, entry in frame.items() if entry[0][1] < written - RACY_NS}
        except (AttributeError, TypeError, IndexError, KeyError):
            break
        if entries:  # a newer entry supersedes an older one, trusted or not
            for path in frame.keys() - trusted.keys():
                entries.pop(path, None)
        entries.update(trusted)
        size += len(frame)
        if each is not None:
            each(entry for entry in trusted.values() if isinstance(entry, Record))
    records: dict[str, Record] = {}
    folders: dict[str, Listed] = {}
    for key, entry in entries.items():
        if key[:1] != "/":
            if isinstance(entry, Record):
                records[key] = entry
        elif not isinstance(entry, Record):
            folders[key] = entry
    return Loaded(records, folders, size)


def _frame(payload: memoryview) -> dict[str, Record | Listed] | None:
    """A frame's entries as pickled (the caller checks their shape); None when it does not unpickle."""
    try:
        frame = pickle.loads(payload)  # our own file, written below; never user input
    except Exception:  # noqa: BLE001  (an unreadable cache only makes a slower run)
        return None
    return frame if isinstance(frame, dict) else None


def save(root: Path, frames: list[bytes], started: int, append: bool = False) -> None:
    """Write pickled frames (``dumps``) from a run that started at ``started``.

    Appending is one write to a file opened for appending; a rewrite replaces the file
    atomically and drops caches of other versions. A read-only repository simply goes without.
    """
    path = cache_path(root)
    data = b"".join(part for f in frames for part in (_FRAME.pack(_MAGIC, started, len(f), zlib.crc32(f)), f))
    try:
        if append and path.exists():
            with open(path, "ab") as handle:  # O_APPEND: one write lands whole at the end
                handle.write(data)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, data)
        for other in path.parent.glob("validate-*.pickle"):
            if other != path:
                other.unlink(missing_ok=True)
    except OSError:
        return


def dumps(entries: Entries) -> bytes:
    """Pickle cache entries (a frame's payload), with the fast reducers below."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _dispatch({})
    pickler.dump(dict(entries))
    return buffer.getvalue()


def loads(payload: bytes) -> dict[str, Record]:
    """The records of a frame that ``dumps`` wrote of records alone."""
    result: dict[str, Record] = pickle.loads(payload)
    return result


# Unpickling a frozen slotted dataclass the default way calls dataclasses' __setstate__, which
# looks up fields() for every object; the frozen __init__ goes through object.__setattr__ per
# field. A generated function that sets the slots directly is two to three times faster, and
# loading the cache builds some 130,000 objects for a program of 10,000 people. Mapping fields
# (read-only proxies, which pickle cannot store) travel as dicts and are wrapped again there:
# WRAPPED names them per class (tests/test_cache.py checks it against the classes' annotations).
WRAPPED: Mapping[type, frozenset[str]] = MappingProxyType({
    model.Kpi: frozenset({"params"}),
    model.Sealing: frozenset({"fields"}),
    model.Program: frozenset({"contact"}),
    model.Participant: frozenset({"working_style", "visibility", "self_identification", "sealed"}),
    model.Pair: frozenset({"breakdown", "sealed"}),
    model.CheckIn: frozenset({"lines", "sealed"}),
    model.SurveyResponse: frozenset({"answers", "sealed"}),
})

def _proxy(mapping: dict[str, object]) -> Mapping[str, object]:
    return MappingProxyType(mapping)


def _constructor(cls: type, name: str, wrap: tuple[int, ...]) -> Callable[..., object]:
    make = slot_constructor(cls, name, __name__, wrap)
    globals()[name] = make  # unpickling finds it by module and name
    return make


Reduced = tuple[Callable[..., object], tuple[object, ...]]  # how pickle rebuilds an object: a callable, its args
Plan = tuple[Callable[[object], tuple[object, ...]], Callable[..., object], Callable[..., object] | None,
             tuple[int, ...], tuple[int, ...]]
# fields annotated with only these never hold a value that _reduce shares (a date, a dict, a tuple)
_UNSHARED = frozenset({"str", "int", "float", "bool", "None"})


def _shared_fields(cls: type) -> tuple[int, ...]:
    """The fields whose values ``_reduce`` may share: all but those annotated as plain scalars or frozensets
    (skipping the others only saves time; a value of another type is simply not shared)."""
    return tuple(i for i, f in enumerate(dataclasses.fields(cls))
                 if not all(part in _UNSHARED or part.startswith(("Literal[", "frozenset["))
                            for part in str(f.type).split(" | ")))


def _plan(cls: type) -> Plan:
    """How to take an instance apart: field getter, constructor, constructor that wraps mappings, their fields,
    the fields whose values may be shared."""
    names = [f.name for f in dataclasses.fields(cls)]
    get = operator.attrgetter(*names) if len(names) > 1 else (lambda obj: (getattr(obj, names[0]),))
    if len(names) == 1 or "__post_init__" in vars(cls):
        return get, cls, None, (), ()  # the ordinary way: such classes are rare and small
    wrapped_fields = WRAPPED.get(cls, frozenset())
    wrap = tuple(i for i, f in enumerate(dataclasses.fields(cls)) if f.name in wrapped_fields)
    wrapped = _constructor(cls, f"_wrap_{cls.__name__}", wrap) if wrap else None
    return get, _constructor(cls, f"_new_{cls.__name__}", ()), wrapped, wrap, _shared_fields(cls)


def _reduce(plan: Plan, memo: dict[object, object], obj: object) -> Reduced:
    get, make, wrapped, wrap, shared = plan
    if make is type(obj):
        return make, get(obj)
    values = list(get(obj))
    if wrapped is not None and all(type(values[i]) is MappingProxyType for i in wrap):
        make = wrapped
        for i in wrap:
            values[i] = dict(values[i])  # type: ignore[call-overload]  # a proxy of a dict, checked above
    # equal values pickled once per frame, unpickled as one shared object: dates, the line
    # numbers of a check-in's keys, lists of ids repeat across thousands of files (keys are
    # text; 1 and True are equal, so the key has the values' types; -0.0 == 0.0, so no floats)
    for i in shared:
        value = values[i]
        kind = type(value)
        if kind is dt.date:
            values[i] = memo.setdefault(value, value)
        elif kind is dict and isinstance(value, dict) and value:
            types = tuple(map(type, value.values()))
            if float not in types:
                try:
                    values[i] = memo.setdefault((tuple(value.items()), types), value)
                except TypeError:  # an unhashable value: kept as it is
                    pass
        elif kind is tuple and isinstance(value, tuple) and value and all(type(x) is str for x in value):
            values[i] = memo.setdefault((value, str), value)
    return make, tuple(values)


_PLANS: dict[type, Plan] = {cls: _plan(cls) for module in (model, errors) for cls in vars(module).values()
          if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == module.__name__
          and "__slots__" in vars(cls)}
_INDEX: dict[type, dict[str, int]] = {cls: {f.name: i for i, f in enumerate(dataclasses.fields(cls))} for cls in _PLANS}
T = TypeVar("T", bound="DataclassInstance")


def replaced(obj: T, changes: Mapping[str, object]) -> T:
    """``dataclasses.replace(obj, **changes)`` for the model's slotted dataclasses, built by the same
    generated constructors as unpickling (about three times faster): opening the sealed values of a
    large program replaces some 85,000 objects."""
    plan = _PLANS.get(type(obj))
    if plan is None or plan[1] is type(obj):  # no generated constructor: __post_init__ or one field
        return dataclasses.replace(obj, **changes)
    index = _INDEX[type(obj)]
    values = list(plan[0](obj))
    for name, value in changes.items():
        values[index[name]] = value
    new = plan[1](*values)
    assert isinstance(new, type(obj))
    return new


def _reduce_proxy(mapping: object) -> Reduced:
    assert isinstance(mapping, MappingProxyType)
    return _proxy, (dict(mapping),)


def _reduce_record(record: object) -> Reduced:
    # a Record is rebuilt by tuple.__new__ in C: Record's own __new__ is Python, called 60,000 times
    assert isinstance(record, Record)
    return tuple.__new__, (Record, tuple(record))


def _dispatch(memo: dict[object, object]) -> dict[type, Callable[[object], _ReducedType]]:
    table: dict[type, Callable[[object], _ReducedType]] = dict(copyreg.dispatch_table)
    table[MappingProxyType] = _reduce_proxy
    table[Record] = _reduce_record
    table.update((cls, partial(_reduce, plan, memo)) for cls, plan in _PLANS.items())
    return table
