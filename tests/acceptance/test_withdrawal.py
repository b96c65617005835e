"""Withdrawing = deleting one's own profile: history stays valid, the open pair ends, the partner is free."""

from __future__ import annotations

import textwrap

from conftest import ProgramRepo, commit_all, git, run

SURVEY = textwrap.dedent("""\
    survey: closing
    respondent: ana
    date: 2026-02-20
    answers: {would-continue: true, overall: 4}
    """)


def test_withdrawal_keeps_history_valid_and_match_ends_the_pair(program_repo: ProgramRepo) -> None:
    root = program_repo({"surveys/closing/ana.yaml": SURVEY})
    git(root, "rm", "-q", "participants/ana.yaml")
    commit_all(root, "ana withdraws")
    result = run("validate", "--root", str(root), "--as-of", "2026-03-01")
    assert result.output == (
        "matches.yaml:5:13: RM333 warning: mentor 'ana' has no profile (withdrawn?): the active pair ana--cleo ends\n"
        "    hint: did you mean 'dan'? `rmcode match` records the pair as ended\n"
        "surveys/closing/ana.yaml:2:13: RM333 warning: respondent 'ana' has no profile (withdrawn?)\n"
        "    hint: did you mean 'dan'?\n"
        "ok: 7 files valid (2 warnings)\n")
    assert result.exit_code == 0
    assert run("match", "--root", str(root), "--as-of", "2026-03-01").exit_code == 0
    written = (root / "matches.yaml").read_text()
    assert "  - id: ana--cleo\n    cohort: c1\n    mentor: ana\n    mentee: cleo\n    status: ended\n" in written
    assert "    ended: 2026-03-01\n    end_reason: ana withdrew from the program\n" in written
    # cleo is free again and considered; the one other mentor, ben, is taken by dan
    assert "  - id: ben--dan\n" in written
    assert ("unmatched:\n  - login: cleo\n    cohort: c1\n    reason: the only eligible mentor is at capacity\n"
            in written)
    for command in (["status"], ["report", "--format", "json"], ["build", "--out", str(root.parent / "out")]):
        assert run(*command, "--root", str(root), "--as-of", "2026-03-01").exit_code == 0, command


def test_a_typo_in_a_pair_is_flagged_with_a_suggestion(program_repo: ProgramRepo) -> None:
    pairs = "pairs:\n  - {id: anna--cleo, cohort: c1, mentor: anna, mentee: cleo, status: active}\n"
    root = program_repo({"matches.yaml": pairs, "checkins/ana--cleo/2026-02-10-ana.yaml": None})
    result = run("validate", "--root", str(root), "--as-of", "2026-03-01")
    assert result.output == (
        "matches.yaml:2:42: RM333 warning: mentor 'anna' has no profile (withdrawn?): the active pair anna--cleo ends\n"
        "    hint: did you mean 'ana'? `rmcode match` records the pair as ended\n"
        "ok: 6 files valid (1 warning)\n")
