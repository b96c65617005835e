"""Cross-file rules (rules.py): for each rule a valid case and a failing case, on real git repositories.

Every test runs the real CLI and compares the whole output (problem lines, hints, summary) and the
exit code. The mini program of conftest is the base; ``files`` changes it. Line numbers in the
expected text follow from the helpers below: a ``person`` file has login on line 2, github_id 3,
name 4, role 5, cohort 6, registered 7, level 8, department 9, timezone 10, languages 11,
availability 12, then the extra fields from line 13; in ``matches(...)`` pair k (from 0) starts
on line 3 + 5k with id, cohort, mentor, mentee, status on consecutive lines.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from conftest import MINI_PROGRAM, SCHEMA_LINE, ProgramRepo, person, run

AS_OF = "2026-03-01"
CHECKIN = "checkins/ana--cleo/2026-02-10-ana.yaml"
Files = Mapping[str, "str | bytes | None"]


def assert_validate(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    """Validate the mini program changed by ``files``; exit 0 exactly when the output says ok."""
    result = run("validate", "--root", str(program_repo(files)), "--as-of", AS_OF)
    assert result.output == expected
    assert result.exit_code == (0 if expected.splitlines()[-1].startswith("ok: ") else 1)


def program(*edits: tuple[str, str]) -> dict[str, str]:
    """program.yaml of the mini program with each (old, new) text replaced once."""
    text = MINI_PROGRAM
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return {"program.yaml": text}


def pair(pid: str, mentor: str, mentee: str, status: str = "active", cohort: str = "c1") -> str:
    return f"  - id: {pid}\n    cohort: {cohort}\n    mentor: {mentor}\n    mentee: {mentee}\n    status: {status}\n"


def matches(*pairs: str) -> dict[str, str]:
    return {"matches.yaml": SCHEMA_LINE.format("", "matches") + "pairs:\n" + "".join(pairs)}


ACTIVE = pair("ana--cleo", "ana", "cleo")  # the mini program's pair, lines 3-7


def checkin(path: str, pair_id: str = "ana--cleo", date: str = "2026-02-10", author: str = "ana",
            **extra: str) -> dict[str, str | None]:
    """Replace the mini program's check-in by one at ``path`` (pair 2, date 3, author 4, minutes 5, extras 6+)."""
    fields = {"pair": pair_id, "date": date, "author": author, "minutes": "45", **extra}
    text = SCHEMA_LINE.format("../../", "checkin") + "".join(f"{k}: {v}\n" for k, v in fields.items())
    return {CHECKIN: None, path: text}


def response(path: str, survey: str = "closing", respondent: str = "cleo", date: str = "2026-02-20",
             answers: str = "{would-continue: true, overall: 4}", **extra: str) -> dict[str, str]:
    """A survey response (survey 2, respondent 3, date 4, extras, then answers)."""
    fields = {"survey": survey, "respondent": respondent, "date": date, **extra, "answers": answers}
    return {path: SCHEMA_LINE.format("../../", "survey-response") + "".join(f"{k}: {v}\n" for k, v in fields.items())}


OK7, OK8 = "ok: 7 files valid\n", "ok: 8 files valid\n"
EVE = "participants/eve.yaml"
C2 = ("commitment:", """  - id: c2
    name: Cohort two
    registration: {opens: 2026-01-01, closes: 2026-12-31}
    start: 2026-07-01
    end: 2026-12-31
commitment:""")


# --- participants -----------------------------------------------------------------------------

@pytest.mark.parametrize("files, expected", [
    pytest.param({"participants/Eve.yaml": person("Eve", 301)}, OK8, id="valid-mixed-case"),
    pytest.param({"participants/ana.yaml": person("anna", 101)}, """\
participants/ana.yaml:2:8: RM301 login 'anna' does not match the file name
    hint: rename the file to participants/anna.yaml or fix the login
1 problem in 1 file (7 checked)
""", id="RM301"),
])
def test_login_equals_file_name(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param({"participants/anna.yaml": person("anna", 301)}, OK8, id="valid-similar-login"),
    pytest.param({"participants/ANA.yaml": person("ANA", 301)}, """\
participants/ana.yaml:2:8: RM302 login ana is already used by participants/ANA.yaml
    hint: each person has one profile
1 problem in 1 file (8 checked)
""", id="RM302-case-insensitive"),
])
def test_logins_are_unique_case_insensitively(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param({EVE: person("eve", 102_000)}, OK8, id="valid"),
    pytest.param({EVE: person("eve", 101)}, """\
participants/eve.yaml:3:12: RM303 github_id 101 is already used by participants/ana.yaml
    hint: each person has one profile
1 problem in 1 file (8 checked)
""", id="RM303"),
])
def test_github_ids_are_unique(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param({EVE: person("eve", 301, cohort="c2"), **program(C2)}, OK8, id="valid-second-cohort"),
    pytest.param({EVE: person("eve", 301, cohort="c-1")}, """\
participants/eve.yaml:6:9: RM304 unknown cohort 'c-1'
    hint: did you mean 'c1'?
1 problem in 1 file (8 checked)
""", id="RM304-did-you-mean"),
    pytest.param({EVE: person("eve", 301, cohort="spring")}, """\
participants/eve.yaml:6:9: RM304 unknown cohort 'spring'
    hint: use a cohort id from program.yaml
1 problem in 1 file (8 checked)
""", id="RM304-no-close-match"),
])
def test_profile_cohort_exists(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param({EVE: person("eve", 301, registered="2026-01-01"),
                  "participants/fay.yaml": person("fay", 302, registered="2026-01-31")}, "ok: 9 files valid\n",
                 id="valid-on-both-boundaries"),
    pytest.param({EVE: person("eve", 301, registered="2025-12-31")}, """\
participants/eve.yaml:7:13: RM317 registered 2025-12-31 is outside cohort c1's registration window \
(2026-01-01 to 2026-01-31)
    hint: register for a cohort whose registration is open
1 problem in 1 file (8 checked)
""", id="RM317-before-opening"),
    pytest.param({EVE: person("eve", 301, registered="2026-02-01")}, """\
participants/eve.yaml:7:13: RM317 registered 2026-02-01 is outside cohort c1's registration window \
(2026-01-01 to 2026-01-31)
    hint: register for a cohort whose registration is open
1 problem in 1 file (8 checked)
""", id="RM317-after-closing"),
])
def test_registration_inside_the_window(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param({EVE: person("eve", 301, cohort="c2", registered=AS_OF), **program(C2)}, OK8, id="valid-on-as-of"),
    pytest.param({EVE: person("eve", 301, cohort="c2", registered="2026-03-02"), **program(C2)}, """\
participants/eve.yaml:7:13: RM317 registered 2026-03-02 is after the as-of date 2026-03-01
    hint: use today's date
1 problem in 1 file (8 checked)
""", id="RM317-after-as-of"),
])
def test_registration_not_after_as_of(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


INVITE_ONLY = ("mode: open", "mode: invite-only\n  invitees: [ana, ben, cleo, dan, EVE]")


@pytest.mark.parametrize("files, expected", [
    pytest.param({EVE: person("eve", 301), **program(INVITE_ONLY)}, OK8, id="valid-invited-any-case"),
    pytest.param({"participants/fay.yaml": person("fay", 302), **program(INVITE_ONLY)}, """\
participants/fay.yaml:2:8: RM318 fay is not on the invite list of this invite-only program
    hint: ask a program admin to add you to registration.invitees
1 problem in 1 file (8 checked)
""", id="RM318"),
])
def test_invite_only_registration(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param({EVE: person("eve", 301, role="mentee", level=5)}, OK8, id="valid"),
    pytest.param({EVE: person("eve", 301, role="mentee", level=7)}, """\
participants/eve.yaml:8:8: RM319 unknown level 7
    hint: use one of: 1 (Associate), 2 (Senior associate), 3 (Manager), 4 (Director), 5 (Vice president)
1 problem in 1 file (8 checked)
""", id="RM319"),
])
def test_level_exists(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param({EVE: person("eve", 301, level=2),
                  "participants/fay.yaml": person("fay", 302, role="mentee", level=4)},
                 "ok: 9 files valid\n", id="valid-on-both-bounds"),
    pytest.param({EVE: person("eve", 301, level=3)}, """\
participants/eve.yaml:8:8: RM315 mentors must be at level 2 or below, eve is at 3
    hint: reverse mentors are junior colleagues; register as mentee instead
1 problem in 1 file (8 checked)
""", id="RM315-mentor-too-senior"),
    pytest.param({EVE: person("eve", 301, role="mentee", level=3)}, """\
participants/eve.yaml:8:8: RM315 mentees must be at level 4 or above, eve is at 3
    hint: senior leaders are the mentees; register as mentor instead
1 problem in 1 file (8 checked)
""", id="RM315-mentee-too-junior"),
])
def test_role_level_bounds(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param({EVE: person("eve", 301, timezone="America/Argentina/Buenos_Aires")}, OK8, id="valid"),
    pytest.param({EVE: person("eve", 301, timezone="Europe/Berln")}, """\
participants/eve.yaml:10:11: RM320 unknown time zone 'Europe/Berln'
    hint: use an IANA name such as Europe/Berlin
1 problem in 1 file (8 checked)
""", id="RM320"),
])
def test_time_zone_exists(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param({EVE: person("eve", 301, manager="Cleo")}, OK8, id="valid-any-case"),
    pytest.param({EVE: person("eve", 301, manager="ben"), "participants/ben.yaml": person("ben", 102, level="x")}, """\
participants/ben.yaml:8:8: RM203 level: expected a whole number, got "x"
    hint: Your job level number from program.yaml.
1 problem in 1 file (8 checked)
""", id="manager-with-a-broken-profile-is-not-missing"),
    pytest.param({EVE: person("eve", 301, manager="cleoo")}, """\
participants/eve.yaml:13:10: RM306 manager 'cleoo' has no profile
    hint: did you mean 'cleo'?
1 problem in 1 file (8 checked)
""", id="RM306-did-you-mean"),
    pytest.param({EVE: person("eve", 301, manager="zed")}, """\
participants/eve.yaml:13:10: RM306 manager 'zed' has no profile
    hint: use the manager's login, or leave manager out
1 problem in 1 file (8 checked)
""", id="RM306-no-close-match"),
])
def test_manager_exists(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param({EVE: person("eve", 301, manager="ana")}, OK8, id="valid"),
    pytest.param({EVE: person("eve", 301, manager="EVE")}, """\
participants/eve.yaml:13:10: RM307 a person cannot be their own manager
    hint: remove manager
1 problem in 1 file (8 checked)
""", id="RM307-self"),
])
def test_own_manager(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


def _managers(ana: str, ben: str, dan: str) -> dict[str, str]:
    return {"participants/ana.yaml": person("ana", 101, skills_offered="[generative-ai]", manager=ana),
            "participants/ben.yaml": person("ben", 102, department="Legal", manager=ben),
            "participants/dan.yaml": person("dan", 202, role="mentee", level=4, manager=dan)}


def test_reporting_chain_without_cycle_is_valid(program_repo: ProgramRepo) -> None:
    assert_validate(program_repo, {**_managers("ben", "dan", "cleo")}, OK7)


def test_reporting_cycle_is_reported_once_starting_at_the_file_it_is_reported_in(program_repo: ProgramRepo) -> None:
    # ana -> ben -> dan -> ana; the message is in ana.yaml, so it reads from ana
    assert_validate(program_repo, _managers("ben", "dan", "ana"), """\
participants/ana.yaml:14:10: RM307 reporting lines form a cycle: ana -> ben -> dan -> ana
    hint: someone's manager field is wrong; a chain of managers must end at the top
1 problem in 1 file (7 checked)
""")


@pytest.mark.parametrize("files, expected", [
    pytest.param({EVE: person("eve", 301, capacity=2)}, OK8, id="valid-at-max"),
    pytest.param({EVE: person("eve", 301, capacity=3)}, """\
participants/eve.yaml:13:11: RM316 capacity 3 is above the program's maximum of 2
    hint: use at most 2
1 problem in 1 file (8 checked)
""", id="RM316"),
])
def test_capacity_at_most_the_maximum(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param({EVE: person("eve", 301, working_style="\n  structure: 4")}, OK8, id="valid"),
    # an unknown key is reported at the key (line 15, column 3), like the schema's unknown keys
    pytest.param({EVE: person("eve", 301, working_style="\n  structure: 4\n  structur: 2\n  pace: 3")}, """\
participants/eve.yaml:15:3: RM321 unknown working-style question 'structur'
    hint: did you mean 'structure'?
participants/eve.yaml:16:3: RM321 unknown working-style question 'pace'
    hint: use a question id from program.yaml's working_style
2 problems in 1 file (8 checked)
""", id="RM321-at-the-key"),
])
def test_working_style_questions_exist(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param({EVE: person("eve", 301, skills_offered="[generative-ai, data-literacy]",
                              skills_wanted="[short-video]")}, OK8, id="valid"),
    pytest.param({EVE: person("eve", 301, skills_offered="[generative-ia, cooking]", skills_wanted="[short-vid]")}, """\
participants/eve.yaml:13:18: RM305 unknown skill 'generative-ia'
    hint: did you mean 'generative-ai'?
participants/eve.yaml:13:33: RM305 unknown skill 'cooking'
    hint: use a skill id from program.yaml's skills
participants/eve.yaml:14:17: RM305 unknown skill 'short-vid'
    hint: did you mean 'short-video'?
3 problems in 1 file (8 checked)
""", id="RM305"),
])
def test_profile_skills_exist(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param({EVE: person("eve", 301, visibility="{name: public, manager: admins, level: program}")}, OK8,
                 id="valid"),
    pytest.param({EVE: person("eve", 301, visibility="{name: public, manager: public}")}, """\
participants/eve.yaml:13:37: RM330 manager may not be public in this program
    hint: use program or admins; program.yaml privacy.public_fields lists what may be public
1 problem in 1 file (8 checked)
""", id="RM330"),
])
def test_public_only_what_the_program_allows(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


# --- matches.yaml -----------------------------------------------------------------------------

@pytest.mark.parametrize("files, expected", [
    pytest.param(matches(ACTIVE, pair("ben--dan", "ben", "dan")), OK7, id="valid"),
    pytest.param(matches(ACTIVE, pair("ben--cleo", "ben", "dan")), """\
matches.yaml:8:9: RM310 pair id 'ben--cleo' should be 'ben--dan'
    hint: a pair id is mentor--mentee
1 problem in 1 file (7 checked)
""", id="RM310"),
])
def test_pair_id_is_mentor_and_mentee(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param(matches(ACTIVE, pair("ben--dan", "ben", "dan"), pair("ana--dan", "ana", "dan", "ended")), OK7,
                 id="valid"),
    # reported at the second entry's id (line 13), not at the start of the list
    pytest.param(matches(ACTIVE, pair("ben--dan", "ben", "dan"), pair("ana--cleo", "ana", "cleo", "ended")), """\
matches.yaml:13:9: RM311 pair ana--cleo is listed twice
    hint: keep one entry per pair
1 problem in 1 file (7 checked)
""", id="RM311-at-the-duplicate"),
])
def test_pairs_are_listed_once(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param(matches(ACTIVE, pair("ben--dan", "ben", "dan", cohort="c-1")), """\
matches.yaml:9:13: RM304 ben is in cohort c1, the pair in c-1
    hint: pairs are made within one cohort
matches.yaml:9:13: RM304 dan is in cohort c1, the pair in c-1
    hint: pairs are made within one cohort
matches.yaml:9:13: RM304 unknown cohort 'c-1'
    hint: did you mean 'c1'?
3 problems in 1 file (7 checked)
""", id="RM304-unknown-cohort"),
    pytest.param({**matches(ACTIVE, pair("ben--dan", "ben", "dan", cohort="c2")), **program(C2)}, """\
matches.yaml:9:13: RM304 ben is in cohort c1, the pair in c2
    hint: pairs are made within one cohort
matches.yaml:9:13: RM304 dan is in cohort c1, the pair in c2
    hint: pairs are made within one cohort
2 problems in 1 file (7 checked)
""", id="RM304-cohort-mismatch"),
    pytest.param({**matches(ACTIVE, pair("ben--dan", "ben", "dan", cohort="c2")), **program(C2),
                  "participants/ben.yaml": person("ben", 102, cohort="c2"),
                  "participants/dan.yaml": person("dan", 202, role="mentee", level=4, cohort="c2")}, OK7,
                 id="valid-second-cohort"),
])
def test_pair_cohort(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param(matches(ACTIVE, pair("bem--dan", "bem", "dan")), """\
matches.yaml:10:13: RM333 warning: mentor 'bem' has no profile (withdrawn?): the active pair bem--dan ends
    hint: did you mean 'ben'? `rmcode match` records the pair as ended
ok: 7 files valid (1 warning)
""", id="RM333-mentor-did-you-mean"),
    pytest.param(matches(ACTIVE, pair("ben--zed", "ben", "zed")), """\
matches.yaml:11:13: RM333 warning: mentee 'zed' has no profile (withdrawn?): the active pair ben--zed ends
    hint: `rmcode match` records the pair as ended
ok: 7 files valid (1 warning)
""", id="RM333-mentee"),
    # a closed pair outlives its people
    pytest.param(matches(ACTIVE, pair("ben--zed", "ben", "zed", "completed")), OK7,
                 id="valid-completed-pair-of-someone-gone"),
    pytest.param({**matches(ACTIVE, pair("ben--dan", "ben", "dan")),
                  "participants/dan.yaml": person("dan", 202, role="mentee", level=4, name='""')}, """\
participants/dan.yaml:4:7: RM207 name: must be at least 1 character long
    hint: Your name as it should appear.
1 problem in 1 file (7 checked)
""", id="broken-profile-is-not-missing"),
])
def test_pair_people_exist(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param(matches(ACTIVE, pair("ben--dan", "ben", "dan")), OK7, id="valid"),
    pytest.param(matches(ACTIVE, pair("dan--ben", "dan", "ben")), """\
matches.yaml:10:13: RM309 dan is registered as mentee, not mentor
    hint: swap mentor and mentee or fix the profile's role
matches.yaml:11:13: RM309 ben is registered as mentor, not mentee
    hint: swap mentor and mentee or fix the profile's role
2 problems in 1 file (7 checked)
""", id="RM309-swapped"),
])
def test_pair_roles(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


GAP_3 = ("min_level_gap: 2", "min_level_gap: 3")


@pytest.mark.parametrize("files, expected", [
    pytest.param({**program(GAP_3), **matches(ACTIVE, pair("ben--dan", "ben", "dan"))}, OK7,
                 id="valid-gap-equals-minimum"),
    pytest.param({**program(GAP_3), **matches(ACTIVE, pair("ben--dan", "ben", "dan")),
                  "participants/ben.yaml": person("ben", 102, level=2)}, """\
matches.yaml:11:13: RM315 level gap 2 is below the minimum of 3 (ben at 2, dan at 4)
    hint: a reverse mentor must be junior to their mentee
1 problem in 1 file (7 checked)
""", id="RM315-level-gap"),
])
def test_pair_level_gap(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param({**matches(ACTIVE, pair("ana--dan", "ana", "dan")),
                  "participants/ana.yaml": person("ana", 101, capacity=2)}, OK7, id="valid-capacity-2"),
    pytest.param(matches(ACTIVE, pair("ana--dan", "ana", "dan", "completed")), OK7,
                 id="valid-closed-pairs-do-not-count"),
    # reported at the mentor of the first open pair beyond capacity (ana--dan, line 10)
    pytest.param(matches(ACTIVE, pair("ana--dan", "ana", "dan", "proposed")), """\
matches.yaml:10:13: RM316 ana has 2 open pairs, capacity is 1
    hint: end a pair or raise capacity in the profile
1 problem in 1 file (7 checked)
""", id="RM316-over-capacity"),
])
def test_mentor_capacity(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param(matches(ACTIVE, pair("ben--cleo", "ben", "cleo", "ended")), OK7, id="valid-one-open"),
    # reported at the mentee of the second open pair (line 11)
    pytest.param(matches(ACTIVE, pair("ben--cleo", "ben", "cleo", "proposed")), """\
matches.yaml:11:13: RM325 mentee cleo is in 2 open pairs
    hint: a mentee has one mentor at a time
1 problem in 1 file (7 checked)
""", id="RM325"),
])
def test_mentee_has_one_open_pair(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


# --- check-ins --------------------------------------------------------------------------------

@pytest.mark.parametrize("files, expected", [
    pytest.param(checkin("checkins/ana--cleo/2026-02-10-cleo.yaml", author="cleo"), OK7, id="valid-mentee-author"),
    pytest.param(checkin("checkins/ana--dan/2026-02-10-ana.yaml"), """\
checkins/ana--dan/2026-02-10-ana.yaml:2:7: RM312 check-in for pair ana--cleo is in folder checkins/ana--dan/
    hint: move it to checkins/ana--cleo/
1 problem in 1 file (7 checked)
""", id="RM312-folder"),
    pytest.param(checkin("checkins/ana--cleo/2026-02-11-ana.yaml"), """\
checkins/ana--cleo/2026-02-11-ana.yaml:3:7: RM312 file name should be 2026-02-10-ana.yaml
    hint: name check-ins <date>-<author>.yaml
1 problem in 1 file (7 checked)
""", id="RM312-file-name-date"),
    pytest.param(checkin("checkins/ana--cleo/2026-02-10-cleo.yaml"), """\
checkins/ana--cleo/2026-02-10-cleo.yaml:3:7: RM312 file name should be 2026-02-10-ana.yaml
    hint: name check-ins <date>-<author>.yaml
1 problem in 1 file (7 checked)
""", id="RM312-file-name-author"),
])
def test_checkin_file_location(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param(checkin("checkins/ana--clea/2026-02-10-ana.yaml", "ana--clea"), """\
checkins/ana--clea/2026-02-10-ana.yaml:2:7: RM312 unknown pair 'ana--clea'
    hint: did you mean 'ana--cleo'?
1 problem in 1 file (7 checked)
""", id="RM312-did-you-mean"),
    pytest.param(checkin("checkins/zed--yan/2026-02-10-zed.yaml", "zed--yan", author="zed"), """\
checkins/zed--yan/2026-02-10-zed.yaml:2:7: RM312 unknown pair 'zed--yan'
    hint: use a pair id from matches.yaml
1 problem in 1 file (7 checked)
""", id="RM312-no-close-match"),
])
def test_checkin_pair_exists(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param(checkin("checkins/ana--cleo/2026-02-10-Cleo.yaml", author="Cleo"), OK7, id="valid-any-case"),
    pytest.param(checkin("checkins/ana--cleo/2026-02-10-ben.yaml", author="ben"), """\
checkins/ana--cleo/2026-02-10-ben.yaml:4:9: RM313 ben is not in pair ana--cleo
    hint: log sessions only for your own pair
1 problem in 1 file (7 checked)
""", id="RM313"),
])
def test_checkin_author_belongs_to_the_pair(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param(checkin(f"checkins/ana--cleo/{AS_OF}-ana.yaml", date=AS_OF), OK7, id="valid-on-as-of"),
    pytest.param(checkin("checkins/ana--cleo/2026-02-01-ana.yaml", date="2026-02-01"), OK7, id="valid-on-cohort-start"),
    pytest.param(checkin("checkins/ana--cleo/2026-03-02-ana.yaml", date="2026-03-02"), """\
checkins/ana--cleo/2026-03-02-ana.yaml:3:7: RM314 date 2026-03-02 is after the as-of date 2026-03-01
    hint: log sessions after they happen
1 problem in 1 file (7 checked)
""", id="RM314-after-as-of"),
    pytest.param(checkin("checkins/ana--cleo/2026-01-31-ana.yaml", date="2026-01-31"), """\
checkins/ana--cleo/2026-01-31-ana.yaml:3:7: RM314 date 2026-01-31 is outside cohort c1 (2026-02-01 to 2026-06-30)
    hint: check the date
1 problem in 1 file (7 checked)
""", id="RM314-before-cohort"),
])
def test_checkin_dates(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param(matches(pair("ana--cleo", "ana", "cleo", "completed")), OK7, id="valid-completed-pair"),
    pytest.param(matches(pair("ana--cleo", "ana", "cleo", "proposed")), """\
checkins/ana--cleo/2026-02-10-ana.yaml:2:7: RM314 pair ana--cleo is only proposed, not yet approved
    hint: log sessions once the pair is active
1 problem in 1 file (7 checked)
""", id="RM314-proposed"),
])
def test_checkin_for_an_approved_pair_only(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param(checkin(CHECKIN, topics="[generative-ai, short-video, data-literacy]"), OK7, id="valid"),
    pytest.param(checkin(CHECKIN, topics="[generative-ai, short-vide, cooking]"), """\
checkins/ana--cleo/2026-02-10-ana.yaml:6:25: RM305 unknown skill 'short-vide'
    hint: did you mean 'short-video'?
checkins/ana--cleo/2026-02-10-ana.yaml:6:37: RM305 unknown skill 'cooking'
    hint: use a skill id from program.yaml's skills
2 problems in 1 file (7 checked)
""", id="RM305-topics"),
])
def test_checkin_topics_exist(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


GOALS = {"participants/cleo.yaml": person("cleo", 201, role="mentee", level=5,
                                          goals="{learn: [{id: use-ai, text: Use AI daily}]}"),
         "participants/ana.yaml": person("ana", 101, goals="{grow: [{id: present, text: Present to the board}]}")}


@pytest.mark.parametrize("files, expected", [
    pytest.param({**GOALS,
                  **checkin(CHECKIN, goals="[{goal: use-ai, progress: started}, {goal: present, progress: achieved}]")},
                 OK7, id="valid-goals-of-both-sides"),
    pytest.param({**GOALS,
                  **checkin(CHECKIN, goals="[{goal: use-al, progress: started}, {goal: x, progress: achieved}]")}, """\
checkins/ana--cleo/2026-02-10-ana.yaml:6:16: RM323 unknown goal 'use-al' for pair ana--cleo
    hint: did you mean 'use-ai'?
checkins/ana--cleo/2026-02-10-ana.yaml:6:51: RM323 unknown goal 'x' for pair ana--cleo
    hint: use a goal id from the mentor's or mentee's profile
2 problems in 1 file (7 checked)
""", id="RM323"),
])
def test_checkin_goals_exist(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


# --- survey responses -------------------------------------------------------------------------

PULSE = ("privacy:", """  - id: pulse
    name: Pulse
    questions:
      - {id: mood, text: Mood, type: choice, choices: [good, mixed, bad], required: true}
privacy:""")


@pytest.mark.parametrize("files, expected", [
    pytest.param(response("surveys/closing/cleo.yaml", pair="ana--cleo",
                          answers="{would-continue: false, overall: 1, highlight: AI}"),
                 OK8, id="valid-closing"),
    pytest.param({**program(PULSE), **response("surveys/pulse/ana.yaml", "pulse", "ana", answers="{mood: mixed}")},
                 OK8, id="valid-pulse"),
    pytest.param(response("surveys/pulse/cleo.yaml"), """\
surveys/pulse/cleo.yaml:2:9: RM322 response to closing is in folder surveys/pulse/
    hint: move it to surveys/closing/
1 problem in 1 file (8 checked)
""", id="RM322-folder"),
    pytest.param(response("surveys/closing/cleo.yaml", respondent="dan"), """\
surveys/closing/cleo.yaml:3:13: RM322 respondent does not match the file name
    hint: name the file dan.yaml
1 problem in 1 file (8 checked)
""", id="RM322-file-name"),
    pytest.param(response("surveys/closing/zed.yaml", respondent="zed"), """\
surveys/closing/zed.yaml:3:13: RM333 warning: respondent 'zed' has no profile (withdrawn?)
    hint: use your GitHub login; it needs a profile in participants/
ok: 8 files valid (1 warning)
""", id="RM333-respondent"),
    pytest.param(response("surveys/closing/cleo.yaml", date="2026-03-02"), """\
surveys/closing/cleo.yaml:4:7: RM314 date 2026-03-02 is after the as-of date 2026-03-01
    hint: use the day you answered
1 problem in 1 file (8 checked)
""", id="RM314-after-as-of"),
])
def test_survey_response_file_and_respondent(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param(response("surveys/closing/cleo.yaml", pair="ana--clea"), """\
surveys/closing/cleo.yaml:5:7: RM312 unknown pair 'ana--clea'
    hint: did you mean 'ana--cleo'?
1 problem in 1 file (8 checked)
""", id="RM312-unknown-pair"),
    pytest.param(response("surveys/closing/dan.yaml", respondent="dan", pair="ana--cleo"), """\
surveys/closing/dan.yaml:5:7: RM313 dan is not in pair ana--cleo
    hint: answer only for your own pair
1 problem in 1 file (8 checked)
""", id="RM313-not-in-pair"),
])
def test_survey_response_pair(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param(response("surveys/closng/cleo.yaml", "closng"), """\
surveys/closng/cleo.yaml:2:9: RM322 unknown survey 'closng'
    hint: did you mean 'closing'?
1 problem in 1 file (8 checked)
""", id="RM322-did-you-mean"),
    pytest.param(response("surveys/exit/cleo.yaml", "exit"), """\
surveys/exit/cleo.yaml:2:9: RM322 unknown survey 'exit'
    hint: use a survey id from program.yaml's surveys
1 problem in 1 file (8 checked)
""", id="RM322-no-close-match"),
    # unknown answer keys are reported at the key, like unknown keys everywhere else
    pytest.param(response("surveys/closing/cleo.yaml", answers="\n  would-continue: true\n  overal: 4\n  mood: 3"), """\
surveys/closing/cleo.yaml:7:3: RM322 survey closing has no question 'overal'
    hint: did you mean 'overall'?
surveys/closing/cleo.yaml:8:3: RM322 survey closing has no question 'mood'
    hint: use a question id of survey closing in program.yaml
2 problems in 1 file (8 checked)
""", id="RM322-unknown-question-at-the-key"),
])
def test_survey_and_questions_exist(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param(response("surveys/closing/cleo.yaml", answers="{would-continue: no, overall: 6, highlight: 5}"), """\
surveys/closing/cleo.yaml:5:27: RM331 would-continue: answer true or false
    hint: write true or false (YAML words like yes, no, on, off are read as text here)
surveys/closing/cleo.yaml:5:40: RM331 overall: answer a whole number from 1 to 5
    hint: e.g. overall: 5
surveys/closing/cleo.yaml:5:54: RM331 highlight: answer with text
    hint: put the answer in quotes
3 problems in 1 file (8 checked)
""", id="RM331-yes-no-scale-text"),
    pytest.param(response("surveys/closing/cleo.yaml", answers="{would-continue: 1, overall: true}"), """\
surveys/closing/cleo.yaml:5:27: RM331 would-continue: answer true or false
    hint: write true or false (YAML words like yes, no, on, off are read as text here)
surveys/closing/cleo.yaml:5:39: RM331 overall: answer a whole number from 1 to 5
    hint: e.g. overall: 5
2 problems in 1 file (8 checked)
""", id="RM331-number-for-yes-no-and-boolean-for-scale"),
    pytest.param({**program(PULSE), **response("surveys/pulse/ana.yaml", "pulse", "ana", answers="{mood: great}")}, """\
surveys/pulse/ana.yaml:5:17: RM331 mood: answer one of: good, mixed, bad
    hint: e.g. mood: "good"
1 problem in 1 file (8 checked)
""", id="RM331-choice"),
    pytest.param({**program(PULSE), **response("surveys/pulse/ana.yaml", "pulse", "ana", answers="{}")}, """\
surveys/pulse/ana.yaml:5:10: RM331 missing answer to required question 'mood'
    hint: add mood:
1 problem in 1 file (8 checked)
""", id="RM331-required"),
])
def test_survey_answers(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


# --- rules inside program.yaml ----------------------------------------------------------------

@pytest.mark.parametrize("files, expected", [
    pytest.param(program(("  - {id: data-literacy, name: Data literacy}",
                          "  - {id: data-literacy, name: Data literacy}\n  - {id: data-viz, name: Data viz}")), OK7,
                 id="valid"),
    # reported at the id of the second entry (skills: line 37 is the 4th skill)
    pytest.param(program(("  - {id: data-literacy, name: Data literacy}",
                          "  - {id: data-literacy, name: Data literacy}\n  - {id: short-video, name: Video}")), """\
program.yaml:40:10: RM324 skills: 'short-video' is listed twice
    hint: ids must be unique
1 problem in 1 file (7 checked)
""", id="RM324-skills"),
    pytest.param(program(("  - {level: 5, name: Vice president}",
                          "  - {level: 5, name: Vice president}\n  - {level: 2, name: Again}")), """\
program.yaml:20:13: RM324 levels: '2' is listed twice
    hint: ids must be unique
1 problem in 1 file (7 checked)
""", id="RM324-levels"),
    pytest.param(program(("    github_id: 900", "    github_id: 900\n  - login: admin-bob\n    github_id: 900")), """\
program.yaml:13:16: RM324 admins: '900' is listed twice
    hint: ids must be unique
1 problem in 1 file (7 checked)
""", id="RM324-admins"),
])
def test_program_ids_are_unique(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


def test_cohort_registration_closes_before_it_opens(program_repo: ProgramRepo) -> None:
    # the window is wrong, so every profile of the cohort is outside it too
    outside = "".join(f"""\
participants/{login}.yaml:7:13: RM317 registered 2026-01-10 is outside cohort c1's registration window \
(2026-01-31 to 2026-01-01)
    hint: register for a cohort whose registration is open
""" for login in ("ana", "ben", "cleo", "dan"))
    assert_validate(program_repo,
                    program(("{opens: 2026-01-01, closes: 2026-01-31}", "{opens: 2026-01-31, closes: 2026-01-01}")),
                    outside + """\
program.yaml:28:19: RM326 cohort c1: registration closes before it opens
    hint: swap opens and closes
5 problems in 5 files (7 checked)
""")


@pytest.mark.parametrize("files, expected", [
    pytest.param(program(("end: 2026-06-30", "end: 2026-02-10")), OK7, id="valid-last-day-of-a-check-in"),
    pytest.param(program(("end: 2026-06-30", "end: 2026-01-30")), """\
checkins/ana--cleo/2026-02-10-ana.yaml:3:7: RM314 date 2026-02-10 is outside cohort c1 (2026-02-01 to 2026-01-30)
    hint: check the date
program.yaml:30:10: RM326 cohort c1: ends before it starts
    hint: check start and end
2 problems in 2 files (7 checked)
""", id="RM326-end-before-start"),
])
def test_cohort_dates_in_order(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param(program(("{default: 1, max: 2}", "{default: 2, max: 2}")), OK7, id="valid-equal"),
    pytest.param(program(("{default: 1, max: 2}", "{default: 3, max: 2}")), """\
program.yaml:24:20: RM344 default capacity is above the maximum
    hint: lower default or raise max
1 problem in 1 file (7 checked)
""", id="RM344-default-above-max"),
])
def test_capacity_default_at_most_max(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param(program(("  - {id: agreement, name: Agree on goals, day: 14}",
                          "  - {id: agreement, name: Agree on goals, day: 0}\n  - {id: late, name: Late, at: end}")),
                 OK7, id="valid-day-0-and-end"),
    pytest.param(program(("  - {id: agreement, name: Agree on goals, day: 14}",
                          "  - {id: agreement, name: Agree on goals}\n  - {id: both, name: Both, day: 3, at: end}")),
                 """\
program.yaml:34:5: RM327 milestone agreement: give either day or at: end
    hint: e.g. day: 14
program.yaml:35:5: RM327 milestone both: give either day or at: end
    hint: e.g. day: 14
2 problems in 1 file (7 checked)
""", id="RM327-neither-and-both"),
])
def test_milestone_has_day_or_end(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param(program(("metric: match_rate", "metric: average_rating")), OK7, id="valid"),
    pytest.param(program(("metric: match_rate", "metric: match_rat")), """\
program.yaml:46:48: RM328 kpi match-rate: unknown metric 'match_rat'
    hint: did you mean 'match_rate'?
1 problem in 1 file (7 checked)
""", id="RM328-did-you-mean"),
    pytest.param(program(("metric: match_rate", "metric: happiness")), """\
program.yaml:46:48: RM328 kpi match-rate: unknown metric 'happiness'
    hint: use one of: average_rating, early_closure_rate, first_session_fit_rate, \
goal_progress_share, match_rate, mentoring_hours, \
pairs_on_track_share, pairs_with_3_sessions_share, participation_share, registrations, sessions_per_pair, \
skills_covered_share, time_to_match_days, would_continue_share
1 problem in 1 file (7 checked)
""", id="RM328-no-close-match"),
])
def test_kpi_metric_exists(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param(program(PULSE, ("at: end, survey: closing", "at: end, survey: pulse")), OK7, id="valid"),
    pytest.param(program(("at: end, survey: closing", "at: end, survey: closin")), """\
program.yaml:35:58: RM345 milestone closing: unknown survey 'closin'
    hint: did you mean 'closing'?
1 problem in 1 file (7 checked)
""", id="RM345-milestone-survey"),
])
def test_milestone_survey_exists(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param(program(PULSE), OK7, id="valid"),
    # reported at the question (the 4th of survey closing, line 54)
    pytest.param(program(("      - {id: highlight, text: Highlight, type: text}",
                          ("      - {id: highlight, text: Highlight, type: text}\n"
                           "      - {id: pick, text: Pick, type: choice}"))), """\
program.yaml:54:9: RM329 question pick: a choice question needs choices
    hint: add choices: [...]
1 problem in 1 file (7 checked)
""", id="RM329-at-the-question"),
])
def test_choice_question_has_choices(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)


@pytest.mark.parametrize("files, expected", [
    pytest.param(program(("type: scale, min: 1, max: 5", "type: scale, min: 0, max: 1")), OK7, id="valid"),
    pytest.param(program(("type: scale, min: 1, max: 5", "type: scale, min: 5, max: 5")), """\
program.yaml:52:9: RM329 question overall: min must be below max
    hint: e.g. min: 1, max: 5
1 problem in 1 file (7 checked)
""", id="RM329-scale-min-not-below-max"),
])
def test_scale_question_range(program_repo: ProgramRepo, files: Files, expected: str) -> None:
    assert_validate(program_repo, files, expected)
