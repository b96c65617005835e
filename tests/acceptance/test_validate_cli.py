"""`rmcode validate` end to end: output formats, exit codes, the as-of default, help and version."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
from conftest import MINI_PROGRAM, ProgramRepo, commit_all, person, run, write_files

from rmcode.cli import COMMANDS

AS_OF = "2026-03-01"
DUPLICATE_HINT = "each person has one profile"


def validate(root: Path, *args: str) -> tuple[str, int]:
    result = run("validate", "--root", str(root), *args)
    return result.output, result.exit_code


def misnamed(count: int) -> dict[str, str]:
    """``count`` profiles whose login does not match the file name: one RM301 each."""
    return {f"participants/p{i:02d}.yaml": person(f"q{i:02d}", 400 + i) for i in range(count)}


def annotation(i: int) -> str:
    return (f"::error file=participants/p{i:02d}.yaml,line=2,col=8,title=RM301::login 'q{i:02d}' does not match "
            f"the file name (hint: rename the file to participants/q{i:02d}.yaml or fix the login)\n")


# --- --format github --------------------------------------------------------------------------

def test_github_format_escapes_user_text_in_properties_and_message(program_repo: ProgramRepo) -> None:
    # a file name, a key and a value that try to end the command early or start a new one
    root = program_repo({
        "participants/e%v,e:x\r\ny.yaml": person("eve", 301),
        "participants/fay.yaml": person("fay", 302) + '"x%0A::warning::y,z:w\\r\\nnext": 1\n',
        "participants/gus.yaml": person("gus", 303, role='"boss%,:\\r\\n::error::x"'),
    })
    assert validate(root, "--as-of", AS_OF, "--format", "github") == ("""\
::error file=participants/e%25v%2Ce%3Ax%0D%0Ay.yaml,line=2,col=8,title=RM301::login 'eve' does not match the file \
name (hint: rename the file to participants/eve.yaml or fix the login)
::error file=participants/fay.yaml,line=13,col=1,title=RM202::unknown key 'x%250A::warning::y,z:w%0D%0Anext' \
(hint: use one of: availability, avoid, bio, capacity, cohort, department, email, github_id, goals, languages, \
level, location, ...)
::error file=participants/gus.yaml,line=5,col=7,title=RM204::role: "boss%25,:\\r\\n::error::x" is not one of: \
mentor, mentee (hint: use one of: mentor, mentee)
3 problems in 3 files (10 checked)
""", 1)


def test_github_format_without_position(tmp_path: Path) -> None:
    output, code = validate(tmp_path, "--as-of", AS_OF, "--format", "github")
    assert code == 1
    assert output == (
        f"::error file=program.yaml,title=RM120::no program.yaml in {tmp_path} (hint: run the command in a program "
        "repository, pass --root, or create one with `rmcode init DIR`)\n1 problem in 1 file (0 checked)\n")


def test_github_format_valid(program_repo: ProgramRepo) -> None:
    assert validate(program_repo(), "--as-of", AS_OF, "--format", "github") == ("ok: 7 files valid\n", 0)


def test_github_format_ten_annotations_need_no_summary_of_the_rest(program_repo: ProgramRepo) -> None:
    output, code = validate(program_repo(misnamed(10)), "--as-of", AS_OF, "--format", "github")
    assert (output, code) == ("".join(annotation(i) for i in range(10)) + "10 problems in 10 files (17 checked)\n", 1)


def test_github_format_annotates_ten_and_lists_the_rest_readably(program_repo: ProgramRepo) -> None:
    # GitHub shows 10 error annotations per step; the rest are listed one line each, in the same
    # "(hint: ...)" form as the annotations (not with an escaped line break "%0A    hint:")
    output, code = validate(program_repo(misnamed(12)), "--as-of", AS_OF, "--format", "github")
    assert (output, code) == ("".join(annotation(i) for i in range(10)) + """\
2 more problems are not annotated (GitHub shows 10):
  - participants/p10.yaml:2:8: RM301 login 'q10' does not match the file name \
(hint: rename the file to participants/q10.yaml or fix the login)
  - participants/p11.yaml:2:8: RM301 login 'q11' does not match the file name \
(hint: rename the file to participants/q11.yaml or fix the login)
12 problems in 12 files (19 checked)
""", 1)


def test_no_output_line_can_start_a_workflow_command(program_repo: ProgramRepo) -> None:
    # user text with line breaks, beyond the 10 annotations too
    hostile = {f"participants/h{i:02d}.yaml": person(f"h{i:02d}", 500 + i) + '"a\\n::error::pwned\\r::warning::x": 1\n'
               for i in range(12)}
    output, code = validate(program_repo(hostile), "--as-of", AS_OF, "--format", "github")
    assert code == 1
    lines = output.splitlines()
    assert len(lines) == 10 + 1 + 2 + 1
    assert all(line.startswith(("::error file=participants/h", "  - participants/h", "2 more problems", "12 problems"))
               for line in lines)


# --- --format json ----------------------------------------------------------------------------

def test_json_format(program_repo: ProgramRepo) -> None:
    root = program_repo({"participants/eve.yaml": person("eve", 101)})
    output, code = validate(root, "--as-of", AS_OF, "--format", "json")
    expected = {"valid": False, "files": 8, "problems": [{
        "path": "participants/eve.yaml", "line": 3, "col": 12, "code": "RM303",
        "message": "github_id 101 is already used by participants/ana.yaml", "hint": DUPLICATE_HINT,
        "pointer": "/github_id", "severity": "error"}]}
    assert json.loads(output) == expected
    assert output == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
    assert code == 1


def test_json_format_valid(program_repo: ProgramRepo) -> None:
    assert validate(program_repo(), "--as-of", AS_OF, "--format", "json") == (
        '{\n  "valid": true,\n  "files": 7,\n  "problems": []\n}\n', 0)


def test_json_format_keeps_user_text_intact(program_repo: ProgramRepo) -> None:
    root = program_repo({"participants/fay.yaml": person("fay", 302) + '"ü\\n%,:": 1\n'})
    output, _ = validate(root, "--as-of", AS_OF, "--format", "json")
    (problem,) = json.loads(output)["problems"]
    assert problem["message"] == "unknown key 'ü\n%,:'"
    assert problem["pointer"] == "/ü\n%,:"


# --- exit codes -------------------------------------------------------------------------------

def test_exit_0_when_valid_and_1_with_problems(program_repo: ProgramRepo) -> None:
    assert validate(program_repo(), "--as-of", AS_OF) == ("ok: 7 files valid\n", 0)
    assert validate(program_repo({"participants/eve.yaml": person("eve", 101)}), "--as-of", AS_OF)[1] == 1


@pytest.mark.parametrize("args, error", [
    (["--bogus"], "--bogus"),
    (["--format", "xml"], "'xml' is not one of 'github', 'json', 'text'"),
    (["--as-of", "2026-13-01"], "'2026-13-01' does not match the format '%Y-%m-%d'"),
    (["--as-of", "yesterday"], "'yesterday' does not match the format '%Y-%m-%d'"),
])
def test_usage_errors_exit_2(program_repo: ProgramRepo, args: list[str], error: str) -> None:
    result = run("validate", "--root", str(program_repo()), *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[:3] == ["Usage: rmcode validate [OPTIONS]", "Try 'rmcode validate --help' for help.", ""]
    assert lines[3].startswith("Error: ") and error in lines[3] and len(lines) == 4


def test_unknown_command_exits_2() -> None:
    result = run("bogus")
    assert result.exit_code == 2
    assert "No such command 'bogus'" in result.stderr


# --- --as-of ----------------------------------------------------------------------------------

LATE_CHECKIN = """\
checkins/ana--cleo/2026-02-10-ana.yaml:3:7: RM314 date 2026-02-10 is after the as-of date 2026-02-05
    hint: log sessions after they happen
1 problem in 1 file (7 checked)
"""


def test_as_of_defaults_to_the_head_commit_date(program_repo: ProgramRepo) -> None:
    # committed at 23:30 in UTC-5, which is already the 6th in UTC: the committer's own date counts
    root = program_repo(date="2026-02-05T23:30:00-05:00")
    assert validate(root) == (LATE_CHECKIN, 1)
    commit_all(root, "later", date="2026-02-10T08:00:00+00:00")
    assert validate(root) == ("ok: 7 files valid\n", 0)


def test_explicit_as_of_wins_over_the_head_date(program_repo: ProgramRepo) -> None:
    root = program_repo(date="2026-06-01T12:00:00+00:00")
    assert validate(root, "--as-of", "2026-02-05") == (LATE_CHECKIN, 1)


def test_as_of_outside_a_git_repository_is_today(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    today = dt.date.today()
    program = MINI_PROGRAM.replace("commitment:", """\
  - id: open
    name: Always open
    registration: {opens: 2000-01-01, closes: 2099-12-31}
    start: 2000-01-01
    end: 2099-12-31
commitment:""")
    tomorrow = today + dt.timedelta(days=1)
    write_files(tmp_path, {
        "program.yaml": program,
        "participants/eve.yaml": person("eve", 301, cohort="open", registered=today.isoformat()),
        "participants/fay.yaml": person("fay", 302, cohort="open", registered=tomorrow.isoformat()),
    })
    assert validate(tmp_path) == (f"""\
participants/fay.yaml:7:13: RM317 registered {tomorrow} is after the as-of date {today}
    hint: use today's date
1 problem in 1 file (3 checked)
""", 1)


# --- determinism ------------------------------------------------------------------------------

def test_output_is_identical_under_any_hash_seed(program_repo: ProgramRepo) -> None:
    # sets and dicts keyed by str iterate in hash order; nothing of that may reach the output
    root = program_repo({
        "participants/ana.yaml": person("ana", 101, manager="ben"),
        "participants/ben.yaml": person("ben", 102, manager="dan"),
        "participants/dan.yaml": person("dan", 202, role="mentee", level=4, manager="ana", skills_wanted="[x, y, z]"),
        "participants/eve.yaml": person("eve", 101, working_style="{a: 1, b: 2, c: 3}"),
    })
    outputs = set()
    for seed in ("0", "1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-m", "rmcode", "validate", "--root", str(root), "--as-of", AS_OF,
                               "--format", "json"], capture_output=True, text=True, env=env, check=False)
        assert done.returncode == 1, done.stderr
        outputs.add(done.stdout)
    assert len(outputs) == 1


# --- version and help -------------------------------------------------------------------------

def test_python_m_rmcode_version() -> None:
    done = subprocess.run([sys.executable, "-m", "rmcode", "--version"], capture_output=True, text=True, check=False)
    assert (done.stdout, done.stderr, done.returncode) == (f"rmcode, version {version('rmcode')}\n", "", 0)


def test_help_has_an_example() -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert re.search(r"\n  Example:\n    rmcode build ", result.output)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_help_has_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert f"Usage: rmcode {command}" in result.output
    # \b keeps click from re-wrapping the example lines into one paragraph
    assert re.search(rf"\n  Example:\n    rmcode {command}\b", result.output)
