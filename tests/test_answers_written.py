"""What `rmcode register`, `log`, `survey` and `init` write from typed answers and from flags, byte for byte.

The answers of a prompt become the file's data at one typed boundary (``api.answers.file_data``):
a day typed as "2 Mar 2026" or "yesterday" is written as ISO text, as ``--date`` and the defaults
are. These files are the exact bytes that main wrote before that boundary existed (issue 9: no
``Any`` in cli/init.py), so a change to how answers become data shows up here as a diff.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

from click import Command
from click.testing import CliRunner, Result
from conftest import SCHEMA_LINE, ProgramRepo, person

from rmcode.cli.init import init, log, register
from rmcode.cli.survey import survey

PLAIN_NOTE = ("note: {} plain text, readable by everyone with access to the repository: this program lists no "
              "keys to seal with (sealing.recipients in program.yaml)\n")


def _run(command: Command, args: Sequence[str], answers: Sequence[str] | None = None) -> Result:
    result = CliRunner().invoke(command, list(args), input=None if answers is None else "\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    return result


def _profile(text: str) -> str:
    return SCHEMA_LINE.format("../", "participant") + textwrap.dedent(text)


def _checkin(text: str) -> str:
    return SCHEMA_LINE.format("../../", "checkin") + textwrap.dedent(text)


# --- register ---------------------------------------------------------------------------------

def test_register_typed_answers_write_these_bytes(program_repo: ProgramRepo) -> None:
    root = program_repo()
    answers = ["eve", "301", "Eve Example", "mentee", "", "5", "Finance", "CFO", "Europe/Berlin", "en, DE",
               "short video, Generative AI", "Tuesday 9-11am; thu 2pm-3:30pm", "Leads finance.", "2", "name, bio",
               "Use AI in board reports; Film a short video", "", ""]
    result = _run(register, ["--root", str(root), "--as-of", "2026-01-20"], answers)
    assert result.stdout.endswith("wrote participants/eve.yaml\n")
    assert (root / "participants/eve.yaml").read_text(encoding="utf-8") == _profile("""\
        login: eve
        github_id: 301
        name: Eve Example
        role: mentee
        cohort: c1
        registered: "2026-01-20"
        title: CFO
        level: 5
        department: Finance
        timezone: Europe/Berlin
        languages:
          - en
          - de
        skills_wanted:
          - short-video
          - generative-ai
        goals:
          learn:
            - id: use-ai-in-board-reports
              text: Use AI in board reports
            - id: film-a-short-video
              text: Film a short video
        working_style:
          structure: 2
        availability:
          - tue 09:00-11:00
          - thu 14:00-15:30
        bio: Leads finance.
        visibility:
          bio: public
          name: public
        """)


def test_register_force_takes_the_existing_profile_as_the_answers_defaults(program_repo: ProgramRepo) -> None:
    root = program_repo({"participants/ana.yaml": person(
        "ana", 101, registered="2026-01-05", skills_offered="[generative-ai]", bio="Likes tools.",
        goals="{grow: [{id: board, text: Present to the board}]}", working_style="{structure: 3}",
        visibility="{name: public, department: admins}")})
    # Enter keeps each value of the file; the bio, the goals and what is public change
    answers = ["", "", "", "", "", "", "", "", "", "", "", "New bio.", "", "bio",
               "Present to the board; Coach a team", "", ""]
    result = _run(register, ["--root", str(root), "--as-of", "2026-01-20", "--force", "--login", "ana"], answers)
    assert result.stdout.endswith("wrote participants/ana.yaml\n")
    assert (root / "participants/ana.yaml").read_text(encoding="utf-8") == _profile("""\
        login: ana
        github_id: 101
        name: Ana
        role: mentor
        cohort: c1
        registered: "2026-01-05"
        level: 1
        department: Sales
        timezone: Europe/Berlin
        languages:
          - en
        skills_offered:
          - generative-ai
        goals:
          grow:
            - id: board
              text: Present to the board
            - id: coach-a-team
              text: Coach a team
        working_style:
          structure: 3
        availability:
          - tue 09:00-11:00
        bio: New bio.
        visibility:
          bio: public
          department: admins
        """)


def test_register_flags_write_these_bytes(program_repo: ProgramRepo) -> None:
    root = program_repo()
    result = _run(register, [
        "--root", str(root), "--as-of", "2026-01-20", "--no-input", "--login", "fay", "--github-id", "303",
        "--name", "Fay", "--role", "mentor", "--cohort", "c1", "--level", "2", "--department", "Marketing",
        "--timezone", "Europe/Paris", "--languages", "EN,fr", "--skills-offered", "generative-ai, short-video",
        "--availability", "Tue  09:00-11:00", "--availability", "thu 14:00-15:00", "--capacity", "2",
        "--prefer", "cleo; dan", "--location", "Paris", "--goal", "Coach a leader", "--public", "name",
        "--public", "skills_offered", "--registered", "2026-01-15", "--email", "fay@example.com",
        "--self-id", "generation=gen-z"])
    assert result.stdout == "wrote participants/fay.yaml\n"
    assert result.stderr == PLAIN_NOTE.format("email, self_identification are")
    assert (root / "participants/fay.yaml").read_text(encoding="utf-8") == _profile("""\
        login: fay
        github_id: 303
        name: Fay
        role: mentor
        cohort: c1
        registered: "2026-01-15"
        level: 2
        department: Marketing
        location: Paris
        timezone: Europe/Paris
        languages:
          - en
          - fr
        skills_offered:
          - generative-ai
          - short-video
        goals:
          grow:
            - id: coach-a-leader
              text: Coach a leader
        availability:
          - tue 09:00-11:00
          - thu 14:00-15:00
        capacity: 2
        prefer:
          - cleo
          - dan
        visibility:
          name: public
          skills_offered: public
        self_identification:
          generation: gen-z
        email: fay@example.com
        """)


# --- log --------------------------------------------------------------------------------------

def test_log_a_day_typed_in_words_is_written_as_iso_text(program_repo: ProgramRepo) -> None:
    root = program_repo()
    answers = ["cleo", "", "2 Mar 2026", "yes", "50", "Generative AI, short-video", "4", "Try it on one report",
               "y"]
    result = _run(log, ["--root", str(root), "--as-of", "2026-03-03"], answers)
    assert result.stdout.endswith("wrote checkins/ana--cleo/2026-03-02-cleo.yaml\n")
    assert (root / "checkins/ana--cleo/2026-03-02-cleo.yaml").read_text(encoding="utf-8") == _checkin("""\
        pair: ana--cleo
        date: "2026-03-02"
        author: cleo
        minutes: 50
        topics:
          - generative-ai
          - short-video
        rating: 4
        good_fit: true
        next_steps: Try it on one report
        """)


def test_log_a_missed_session_yesterday(program_repo: ProgramRepo) -> None:
    root = program_repo()
    answers = ["ana", "", "yesterday", "no", "", "", "", ""]  # minutes: 0 is the default of a missed session
    result = _run(log, ["--root", str(root), "--as-of", "2026-03-03"], answers)
    assert result.stdout.endswith("wrote checkins/ana--cleo/2026-03-02-ana.yaml\n")
    assert (root / "checkins/ana--cleo/2026-03-02-ana.yaml").read_text(encoding="utf-8") == _checkin("""\
        pair: ana--cleo
        date: "2026-03-02"
        author: ana
        held: false
        minutes: 0
        """)


def test_log_flags_write_these_bytes(program_repo: ProgramRepo) -> None:
    cleo = person("cleo", 201, role="mentee", level=5, department="Finance", skills_wanted="[generative-ai]",
                  goals="{learn: [{id: board, text: Present to the board}]}")
    root = program_repo({"participants/cleo.yaml": cleo})
    result = _run(log, ["--root", str(root), "--as-of", "2026-03-03", "--no-input", "--login", "Cleo",
                        "--date", "2026-02-24", "--minutes", "30", "--topics", "generative-ai,data-literacy",
                        "--goal", "board: progressing", "--rating", "3", "--not-a-fit", "--next-steps", "Meet again",
                        "--notes", "Quiet session", "--concern", "Hard to find time", "--concern-level", "high"])
    assert result.stdout == "wrote checkins/ana--cleo/2026-02-24-cleo.yaml\n"
    assert result.stderr == PLAIN_NOTE.format("rating, good_fit, notes, concern are")
    assert (root / "checkins/ana--cleo/2026-02-24-cleo.yaml").read_text(encoding="utf-8") == _checkin("""\
        pair: ana--cleo
        date: "2026-02-24"
        author: cleo
        minutes: 30
        topics:
          - generative-ai
          - data-literacy
        goals:
          - goal: board
            progress: progressing
        rating: 3
        good_fit: false
        next_steps: Meet again
        notes: Quiet session
        concern:
          level: high
          note: Hard to find time
        """)


# --- survey -----------------------------------------------------------------------------------

def test_survey_answers_write_these_bytes(program_repo: ProgramRepo) -> None:
    root = program_repo()
    result = _run(survey, ["--root", str(root), "--as-of", "2026-06-30"], ["dan", "yes", "4", "Honest talk"])
    assert result.stdout.endswith("wrote surveys/closing/dan.yaml\n")
    assert (root / "surveys/closing/dan.yaml").read_text(encoding="utf-8") == (
        SCHEMA_LINE.format("../../", "survey-response") + textwrap.dedent("""\
        survey: closing
        respondent: dan
        date: "2026-06-30"
        answers:
          highlight: Honest talk
          overall: 4
          would-continue: true
        """))


# --- init -------------------------------------------------------------------------------------

def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_init_answers_and_flags_write_the_same_repository(tmp_path: Path) -> None:
    asked = tmp_path / "asked" / "acme"
    result = _run(init, [str(asked), "--opens", "2026-03-02"],
                  ["Acme Reverse Mentoring", "Acme & Co", "amy-admin", "900", "", "mentoring@acme.example",
                   "https://github.com/acme/mentoring.git"])
    assert result.stdout.startswith(
        "Program name [Reverse Mentoring]: Acme Reverse Mentoring\nOrganisation: Acme & Co\n"
        "Your GitHub login (the first admin): amy-admin\n"
        "Your numeric GitHub id (https://api.github.com/users/LOGIN): 900\n"
        "Who participants contact (a team or a person) [Program team]: \n"
        "The program's contact e-mail address [mentoring@example.com]: mentoring@acme.example\n"
        "The GitHub repository, owner/name (empty: set it later in site/mkdocs.yml): "
        "https://github.com/acme/mentoring.git\n"
        f"Created 30 files in {asked}. Next:\n")
    flagged = tmp_path / "flagged" / "acme"
    _run(init, [str(flagged), "--opens", "2026-03-02", "--no-input", "--name", "Acme Reverse Mentoring",
                "--organisation", "Acme & Co", "--admin", "amy-admin", "--admin-id", "900",
                "--contact-email", "mentoring@acme.example", "--repository", "acme/mentoring"])
    assert _tree(asked) == _tree(flagged)
    program = (asked / "program.yaml").read_text(encoding="utf-8")
    for line in ('id: "acme"\n', 'name: "Acme Reverse Mentoring"\n', 'organisation: "Acme & Co"\n',
                 '  name: "Program team"\n', '  email: "mentoring@acme.example"\n', '  - login: "amy-admin"\n',
                 "    github_id: 900\n"):
        assert line in program
    assert "    repository: acme/mentoring\n" in (asked / "site/mkdocs.yml").read_text(encoding="utf-8")


def test_init_without_input_names_the_first_missing_flag(tmp_path: Path) -> None:
    for given, missing in (([], "--organisation"), (["--organisation", "Acme"], "--admin"),
                           (["--organisation", "Acme", "--admin", "amy"], "--admin-id")):
        result = CliRunner().invoke(init, [str(tmp_path / "x"), "--no-input", *given])
        assert result.exit_code == 2
        assert f"Error: missing {missing} (required with --no-input)" in result.output
        assert not (tmp_path / "x").exists()

