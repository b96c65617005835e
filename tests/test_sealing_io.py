"""rmcode opens sealed values through pyrage's buffered reader (``sealing._decrypt``, far quicker than
``pyrage.decrypt``, see its docstring): it must open exactly what ``pyrage.decrypt`` opens, to the same
plaintext, and refuse exactly what it refuses, on damaged, truncated and foreign messages alike."""

from __future__ import annotations

import random

import pyrage
import pytest
from pyrage import x25519

from rmcode import sealing
from rmcode.sealing import Keyring, SealError

OURS = x25519.Identity.generate()
OTHER = x25519.Identity.generate()


def _reference(message: bytes, keys: list[x25519.Identity]) -> bytes | None:
    try:
        return pyrage.decrypt(message, keys)
    except pyrage.DecryptError:
        return None


def _ours(message: bytes, keys: list[x25519.Identity]) -> bytes | None:
    try:
        return sealing._decrypt(message, Keyring(tuple(keys)))
    except (pyrage.DecryptError, OSError):
        return None


def _damaged(message: bytes, rng: random.Random) -> list[bytes]:
    cases = [message, message + b"\n", message.strip(), message[:-5], message[:len(message) // 2],
             message.replace(b"\n", b"\r\n"), b" " + message, message[:40]]
    for _ in range(40):
        changed = bytearray(message)
        changed[rng.randrange(len(changed))] = rng.choice(b"ABCxyz019+/=\n -")
        cases.append(bytes(changed))
        shorter = bytearray(message)
        del shorter[rng.randrange(len(shorter))]
        cases.append(bytes(shorter))
    return cases


@pytest.mark.parametrize("seed", range(2))
def test_opens_and_refuses_exactly_what_pyrage_decrypt_does(seed: int) -> None:
    rng = random.Random(seed)
    messages = [pyrage.encrypt(rng.randbytes(size), [OURS.to_public()], armored=armored)
                for size in (1, 5, 60, 300, 70_000) for armored in (True, False)]
    messages.append(pyrage.encrypt(b'"x"', [OTHER.to_public()], armored=True))
    messages.append(pyrage.encrypt(b"4", [OTHER.to_public(), OURS.to_public()], armored=True))
    opened = refused = 0
    for message in messages:
        for case in _damaged(message, rng):
            for keys in ([OURS], [OTHER], [OTHER, OURS]):
                expected = _reference(case, keys)
                assert _ours(case, keys) == expected, (case, keys)
                opened += expected is not None
                refused += expected is None
    assert opened > 50 and refused > 1000  # both outcomes are exercised, not only one


def test_unseal_turns_payload_damage_into_a_clear_seal_error() -> None:
    """Damage past the header comes from the buffered reader as OSError: still a SealError, never a traceback."""
    text = sealing.seal({"note": "x" * 2000}, [str(OURS.to_public())])
    lines = text.splitlines()
    middle = len(lines) // 2
    lines[middle] = ("B" if lines[middle][0] != "B" else "C") + lines[middle][1:]
    with pytest.raises(SealError, match="damaged or not an age message"):
        sealing.unseal("\n".join(lines) + "\n", Keyring((OURS,)))
    assert sealing.unseal(text, Keyring((OURS,))) == {"note": "x" * 2000}
