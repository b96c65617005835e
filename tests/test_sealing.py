"""Sealed values: real age encryption round trips, and the standard `age` tool agrees."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from rmcode import sealing
from rmcode.sealing import Keyring, SealError


@pytest.fixture(scope="module")
def keys() -> tuple[str, str]:
    return sealing.generate_identity()


def test_seal_round_trip_keeps_json_types(keys: tuple[str, str]) -> None:
    secret, public = keys
    keyring = sealing.parse_identities(f"# created: today\n{secret}\n")
    for value in (3, True, "Ein Anliegen — 懸念", {"note": "x", "severity": "high"}, [1, 2]):
        text = sealing.seal(value, [public])
        assert sealing.is_sealed(text)
        assert "Anliegen" not in text
        assert sealing.unseal(text, keyring) == value


def test_unseal_without_key_says_how_to_give_one(keys: tuple[str, str]) -> None:
    text = sealing.seal(1, [keys[1]])
    with pytest.raises(SealError, match="pass --identity FILE or set RMCODE_IDENTITY"):
        sealing.unseal(text, Keyring())


def test_unseal_with_another_key_names_rekey(keys: tuple[str, str]) -> None:
    text = sealing.seal(1, [keys[1]])
    other = sealing.parse_identities(sealing.generate_identity()[0])
    with pytest.raises(SealError, match="sealed to other recipients"):
        sealing.unseal(text, other)


def test_unseal_corrupted_armor_is_a_clear_error(keys: tuple[str, str]) -> None:
    text = sealing.seal("secret", [keys[1]])
    lines = text.splitlines()
    lines[2] = lines[2][:-4] + "AAAA"
    with pytest.raises(SealError, match="damaged"):
        sealing.unseal("\n".join(lines), sealing.parse_identities(keys[0]))


def test_unseal_refuses_huge_values(keys: tuple[str, str]) -> None:
    huge = sealing.ARMOR_BEGIN + "\n" + "A" * 70_000 + "\n" + sealing.ARMOR_END
    with pytest.raises(SealError, match="more than the 65,536"):
        sealing.unseal(huge, sealing.parse_identities(keys[0]))


def test_bad_identity_line_is_not_echoed() -> None:
    with pytest.raises(SealError) as caught:
        sealing.parse_identities("AGE-SECRET-KEY-1TYPO-not-a-key")
    assert "TYPO" not in str(caught.value)
    assert "line 1" in str(caught.value)


def test_bad_recipient_names_keygen() -> None:
    with pytest.raises(SealError, match="rmcode keygen"):
        sealing.seal(1, ["age1nope"])


@pytest.mark.skipif(shutil.which("age") is None, reason="Debian's age is not installed (.ci/run installs it)")
def test_standard_age_tool_reads_ours_and_we_read_its(tmp_path, keys: tuple[str, str]) -> None:
    secret, public = keys
    key_file = tmp_path / "key.txt"
    key_file.write_text(secret + "\n")
    ours = sealing.seal({"note": "über"}, [public])
    opened = subprocess.run(["age", "--decrypt", "-i", str(key_file)], input=ours.encode(),
                            capture_output=True, check=True)
    assert opened.stdout.decode() == '{"note":"über"}'
    theirs = subprocess.run(["age", "--encrypt", "--armor", "-r", public], input=b"4",
                            capture_output=True, check=True).stdout.decode()
    assert sealing.unseal(theirs, sealing.parse_identities(secret)) == 4


def test_recipient_count_reads_the_header_strictly(keys: tuple[str, str]) -> None:
    """x25519_stanzas counts the header's stanzas, and a header that is not strict base64 gives -1."""
    recipients = [keys[1], *(sealing.generate_identity()[1] for _ in range(2))]
    texts = [sealing.seal(value, recipients[:n]) for n in (1, 2, 3) for value in (4, {"note": "x" * 900})]
    assert [sealing.x25519_stanzas(t) for t in texts] == [1, 1, 2, 2, 3, 3]
    lines = texts[2].split("\n")
    for damage in ("-", "é", "=", "*"):  # outside the alphabet, or padding in the middle of the header
        damaged = "\n".join([lines[0], damage + lines[1][1:], *lines[2:]])
        assert sealing.x25519_stanzas(damaged) == -1, damage
    assert sealing.x25519_stanzas("-----BEGIN AGE ENCRYPTED FILE-----\n-----END AGE ENCRYPTED FILE-----") == -1
