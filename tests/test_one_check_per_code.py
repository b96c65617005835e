"""Codes that two modules used to report with two meanings (issue 9: one check per code), each now
from its one check, through the real CLI on real repositories."""

from __future__ import annotations

from pathlib import Path

from conftest import ProgramRepo, run
from test_keys import keygen, sealed_repo

from rmcode.load.roster_csv import decode


def test_seal_and_rekey_without_recipients_say_so_with_their_own_code(program_repo: ProgramRepo,
                                                                      tmp_path: Path) -> None:
    root, (key, _) = program_repo(), keygen(tmp_path, "amy")
    for args, hint in ((("seal", "--all"), "run `rmcode keygen` and add the public key under sealing.recipients"),
                       (("rekey", "--identity", str(key)),
                        "list the current admins' public keys under sealing.recipients first")):
        result = run(*args, "--root", str(root))
        assert (result.output, result.exit_code) == (
            f"program.yaml: RM343 program.yaml lists no sealing.recipients\n    hint: {hint}\n", 1), args


def test_seal_refuses_a_path_that_is_no_data_file(program_repo: ProgramRepo, tmp_path: Path) -> None:
    root, _, _ = sealed_repo(program_repo, tmp_path)
    result = run("seal", "--root", str(root), str(root / "program.yaml"))
    assert (result.output, result.exit_code) == (
        ("program.yaml: RM628 is not a profile, check-in, survey response or matches.yaml\n"
        "    hint: pass files under participants/, checkins/, surveys/ or matches.yaml\n"), 1)


def test_seal_names_a_byte_order_mark_and_bad_utf8_as_loading_does(program_repo: ProgramRepo,
                                                                   tmp_path: Path) -> None:
    root, _, _ = sealed_repo(program_repo, tmp_path)
    profile = root / "participants/ben.yaml"
    original = profile.read_bytes()
    profile.write_bytes(b"\xef\xbb\xbf" + original)
    result = run("seal", "--root", str(root), str(profile))
    assert result.output.startswith("participants/ben.yaml:1:1: RM102 file starts with a byte order mark (BOM)\n")
    profile.write_bytes(original.replace(b"Legal", b"L\xe9gal"))
    result = run("seal", "--root", str(root), str(profile))
    assert result.output.startswith("participants/ben.yaml:")
    assert " RM103 not valid UTF-8 (byte 0xe9)\n" in result.output
    assert result.exit_code == 1


def test_forms_in_a_repository_without_issue_forms(program_repo: ProgramRepo) -> None:
    result = run("forms", "--root", str(program_repo()))
    assert (result.output, result.exit_code) == (
        (".github/ISSUE_TEMPLATE: RM629 holds no issue forms of rmcode\n"
        "    hint: run `rmcode init` in a new folder and copy its .github/ISSUE_TEMPLATE\n"), 1)


def test_an_export_in_another_encoding_is_checked_like_utf8() -> None:
    assert decode("e.csv", "a;b\r\nZoë;1\r\n".encode("cp1252"), encoding="cp1252") == "a;b\r\nZoë;1\r\n"
    for content, encoding, expected in (
            (b"a\n\x81\n", "cp1252", ("e.csv:2:1: RM411 row 2, column 1: byte 0x81 is not cp1252 text\n"
                                      "    hint: check --encoding")),
            (b"a\n", "klingon", ("e.csv: RM411 unknown encoding 'klingon'\n"
                                "    hint: use a Python codec name such as utf-8, cp1252 or latin-1"))):
        try:
            decode("e.csv", content, encoding=encoding)
        except Exception as exc:  # noqa: BLE001 - the message is what is checked
            assert str(exc) == expected
        else:
            raise AssertionError(f"{encoding}: no error")
