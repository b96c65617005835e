"""`rmcode roster import` and reading the committed roster: the disk edge of the roster stages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from ..errors import LoadError, Problem, RmcodeError
from ..formats.roster_diff import Changes, compare, summary
from ..formats.roster_sealed import Sealed, parse_sealed, render_sealed, seal_fields
from ..io.files import read_file, read_prefix
from ..io.repo import no_program, write_atomic
from ..layout import MATCHES_MAX_BYTES
from ..load.loader import load_bytes
from ..load.roster_csv import MAX_EXPORT_BYTES, ColumnMap, RosterSection, decode, read_export
from ..model import Pair, Source
from ..model.roster import ROSTER_PATH, SEALED_PATH, HrRoster, parse_roster, prefill, render_roster
from ..sealing import JsonValue, Keyring, SealError


@dataclass(frozen=True, slots=True)
class ImportResult:
    changes: Changes
    summary: str  # Markdown, for the pull request
    written: tuple[str, ...]  # paths written (none with dry_run)
    note: str  # about sealing, for the terminal


def load_roster(root: Path) -> HrRoster | None:
    """The committed roster.csv, or None when the program has none. LoadError if it is damaged."""
    content = read_file(root / ROSTER_PATH)
    return None if content is None else parse_roster(content)


def roster_prefill(root: Path, login: str) -> dict[str, int | str]:
    """Level, department and manager for ``login`` from the program's roster.csv ({} without one).

    ``register`` (and any form that writes a profile) takes these as the starting values.
    """
    return prefill(load_roster(root), login)


def _program(root: Path) -> dict[str, JsonValue]:
    from ..validate.schema import validate_document

    content = read_file(root / "program.yaml")
    if content is None:
        raise LoadError([no_program(root)])
    doc = load_bytes("program.yaml", content)
    problems = validate_document(doc, "program")
    if problems:
        raise RmcodeError(problems)
    data: dict[str, JsonValue] = doc.data
    return data


def _section(data: Mapping[str, JsonValue] | None, key: str) -> dict[str, JsonValue]:
    value = data.get(key) if data is not None else None
    return value if isinstance(value, dict) else {}


def _strings(value: JsonValue) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _recipients(program: Mapping[str, JsonValue]) -> list[str]:
    recipients = _section(program, "sealing").get("recipients")
    return _strings([r.get("key") for r in recipients if isinstance(r, dict)] if isinstance(recipients, list) else [])


def _column_map(program: Mapping[str, JsonValue]) -> ColumnMap:
    section = program.get("roster")
    sealed = _strings(_section(_section(program, "sealing"), "fields").get("roster"))
    # program.yaml passed its schema (_program): its roster section has RosterSection's shape
    return ColumnMap.from_raw(cast(RosterSection, section) if isinstance(section, dict) else None, sealed)


def _read_export(export: Path, limit: int) -> bytes:
    try:
        return read_prefix(export, limit + 1)
    except OSError as exc:
        raise LoadError([Problem(str(export), 0, 0, "RM409", f"cannot read the export: {exc.strerror}",
                                 "check the path")]) from None


def open_pairs(root: Path) -> tuple[Pair, ...]:
    """The pairs of matches.yaml as far as they read (validate reports a broken file; the import need not)."""
    try:
        content = read_file(root / "matches.yaml")
        data = load_bytes("matches.yaml", content, max_bytes=MATCHES_MAX_BYTES).data if content is not None else {}
    except LoadError:
        return ()
    pairs = []
    for raw in data.get("pairs", []) if isinstance(data, dict) else []:
        try:
            pairs.append(Pair.from_raw(raw, Source("matches.yaml")))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
    return tuple(pairs)


def import_roster(root: Path, export: Path, keyring: Keyring, *, encoding: str = "utf-8", dry_run: bool = False,
                  pairs: Sequence[Pair] | None = None, limit: int = MAX_EXPORT_BYTES) -> ImportResult:
    """Read an HR export, check it, and write roster.csv and roster.sealed.yaml (nothing if any problem).

    ``pairs`` (default: matches.yaml's) are searched for open pairs of people who left.
    """
    program = _program(root)
    mapping = _column_map(program)
    content = _read_export(export, limit)
    name = export.name
    text = decode(name, content, limit, encoding)
    found = read_export(name, text, mapping)
    old = load_roster(root)
    old_sealed = _old_sealed(root)
    recipients = _recipients(program)
    if found.sealed and not recipients:
        raise RmcodeError([Problem("program.yaml", 1, 1, "RM424",
                                   f"the export has {', '.join(mapping.sealed)} values, which are always sealed, "
                                   "but program.yaml lists no sealing recipients",
                                   "add the admins' age public keys under sealing: recipients: (see `rmcode keygen`)")])
    try:
        outcome = seal_fields(found.sealed, recipients, old_sealed, keyring)
    except SealError as exc:
        raise RmcodeError([Problem("program.yaml", 1, 1, "RM424", str(exc), "fix sealing.recipients")]) from None
    changes = compare(old.employees if old else {}, {e.employee_id: e for e in found.employees},
                      open_pairs(root) if pairs is None else pairs, outcome.changed)
    written: list[str] = []
    if not dry_run:
        write_atomic(root / ROSTER_PATH, render_roster(found.employees))
        written.append(ROSTER_PATH)
        if outcome.sealed.buckets or old_sealed is not None:
            write_atomic(root / SEALED_PATH, render_sealed(outcome.sealed).encode("ascii"))
            written.append(SEALED_PATH)
    note = outcome.note or (f"{outcome.resealed} sealed buckets written, {outcome.kept} kept unchanged"
                            if outcome.sealed.buckets else "")
    return ImportResult(changes, summary(changes, len(found.employees)), tuple(written), note)


def _old_sealed(root: Path) -> Sealed | None:
    content = read_file(root / SEALED_PATH)
    return None if content is None else parse_sealed(content)
