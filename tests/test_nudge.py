"""rmcode nudge: the weekly issue about pairs behind or stalled and profiles incomplete or unmatched."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from click.testing import CliRunner, Result
from conftest import SCHEMA_LINE, ProgramRepo, mini_files, person

from rmcode.commands.pr import nudge

FOOTER = ("Log a session with the *Log a mentoring session* issue form or `rmcode log`; edit your profile "
          "in `participants/<your-login>.yaml`, with the *Join the mentoring program* form, or `rmcode register "
          "--force`. This issue is updated every week.\n")
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

        ### Pairs behind schedule (1)

        The program expects a session every 14 days.

        - `ana--cleo`: @ana and @cleo, 1 of the 2 sessions due by now

        ### Profiles to complete (4)

        Matching works better with these fields filled in.

        - @ana (mentor, cohort `c1`): please add goals
        - @ben (mentor, cohort `c1`): please add goals
        - @cleo (mentee, cohort `c1`): please add goals
        - @dan (mentee, cohort `c1`): please add goals

        ### Waiting for a match for two weeks or more (2)

        A program admin will look at these; adding skills, goals or availability to your profile can help.

        - @ben (mentor, cohort `c1`): unmatched for 29 days
        - @dan (mentee, cohort `c1`): unmatched for 29 days

        """) + FOOTER
    assert result.exit_code == 0


def test_a_pair_without_a_session_for_the_inactivity_limit_is_stalled(program_repo: ProgramRepo) -> None:
    result = invoke(program_repo(complete()), "--as-of", "2026-03-20")
    assert "### Stalled pairs (1)\n\nNo session for 28 days or more. Meet, then log the session.\n\n" \
           "- `ana--cleo`: @ana and @cleo, last session on 2026-02-10 (38 days without a session)\n" in result.output
    assert "Pairs behind schedule" not in result.output


def test_missing_fields_are_named_in_plain_words(program_repo: ProgramRepo) -> None:
    files = complete(**{"participants/dan.yaml": person("dan", 202, role="mentee", level=4, availability=None)})
    output = invoke(program_repo(files), "--as-of", "2026-03-01").output
    assert "- @dan (mentee, cohort `c1`): please add skills wanted, weekly availability, goals\n" in output


def test_nothing_to_say(program_repo: ProgramRepo) -> None:
    files = complete(**{"participants/ben.yaml": None, "participants/dan.yaml": None})
    result = invoke(program_repo(files), "--as-of", "2026-02-12")
    assert result.output == ("<!-- rmcode nudge: written by `rmcode nudge`, replaced every week -->\n"
                             "## Mentoring: what needs attention (as of 2026-02-12)\n\n"
                             "Nothing needs attention this week: every pair is on track and every profile is complete.\n\n"
                             + FOOTER)


def test_private_flags_never_reach_the_issue(program_repo: ProgramRepo) -> None:
    concern = (SCHEMA_LINE.format("../../", "checkin") + "pair: ana--cleo\ndate: 2026-02-24\nauthor: cleo\n"
               "minutes: 30\nrating: 1\nnotes: SECRET-NOTE\nconcern: {level: high, note: SECRET-CONCERN}\n")
    files = complete(**{"checkins/ana--cleo/2026-02-24-cleo.yaml": concern})
    output = invoke(program_repo(files), "--as-of", "2026-04-20").output
    assert "SECRET" not in output and "rating" not in output
    assert "`ana--cleo`: @ana and @cleo, last session on 2026-02-24 (55 days without a session)" in output


def test_paused_people_and_finished_cohorts_are_left_alone(program_repo: ProgramRepo) -> None:
    files = complete(**{"participants/ben.yaml": person("ben", 102, paused="{until: 2026-12-31}")})
    output = invoke(program_repo(files), "--as-of", "2026-03-01").output
    assert "@ben" not in output
    assert invoke(program_repo(files), "--as-of", "2026-07-01").output.count("@dan") == 0


def test_reasons_from_matches_are_inert_markdown(program_repo: ProgramRepo) -> None:
    matches = mini_files()["matches.yaml"] + ("unmatched:\n  - login: dan\n    cohort: c1\n"
                                              "    reason: 'No mentor <b>@everyone</b> [x](y)'\n")
    output = invoke(program_repo(complete(**{"matches.yaml": matches})), "--as-of", "2026-03-01").output
    assert ("- @dan (mentee, cohort `c1`): unmatched for 29 days: "
            "No mentor &lt;b&gt;&#64;everyone&lt;/b&gt; \\[x\\](y)\n") in output


def test_json_for_tools(program_repo: ProgramRepo) -> None:
    payload = json.loads(invoke(program_repo(), "--as-of", "2026-03-01", "--format", "json").output)
    assert payload["pairs"] == [{"pair": "ana--cleo", "status": "behind", "mentor": "ana", "mentee": "cleo",
                                 "held": 1, "expected": 2, "last_session": "2026-02-10", "days_without_session": 19}]
    assert [(p["login"], p["kind"]) for p in payload["people"]] == [
        ("ana", "incomplete-profile"), ("ben", "incomplete-profile"), ("cleo", "incomplete-profile"),
        ("dan", "incomplete-profile"), ("ben", "unmatched"), ("dan", "unmatched")]


def test_as_of_defaults_to_the_head_commit(program_repo: ProgramRepo) -> None:
    root = program_repo(date="2026-03-01T12:00:00+00:00")
    assert invoke(root).output == invoke(root, "--as-of", "2026-03-01").output


def test_invalid_program_is_an_error(program_repo: ProgramRepo) -> None:
    result = invoke(program_repo({"participants/ana.yaml": person("ana", 101, level="x")}))
    assert "RM203" in str(result.exception)
