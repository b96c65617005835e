"""A program owner's first weeks, end to end, through the real CLI in a fresh Git repository.

`rmcode init` -> `register` (people whose text YAML likes to misread) -> `match` ->
approval -> `log` -> `validate`, `status`, `report`, `build`, `nudge`, `codeowners`,
`check-pr` and `pr-summary` between commits by different people. The journey runs once
per module; each test checks one step. Every file rmcode wrote must validate and read
back as exactly what was typed.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import Result
from conftest import ProgramRepo, commit_all, git, run

from rmcode.load.loader import load_bytes
from rmcode.validate.schema import load_schema

ADMIN_ID = "583231"
COHORT = "2026-spring"
LONG_BIO = "no " * 600 + "end"
# login -> (flags, the fields that must read back exactly as typed)
PEOPLE: dict[str, tuple[list[str], dict[str, object]]] = {
    "jose": (["--github-id", "11", "--role", "mentor", "--level", "1", "--languages", "en,de",
              "--skills-offered", "generative-ai,short-video", "--goal", "no", "--goal", "0755",
              "--public", "name", "--public", "bio", "--public", "title"],
             {"name": "José Ñúñez «Zé» 'the \"kid\"'", "department": "R&D: Labs #2", "title": "null",
              "location": "12:30", "bio": LONG_BIO}),
    "yuki": (["--github-id", "12", "--role", "mentor", "--level", "2", "--timezone", "Asia/Tokyo",
              "--languages", "en,ja", "--skills-offered", "social-media", "--public", "name"],
             {"name": "田中 ゆき 🚀", "department": "#marketing", "title": "-- Analyst",
              "bio": "- leading dash: colon # hash"}),
    "no": (["--github-id", "13", "--role", "mentor", "--level", "1", "--skills-offered", "generative-ai"],
           {"name": "-x", "department": "-", "title": "on", "location": "0x1F"}),
    "ceo-bob": (["--github-id", "21", "--role", "mentee", "--level", "8", "--skills-wanted",
                 "generative-ai,short-video", "--goal", "Learn: ai", "--public", "name"],
                {"name": "null", "department": "no", "title": "yes", "bio": "0755"}),
    "VP-Sara": (["--github-id", "22", "--role", "mentee", "--level", "7", "--timezone", "America/New_York",
                 "--skills-wanted", "social-media", "--availability", "mon 19:00-21:00"],  # Tokyo's Tuesday morning
                {"name": "Sara O'Neil-عربي", "department": "Finance", "bio": "[link](javascript:x) {{ y }}"}),
}
PRIVATE = ("PRIVATE-NOTE-e2e", "PRIVATE-CONCERN-e2e")


@dataclass
class Journey:
    root: Path
    steps: dict[str, Result] = field(default_factory=dict)

    def do(self, step: str, *args: str) -> Result:
        result = run(*args)
        self.steps[step] = result
        assert result.exit_code in (0, 1, 2), (step, result.output)
        return result


def _register(journey: Journey, login: str) -> None:
    flags, typed = PEOPLE[login]
    defaults = {"--timezone": "Europe/Berlin", "--languages": "en"}
    args = [arg for key, value in defaults.items() if key not in flags for arg in (key, value)]
    for key, value in typed.items():
        args += [f"--{key}", str(value)]
    journey.do(f"register {login}", "register", "--root", str(journey.root), "--no-input", "--as-of", "2026-01-10",
               "--login", login, "--cohort", COHORT, "--availability", "tue 09:00-11:00", *flags, *args)


def _approve(root: Path) -> None:
    matches = root / "matches.yaml"
    text = matches.read_text(encoding="utf-8")
    matches.write_text(text.replace("status: proposed", "status: active").replace("proposed: 2026-01-20",
                                                                                   "matched: 2026-02-09"),
                       encoding="utf-8")


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Journey]:
    with pytest.MonkeyPatch.context() as patch:  # conftest's HOME guard is per test; this runs before it
        patch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
        for key in ("GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"):
            patch.setenv(key, "Owner")
        for key in ("GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"):
            patch.setenv(key, "owner@example.com")
        yield _walk(tmp_path_factory.mktemp("owner") / "acme-mentoring")


def _walk(root: Path) -> Journey:
    j = Journey(root)
    j.do("init", "init", str(root), "--no-input", "--name", "Acmé Reverse Mentoring", "--organisation", "Acme: Inc #1",
         "--admin", "octocat", "--admin-id", ADMIN_ID, "--opens", "2026-01-05", "--repository", "acme/mentoring",
         "--contact-email", "mentoring@acme.example")
    program = root / "program.yaml"  # the owner writes the objective, as `rmcode validate` asks
    program.write_text(program.read_text(encoding="utf-8").replace(
        "Replace this text with your program's own objective.", "Leaders learn; juniors are heard."), encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "rmcode init", "2026-01-05T09:00:00+00:00")
    for login in PEOPLE:
        _register(j, login)
    j.do("validate registrations", "validate", "--root", str(root), "--as-of", "2026-01-20")
    commit_all(root, "registrations", "2026-01-20T09:00:00+00:00")
    j.do("match", "match", "--root", str(root))
    j.do("match again", "match", "--root", str(root), "--dry-run", "--format", "json")
    _approve(root)
    commit_all(root, "approve pairs", "2026-02-09T09:00:00+00:00")
    for login, extra in (("jose", ["--goal", "no:started", "--next-steps", "no: 12:30 #1", "--notes", PRIVATE[0]]),
                         ("ceo-bob", ["--goal", "learn-ai:progressing", "--concern", PRIVATE[1]])):
        j.do(f"log {login}", "log", "--root", str(root), "--no-input", "--login", login, "--date", "2026-02-12",
             "--as-of", "2026-02-12", "--topics", "generative-ai", "--rating", "5", "--good-fit", *extra)
    commit_all(root, "first sessions", "2026-03-01T09:00:00+00:00")
    for step, args in {
        "validate": ["validate"], "status": ["status"], "report md": ["report"],
        "report json": ["report", "--format", "json"], "report csv": ["report", "--format", "csv"],
        "report private": ["report", "--private"], "nudge": ["nudge"], "codeowners": ["codeowners", "--check"],
    }.items():
        j.do(step, *args[:1], "--root", str(root), *args[1:])
    j.do("build", "build", "--root", str(root), "--out", str(root.parent / "site"))
    return j


def test_init_creates_a_program_that_validates(journey: Journey) -> None:
    assert journey.steps["init"].exit_code == 0
    assert journey.steps["init"].output.startswith(f"Created 30 files in {journey.root}. Next:\n")
    program = load_bytes("program.yaml", (journey.root / "program.yaml").read_bytes()).data
    assert (program["name"], program["organisation"], program["cohorts"][0]["id"]) == \
        ("Acmé Reverse Mentoring", "Acme: Inc #1", COHORT)


@pytest.mark.parametrize("login", sorted(PEOPLE))
def test_register_writes_exactly_what_was_typed(journey: Journey, login: str) -> None:
    result = journey.steps[f"register {login}"]
    assert (result.exit_code, result.output) == (0, f"wrote participants/{login}.yaml\n")
    text = (journey.root / "participants" / f"{login}.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/participant.schema.json\n")
    for reader in (lambda t: load_bytes("p.yaml", t.encode()).data, yaml.safe_load):  # YAML 1.2 and 1.1
        data = reader(text)
        assert data["login"] == login
        assert {k: data.get(k) for k in PEOPLE[login][1]} == PEOPLE[login][1]


def test_goals_that_look_like_yaml_keep_their_text(journey: Journey) -> None:
    data = yaml.safe_load((journey.root / "participants" / "jose.yaml").read_text(encoding="utf-8"))
    assert data["goals"] == {"grow": [{"id": "no", "text": "no"}, {"id": "0755", "text": "0755"}]}


def test_match_proposes_the_best_pairs_and_explains_the_rest(journey: Journey) -> None:
    assert journey.steps["validate registrations"].output == "ok: 6 files valid\n"
    assert journey.steps["match"].output == (
        "cohorts matched: 2026-spring\n2 pairs proposed (mean score 0.8000), 1 unmatched\n"
        "optimal (certified) in 2026-spring: 6 cells checked (3 eligible), 1 round; "
        "primal total 56,002 = dual bound 56,002\n"
        "  jose--ceo-bob  0.8500  covers 2 of 2 skills null wants: Generative AI, Short video; both free Tue "
        "mornings; different departments (R&D: Labs #2, no); same time zone\n"
        "  yuki--VP-Sara  0.7500  covers 1 of 1 skill Sara O'Neil-عربي wants: Social media; both free Mon evenings; "
        "different departments (#marketing, Finance); time zones 14 h apart\n"
        "unmatched:\n  no  2026-spring  the only eligible mentee is matched with another mentor\n"
        "wrote matches.yaml (2 pairs, 1 unmatched in all cohorts)\n")
    again = json.loads(journey.steps["match again"].output)  # a second run proposes the same
    assert [(p["id"], p["score"]) for p in again["proposed"]] == [("jose--ceo-bob", 0.85), ("yuki--VP-Sara", 0.75)]
    written = load_bytes("matches.yaml", (journey.root / "matches.yaml").read_bytes()).data
    assert written["unmatched"] == [{"login": "no", "cohort": COHORT,
                                     "reason": "the only eligible mentee is matched with another mentor"}]


def test_logs_are_written_for_the_pair_and_validate(journey: Journey) -> None:
    for login in ("jose", "ceo-bob"):
        result = journey.steps[f"log {login}"]
        assert (result.exit_code, result.stdout) == (0, f"wrote checkins/jose--ceo-bob/2026-02-12-{login}.yaml\n")
    checkin = yaml.safe_load((journey.root / "checkins/jose--ceo-bob/2026-02-12-jose.yaml").read_text("utf-8"))
    assert (checkin["author"], checkin["next_steps"], checkin["goals"]) == \
        ("jose", "no: 12:30 #1", [{"goal": "no", "progress": "started"}])
    assert journey.steps["validate"].exit_code == 0
    assert journey.steps["validate"].output.startswith("ok: ")


def test_status_shows_the_pair_on_track(journey: Journey) -> None:
    result = journey.steps["status"]
    assert result.exit_code == 0
    assert result.output.startswith("Acmé Reverse Mentoring (Acme: Inc #1), as of 2026-03-01\n")
    assert "  jose--ceo-bob  on-track  1/6       1         17%       2026-02-12  2026-02-26\n" in result.output


def test_reports_parse_and_keep_private_text_private(journey: Journey) -> None:
    public = journey.steps["report json"].output
    jsonschema.validate(json.loads(public), load_schema("report"))
    rows = list(csv.reader(io.StringIO(journey.steps["report csv"].output)))
    assert rows[0] == ["section", "item", "field", "value"] and all(len(r) == 4 for r in rows)
    assert journey.steps["report md"].output.startswith("# Acmé Reverse Mentoring: progress report\n")
    for step in ("report md", "report json", "report csv", "nudge", "status"):
        assert [m for m in PRIVATE if m in journey.steps[step].output] == [], step
    private = journey.steps["report private"].output
    assert f"| concern | jose--ceo-bob | ceo-bob | ceo-bob raised a low concern on 2026-02-12: {PRIVATE[1]} | " \
           "checkins/jose--ceo-bob/2026-02-12-ceo-bob.yaml:13 |" in private


def test_nudge_and_codeowners(journey: Journey) -> None:
    nudge = journey.steps["nudge"].output
    assert journey.steps["nudge"].exit_code == 0
    assert "- People waiting for a match for two weeks or more: 1\n" in nudge
    assert "@" not in nudge and "VP-Sara" not in nudge  # the public issue names nobody
    assert journey.steps["codeowners"].output == "ok: .github/CODEOWNERS is up to date\n"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handlers += [name for name, _ in attrs if name.startswith("on")]


def test_the_site_builds_with_every_page_and_nothing_private(journey: Journey) -> None:
    result = journey.steps["build"]
    assert result.exit_code == 0, result.output
    site = journey.root.parent / "site"
    pages = sorted(p.name for p in site.glob("*.html"))
    assert pages == ["404.html", "dashboard.html", "downloads.html", "faq.html", "index.html", "join.html",
                     "log-session.html", "matching.html", "pairs.html", "participants.html", "rules.html"]
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".csv", ".svg", ".xml"):
            text = path.read_text(encoding="utf-8")
            assert [m for m in PRIVATE if m in text] == [], path
            if path.suffix == ".html":
                page = _Page()
                page.feed(text)
                assert page.handlers == [], path
    directory = (site / "participants.html").read_text(encoding="utf-8")
    assert "José Ñúñez «Zé» &#39;the &#34;kid&#34;&#39;" in directory  # public: shown, as text
    assert "Sara O" not in directory  # VP-Sara made nothing public


def test_check_pr_between_commits_by_different_people(journey: Journey) -> None:
    root = journey.root
    base = git(root, "rev-parse", "HEAD").strip()
    git(root, "checkout", "-q", "-b", "jose-logs")
    logged = run("log", "--root", str(root), "--no-input", "--login", "jose", "--date", "2026-02-26",
                 "--as-of", "2026-03-01", "--rating", "4")
    assert logged.exit_code == 0, logged.output
    commit_all(root, "jose logs a session", "2026-03-02T09:00:00+00:00")
    own = git(root, "rev-parse", "HEAD").strip()
    profile = root / "participants" / "yuki.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("title: -- Analyst", "title: Hacked"),
                       encoding="utf-8")
    commit_all(root, "jose edits yuki", "2026-03-03T09:00:00+00:00")
    other = git(root, "rev-parse", "HEAD").strip()

    def check(head: str, author_id: str, login: str) -> Result:
        return run("check-pr", "--root", str(root), "--base", base, "--head", head, "--author-id", author_id,
                   "--author", login)
    assert (check(own, "11", "jose").exit_code, check(own, "12", "yuki").exit_code) == (0, 1)
    mixed = check(other, "11", "jose")
    assert mixed.exit_code == 1
    assert "  needs-admin  participants/yuki.yaml (modified): this profile belongs to github_id 12, not to you " \
           "(11)\n" in mixed.output
    assert check(other, ADMIN_ID, "octocat").exit_code == 0
    summary = run("pr-summary", "--root", str(root), "--base", base, "--head", other)
    assert summary.output == ("## What this pull request changes\n\n- **Profile updated**: yuki (job title)\n"
                              "- **Session logged** for pair jose--ceo-bob on 2026-02-26 by jose (45 minutes)\n\n"
                              "2 files changed.\n")
    git(root, "checkout", "-q", "main")


# --- regressions found on this journey ---------------------------------------------------------

INIT = ("--no-input", "--admin", "octocat", "--admin-id", "1", "--organisation", "Org", "--opens", "2026-01-05")


@pytest.mark.parametrize(("flags", "message"), [
    (["--id", "Bad Id!"], 'program.yaml:14:5: RM206 id: "Bad Id!" does not have the expected form\n'),
    (["--name", ""], "program.yaml:15:7: RM207 name: must be at least 1 character long\n"),
    (["--contact-email", "not an email"], 'program.yaml:23:10: RM205 email: "not an email" is not a valid email\n'),
    (["--organisation", "x" * 201], "program.yaml:16:15: RM207 organisation: is longer than 200 characters\n"),
])
def test_init_refuses_settings_the_schema_refuses_and_writes_nothing(tmp_path: Path, flags: list[str],
                                                                      message: str) -> None:
    # init used to write a program.yaml that failed `rmcode validate` on the first try
    result = run("init", str(tmp_path / "new"), *INIT, *flags)
    assert (result.exit_code, result.output[:len(message)]) == (1, message)
    assert not (tmp_path / "new").exists()


def test_init_with_no_room_for_a_cohort_before_the_year_10000_is_a_usage_error(tmp_path: Path) -> None:
    result = run("init", str(tmp_path / "new"), *INIT, "--opens", "9999-12-01")  # used to crash: OverflowError
    assert result.exit_code == 2
    assert result.output.endswith("Error: Invalid value for --opens: leaves no room for the first cohort before "
                                  "the year 10000\n")


def test_init_keeps_a_multi_line_organisation_inside_its_comment(tmp_path: Path) -> None:
    organisation = "Org\nregistration: {mode: invite-only}\n#"
    result = run("init", str(tmp_path / "new"), *INIT, "--organisation", organisation)
    assert result.exit_code == 0, result.output
    text = (tmp_path / "new" / "program.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[1] == ("# The rules of Org registration: {mode: invite-only} #'s reverse mentoring "
                                    "program, written by `rmcode init`.")
    assert load_bytes("program.yaml", text.encode()).data["organisation"] == organisation
    assert run("validate", "--root", str(tmp_path / "new")).exit_code == 0


REGISTER = ("--no-input", "--name", "Zed", "--role", "mentor", "--cohort", "c1", "--level", "1", "--department", "X",
            "--timezone", "UTC", "--languages", "en", "--as-of", "2026-01-10")


def test_register_refuses_a_github_id_that_an_earlier_file_holds(program_repo: ProgramRepo) -> None:
    # the duplicate is reported on the file that sorts second: ana.yaml, not the new aaa.yaml,
    # and register used to look only at problems of the new file
    root = program_repo()
    result = run("register", "--root", str(root), "--login", "aaa", "--github-id", "101", *REGISTER)
    assert (result.exit_code, result.output) == (1, ("participants/ana.yaml:3:12: RM303 github_id 101 is already "
                                                     "used by participants/aaa.yaml\n    hint: each person has one "
                                                     "profile\n"))
    assert not (root / "participants" / "aaa.yaml").exists()
    assert run("validate", "--root", str(root), "--as-of", "2026-03-01").exit_code == 0


def test_register_refuses_a_login_that_differs_only_in_case(program_repo: ProgramRepo) -> None:
    root = program_repo()
    result = run("register", "--root", str(root), "--login", "ANA", "--github-id", "555", *REGISTER)
    assert (result.exit_code, result.output) == (1, ("participants/ana.yaml:2:8: RM302 login ana is already used "
                                                     "by participants/ANA.yaml\n    hint: each person has one "
                                                     "profile\n"))
    assert sorted(p.name for p in (root / "participants").iterdir()) == ["ana.yaml", "ben.yaml", "cleo.yaml",
                                                                         "dan.yaml"]


def test_log_writes_the_login_as_the_profile_spells_it(program_repo: ProgramRepo) -> None:
    # `--login ANA` used to write 2026-02-11-ANA.yaml with author ANA, next to ana's own logs
    root = program_repo()
    args = ("log", "--root", str(root), "--no-input", "--login", "ANA", "--as-of", "2026-03-01")
    result = run(*args, "--date", "2026-02-11")
    assert (result.exit_code, result.output) == (0, "wrote checkins/ana--cleo/2026-02-11-ana.yaml\n")
    assert "\nauthor: ana\n" in (root / "checkins/ana--cleo/2026-02-11-ana.yaml").read_text(encoding="utf-8")
    again = run(*args, "--date", "2026-02-10")
    assert (again.exit_code, again.output) == (1, ("checkins/ana--cleo/2026-02-10-ana.yaml: RM620 already exists\n"
                                                   "    hint: pass --force to replace it\n"))
