"""Program keys end to end on real repositories: keygen, seal, Debian's age CLI both ways, rekey,
erase, report with and without the key, check-pr on sealed data, and planted markers that must
never appear where they do not belong."""

from __future__ import annotations

import re
import subprocess
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import (
    MINI_PROGRAM,
    SCHEMA_LINE,
    ProgramRepo,
    commit_all,
    git,
    person,
    run,
    write_files,
)

from rmcode import sealing
from rmcode.cli.pr import check_pr

AS_OF = "2026-03-01"
CHECKIN = "checkins/ana--cleo/2026-02-10-ana.yaml"
MARKERS = ("MARKER-NOTE-7f3", "MARKER-CONCERN-9a1", "MARKER-ANSWER-c4e", "MARKER-SELFID-2b8", "MARKER-EMAIL-5d0")
PROGRAM = MINI_PROGRAM.replace("kpis:\n", "kpis:\n  - {id: rating, name: Rating, metric: average_rating, target: 4}\n")
PLANTED = {
    CHECKIN: SCHEMA_LINE.format("../../", "checkin") + textwrap.dedent(f"""\
        pair: ana--cleo
        date: 2026-02-10
        author: ana    # the mentor
        minutes: 45
        topics: [generative-ai]
        rating: 5
        good_fit: true
        notes: {MARKERS[0]}
        concern:
          level: high
          note: {MARKERS[1]}
        """),
    "surveys/closing/cleo.yaml": SCHEMA_LINE.format("../../", "survey-response")
    + f"survey: closing\nrespondent: cleo\ndate: 2026-02-20\npair: ana--cleo\nanswers:\n"
      f"  would-continue: true\n  highlight: {MARKERS[2]}\n",
}


def keygen(tmp: Path, name: str) -> tuple[Path, str]:
    result = run("keygen", "--name", name)
    assert result.exit_code == 0
    key = tmp / f"{name}.key"
    secret = "".join(line + "\n" for line in result.stdout.splitlines() if line.startswith(("#", "AGE-SECRET-KEY-")))
    key.write_text(secret)
    public = re.search(r"# public key: (age1\w+)", result.stdout)
    assert public is not None
    return key, public.group(1)


def sealed_repo(program_repo: ProgramRepo, tmp_path: Path) -> tuple[Path, Path, str]:
    key, public = keygen(tmp_path, "amy")
    root = program_repo({"program.yaml": PROGRAM + f"sealing:\n  recipients:\n    - {{name: Amy, key: {public}}}\n",
                         **PLANTED,
                         "participants/ana.yaml": person("ana", 101, skills_offered="[generative-ai]",
                                                         email=MARKERS[4] + "@example.com",
                                                         self_identification=f"{{generation: {MARKERS[3]}}}")})
    return root, key, public


def test_keygen_prints_an_identity_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("keygen", "--name", "Amy")
    assert result.exit_code == 0 and list(tmp_path.iterdir()) == []
    keyring = sealing.parse_identities(result.stdout)
    public = re.search(r"public key: (age1\w+)", result.stdout)
    assert public and sealing.unseal(sealing.seal(3, [public.group(1)]), keyring) == 3
    assert "name: Amy" in result.stderr and "outside the repository" in result.stderr


def test_seal_all_keeps_every_other_byte_and_validates(program_repo: ProgramRepo, tmp_path: Path) -> None:
    root, _key, _ = sealed_repo(program_repo, tmp_path)
    before = (root / CHECKIN).read_text()
    assert run("validate", "--root", str(root), "--as-of", AS_OF).exit_code == 1  # plain text: RM336
    result = run("seal", "--all", "--root", str(root))
    assert result.exit_code == 0, result.output
    assert "sealed 4 values in checkins/ana--cleo/2026-02-10-ana.yaml" in result.output
    after = (root / CHECKIN).read_text()
    kept = [line for line in before.splitlines()
            if not line.startswith(("rating", "good_fit", "notes", "concern", "  "))]
    assert [line for line in after.splitlines() if line in kept] == kept  # comments and order kept
    assert "author: ana    # the mentor" in after
    assert run("validate", "--root", str(root), "--as-of", AS_OF).exit_code == 0
    again = run("seal", "--all", "--root", str(root))
    assert "0 values sealed" in again.output and (root / CHECKIN).read_text() == after


def _armor(root: Path, path: str, field: str) -> str:
    import yaml
    value: str = yaml.safe_load((root / path).read_text())[field]
    return value


def test_debian_age_opens_rmcode_values_and_rmcode_opens_ages(program_repo: ProgramRepo, tmp_path: Path) -> None:
    root, key, public = sealed_repo(program_repo, tmp_path)
    run("seal", "--all", "--root", str(root))
    opened = subprocess.run(["age", "--decrypt", "-i", str(key)], input=_armor(root, CHECKIN, "notes"),
                            capture_output=True, text=True, check=True)
    assert opened.stdout == f'"{MARKERS[0]}"'
    theirs = subprocess.run(["age", "--encrypt", "--armor", "-r", public], input="4", capture_output=True,
                            text=True, check=True).stdout
    (root / CHECKIN).write_text((root / CHECKIN).read_text().replace(
        _armor(root, CHECKIN, "rating").rstrip("\n").replace("\n", "\n  "), theirs.rstrip("\n").replace("\n", "\n  ")))
    report = run("report", "--root", str(root), "--as-of", AS_OF, "--private", "--format", "json", "--identity",
                 str(key))
    assert report.exit_code == 0, report.output
    assert '"sealed":{"opened":7,"unread":0}' in report.stdout.replace(" ", "").replace("\n", "")


def test_report_without_the_key_counts_and_never_shows_sealed_values(program_repo: ProgramRepo, tmp_path: Path) -> None:
    root, key, _ = sealed_repo(program_repo, tmp_path)
    run("seal", "--all", "--root", str(root))
    commit_all(root, "sealed")
    for fmt in ("md", "json", "csv"):
        for private in ((), ("--private",)):
            out = run("report", "--root", str(root), "--as-of", AS_OF, "--format", fmt, *private)
            assert out.exit_code == 0
            assert not any(m in out.output for m in MARKERS)
    md = run("report", "--root", str(root), "--as-of", AS_OF, "--private").stdout
    assert "| Rating | needs the program key |" in md
    assert "7 sealed values could not be read here" in md
    opened = run("report", "--root", str(root), "--as-of", AS_OF, "--private", "--identity", str(key)).stdout
    assert MARKERS[0] in opened and MARKERS[1] in opened and MARKERS[2] in opened
    assert "| Rating | suppressed |" in opened  # one rater, below min_group_size 3: suppressed after opening
    # the committed files hold no marker
    files = git(root, "ls-files").split()
    assert not [f for f in files if any(m in (root / f).read_text() for m in MARKERS)]


def test_wrong_key_corrupted_armor_and_a_huge_value_fail_clearly(program_repo: ProgramRepo, tmp_path: Path) -> None:
    root, _key, _ = sealed_repo(program_repo, tmp_path)
    run("seal", "--all", "--root", str(root))
    other, _ = keygen(tmp_path, "eve")
    rekey = run("rekey", "--root", str(root), "--identity", str(other))
    assert rekey.exit_code == 1 and "none of the keys here can open it" in rekey.output
    assert "AGE-SECRET-KEY" not in rekey.output and not any(m in rekey.output for m in MARKERS)
    broken = tmp_path / "broken.key"
    broken.write_text("AGE-SECRET-KEY-1NOTAKEY\n")
    bad = run("report", "--root", str(root), "--identity", str(broken))
    assert bad.exit_code == 1 and "is not an age secret key" in bad.output and "NOTAKEY" not in bad.output
    text = (root / CHECKIN).read_text()
    lines = text.split("\n")
    armor_line = next(i for i, line in enumerate(lines) if line.startswith("  YWdl"))
    lines[armor_line] = lines[armor_line][:10] + "!!" + lines[armor_line][12:]
    (root / CHECKIN).write_text("\n".join(lines))
    result = run("validate", "--root", str(root), "--as-of", AS_OF)
    assert result.exit_code == 1 and "RM210" in result.output
    huge = "|\n  -----BEGIN AGE ENCRYPTED FILE-----\n" + "  " + "A" * 64 + "\n" * 1 + ("  " + "A" * 64 + "\n") * 1100 \
        + "  -----END AGE ENCRYPTED FILE-----\n"
    write_files(root, {CHECKIN: text.split("notes:")[0] + "notes: " + huge})
    result = run("validate", "--root", str(root), "--as-of", AS_OF)
    assert result.exit_code == 1 and "RM207 notes: is longer than 65536 characters" in result.output


def test_rekey_moves_every_value_to_the_current_recipients(program_repo: ProgramRepo, tmp_path: Path) -> None:
    root, old, old_public = sealed_repo(program_repo, tmp_path)
    run("seal", "--all", "--root", str(root))
    new, new_public = keygen(tmp_path, "ben")
    (root / "program.yaml").write_text((root / "program.yaml").read_text().replace(old_public, new_public))
    result = run("rekey", "--root", str(root), "--identity", str(old))
    assert result.exit_code == 0 and "7 sealed values re-encrypted to 1 recipient in 3 files" in result.output
    opened = run("report", "--root", str(root), "--as-of", AS_OF, "--private", "--identity", str(new))
    assert MARKERS[1] in opened.stdout
    stale = run("report", "--root", str(root), "--as-of", AS_OF, "--private", "--identity", str(old))
    assert stale.exit_code == 1 and "the key given opens none of the 7 sealed values" in stale.output


def test_erase_removes_a_leavers_files(program_repo: ProgramRepo) -> None:
    root = program_repo(PLANTED)
    result = run("erase", "cleo", "--root", str(root))
    assert result.exit_code == 0
    assert "removed participants/cleo.yaml" in result.output and "removed surveys/closing/cleo.yaml" in result.output
    assert (root / CHECKIN).exists()  # the partner's log is the partner's
    assert run("erase", "nobody", "--root", str(root)).exit_code == 1


def _pr(root: Path, changes: dict[str, str], login: str) -> None:
    git(root, "switch", "-q", "-c", "pr")
    write_files(root, changes)
    commit_all(root, f"by {login}")


def _check(root: Path, who: tuple[str, int]) -> tuple[int, str]:
    args = ["--root", str(root), "--base", "main", "--head", "pr", "--author-id", str(who[1]), "--author", who[0]]
    result = CliRunner().invoke(check_pr, args)
    return result.exit_code, result.output


def test_check_pr_rejects_plain_text_in_a_sealed_field_even_from_an_admin(program_repo: ProgramRepo,
                                                                            tmp_path: Path) -> None:
    _, public = keygen(tmp_path, "amy")
    root = program_repo({"program.yaml": PROGRAM + f"sealing:\n  recipients:\n    - {{name: Amy, key: {public}}}\n",
                         CHECKIN: None})
    _pr(root, {CHECKIN: PLANTED[CHECKIN]}, "ana")
    for who in (("ana", 101), ("admin-amy", 900)):
        code, output = _check(root, who)
        assert code == 1 and "rejected" in output
        assert "plain text in sealed fields concern, good_fit, notes, rating: run `rmcode seal" in output
        assert not any(m in output for m in MARKERS)
    run("seal", CHECKIN, "--root", str(root))
    commit_all(root, "sealed")
    assert _check(root, ("ana", 101))[0] == 0


def test_check_pr_lets_a_partner_end_their_own_pair_and_nothing_more(program_repo: ProgramRepo,
                                                                      tmp_path: Path) -> None:
    _, public = keygen(tmp_path, "amy")
    root = program_repo({"program.yaml": PROGRAM + f"sealing:\n  recipients:\n    - {{name: Amy, key: {public}}}\n",
                         CHECKIN: None})
    matches = (root / "matches.yaml").read_text()
    reason = "|\n" + textwrap.indent(sealing.seal("we did not click", [public]), "      ")
    ended = matches.replace("status: active", "status: ended") + f"    ended: 2026-03-01\n    end_reason: {reason}"
    _pr(root, {"matches.yaml": ended}, "cleo")
    code, output = _check(root, ("cleo", 201))
    assert code == 0 and "cleo ends their own pair ana--cleo" in output
    assert _check(root, ("ben", 102))[0] == 1  # not in the pair
    git(root, "switch", "-q", "main")
    git(root, "branch", "-q", "-D", "pr")
    _pr(root, {"matches.yaml": ended.replace("cohort: c1", "cohort: c2")}, "cleo")
    assert _check(root, ("cleo", 201))[0] == 1  # more than ending
    git(root, "switch", "-q", "main")
    git(root, "branch", "-q", "-D", "pr")
    plain = matches.replace("status: active", "status: ended") + "    ended: 2026-03-01\n    end_reason: he shouts\n"
    _pr(root, {"matches.yaml": plain}, "cleo")
    code, output = _check(root, ("cleo", 201))
    assert code == 1 and "plain text in sealed field pairs.0.end_reason" in output and "he shouts" not in output


def test_the_pre_commit_check_refuses_plain_text_and_changes_nothing(program_repo: ProgramRepo, tmp_path: Path) -> None:
    root, _, _ = sealed_repo(program_repo, tmp_path)
    before = (root / CHECKIN).read_bytes()
    result = run("seal", "--check", "--root", str(root), str(root / CHECKIN), str(root / "participants/ben.yaml"))
    assert result.exit_code == 1 and (root / CHECKIN).read_bytes() == before
    assert f"{CHECKIN}:9:8: RM336 notes is sealed in this program but holds plain text" in result.output
    assert not any(m in result.output for m in MARKERS)
    run("seal", "--root", str(root), str(root / CHECKIN))
    assert run("seal", "--check", "--root", str(root), str(root / CHECKIN)).exit_code == 0
    assert run("seal", "--check", "--root", str(root)).exit_code == 0  # no data file staged


def test_match_seals_the_end_reason_it_writes_and_keeps_it_on_the_next_run(program_repo: ProgramRepo,
                                                                           tmp_path: Path) -> None:
    root, key, _ = sealed_repo(program_repo, tmp_path)
    run("seal", "--all", "--root", str(root))
    (root / "participants/cleo.yaml").unlink()  # cleo withdraws: match ends ana--cleo
    for name in ("checkins", "surveys"):
        for path in (root / name).rglob("cleo.yaml"):
            path.unlink()
    assert run("match", "--root", str(root), "--as-of", AS_OF).exit_code == 0
    first = (root / "matches.yaml").read_text()
    assert "status: ended" in first and "end_reason: |\n      -----BEGIN AGE ENCRYPTED FILE-----" in first
    assert "withdrew" not in first
    assert run("validate", "--root", str(root), "--as-of", AS_OF).exit_code == 0
    assert run("match", "--root", str(root), "--as-of", AS_OF).exit_code == 0
    assert (root / "matches.yaml").read_text() == first
    opened = run("report", "--root", str(root), "--as-of", AS_OF, "--private", "--format", "json", "--identity",
                 str(key))
    assert '"unread":0' in opened.stdout.replace(" ", "")
