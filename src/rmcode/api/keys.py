"""Program keys at work on a repository: seal plain values, re-encrypt to the current recipients,
erase a leaver's files. Every change is computed in memory first; nothing is written unless all
of it succeeded, and then each file is replaced atomically.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ..errors import LoadError, Problem, SchemaError
from ..formats.sealed_yaml import Rewritten, rewrite, seal_plain
from ..io.files import remove_files
from ..io.repo import FileRef, read_bytes, scan, write_atomic
from ..layout import login_key
from ..load.loader import load_bytes
from ..model import SEALABLE, Program
from ..sealing import JsonValue, Keyring, SealError, is_sealed, seal, unseal
from ..validate.pipeline import build_item
from ..validate.rules import plain_problem
from ..validate.sealed import Target, plain_targets, sealed_targets


@dataclass(frozen=True, slots=True)
class Change:
    """One file rewritten: its path and how many values changed."""

    path: str
    values: int


def load_program_file(root: Path) -> Program:
    """program.yaml alone (sealing needs its recipients, not a valid rest of the repository)."""
    from . import check_file

    _, doc, problems = check_file(root, FileRef("program.yaml", "program"))
    if doc is None or problems:
        raise SchemaError(problems)
    program, own = build_item(doc, "program")
    assert isinstance(program, Program)
    if any(p.severity == "error" for p in own):
        raise SchemaError(own)
    return program


def data_files(root: Path, paths: Iterable[Path] | None = None) -> list[FileRef]:
    """The program's data files (all of them when ``paths`` is None), or LoadError for a path that is not one."""
    found = scan(root)
    if paths is None:
        return sorted((FileRef(p, s) for p, s in found.files.items() if s != "program"), key=lambda f: f.path)
    refs: list[FileRef] = []
    for path in paths:
        try:
            rel = path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            raise LoadError(f"{path}: is outside the program repository {root}") from None
        schema = found.files.get(rel)
        if schema is None or schema == "program":
            raise LoadError([Problem(rel, 0, 0, "RM628", "is not a profile, check-in, survey response or matches.yaml",
                                     "pass files under participants/, checkins/, surveys/ or matches.yaml")])
        refs.append(FileRef(rel, schema))
    return refs


def plain_problems(root: Path, refs: Sequence[FileRef], program: Program) -> list[Problem]:
    """RM336 for every plain value in a sealed field of these files (the pre-commit hook); never the value."""
    if not program.sealing.recipients:
        return []
    out: list[Problem] = []
    for ref in refs:
        content = read_bytes(root, ref)
        if isinstance(content, Problem):
            out.append(content)
            continue
        try:
            doc = load_bytes(ref.path, content, max_bytes=None)
        except LoadError as exc:
            out += exc.problems
            continue
        out += [plain_problem(ref.path, "".join(f"/{t}" for t in target), ".".join(map(str, target)), doc)
                for target in plain_targets(doc.data, ref.schema, program)]
    return out


def seal_files(root: Path, refs: Sequence[FileRef], program: Program) -> list[Change]:
    """Seal every plain value ``program`` seals in these files, to its current recipients."""
    _need_recipients(program, "run `rmcode keygen` and add the public key under sealing.recipients")
    keys = program.sealing.keys
    plain = seal_plain(lambda value: seal(value, keys))
    return _apply(root, refs, lambda data, schema: sealed_targets(data, schema, program), lambda _, t, v: plain(t, v))


def _need_recipients(program: Program, hint: str) -> None:
    """RM343: sealing and re-keying need the public keys program.yaml lists."""
    if not program.sealing.recipients:
        raise LoadError([Problem("program.yaml", 0, 0, "RM343", "program.yaml lists no sealing.recipients", hint)])


def rekey_files(root: Path, refs: Sequence[FileRef], program: Program, keyring: Keyring) -> list[Change]:
    """Re-encrypt every sealed value to the current recipients; SchemaError listing any value the key cannot open."""
    _need_recipients(program, "list the current admins' public keys under sealing.recipients first")
    keys = program.sealing.keys
    failures: list[Problem] = []

    def transform(path: str, target: Target, value: JsonValue) -> str | None:
        if not isinstance(value, str) or not is_sealed(value):
            return None
        try:
            return seal(unseal(value, keyring), keys)
        except SealError as exc:
            failures.append(Problem(path, 0, 0, "RM341", f"{'.'.join(map(str, target))}: {exc}",
                                    "pass the identity of a recipient the value was sealed to (--identity OLD)"))
            return None
    return _apply(root, refs, _all_sealable, transform, failures)


def _all_sealable(data: JsonValue, schema: str) -> list[Target]:
    if not isinstance(data, dict):
        return []
    if schema == "matches":
        pairs = data.get("pairs")
        return [("pairs", i, f) for i, pair in enumerate(pairs if isinstance(pairs, list) else [])
                if isinstance(pair, dict) for f in SEALABLE["pair"] if f in pair]
    return [(f,) for f in SEALABLE.get(schema, ()) if f in data]


def _apply(root: Path, refs: Sequence[FileRef], targets: Callable[[JsonValue, str], list[Target]],
           transform: Callable[[str, Target, JsonValue], str | None],
           failures: list[Problem] | None = None) -> list[Change]:
    planned: list[tuple[FileRef, Rewritten]] = []
    for ref in refs:
        content = read_bytes(root, ref)
        if isinstance(content, Problem):
            raise LoadError([content])
        data: JsonValue = load_bytes(ref.path, content, max_bytes=None).data  # LoadError unless UTF-8 YAML (RM10x)
        result = rewrite(ref.path, content.decode("utf-8"), targets(data, ref.schema), partial(transform, ref.path))
        if result.changed:
            planned.append((ref, result))
    if failures:
        raise SchemaError(failures)
    for ref, result in planned:
        write_atomic(root / ref.path, result.text.encode("utf-8"))
    return [Change(ref.path, len(result.changed)) for ref, result in planned]


def erase_files(root: Path, login: str) -> list[str]:
    """Delete a withdrawn person's own files: profile, the check-ins they wrote, their survey answers.

    The pair in matches.yaml stays (``rmcode match`` ends it, see RM333); the partner's check-ins
    are the partner's. Git history keeps every earlier version (see docs/sealing.md).
    """
    key = login_key(login)
    gone = sorted(path for path, schema in scan(root).files.items() if _owned(path, schema, key))
    remove_files(root, gone)
    return gone


def _owned(path: str, schema: str, login: str) -> bool:
    name = path.rsplit("/", 1)[-1].lower()
    if schema in ("participant", "survey-response"):
        return name == f"{login}.yaml"
    # checkins/<pair>/<YYYY-MM-DD>-<login>.yaml
    return schema == "checkin" and name[11:] == f"{login}.yaml"
