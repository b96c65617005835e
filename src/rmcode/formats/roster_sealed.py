"""The roster's sealed columns (email and what the program adds), in buckets. Pure.

Sealing one value costs about half a millisecond of age's X25519, so sealing every
employee's email on its own would take a minute at 100,000 employees. Instead employees
fall into ``BUCKETS`` buckets by a hash of their employee id, and each bucket's sealed
fields are one sealed value: ``{employee id: {field: value}}``. A change re-seals only
its bucket, and a bucket whose content is unchanged keeps its armor byte for byte (this
needs the program key, to see that the content is unchanged).

roster.sealed.yaml::

    recipients: [age1…]          # the keys the buckets are sealed to, in order
    buckets:
      0a3: |
        -----BEGIN AGE ENCRYPTED FILE-----
        …
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..errors import LoadError, Problem
from ..model.roster import SEALED_PATH
from ..sealing import Keyring, SealError, seal, unseal

BUCKETS = 1024
Fields = Mapping[str, Mapping[str, str]]  # employee id -> sealed field -> value


def bucket_of(employee_id: str) -> str:
    """The bucket of an employee id: three hex digits, stable across imports and machines.

    (CRC-32 spreads ids evenly and is ten times cheaper than a cryptographic hash; nothing
    here needs one: the bucket names only group values, they protect nothing.)
    """
    return f"{zlib.crc32(employee_id.encode('utf-8')) % BUCKETS:03x}"


@dataclass(frozen=True, slots=True)
class Sealed:
    """roster.sealed.yaml as data."""

    recipients: tuple[str, ...] = ()
    buckets: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SealOutcome:
    sealed: Sealed
    resealed: int  # buckets sealed afresh
    kept: int  # buckets kept byte for byte
    note: str  # why everything was sealed again, if it was
    changed: int = 0  # employees whose sealed fields changed (0 when the old buckets could not be opened)


def group(fields: Fields) -> dict[str, dict[str, dict[str, str]]]:
    """Employees' sealed fields by bucket, each bucket in employee id order."""
    ids = sorted(fields)
    names = [f"{n % BUCKETS:03x}" for n in map(zlib.crc32, map(str.encode, ids))]  # bucket_of, for many ids
    out: dict[str, dict[str, dict[str, str]]] = {}
    for employee_id, bucket in zip(ids, names):
        out.setdefault(bucket, {})[employee_id] = dict(fields[employee_id])
    return out


def seal_fields(fields: Fields, recipients: Sequence[str], old: Sealed | None, keyring: Keyring) -> SealOutcome:
    """Seal each bucket, keeping an old bucket's armor when its content and recipients are unchanged."""
    new = group(fields)
    note = ""
    reusable = old is not None and bool(old.buckets)
    if reusable and old is not None and tuple(old.recipients) != tuple(recipients):
        note, reusable = "the recipients changed, so every bucket was sealed again", False
    elif reusable and not keyring:
        note, reusable = ("no program key was given, so every bucket was sealed again "
                          "(pass --identity to keep unchanged buckets byte-identical)"), False
    out: dict[str, str] = {}
    kept = changed = 0
    previous = dict(old.buckets) if reusable and old is not None else {}
    for bucket in sorted(set(new) | set(previous)):
        content = new.get(bucket, {})
        before = _opened(previous[bucket], keyring) if bucket in previous else {}
        changed += sum(1 for i in set(before) | set(content) if before.get(i) != content.get(i))
        if bucket not in new:
            continue
        if bucket in previous and before == content:
            out[bucket], kept = previous[bucket], kept + 1
        else:
            out[bucket] = seal(content, list(recipients))  # type: ignore[arg-type]
    return SealOutcome(Sealed(tuple(recipients), out), len(out) - kept, kept, note, changed)


def _opened(armor: str, keyring: Keyring) -> Mapping[str, object]:
    """An old bucket's content; {} when it cannot be opened (it is then sealed afresh)."""
    try:
        value = unseal(armor, keyring)
    except SealError:
        return {}
    return value if isinstance(value, dict) else {}


def open_fields(sealed: Sealed, keyring: Keyring) -> dict[str, dict[str, str]]:
    """Every employee's sealed fields (SealError if a bucket does not open with these keys)."""
    out: dict[str, dict[str, str]] = {}
    for bucket in sorted(sealed.buckets):
        value = unseal(sealed.buckets[bucket], keyring)
        if not isinstance(value, dict):
            raise SealError(f"bucket {bucket} of {SEALED_PATH} does not hold employees")
        out.update({str(k): {str(a): str(b) for a, b in v.items()} for k, v in value.items() if isinstance(v, dict)})
    return out


HEADER = ("# Sealed columns of roster.csv (written by `rmcode roster import`; do not edit).\n"
          "# Each bucket opens with `age --decrypt -i KEY` to {employee id: {field: value}}.\n")


def render_sealed(sealed: Sealed) -> str:
    lines = [HEADER, "recipients:\n"]
    lines += [f"  - {r}\n" for r in sealed.recipients]
    lines.append("buckets:\n" if sealed.buckets else "buckets: {}\n")
    for bucket in sorted(sealed.buckets):
        lines.append(f'  "{bucket}": |\n')
        lines += [f"    {line}\n" for line in sealed.buckets[bucket].strip().splitlines()]
    return "".join(lines)


def parse_sealed(content: bytes) -> Sealed:
    """roster.sealed.yaml as ``render_sealed`` writes it (read line by line: a YAML parser needs
    seconds for the 8 MB of a 100,000-employee roster). LoadError names the line of anything else."""
    try:
        lines = content.decode("ascii").splitlines()
    except UnicodeDecodeError:
        raise _damaged(content.count(b"\n", 0, content.find(b"\x80")) + 1, "is not ASCII text") from None
    recipients: list[str] = []
    buckets: dict[str, list[str]] = {}
    section, current = "", None
    for number, line in enumerate(lines, 1):
        if not line or line.startswith("#"):
            continue
        if line in ("recipients:", "buckets:", "buckets: {}"):
            section, current = line.split(":")[0], None
        elif section == "recipients" and line.startswith("  - "):
            recipients.append(line[4:].strip())
        elif section == "buckets" and _BUCKET.fullmatch(line):
            current = buckets.setdefault(line[3:6], [])
        elif section == "buckets" and current is not None and line.startswith("    "):
            current.append(line[4:])
        else:
            raise _damaged(number, "is not as `rmcode roster import` writes it")
    return Sealed(tuple(recipients), {k: "\n".join(v) + "\n" for k, v in buckets.items()})


_BUCKET = re.compile(r'  "[0-9a-f]{3}": \|')


def _damaged(line: int, what: str) -> LoadError:
    return LoadError([Problem(SEALED_PATH, line, 1, "RM423", f"roster.sealed.yaml {what}",
                              "restore it from git, or delete it and run `rmcode roster import` again")])
