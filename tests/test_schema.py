"""The schema layer (schema.py and schemas/*.json): positions and wording of schema problems,
YAML 1.1 surprises, and the shipped schemas themselves.

Line numbers of a ``person`` file: login 2, github_id 3, name 4, role 5, cohort 6, registered 7,
level 8, department 9, timezone 10, languages 11, availability 12, extra fields from 13.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import SCHEMA_LINE, ProgramRepo, person, run

from rmcode import api
from rmcode.validate.schema import SCHEMA_NAMES, load_schema

AS_OF = "2026-03-01"
EVE = "participants/eve.yaml"
CHECKIN = "checkins/ana--cleo/2026-02-10-ana.yaml"
REPO_ROOT = Path(__file__).resolve().parents[1]


def assert_validate(program_repo: ProgramRepo, files: Mapping[str, str | None], expected: str) -> None:
    result = run("validate", "--root", str(program_repo(files)), "--as-of", AS_OF)
    assert result.output == expected
    assert result.exit_code == (0 if expected.startswith("ok: ") else 1)


def checkin(**extra: str) -> dict[str, str]:
    """The mini program's check-in with ``extra`` lines from line 6 on."""
    fields = {"pair": "ana--cleo", "date": "2026-02-10", "author": "ana", "minutes": "45", **extra}
    return {CHECKIN: SCHEMA_LINE.format("../../", "checkin") + "".join(f"{k}: {v}\n" for k, v in fields.items())}


def one_problem(line: str, hint: str, checked: int = 8) -> str:
    return f"{line}\n    hint: {hint}\n1 problem in 1 file ({checked} checked)\n"


# --- unknown and missing keys -----------------------------------------------------------------

@pytest.mark.parametrize("files, expected", [
    pytest.param({EVE: person("eve", 301, departmnt="Sales")}, one_problem(
        "participants/eve.yaml:13:1: RM202 unknown key 'departmnt'", "did you mean 'department'?"), id="did-you-mean"),
    pytest.param({EVE: person("eve", 301, hobbies="chess")}, one_problem(
        "participants/eve.yaml:13:1: RM202 unknown key 'hobbies'",
        "use one of: availability, avoid, bio, capacity, cohort, department, email, github_id, goals, languages, "
        "level, location, ..."), id="no-close-match-says-the-list-is-cut"),
    pytest.param({EVE: person("eve", 301, goals="\n  learn:\n    - id: use-ai\n      text: Use AI\n      txt: daily")},
                 one_problem("participants/eve.yaml:17:7: RM202 unknown key 'txt' in goals.learn.0",
                             "did you mean 'text'?"),
                 id="nested-at-the-key"),
])
def test_unknown_key_is_reported_at_the_key(program_repo: ProgramRepo, files: Mapping[str, str], expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param({EVE: person("eve", 301, department=None)}, one_problem(
        "participants/eve.yaml:2:1: RM201 file: missing required field 'department'",
        "add 'department:' - Your department."), id="top-level-at-the-first-key"),
    pytest.param({EVE: person("eve", 301, goals="\n  learn:\n    - id: use-ai\n  grow: []")}, one_problem(
        "participants/eve.yaml:15:7: RM201 goals.learn.0: missing required field 'text'",
        "add 'text:' - The goal in one sentence."), id="nested-at-the-parent"),
])
def test_missing_key_is_reported_at_the_parent(program_repo: ProgramRepo, files: Mapping[str, str | None],
                                               expected: str) -> None:
    assert_validate(program_repo, files, expected)


def test_unknown_and_missing_key_in_one_mapping(program_repo: ProgramRepo) -> None:
    assert_validate(program_repo, {EVE: person("eve", 301, goals="\n  learn:\n    - id: use-ai\n      txt: daily")},
                    """\
participants/eve.yaml:15:7: RM201 goals.learn.0: missing required field 'text'
    hint: add 'text:' - The goal in one sentence.
participants/eve.yaml:16:7: RM202 unknown key 'txt' in goals.learn.0
    hint: did you mean 'text'?
2 problems in 1 file (8 checked)
""")


def test_invalid_key_of_an_open_mapping_is_reported_at_the_key(program_repo: ProgramRepo) -> None:
    # visibility's keys are checked by propertyNames; 'nam' is an unknown key like any other (line 15)
    assert_validate(program_repo, {EVE: person("eve", 301, visibility="\n  name: public\n  nam: public")}, one_problem(
        "participants/eve.yaml:15:3: RM204 visibility: \"nam\" is not one of: name, title, level, department, manager, "
        "location, timezone, languages, skills_offered, skills_wanted, goals, bio", "did you mean 'name'?"))


# --- values -----------------------------------------------------------------------------------

@pytest.mark.parametrize("files, expected", [
    pytest.param({EVE: person("eve", 301, level="three")}, one_problem(
        'participants/eve.yaml:8:8: RM203 level: expected a whole number, got "three"',
        "Your job level number from program.yaml."), id="text-for-integer"),
    pytest.param({EVE: person("eve", "'301'")}, one_problem(
        'participants/eve.yaml:3:12: RM203 github_id: expected a whole number, got "301"',
        "The numeric GitHub user id (https://api.github.com/users/LOGIN shows it). Logins can be renamed and "
        "re-claimed; the id is the identity."), id="quoted-number"),
    pytest.param({EVE: person("eve", 301, languages="en")}, one_problem(
        'participants/eve.yaml:11:12: RM203 languages: expected a list, got "en"',
        "Languages you can mentor in (ISO 639-1 codes such as en, de)."), id="text-for-list"),
    pytest.param({EVE: person("eve", 301, name="[Eve, Smith]")}, one_problem(
        'participants/eve.yaml:4:7: RM203 name: expected text, got ["Eve", "Smith"]', "put the value in quotes"),
        id="list-for-text"),
])
def test_wrong_type(program_repo: ProgramRepo, files: Mapping[str, str], expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param({EVE: person("eve", 301, role="mentr")}, one_problem(
        'participants/eve.yaml:5:7: RM204 role: "mentr" is not one of: mentor, mentee', "did you mean 'mentor'?"),
        id="did-you-mean"),
    pytest.param({EVE: person("eve", 301, role="boss")}, one_problem(
        'participants/eve.yaml:5:7: RM204 role: "boss" is not one of: mentor, mentee', "use one of: mentor, mentee"),
        id="no-close-match"),
])
def test_enum(program_repo: ProgramRepo, files: Mapping[str, str], expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("value",
                         ["2026-02-30", "10.01.2026", "2026-1-10", "0000-01-10", "２０２６-01-10", "2026-01-1٠"])
def test_date_format(program_repo: ProgramRepo, value: str) -> None:
    # Unicode digits and year 0000 passed fastjsonschema's regex and then crashed the model (exit 3)
    assert_validate(program_repo, {EVE: person("eve", 301, registered=value)}, one_problem(
        f'participants/eve.yaml:7:13: RM205 registered: "{value}" is not a valid date',
        "write dates as YYYY-MM-DD, e.g. 2026-09-21"))


def test_date_format_in_a_checkin(program_repo: ProgramRepo) -> None:
    assert_validate(program_repo, checkin(date="2026-02-29"), one_problem(
        'checkins/ana--cleo/2026-02-10-ana.yaml:3:7: RM205 date: "2026-02-29" is not a valid date',
        "write dates as YYYY-MM-DD, e.g. 2026-09-21", checked=7))


@pytest.mark.parametrize("files, expected", [
    pytest.param({EVE: person("eve", 301, cohort="C1")}, one_problem(
        'participants/eve.yaml:6:9: RM206 cohort: "C1" does not have the expected form',
        "Id of the cohort you join (see program.yaml)."), id="uppercase-id"),
    pytest.param({"participants/ana.yaml": person('"ana\\n"', 101)}, one_problem(
        'participants/ana.yaml:2:8: RM206 login: "ana\\n" does not have the expected form',
        "Your GitHub login; must equal the file name.", checked=7), id="trailing-newline"),
])
def test_pattern(program_repo: ProgramRepo, files: Mapping[str, str], expected: str) -> None:
    # JSON Schema patterns are ECMA-262, where $ matches only at the very end; Python's $ also
    # matches before a final newline, so "ana\n" must still be refused
    assert_validate(program_repo, files, expected)


def test_list_items_are_named_by_their_list_and_get_its_hint(program_repo: ProgramRepo) -> None:
    # an item's own schema has no description: the hint comes from the list it is in
    assert_validate(program_repo, {EVE: person("eve", 301, availability='["tue 9:00-11:00"]')}, one_problem(
        'participants/eve.yaml:12:16: RM206 availability.0: "tue 9:00-11:00" does not have the expected form',
        "Weekly slots in your own time zone, e.g. 'tue 09:00-11:00'."))


def test_values_of_an_open_mapping_get_its_hint(program_repo: ProgramRepo) -> None:
    assert_validate(program_repo, {EVE: person("eve", 301, working_style="{structure: '4'}")}, one_problem(
        'participants/eve.yaml:13:28: RM203 structure: expected a whole number, got "4"',
        "Your answers (1 = disagree ... 5 = agree) to program.yaml's working-style questions."))


@pytest.mark.parametrize("files, expected", [
    pytest.param({EVE: person("eve", 301, level=101)}, one_problem(
        "participants/eve.yaml:8:8: RM207 level: 101 is more than the maximum of 100",
        "Your job level number from program.yaml."), id="maximum"),
    pytest.param({EVE: person("eve", 301, capacity=0)}, one_problem(
        "participants/eve.yaml:13:11: RM207 capacity: 0 is less than the minimum of 1",
        "Mentors: how many mentees you can take (default from program.yaml)."), id="minimum"),
    pytest.param({EVE: person("eve", 301, name='""')}, one_problem(
        "participants/eve.yaml:4:7: RM207 name: must be at least 1 character long", "Your name as it should appear."),
        id="minLength"),
    pytest.param({EVE: person("eve", 301, bio="x" * 2001)}, one_problem(
        "participants/eve.yaml:13:6: RM207 bio: is longer than 2000 characters", "A few sentences about you."),
        id="maxLength"),
    pytest.param({EVE: person("eve", 301, languages="[]")}, one_problem(
        "participants/eve.yaml:11:12: RM207 languages: needs at least 1 entry",
        "Languages you can mentor in (ISO 639-1 codes such as en, de)."), id="minItems"),
])
def test_ranges(program_repo: ProgramRepo, files: Mapping[str, str], expected: str) -> None:
    assert_validate(program_repo, files, expected)


def test_range_just_inside_is_valid(program_repo: ProgramRepo) -> None:
    assert_validate(program_repo, {EVE: person("eve", 301, capacity=1, name="E", bio="x" * 2000)},
                    "ok: 8 files valid\n")


def test_unique_items(program_repo: ProgramRepo) -> None:
    assert_validate(program_repo, {EVE: person("eve", 301, languages="[en, de, en]")}, one_problem(
        "participants/eve.yaml:11:12: RM208 languages: the list has duplicate entries", "list each entry once"))


def test_all_schema_problems_of_a_file_at_once_sorted_by_position(program_repo: ProgramRepo) -> None:
    assert_validate(program_repo, {EVE: person("eve", 301, role="boss", level=-1, hobbies="chess")}, """\
participants/eve.yaml:5:7: RM204 role: "boss" is not one of: mentor, mentee
    hint: use one of: mentor, mentee
participants/eve.yaml:8:8: RM207 level: -1 is less than the minimum of 0
    hint: Your job level number from program.yaml.
participants/eve.yaml:13:1: RM202 unknown key 'hobbies'
    hint: use one of: availability, avoid, bio, capacity, cohort, department, email, github_id, goals, languages, \
level, location, ...
3 problems in 1 file (8 checked)
""")


# --- YAML 1.1 surprises -----------------------------------------------------------------------

def test_typed_text_stays_what_the_person_typed(program_repo: ProgramRepo) -> None:
    surprises = {"name": "0755", "title": "12:30", "location": "on", "bio": "no", "department": "1e3"}
    root = program_repo({EVE: person("eve", 301, registered="2026-01-10", **surprises)})
    assert run("validate", "--root", str(root), "--as-of", AS_OF).output == "ok: 8 files valid\n"
    result = api.validate(root, dt.date(2026, 3, 1))
    assert result.data is not None
    eve = result.data.by_login()["eve"]
    assert (eve.name, eve.title, eve.location, eve.bio, eve.department) == ("0755", "12:30", "on", "no", "1e3")
    assert eve.registered == dt.date(2026, 1, 10)


@pytest.mark.parametrize("field, value", [("good_fit", "no"), ("good_fit", "yes"), ("good_fit", "on"), ("held", "off")])
def test_yaml_1_1_booleans_get_the_boolean_hint(program_repo: ProgramRepo, field: str, value: str) -> None:
    col = len(field) + 3
    assert_validate(program_repo, checkin(**{field: value}), one_problem(
        f'checkins/ana--cleo/2026-02-10-ana.yaml:6:{col}: RM203 {field}: expected true or false, got "{value}"',
        "write true or false (YAML words like yes, no, on, off are read as text here)", checked=7))


def test_true_and_false_are_booleans(program_repo: ProgramRepo) -> None:
    assert_validate(program_repo, checkin(good_fit="false", held="True"), "ok: 7 files valid\n")


def test_unquoted_colon_text_says_how_to_quote(program_repo: ProgramRepo) -> None:
    assert_validate(program_repo, {EVE: person("eve", 301, title="Head: Europe")}, one_problem(
        "participants/eve.yaml:13:12: RM100 invalid YAML: mapping values are not allowed in this context",
        'a value that contains \': \' must be quoted: quote the value, e.g. title: "Head of Data: Europe"', checked=8))


# --- the shipped schemas ----------------------------------------------------------------------

def _properties(schema: Any, where: str = "") -> Iterator[tuple[str, Any]]:
    """Every entry of every ``properties`` map, at any depth, with a readable location."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in ("if", "then", "else", "not"):
                continue  # conditions restate properties as constraints (e.g. "a public report has no flags")
            if key == "properties" and isinstance(value, dict):
                for name, sub in value.items():
                    yield f"{where}/{name}", sub
                    yield from _properties(sub, f"{where}/{name}")
            else:
                yield from _properties(value, f"{where}/{key}" if key not in ("items", "additionalProperties")
                                       else where + "[]")
    elif isinstance(schema, list):
        for item in schema:
            yield from _properties(item, where)


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_is_valid_draft_07(name: str) -> None:
    schema = load_schema(name)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["title"] and schema["description"]


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_property_has_title_and_description(name: str) -> None:
    found = list(_properties(load_schema(name)))
    assert len(found) >= 5
    missing = [where for where, sub in found if not (sub.get("title") and sub.get("description"))]
    assert missing == []


def test_property_walk_finds_nested_properties() -> None:
    # the walk must reach properties inside items and nested objects, or the test above proves little
    found = dict(_properties(load_schema("program")))
    assert "/cohorts[]/registration/opens" in found
    assert "/surveys[]/questions[]/choices" in found


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schema_command_prints_the_package_file(name: str) -> None:
    shipped = (resources.files("rmcode") / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")
    result = run("schema", name)
    assert result.exit_code == 0
    assert result.output == shipped
    assert json.loads(result.output)["$id"].endswith(f"/{name}.schema.json")


@pytest.mark.parametrize("name", ["program", "participant", "matches", "checkin", "survey-response"])
def test_root_schema_copies_equal_the_package(name: str) -> None:
    # the root copies are what editors and the site link to; they must not drift from the package
    root_copy = REPO_ROOT / "schemas" / f"{name}.schema.json"
    shipped = resources.files("rmcode") / "schemas" / f"{name}.schema.json"
    assert root_copy.read_bytes() == shipped.read_bytes()
