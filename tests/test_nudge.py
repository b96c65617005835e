"""rmcode nudge: the weekly issue about pairs behind or stalled and profiles incomplete or unmatched."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from click.testing import CliRunner, Result
from conftest import SCHEMA_LINE, ProgramRepo, mini_files, person

from rmcode.cli.pr import nudge

FOOTER = ("Everyone concerned hears about it privately (`rmcode notify`); this issue names nobody. Log a session "
          "from your pair's page on the program site, with the *Log a mentoring session* issue form or `rmcode "
          "log`; edit your profile with the *Join the mentoring program* form or `rmcode register --force`. "
          "This issue is updated every week.\n")
GOALS = "{learn: [{id: g1, text: Learn it}], grow: [{id: g2, text: Grow}]}"


def invoke(root: Path, *args: str) -> Result:
    return CliRunner().invoke(nudge, ["--root", str(root), *args])


def complete(**files: str | None) -> dict[str, str | None]:
    """The mini program with complete profiles, so only the pairs and matches are nudged."""
    people = {login: person(login, gid, role=role, level=level, goals=GOALS, **extra)
              for login, gid, role, level, extra in [
                  ("ana", 101, "mentor", 1, {"skills_offered": "[generative-ai]"}),
                  ("ben", 102, "mentor", 1, {"skills_offered": "[short-video]", "department": "Legal"}),
                  ("cleo", 201, "mentee", 5, {"skills_wanted": "[generative-ai]", "department": "Finance"}),
                  ("dan", 202, "mentee", 4, {"skills_wanted": "[short-video]"})]}
    return {**{f"participants/{k}.yaml": v for k, v in people.items()}, **files}


def test_the_mini_program_a_month_in(program_repo: ProgramRepo) -> None:
    result = invoke(program_repo(), "--as-of", "2026-03-01")
    assert result.output == textwrap.dedent("""\
        <!-- rmcode nudge: written by `rmcode nudge`, replaced every week -->
        ## Mentoring: what needs attention (as of 2026-03-01)

        - Stalled pairs (no session for 28 days or more): 0
        - Pairs behind schedule (the program expects a session every 14 days): 1
        - Profiles to complete (matching works better with them filled in): 4
        - People waiting for a match for two weeks or more: 2

        """) + FOOTER
    assert result.exit_code == 0


def test_a_pair_without_a_session_for_the_inactivity_limit_is_stalled(program_repo: ProgramRepo) -> None:
    result = invoke(program_repo(complete()), "--as-of", "2026-03-20")
    assert "- Stalled pairs (no session for 28 days or more): 1\n" in result.output
    assert "- Pairs behind schedule (the program expects a session every 14 days): 0\n" in result.output


def test_nothing_to_say(program_repo: ProgramRepo) -> None:
    files = complete(**{"participants/ben.yaml": None, "participants/dan.yaml": None})
    result = invoke(program_repo(files), "--as-of", "2026-02-12")
    assert result.output == ("<!-- rmcode nudge: written by `rmcode nudge`, replaced every week -->\n"
                             "## Mentoring: what needs attention (as of 2026-02-12)\n\n"
                             "Nothing needs attention this week: every pair is on track "
                             "and every profile is complete.\n\n"
                             + FOOTER)


def test_the_issue_names_nobody(program_repo: ProgramRepo) -> None:
    """No login, pair id, name, unmatched reason or private flag reaches the public issue."""
    concern = (SCHEMA_LINE.format("../../", "checkin") + "pair: ana--cleo\ndate: 2026-02-24\nauthor: cleo\n"
               "minutes: 30\nrating: 1\nnotes: SECRET-NOTE\nconcern: {level: high, note: SECRET-CONCERN}\n")
    matches = mini_files()["matches.yaml"] + ("unmatched:\n  - login: dan\n    cohort: c1\n"
                                              "    reason: 'dan and ben share a management chain'\n")
    files = {**complete(**{"checkins/ana--cleo/2026-02-24-cleo.yaml": concern}), "matches.yaml": matches}
    root = program_repo(files)
    for fmt in ("md", "json"):
        output = invoke(root, "--as-of", "2026-04-20", "--format", fmt).output
        for word in ("SECRET", "rating", "@", "ana", "ben", "cleo", "dan", "management", "chain"):
            assert word not in output, (fmt, word)
    assert "- Stalled pairs (no session for 28 days or more): 1\n" in invoke(root, "--as-of", "2026-04-20").output


def test_paused_people_and_finished_cohorts_are_left_alone(program_repo: ProgramRepo) -> None:
    files = complete(**{"participants/ben.yaml": person("ben", 102, paused="{until: 2026-12-31}")})
    counted = json.loads(invoke(program_repo(files), "--as-of", "2026-03-01", "--format", "json").output)["counts"]
    assert counted["waiting_for_a_match"] == 1  # dan; ben is paused
    later = json.loads(invoke(program_repo(files), "--as-of", "2026-07-01", "--format", "json").output)["counts"]
    assert later["waiting_for_a_match"] == 0


def test_json_for_tools(program_repo: ProgramRepo) -> None:
    payload = json.loads(invoke(program_repo(), "--as-of", "2026-03-01", "--format", "json").output)
    assert payload == {"as_of": "2026-03-01", "counts": {"stalled_pairs": 0, "pairs_behind": 1,
                                                         "profiles_to_complete": 4, "waiting_for_a_match": 2}}


def test_as_of_defaults_to_the_head_commit(program_repo: ProgramRepo) -> None:
    root = program_repo(date="2026-03-01T12:00:00+00:00")
    assert invoke(root).output == invoke(root, "--as-of", "2026-03-01").output


def test_invalid_program_is_an_error(program_repo: ProgramRepo) -> None:
    result = invoke(program_repo({"participants/ana.yaml": person("ana", 101, level="x")}))
    assert "RM203" in str(result.exception)
