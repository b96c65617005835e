"""rmcode check-pr on real git repositories: a base branch with the mini program, a pull request branch
committed by a participant, and the verdict file by file.

In the mini program (tests/conftest.py) ana (101) and ben (102) are mentors, cleo (201) and dan (202)
mentees, ana--cleo is the active pair, and admin-amy (900) is the admin.
"""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import MINI_PROGRAM, SCHEMA_LINE, ProgramRepo, git, mini_files, person, write_files
from hypothesis import given, settings
from hypothesis import strategies as st

from rmcode.cli.pr import check_pr, pr_summary
from rmcode.github.authorize import Author, FileChange, Roster, case_variants, decide
from rmcode.github.codeowners import owners_text

ANA = ("ana", 101)
BEN = ("ben", 102)
CLEO = ("cleo", 201)
ADMIN = ("admin-amy", 900)
BOT = ("github-actions[bot]", 41898282)
DEPENDABOT = ("dependabot[bot]", 49699333)
CODEOWNERS = ".github/CODEOWNERS"
OWNERS = owners_text(["admin-amy"])


def checkin(pair: str, date: str, author: str, **extra: object) -> str:
    fields = {"pair": pair, "date": date, "author": author, "minutes": 45, **extra}
    return SCHEMA_LINE.format("../../", "checkin") + "".join(f"{k}: {v}\n" for k, v in fields.items())


def commit_as(root: Path, login: str, message: str = "change") -> None:
    env = {"GIT_AUTHOR_NAME": login, "GIT_AUTHOR_EMAIL": f"{login}@users.noreply.github.com",
           "GIT_AUTHOR_DATE": "2026-03-02T12:00:00+00:00", "GIT_COMMITTER_DATE": "2026-03-02T12:00:00+00:00"}
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message, env=env)


def pull_request(root: Path, changes: Mapping[str, str | bytes | None], login: str = "ana") -> Path:
    """Branch ``pr`` off main with ``changes`` (None deletes), committed by ``login``."""
    git(root, "switch", "-q", "-c", "pr")
    for path, content in changes.items():
        if content is None:
            git(root, "rm", "-q", path)
    write_files(root, {p: c for p, c in changes.items() if c is not None})
    commit_as(root, login)
    return root


def check(root: Path, who: tuple[str, int], *extra: str) -> Result:
    args = ["--root", str(root), "--base", "main", "--head", "pr", "--author-id", str(who[1]), "--author", who[0]]
    return CliRunner().invoke(check_pr, [*args, *extra])


def lines(result: Result) -> list[str]:
    return result.output.splitlines()


def test_own_profile_edit_is_allowed(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo(), {"participants/ana.yaml": person("ana", 101, bio="Hello")})
    result = check(root, ANA)
    assert result.output == textwrap.dedent("""\
        check-pr: 1 changed file by ana (github_id 101)
          allowed  participants/ana.yaml (modified): your own profile
        allowed: every change is the author's own to make
        """)
    assert result.exit_code == 0


def test_new_own_profile_is_allowed(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo(), {"participants/eve.yaml": person("eve", 301)}, "eve")
    result = check(root, ("eve", 301))
    assert lines(result)[1] == "  allowed  participants/eve.yaml (added): your own profile (new)"
    assert result.exit_code == 0


def test_new_profile_named_after_someone_else_needs_admin(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo(), {"participants/zed.yaml": person("zed", 301)}, "eve")
    result = check(root, ("eve", 301))
    assert lines(result)[1] == ("  needs-admin  participants/zed.yaml (added): "
                                "a new profile must be named after your login (eve.yaml)")
    assert result.exit_code == 1


def test_other_persons_profile_needs_admin(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo(), {"participants/ben.yaml": person("ben", 102, bio="Hacked")})
    result = check(root, ANA)
    assert lines(result)[1:] == [
        "  needs-admin  participants/ben.yaml (modified): this profile belongs to github_id 102, not to you (101)",
        "not allowed: 1 needs an admin's approval",
    ]
    assert result.exit_code == 1


def test_re_claimed_login_does_not_inherit_the_profile(program_repo: ProgramRepo) -> None:
    # ana renamed her account; someone else (id 999) claimed the login "ana" and edits her profile,
    # even writing their own id into it
    root = pull_request(program_repo(), {"participants/ana.yaml": person("ana", 999, bio="Mine now")})
    result = check(root, ("ana", 999))
    assert lines(result)[1] == (
        "  needs-admin  participants/ana.yaml (modified): this profile belongs to github_id 101, not to you (999); "
        "a renamed and re-claimed login does not carry the profile with it")
    assert result.exit_code == 1


def test_putting_someone_elses_id_in_your_profile_needs_admin(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo(), {"participants/ana.yaml": person("ana", 102)})
    result = check(root, ANA)
    assert lines(result)[1] == ("  needs-admin  participants/ana.yaml (modified): "
                                "github_id 102 in the file is not yours (101)")


def test_renamed_account_moves_its_profile(program_repo: ProgramRepo) -> None:
    # ana renamed her account to ana-new: same id, new file name
    root = pull_request(program_repo(), {"participants/ana.yaml": None,
                                         "participants/ana-new.yaml": person("ana-new", 101)}, "ana-new")
    result = check(root, ("ana-new", 101))
    assert lines(result)[1:3] == [
        "  allowed  participants/ana-new.yaml (added): your own profile (new)",
        "  allowed  participants/ana.yaml (deleted): withdrawal: you delete your own profile, which ends your pairs",
    ]
    assert result.exit_code == 0


def test_own_pairs_checkin_is_allowed(program_repo: ProgramRepo) -> None:
    path = "checkins/ana--cleo/2026-02-24-cleo.yaml"
    root = pull_request(program_repo(), {path: checkin("ana--cleo", "2026-02-24", "cleo", rating=4)}, "cleo")
    result = check(root, CLEO)
    assert lines(result)[1] == f"  allowed  {path} (added): your own session log"
    assert result.exit_code == 0


def test_checkin_for_another_pair_needs_admin(program_repo: ProgramRepo) -> None:
    path = "checkins/ana--cleo/2026-02-24-ben.yaml"
    root = pull_request(program_repo(), {path: checkin("ana--cleo", "2026-02-24", "ben")}, "ben")
    result = check(root, BEN)
    assert lines(result)[1] == (f"  needs-admin  {path} (added): "
                                "ben is not in pair ana--cleo; log sessions only for your own pair")
    assert result.exit_code == 1


def test_checkin_in_a_partners_name_needs_admin(program_repo: ProgramRepo) -> None:
    path = "checkins/ana--cleo/2026-02-24-cleo.yaml"
    root = pull_request(program_repo(), {path: checkin("ana--cleo", "2026-02-24", "cleo")}, "ana")
    result = check(root, ANA)
    assert lines(result)[1] == f"  needs-admin  {path} (added): cleo is github_id 201 on the base branch, not you (101)"


def test_checkin_for_a_pair_missing_on_the_base_branch_needs_admin(program_repo: ProgramRepo) -> None:
    path = "checkins/ben--dan/2026-02-24-ben.yaml"
    root = pull_request(program_repo(), {path: checkin("ben--dan", "2026-02-24", "ben")}, "ben")
    assert lines(check(root, BEN))[1] == (f"  needs-admin  {path} (added): "
                                          "pair ben--dan is not in matches.yaml on the base branch")


def test_checkin_whose_content_contradicts_its_name_is_rejected(program_repo: ProgramRepo) -> None:
    path = "checkins/ana--cleo/2026-02-24-ana.yaml"
    root = pull_request(program_repo(), {path: checkin("ana--cleo", "2026-02-25", "cleo")})
    assert lines(check(root, ANA))[1] == (f"  rejected  {path} (added): the file name says "
                                          "ana--cleo/2026-02-24-ana but date is '2026-02-25', author is 'cleo'")


def test_own_survey_answers_are_allowed(program_repo: ProgramRepo) -> None:
    text = "survey: closing\nrespondent: ana\ndate: 2026-02-28\nanswers:\n  would-continue: true\n"
    root = pull_request(program_repo(), {"surveys/closing/ana.yaml": text})
    assert lines(check(root, ANA))[1] == "  allowed  surveys/closing/ana.yaml (added): your own survey answers"


def test_invalid_own_profile_is_rejected_with_the_problem(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo(), {"participants/ana.yaml": person("ana", 101, level="high")})
    assert lines(check(root, ANA))[1] == (
        "  rejected  participants/ana.yaml (modified): the file is not valid: "
        "line 8: RM203 level: expected a whole number, got \"high\"")


def test_program_matches_and_workflow_edits_need_admin(program_repo: ProgramRepo) -> None:
    files = mini_files()
    root = pull_request(program_repo(), {
        "program.yaml": MINI_PROGRAM.replace("github_id: 900", "github_id: 101"),
        "matches.yaml": files["matches.yaml"].replace("status: active", "status: completed"),
        ".github/workflows/validate.yml": "on: push\n",
        "src/rmcode/cli.py": "print('hi')\n",
    })
    result = check(root, ANA)
    assert lines(result)[1:] == [
        ("  needs-admin  .github/workflows/validate.yml (added): "
         "workflows run with the repository's token; only admins change them"),
        ("  needs-admin  matches.yaml (modified): "
         "matches.yaml: pairs are proposed by `rmcode match` and approved by admins"),
        "  needs-admin  program.yaml (modified): program.yaml holds the program's rules; only admins change it",
        ("  needs-admin  src/rmcode/cli.py (added): "
         "only data files of your own are open to participants; code, docs and settings need an admin"),
        "not allowed: 4 need an admin's approval",
    ]
    assert result.exit_code == 1


def test_making_yourself_admin_in_the_pull_request_does_not_count(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo(), {
        "program.yaml": MINI_PROGRAM.replace("github_id: 900", "github_id: 101"),
        "participants/ben.yaml": person("ben", 102, bio="x")})
    result = check(root, ANA)
    assert [line.split()[0] for line in lines(result)[1:3]] == ["needs-admin", "needs-admin"]
    assert result.exit_code == 1


def test_admin_may_change_anything_but_rejected_files(program_repo: ProgramRepo) -> None:
    root = program_repo()
    git(root, "switch", "-q", "-c", "pr")
    write_files(root, {"program.yaml": MINI_PROGRAM + "\n", "participants/ben.yaml": person("ben", 102, bio="x"),
                       ".github/workflows/validate.yml": "on: push\n"})
    os.symlink("ana.yaml", root / "participants" / "link.yaml")
    commit_as(root, "admin-amy")
    result = check(root, ADMIN)
    assert lines(result) == [
        "check-pr: 4 changed files by admin-amy (github_id 900)",
        "  allowed   .github/workflows/validate.yml (added): you are a program admin",
        "  allowed   participants/ben.yaml (modified): you are a program admin",
        ("  rejected  participants/link.yaml (added): "
         "a symbolic link: rmcode never follows links; commit the file itself"),
        "  allowed   program.yaml (modified): you are a program admin",
        "not allowed: 1 is rejected",
    ]
    assert result.exit_code == 1


def test_admin_only_change_exits_zero(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo(), {"program.yaml": MINI_PROGRAM + "\n"}, "admin-amy")
    result = check(root, ADMIN)
    assert lines(result)[-1] == "allowed: the author is a program admin"
    assert result.exit_code == 0


def test_symlink_to_a_secret_is_rejected(program_repo: ProgramRepo) -> None:
    root = program_repo()
    git(root, "switch", "-q", "-c", "pr")
    os.symlink("/etc/passwd", root / "participants" / "eve.yaml")
    commit_as(root, "eve")
    assert lines(check(root, ("eve", 301)))[1] == (
        "  rejected  participants/eve.yaml (added): "
        "a symbolic link: rmcode never follows links; commit the file itself")


def test_submodule_is_rejected(program_repo: ProgramRepo) -> None:
    root = program_repo()
    git(root, "switch", "-q", "-c", "pr")
    head = git(root, "rev-parse", "HEAD").strip()
    git(root, "update-index", "--add", "--cacheinfo", f"160000,{head},checkins/ana--cleo/2026-03-01-ana.yaml")
    git(root, "commit", "-q", "-m", "submodule")
    result = check(root, ANA)
    assert lines(result)[1] == ("  rejected  checkins/ana--cleo/2026-03-01-ana.yaml (added): "
                                "a submodule: a program repository holds no other repositories")
    assert result.exit_code == 1


def test_case_variant_of_an_existing_profile_is_rejected(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo(), {"participants/Cleo.yaml": person("Cleo", 301)}, "Cleo")
    assert lines(check(root, ("Cleo", 301)))[1] == (
        "  rejected  participants/Cleo.yaml (added): differs only in upper/lower case from participants/cleo.yaml")


def test_case_variant_folder_is_rejected(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo(), {"Participants/eve.yaml": person("eve", 301)}, "eve")
    assert lines(check(root, ("eve", 301)))[1] == (
        "  rejected  Participants/eve.yaml (added): differs only in upper/lower case from participants")


def test_case_variants_within_one_change_are_rejected(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo(), {"docs/Guide.md": "a\n", "docs/guide.md": "b\n"}, "admin-amy")
    assert [line.split()[0] for line in lines(check(root, ADMIN))[1:3]] == ["rejected", "rejected"]


def test_withdrawal_deletes_own_profile(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo(), {"participants/cleo.yaml": None}, "cleo")
    result = check(root, CLEO)
    assert lines(result)[1] == ("  allowed  participants/cleo.yaml (deleted): "
                                "withdrawal: you delete your own profile, which ends your pairs")
    assert result.exit_code == 0


def test_deleting_someone_elses_profile_needs_admin(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo(), {"participants/dan.yaml": None})
    assert lines(check(root, ANA))[1] == (
        "  needs-admin  participants/dan.yaml (deleted): this profile belongs to github_id 202, not to you (101)")


def test_deleting_own_checkin_is_allowed(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo(), {"checkins/ana--cleo/2026-02-10-ana.yaml": None})
    assert lines(check(root, ANA))[1] == (
        "  allowed  checkins/ana--cleo/2026-02-10-ana.yaml (deleted): you delete your own session log")


@pytest.mark.parametrize("path", ["participants/ana.yml", "participants/notes.txt", "participants/x/ana.yaml",
                                  "checkins/ana.yaml", "checkins/ana--cleo/notes.md", "checkins/ana--cleo/ana.yaml"])
def test_paths_that_do_not_fit_a_data_folder_are_rejected(program_repo: ProgramRepo, path: str) -> None:
    root = pull_request(program_repo(), {path: "x: 1\n"})
    folder = path.split("/")[0]
    what = {"participants": "one <login>.yaml file per person",
            "checkins": "checkins/<pair-id>/<date>-<login>.yaml files"}[folder]
    assert lines(check(root, ANA))[1] == f"  rejected  {path} (added): {folder}/ holds {what}; this path does not fit"


def test_folder_placeholder_needs_admin(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo(), {"participants/.gitkeep": ""})
    assert lines(check(root, ANA))[1] == ("  needs-admin  participants/.gitkeep (added): "
                                          "folder placeholders and stray files are changed by admins")


def test_removing_a_stray_file_needs_admin_not_rejection(program_repo: ProgramRepo) -> None:
    root = program_repo({"participants/notes.txt": "x\n"})
    pull_request(root, {"participants/notes.txt": None})
    assert lines(check(root, ANA))[1] == ("  needs-admin  participants/notes.txt (deleted): "
                                          "folder placeholders and stray files are changed by admins")


def test_file_over_the_size_limit_is_rejected_unread(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo(), {"participants/ana.yaml": person("ana", 101, bio="x" * (1 << 20))})
    assert lines(check(root, ANA))[1] == (
        "  rejected  participants/ana.yaml (modified): the file is 1,048,833 bytes, more than the limit of 1,048,576")


def test_path_with_a_newline_cannot_inject_a_workflow_command(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo(), {"docs/x\n::error::owned.md": "x\n"})
    result = check(root, ANA)
    assert lines(result)[1] == ("  rejected  docs/x\\x0a::error::owned.md (added): "
                                "the path contains control characters, backslashes or '.'/'..' parts")
    assert not any(line.startswith("::") for line in lines(result))


def test_only_the_pull_requests_own_changes_count(program_repo: ProgramRepo) -> None:
    # main moved on after the branch was made: those commits are not the author's change
    root = pull_request(program_repo(), {"participants/ana.yaml": person("ana", 101, bio="Hello")})
    git(root, "switch", "-q", "main")
    write_files(root, {"program.yaml": MINI_PROGRAM + "\n"})
    commit_as(root, "admin-amy")
    result = check(root, ANA)
    assert lines(result)[0] == "check-pr: 1 changed file by ana (github_id 101)"
    assert result.exit_code == 0


def test_no_change_is_allowed(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo(), {})
    result = check(root, ANA)
    assert lines(result) == ["check-pr: 0 changed files by ana (github_id 101)",
                             "allowed: every change is the author's own to make"]
    assert result.exit_code == 0


def test_json_lists_every_file(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo(), {"participants/ana.yaml": person("ana", 101, bio="Hi"),
                                         "program.yaml": MINI_PROGRAM + "\n"})
    payload = json.loads(check(root, ANA, "--format", "json").output)
    assert payload == {
        "author": {"login": "ana", "github_id": 101, "via": None}, "admin": False, "allowed": False,
        "passed": False, "fail_on": "needs-admin",
        "codeowners": (".github/CODEOWNERS on the base branch is missing, so no admin's review is required; "
                       "a program admin must bring it up to date (`rmcode codeowners`) before other pull "
                       "requests can pass"),
        "counts": {"allowed": 1, "needs-admin": 1, "rejected": 0},
        "files": [{"path": "participants/ana.yaml", "status": "modified", "decision": "allowed",
                   "reason": "your own profile"},
                  {"path": "program.yaml", "status": "modified", "decision": "needs-admin",
                   "reason": "program.yaml holds the program's rules; only admins change it"}],
    }


def test_fail_on_rejected_passes_changes_an_admin_must_approve(program_repo: ProgramRepo) -> None:
    # for repositories whose required code-owner review already demands the admin's approval
    root = pull_request(program_repo({CODEOWNERS: OWNERS}), {"program.yaml": MINI_PROGRAM + "\n"})
    result = check(root, ANA, "--fail-on", "rejected")
    assert lines(result)[-1] == "passed, once an admin approves: 1 needs an admin's approval"
    assert result.exit_code == 0
    os.symlink("program.yaml", root / "link.yaml")
    commit_as(root, "ana")
    result = check(root, ANA, "--fail-on", "rejected")
    assert lines(result)[-1] == "not allowed: 1 needs an admin's approval and 1 is rejected"
    assert result.exit_code == 1


def test_markdown_escapes_hostile_paths(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo(), {"docs/<img src=x>|@team.md": "x\n"})
    text = check(root, ANA, "--format", "md").output
    assert "| 🟡 needs an admin | docs/&lt;img src=x&gt;\\|&#64;team.md | added |" in text
    assert "<img" not in text


@pytest.mark.parametrize("args, message", [
    (["--base", "nope"], "Error: 'nope' is not a commit in"),
    (["--base", "--output=x"], "Error: '--output=x' is not a revision"),
])
def test_bad_revisions_are_usage_errors(program_repo: ProgramRepo, args: list[str], message: str) -> None:
    root = pull_request(program_repo(), {})
    result = CliRunner().invoke(check_pr, ["--root", str(root), "--head", "pr", "--author-id", "1", *args])
    assert message in result.output
    assert result.exit_code == 2


def test_author_id_must_be_positive(program_repo: ProgramRepo) -> None:
    result = CliRunner().invoke(check_pr, ["--base", "main", "--head", "pr", "--author-id", "0"])
    assert result.exit_code == 2


def test_pr_summary_describes_the_change_in_plain_words(program_repo: ProgramRepo) -> None:
    files = mini_files()
    root = pull_request(program_repo(), {
        "participants/eve.yaml": person("eve", 301, name='"Eve <b>*Bold*</b> @all"'),
        "participants/ana.yaml": person("ana", 101, bio="Hello", title="Analyst"),
        "participants/cleo.yaml": None,
        "checkins/ana--cleo/2026-02-24-ana.yaml": checkin("ana--cleo", "2026-02-24", "ana"),
        "checkins/ana--cleo/2026-02-25-ana.yaml": checkin("ana--cleo", "2026-02-25", "ana", held="false"),
        "matches.yaml": files["matches.yaml"] + textwrap.indent(textwrap.dedent("""\
            - id: ben--dan
              cohort: c1
              mentor: ben
              mentee: dan
              status: proposed
            """), "  "),
        "README.md": "hello\n",
    })
    result = CliRunner().invoke(pr_summary, ["--root", str(root), "--base", "main", "--head", "pr"])
    assert result.output == textwrap.dedent("""\
        ## What this pull request changes

        - **New participant**: Eve &lt;b&gt;\\*Bold\\*&lt;/b&gt; &#64;all (eve), mentor in cohort c1
        - **Profile updated**: ana (job title, skills offered, bio)
        - **Withdrawal**: cleo leaves the program (profile deleted); pair ana--cleo ends
        - **Session logged** for pair ana--cleo on 2026-02-24 by ana (45 minutes)
        - **Missed session logged** for pair ana--cleo on 2026-02-25 by ana
        - **Pairs** (matches.yaml): 1 proposed (ben--dan)
        - **Other files** (1): README.md (added)

        7 files changed.
        """)
    assert result.exit_code == 0


# --- the pure decision, on generated input ------------------------------------------------------

ROSTER = Roster(frozenset({900}), {"ana--cleo": ("ana", "cleo")}, {"ana": 101, "cleo": 201}.get)
segment = st.text(st.sampled_from("abcAB-._/x"), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None)
@given(path=segment, status=st.sampled_from(["added", "modified", "deleted"]))
def test_a_participant_never_gets_a_file_outside_the_data_folders(path: str, status: str) -> None:
    change = FileChange(path, status, "100644", "100644", b"x: 1\n", b"x: 1\n", 5, 5)  # type: ignore[arg-type]
    verdict = decide([change], [path], Author(101, "ana"), ROSTER)
    if path.split("/")[0] not in ("participants", "checkins", "surveys"):
        assert verdict.files[0].decision != "allowed"


def test_case_variants_ignore_the_paths_the_change_deletes() -> None:
    # renaming Ana.yaml to ana.yaml is not a clash: the old name goes away
    assert case_variants(["participants/ana.yaml"], ["participants/Ana.yaml", "participants/ana.yaml"],
                         {"participants/Ana.yaml"}) == {}
    assert case_variants(["participants/ana.yaml"], ["participants/Ana.yaml"], set()) == {
        "participants/ana.yaml": "participants/Ana.yaml"}


def test_a_path_that_is_not_utf8_is_rejected(program_repo: ProgramRepo) -> None:
    root = program_repo()
    git(root, "switch", "-q", "-c", "pr")
    (root / "docs").mkdir()
    with open(os.path.join(os.fsencode(root / "docs"), b"\xff.md"), "wb") as handle:
        handle.write(b"x\n")
    commit_as(root, "ana")
    result = check(root, ANA)
    assert lines(result)[1] == ("  rejected  docs/\\xff.md (added): "
                                "the path contains control characters, backslashes or '.'/'..' parts")


def test_branches_without_common_history_are_a_usage_error(program_repo: ProgramRepo) -> None:
    root = program_repo()
    git(root, "switch", "-q", "--orphan", "pr")
    commit_as(root, "ana")
    result = check(root, ANA)
    assert "Error: main and pr have no common history" in result.output
    assert result.exit_code == 2


# --- bots: their own pull requests, and pull requests opened for an issue's author ------------------

def check_via(root: Path, who: tuple[str, int], *extra: str) -> Result:
    """The pull request was opened by github-actions[bot] for ``who`` (the issue's author)."""
    return check(root, who, "--via", BOT[0], "--fail-on", "rejected", *extra)


def test_bot_pull_request_for_the_issue_author_is_their_own_change(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo({CODEOWNERS: OWNERS}), {"participants/eve.yaml": person("eve", 301)}, BOT[0])
    result = check_via(root, ("eve", 301))
    assert lines(result) == [
        "check-pr: 1 changed file by eve (github_id 301), opened by github-actions[bot] for them",
        "  allowed  participants/eve.yaml (added): your own profile (new)",
        "allowed: every change is the author's own to make",
    ]
    assert result.exit_code == 0


def test_bot_pull_request_for_someone_elses_file_needs_admin(program_repo: ProgramRepo) -> None:
    # the issue's author is ana, but the branch carries ben's profile (someone pushed to the bot's branch)
    root = pull_request(program_repo({CODEOWNERS: OWNERS}),
                        {"participants/ben.yaml": person("ben", 102, bio="Hacked")}, BOT[0])
    result = check_via(root, ANA)
    assert lines(result)[1:] == [
        "  needs-admin  participants/ben.yaml (modified): this profile belongs to github_id 102, not to you (101)",
        "passed, once an admin approves: 1 needs an admin's approval",
    ]
    assert result.exit_code == 0
    assert check(root, ANA, "--via", BOT[0]).exit_code == 1  # not the author's alone


def test_bot_pull_request_for_an_admin_does_not_carry_admin_rights(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo({CODEOWNERS: OWNERS}), {
        "program.yaml": MINI_PROGRAM + "\n", ".github/workflows/x.yml": "on: push\n"}, BOT[0])
    result = check_via(root, ADMIN)
    assert lines(result) == [
        "check-pr: 2 changed files by admin-amy (github_id 900), opened by github-actions[bot] for them",
        ("  needs-admin  .github/workflows/x.yml (added): "
         "workflows run with the repository's token; only admins change them"),
        "  needs-admin  program.yaml (modified): program.yaml holds the program's rules; only admins change it",
        "passed, once an admin approves: 2 need an admin's approval",
    ]
    assert json.loads(check_via(root, ADMIN, "--format", "json").output)["admin"] is False


def test_bot_pull_request_touching_an_admin_file_for_a_participant_needs_admin(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo({CODEOWNERS: OWNERS}), {
        "participants/ana.yaml": person("ana", 101, bio="Hi"), CODEOWNERS: OWNERS + "* @ana\n"}, BOT[0])
    result = check_via(root, ANA)
    assert lines(result)[1:3] == [
        ("  needs-admin  .github/CODEOWNERS (modified): "
         "CODEOWNERS is generated from program.yaml by `rmcode codeowners`"),
        "  allowed      participants/ana.yaml (modified): your own profile",
    ]
    # and the hand-edited CODEOWNERS would leave the merged branch without a binding review
    assert lines(result)[3].startswith("CODEOWNERS: after this change, .github/CODEOWNERS has rules")
    assert result.exit_code == 1


@pytest.mark.parametrize("bot", [BOT, DEPENDABOT], ids=lambda b: b[0])
def test_bots_own_pull_requests_are_judged_by_what_they_touch(program_repo: ProgramRepo,
                                                              bot: tuple[str, int]) -> None:
    files = mini_files()
    root = pull_request(program_repo({CODEOWNERS: OWNERS}), {
        "matches.yaml": files["matches.yaml"].replace("status: active", "status: completed"),
        "requirements/ci.txt": "pyyaml==6.0.2\n"}, bot[0])
    result = check(root, bot, "--fail-on", "rejected")
    assert lines(result) == [
        f"check-pr: 2 changed files by {bot[0]} (github_id {bot[1]})",
        ("  needs-admin  matches.yaml (modified): "
         "matches.yaml: pairs are proposed by `rmcode match` and approved by admins"),
        ("  needs-admin  requirements/ci.txt (added): "
         "only data files of your own are open to participants; code, docs and settings need an admin"),
        "passed, once an admin approves: 2 need an admin's approval",
    ]
    assert result.exit_code == 0


@pytest.mark.parametrize("name", ["github-actions[bot", "x[bot]]", "-x[bot]", "Upper[bot]", "a b[bot]"])
def test_malformed_bot_names_are_usage_errors(program_repo: ProgramRepo, name: str) -> None:
    root = pull_request(program_repo(), {"participants/ana.yaml": person("ana", 101, bio="Hi")})
    assert check(root, (name, 1)).exit_code == 2
    assert check(root, ANA, "--via", name).exit_code == 2
    assert check(root, ANA, "--via", "octocat").exit_code == 2  # --via names a bot, never a person


def test_fork_branch_named_like_the_workflows_is_judged_as_its_author(program_repo: ProgramRepo) -> None:
    # an outsider's fork pushes rmcode/match with their own matches.yaml: the branch name proves nothing
    root = program_repo({CODEOWNERS: OWNERS})
    git(root, "switch", "-q", "-c", "rmcode/match")
    write_files(root, {"matches.yaml": mini_files()["matches.yaml"].replace("status: active", "status: ended")})
    commit_as(root, "mallory")
    result = CliRunner().invoke(check_pr, ["--root", str(root), "--base", "main", "--head", "rmcode/match",
                                           "--author-id", "666", "--author", "mallory", "--fail-on", "rejected"])
    assert lines(result)[0] == "check-pr: 1 changed file by mallory (github_id 666)"
    assert lines(result)[1].startswith("  needs-admin  matches.yaml (modified)")


# --- CODEOWNERS: --fail-on rejected relies on a required code-owner review --------------------------

OWNERS_CASES = {
    "missing": None,
    "stale": owners_text(["admin-amy", "old-admin"]),
    "hand-edited": OWNERS + "participants/ @ana\n",
    "edited owners only": OWNERS.replace("* @admin-amy", "* @admin-amy @ana"),
    "reordered by hand": OWNERS.replace("# Generated", "#  Generated"),
}


@pytest.mark.parametrize("case", sorted(OWNERS_CASES))
def test_authorize_fails_closed_without_up_to_date_codeowners(program_repo: ProgramRepo, case: str) -> None:
    content = OWNERS_CASES[case]
    root = pull_request(program_repo({CODEOWNERS: content} if content else {}),
                        {"participants/ana.yaml": person("ana", 101, bio="Hi")})
    result = check(root, ANA, "--fail-on", "rejected")
    assert lines(result)[-2].startswith("CODEOWNERS: .github/CODEOWNERS on the base branch ")
    assert lines(result)[-1] == "not allowed: no admin's review is required (see CODEOWNERS above)"
    assert result.exit_code == 1
    assert check(root, ANA).exit_code == 0  # "may ana make this change alone?" does not depend on reviews


def test_codeowners_messages_name_the_drift(program_repo: ProgramRepo) -> None:
    found = {}
    for case, content in sorted(OWNERS_CASES.items()):
        root = pull_request(program_repo({CODEOWNERS: content} if content else {}),
                            {"participants/ana.yaml": person("ana", 101, bio="Hi")})
        found[case] = lines(check(root, ANA, "--fail-on", "rejected"))[-2].split(" on the base branch ")[1]
    tail = "; a program admin must bring it up to date (`rmcode codeowners`) before other pull requests can pass"
    assert found == {
        "missing": "is missing, so no admin's review is required" + tail,
        "stale": "names @admin-amy @old-admin but program.yaml's admins are @admin-amy" + tail,
        "hand-edited": "has rules `rmcode codeowners` does not write (edited by hand); expected: * @admin-amy" + tail,
        "edited owners only": "names @admin-amy @ana but program.yaml's admins are @admin-amy" + tail,
        "reordered by hand": "differs from what `rmcode codeowners` writes (edited by hand)" + tail,
    }


def test_a_pull_request_that_changes_admins_must_regenerate_codeowners(program_repo: ProgramRepo) -> None:
    two = MINI_PROGRAM.replace("admins:\n", "admins:\n  - login: bob-admin\n    github_id: 902\n")
    root = pull_request(program_repo({CODEOWNERS: OWNERS}), {"program.yaml": two}, "admin-amy")
    result = check(root, ADMIN, "--fail-on", "rejected")
    assert lines(result)[-2] == ("CODEOWNERS: after this change, .github/CODEOWNERS names @admin-amy but "
                                 "program.yaml's admins are @admin-amy @bob-admin: run `rmcode codeowners` "
                                 "and commit the file")
    assert result.exit_code == 1
    write_files(root, {CODEOWNERS: owners_text(["admin-amy", "bob-admin"])})
    commit_as(root, "admin-amy")
    assert check(root, ADMIN, "--fail-on", "rejected").exit_code == 0


def test_only_an_admin_may_repair_a_missing_codeowners(program_repo: ProgramRepo) -> None:
    root = pull_request(program_repo(), {CODEOWNERS: OWNERS}, "admin-amy")
    assert check(root, ADMIN, "--fail-on", "rejected").exit_code == 0
    outsider = check(root, ANA, "--fail-on", "rejected")
    assert outsider.exit_code == 1
    assert lines(outsider)[-1] == "not allowed: no admin's review is required (see CODEOWNERS above)"
    # nor may a bot acting for an admin
    assert check(root, ADMIN, "--via", BOT[0], "--fail-on", "rejected").exit_code == 1
