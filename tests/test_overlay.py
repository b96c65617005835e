"""register, log and survey check the new file laid over the repository (api.validate_overlaid),
through the same records and rules as `rmcode validate`: what the file brings counts, what the
repository already had does not."""

from __future__ import annotations

import datetime as dt

from conftest import ProgramRepo, person

from rmcode import api

DAY = dt.date(2026, 3, 1)


def test_a_profile_that_takes_someones_github_id_is_refused_even_where_the_rule_names_the_older_file(
        program_repo: ProgramRepo) -> None:
    root = program_repo()
    # aaron sorts before ana, so the duplicate-id rule reports ana's file, which was valid before
    problems, _ = api.validate_overlaid(root, "participants/aaron.yaml", person("aaron", 101).encode(), DAY)
    assert [(p.path, p.code, p.message) for p in problems] == [
        ("participants/ana.yaml", "RM303", "github_id 101 is already used by participants/aaron.yaml")]


def test_problems_the_repository_already_had_do_not_count(program_repo: ProgramRepo) -> None:
    root = program_repo({"participants/zed.yaml": person("zed", 300, cohort="nope")})
    assert any(p.code == "RM304" for p in api.validate(root, DAY).problems)
    problems, program = api.validate_overlaid(root, "participants/eve.yaml", person("eve", 301).encode(), DAY)
    assert (problems, program is not None) == ([], True)


def test_the_file_on_disk_is_replaced_not_counted_twice(program_repo: ProgramRepo) -> None:
    root = program_repo()
    problems, _ = api.validate_overlaid(root, "participants/ana.yaml", person("ana", 101, name="Ana B").encode(), DAY)
    assert problems == []


def test_a_file_its_schema_refuses_gets_only_its_own_problems(program_repo: ProgramRepo) -> None:
    root = program_repo()
    problems, program = api.validate_overlaid(root, "participants/eve.yaml", person("eve", 301, level="x").encode(),
                                              DAY)
    assert ([p.code for p in problems], program) == (["RM203"], None)
