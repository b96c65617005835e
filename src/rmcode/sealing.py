"""Sealed values: what only the program team may read, encrypted with age.

A sealed value is an ASCII-armored age message (age-encryption.org/v1) whose plaintext is
the JSON text of the original value, so a rating stays a number and a concern stays a
mapping once opened. Admins can open one with the standard tools too::

    age --decrypt -i key.txt <<'EOF'
    -----BEGIN AGE ENCRYPTED FILE-----
    ...
    EOF

This module is pure: it takes and returns values. Reading an identity file or the
``RMCODE_IDENTITY`` environment variable happens at the edges (the CLI and ``repo``).
"""

from __future__ import annotations

import binascii
import io
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Self

import pyrage

if TYPE_CHECKING:  # imported where workers start: a command that opens nothing does not pay for them
    from concurrent.futures import Future, ProcessPoolExecutor

ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----"
ARMOR_END = "-----END AGE ENCRYPTED FILE-----"
RECIPIENT_PREFIX = "age1"
IDENTITY_PREFIX = "AGE-SECRET-KEY-1"
# An armored message of a short value is ~400 characters; a sealed field is never a document.
MAX_SEALED_CHARS = 64 * 1024

JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]


class SealError(Exception):
    """A key, recipient or sealed value could not be used; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Keyring:
    """The identities (secret keys) present on this machine; empty where no key is."""

    identities: tuple[pyrage.x25519.Identity, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.identities)


def is_sealed(value: object) -> bool:
    """True for text that is shaped like an armored age message (not whether it opens)."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    return text.startswith(ARMOR_BEGIN) and text.endswith(ARMOR_END)


def x25519_stanzas(text: str) -> int:
    """How many X25519 recipients an armored message was sealed to (its header lists one stanza each).

    The stanzas are anonymous (they do not say *which* keys), but their number is plain: a value
    sealed to three keys while program.yaml lists two was sealed to a different list. -1 when the
    header cannot be read (validation reports the damaged armor).
    """
    lines = text.strip().split("\n")[1:-1]
    for upto in (4, 8, len(lines)):  # the header is at the start: 4 lines hold one or two stanzas
        try:  # strict: only the base64 alphabet, padding at the end only (as b64decode(validate=True))
            header = binascii.a2b_base64("".join(lines[:upto]).replace(" ", ""), strict_mode=True)
        except (binascii.Error, ValueError):
            return -1
        end = header.find(b"\n--- ")
        if end >= 0:
            return header[:end].count(b"\n-> X25519 ")
    return -1


def parse_recipient(text: str) -> pyrage.x25519.Recipient:
    """An age X25519 public key (``age1…``), or SealError with a hint."""
    try:
        return pyrage.x25519.Recipient.from_str(text.strip())
    except Exception as exc:  # pyrage raises a bare ValueError/RecipientError depending on version
        raise SealError(
            f"{text[:20]!r} is not an age public key: expected 'age1' and 58 more characters "
            "(run `rmcode keygen` to make one)") from exc


def parse_identities(text: str) -> Keyring:
    """The identities in an age identity file: one ``AGE-SECRET-KEY-1…`` per line, ``#`` comments."""
    found: list[pyrage.x25519.Identity] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            found.append(pyrage.x25519.Identity.from_str(line))
        except Exception as exc:
            # never echo the line: it may be a mistyped secret key
            raise SealError(f"line {number} of the identity is not an age secret key "
                            "(expected AGE-SECRET-KEY-1…; make one with `rmcode keygen`)") from exc
    if not found:
        raise SealError("the identity holds no age secret key (expected a line AGE-SECRET-KEY-1…)")
    return Keyring(tuple(found))


def generate_identity() -> tuple[str, str]:
    """A new (secret identity, public recipient) pair as text."""
    identity = pyrage.x25519.Identity.generate()
    return str(identity), str(identity.to_public())


def seal(value: JsonValue, recipients: Sequence[str]) -> str:
    """Encrypt ``value`` (as canonical JSON) to every recipient; returns the armored message."""
    if not recipients:
        raise SealError("no recipients to seal to: list the admins' age public keys in program.yaml")
    keys = [parse_recipient(r) for r in recipients]
    plain = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    armored: bytes = pyrage.encrypt(plain.encode("utf-8"), keys, armored=True)
    return armored.decode("ascii").strip() + "\n"


def unseal(text: str, keyring: Keyring) -> JsonValue:
    """Open a sealed value with the keys present, or SealError saying why it cannot be read."""
    if not keyring:
        raise SealError("no program key here: pass --identity FILE or set RMCODE_IDENTITY")
    if len(text) > MAX_SEALED_CHARS:
        raise SealError(f"the sealed value is {len(text):,} characters, more than the "
                        f"{MAX_SEALED_CHARS:,} a sealed field may hold")
    if not is_sealed(text):
        raise SealError("the value is not an armored age message (-----BEGIN AGE ENCRYPTED FILE-----)")
    try:
        plain = _decrypt(text.strip().encode("ascii"), keyring)
    except UnicodeEncodeError as exc:
        raise SealError("the sealed value holds characters that armor never has: it was "
                        "changed after sealing") from exc
    except (pyrage.DecryptError, OSError) as exc:
        raise SealError(_decrypt_reason(str(exc))) from exc
    try:
        value: JsonValue = json.loads(plain.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SealError("the sealed value opened but does not hold a JSON value: it was not "
                        "written by rmcode (seal it with `rmcode seal`)") from exc
    return value


def _decrypt(message: bytes, keyring: Keyring) -> bytes:
    """The plaintext of an age message (armored or binary); raises pyrage.DecryptError or OSError.

    Through ``pyrage.decrypt_io`` rather than ``pyrage.decrypt``: the latter reads the header
    unbuffered, and age then parses the header again for every byte it asks for (quadratic in its
    length: 130-190 µs for a sealed rating, depending on the random "grease" stanza's length);
    the buffered reader parses it once (~100 µs, of which the X25519 exchange is most). Same
    openings and refusals as ``pyrage.decrypt`` (tests/test_sealing_io.py compares both on
    thousands of damaged, truncated and foreign messages); an error in the payload comes as
    OSError (same text) instead of DecryptError.
    """
    out = io.BytesIO()
    pyrage.decrypt_io(io.BytesIO(message), out, list(keyring.identities))
    return out.getvalue()


def _decrypt_reason(detail: str) -> str:
    lowered = detail.lower()
    if "no matching keys" in lowered or "no identity matched" in lowered:
        return ("none of the keys here can open it: it was sealed to other recipients "
                "(ask an admin to run `rmcode rekey`)")
    return f"the sealed value is damaged or not an age message ({detail.strip()})"


def unseal_all(texts: Iterable[str], keyring: Keyring) -> list[JsonValue | SealError]:
    """Open many values; each failure is returned in place, so one bad value hides nothing else."""
    out: list[JsonValue | SealError] = []
    for text in texts:
        try:
            out.append(unseal(text, keyring))
        except SealError as exc:
            out.append(exc)
    return out


PARALLEL_FROM = 2000  # values; below this starting worker processes costs more than it saves
# values per task: ~0.1 s of opening, small enough to keep every core busy to the end, large enough
# that the few tasks queued for the workers last while the parent is busy loading
_CHUNK = 1000
_KEYS: Keyring | None = None  # a worker's keys (``_worker_started``)


class Unsealing:
    """Opens sealed values on every core, in the background, as they become known.

    ``add`` hands over texts as soon as the caller knows them (while it loads the rest); once
    PARALLEL_FROM of them wait, worker processes start and open them chunk by chunk. ``expect``
    names the texts that will be asked for (it drops the added ones that will not, and starts the
    ones not added yet), and ``get`` gives one value, waiting only for the chunk that holds it, so
    the caller puts values in place while the workers open the rest. ``close`` (or leaving the
    ``with`` block) stops the workers, done or not, so an error in between leaves no process behind.

    The workers are forked on Linux and inherit the keys; only the texts go to them
    (pickled: 85,000 armored values are ~40 MB, a few hundredths of a second) and only the opened
    values come back. Each value costs ~0.1 ms of CPU with pyrage (an X25519 exchange per recipient
    stanza, see ``_decrypt``), so 85,000 are ~9 s of CPU: on two cores, half of that in wall time.
    """

    def __init__(self, keyring: Keyring) -> None:
        self._keyring = keyring
        self._waiting: list[str] = []  # added, not started yet
        self._parts: list[tuple[list[str], Future[list[JsonValue | SealError]]]] = []
        self._part_of: dict[str, int] = {}  # a started text: the index of its part
        self._opened: dict[str, JsonValue | SealError] = {}  # the values of the parts taken so far
        self._taken: set[int] = set()
        self._pool: ProcessPoolExecutor | None = None
        self._workers = min(os.cpu_count() or 1, 8)

    def add(self, texts: Iterable[str]) -> None:
        """Start opening ``texts`` (each once: the caller adds a text only once)."""
        self._waiting.extend(texts)
        if self._pool is not None or (len(self._waiting) >= PARALLEL_FROM and self._workers >= 2 and self._keyring):
            self._submit()

    def expect(self, texts: Iterable[str]) -> None:
        """The texts ``get`` will be asked for: those not started yet start now (on every core if many)."""
        self._waiting = []  # added but not asked for: never opened
        self.add(text for text in texts if text not in self._part_of)

    def get(self, text: str) -> JsonValue | SealError:
        """The value of ``text`` (or the SealError saying why it cannot be opened)."""
        index = self._part_of.get(text)
        if index is not None and index not in self._taken:
            from concurrent.futures.process import BrokenProcessPool  # once per part, not once per value

            self._taken.add(index)
            chunk, part = self._parts[index]
            try:
                self._opened.update(zip(chunk, part.result()))
            except BrokenProcessPool:  # a worker died (killed, out of memory): its values are opened here
                pass
        value = self._opened.get(text, _NOT_OPENED)
        return unseal_all([text], self._keyring)[0] if value is _NOT_OPENED else value

    def _submit(self) -> None:
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor

            # the platform's way of starting processes: fork on Linux (the workers inherit the keys;
            # nothing is sent), spawn elsewhere (the keys go to each worker once, through a pipe)
            secrets = "\n".join(str(i) for i in self._keyring.identities)
            self._pool = ProcessPoolExecutor(self._workers, initializer=_worker_started, initargs=(secrets,))
        from concurrent.futures.process import BrokenProcessPool

        waiting, self._waiting = self._waiting, []
        for i in range(0, len(waiting), _CHUNK):
            chunk = waiting[i:i + _CHUNK]
            try:
                part = self._pool.submit(_unseal_chunk, chunk)
            except BrokenProcessPool:  # a worker died: what was not started is opened by ``get``
                return
            self._part_of.update(dict.fromkeys(chunk, len(self._parts)))
            self._parts.append((chunk, part))

    def close(self) -> None:
        """Stop the workers (a chunk under way is finished first; what has not started is dropped)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_NOT_OPENED = SealError("not opened")  # a marker: never returned


def _worker_started(secrets: str) -> None:
    import gc

    global _KEYS
    # a worker only opens values and returns them: no collector walking (and copying page by page)
    # the heap it inherited from the parent
    gc.disable()
    _KEYS = parse_identities(secrets)


def _unseal_chunk(texts: list[str]) -> list[JsonValue | SealError]:
    assert _KEYS is not None, "runs in a worker of Unsealing"
    return unseal_all(texts, _KEYS)


def unseal_many(texts: Sequence[str], keyring: Keyring) -> list[JsonValue | SealError]:
    """``unseal_all`` on every core for many values (see ``Unsealing``)."""
    with Unsealing(keyring) as opening:
        opening.expect(dict.fromkeys(texts))  # a repeated text is opened once
        return [opening.get(text) for text in texts]
