"""layout.py: paths <-> ids, login identity, size limits and the schema header line."""

from __future__ import annotations

import datetime as dt

import pytest

from rmcode.layout import (
    MATCHES_MAX_BYTES,
    MAX_BYTES,
    DataPath,
    Login,
    checkin_path,
    is_data_path,
    is_login,
    login_key,
    parse_path,
    profile_path,
    same_login,
    schema_line,
    size_limit,
    survey_path,
)


@pytest.mark.parametrize("login", ["ana", "Ana-Lopez", "x", "a1-b2-c3", "Z" * 39])
def test_profile_path_round_trips_through_parse_path(login: str) -> None:
    path = profile_path(login)
    assert path == f"participants/{login}.yaml"
    assert parse_path(path) == DataPath("participant", login=login)


def test_checkin_path_round_trips_with_a_date_or_its_text() -> None:
    path = checkin_path("Ana--bo-k", dt.date(2026, 3, 4), "Bo-K")
    assert path == "checkins/Ana--bo-k/2026-03-04-Bo-K.yaml"
    assert checkin_path("Ana--bo-k", "2026-03-04", "Bo-K") == path
    assert parse_path(path) == DataPath("checkin", login="Bo-K", pair="Ana--bo-k", day="2026-03-04")


def test_survey_path_round_trips() -> None:
    path = survey_path("mid-point", "ana")
    assert path == "surveys/mid-point/ana.yaml"
    assert parse_path(path) == DataPath("survey-response", login="ana", survey="mid-point")


def test_parse_path_knows_the_two_top_level_files() -> None:
    assert parse_path("program.yaml") == DataPath("program")
    assert parse_path("matches.yaml") == DataPath("matches")


@pytest.mark.parametrize("path", [
    "participants/-ana.yaml",  # a login never starts with a hyphen
    "participants/an--a.yaml",  # nor has two in a row
    "participants/ana.yml",
    "participants/sub/ana.yaml",
    "participants/" + "a" * 40 + ".yaml",  # longer than GitHub allows
    "checkins/ana-bo/2026-03-04-bo.yaml",  # a pair id joins two logins with "--"
    "checkins/ana--bo/2026-3-4-bo.yaml",
    "surveys/Mid/ana.yaml",  # survey ids are lower case
    "README.md",
    "./program.yaml",
])
def test_parse_path_refuses_what_is_not_a_data_file(path: str) -> None:
    assert parse_path(path) is None


def test_is_data_path_covers_the_data_folders_and_files() -> None:
    assert is_data_path("program.yaml") and is_data_path("matches.yaml")
    assert is_data_path("participants/ana.yaml") and is_data_path("checkins/x/README.md")
    assert not is_data_path(".github/CODEOWNERS") and not is_data_path("docs/participants/ana.yaml")


def test_login_identity_ignores_case_but_keeps_the_spelling() -> None:
    login = Login("Ana-Lopez")
    assert str(login) == "Ana-Lopez"
    assert login.key == "ana-lopez" == login_key("ANA-lopez")
    assert same_login("Ana-Lopez", "ana-LOPEZ")
    assert not same_login("ana", "ana1")
    assert type(login_key(login)) is str


@pytest.mark.parametrize(("text", "ok"), [("ana", True), ("a-b", True), ("a" * 39, True), ("a" * 40, False),
                                         ("-a", False), ("a-", False), ("a--b", False), ("a_b", False),
                                         ("", False), ("ana\n", False)])
def test_is_login_follows_githubs_rule(text: str, ok: bool) -> None:
    assert is_login(text) is ok


def test_size_limit_allows_matches_yaml_more_than_any_other_file() -> None:
    assert size_limit("matches.yaml") == MATCHES_MAX_BYTES == 64 << 20
    assert size_limit("participants/ana.yaml") == size_limit("program.yaml") == MAX_BYTES == 1 << 20


def test_schema_line_climbs_to_the_schemas_folder_from_each_kind_of_file() -> None:
    assert schema_line("program") == "# yaml-language-server: $schema=schemas/program.schema.json\n"
    assert schema_line("participant") == "# yaml-language-server: $schema=../schemas/participant.schema.json\n"
    assert schema_line("checkin") == "# yaml-language-server: $schema=../../schemas/checkin.schema.json\n"
    assert schema_line("checkin", depth=0) == "# yaml-language-server: $schema=schemas/checkin.schema.json\n"
