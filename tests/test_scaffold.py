"""rmcode init, register and log: a new program repository that validates and builds on the first try,
profiles and check-ins written interactively or from flags, and the template kept in sync with this
repository's own .github/ and site/ files."""

from __future__ import annotations

import datetime as dt
import html
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import ProgramRepo, person

from rmcode import __version__
from rmcode.cli.data import validate
from rmcode.cli.init import forms, init, log, register
from rmcode.init.scaffold import InitSettings, render_files, target_path, template_files

REPO = Path(__file__).resolve().parent.parent
OPENS = "2026-03-02"  # registration opens; closes 2026-03-29, cohort 2026-04-06 .. 2026-10-05
ADMIN = ["--admin", "amy-admin", "--admin-id", "900"]


def invoke(command: Any, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(command, list(args), input=input)


def new_program(tmp_path: Path, *extra: str) -> Path:
    root = tmp_path / "acme-mentoring"
    result = invoke(init, str(root), "--name", "Acme Reverse Mentoring", "--organisation", "Acme & Co",
                    *ADMIN, "--opens", OPENS, "--no-input", *extra)
    assert result.exit_code == 0, result.output
    return root


def flags(root: Path, login: str, github_id: int, role: str, level: int, *extra: str) -> list[str]:
    return ["--root", str(root), "--as-of", "2026-03-10", "--no-input", "--login", login, "--github-id",
            str(github_id), "--name", login.title(), "--role", role, "--cohort", "2026-spring", "--level", str(level),
            "--department", "Sales" if role == "mentor" else "Finance", "--timezone", "Europe/Berlin",
            "--languages", "en", "--availability", "tue 09:00-11:00", *extra]


def test_init_writes_a_complete_program_repository(tmp_path: Path) -> None:
    root = new_program(tmp_path)
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    assert files == sorted([
        ".github/CODEOWNERS", ".github/dependabot.yml", ".github/ISSUE_TEMPLATE/config.yml",
        ".github/ISSUE_TEMPLATE/log-session.yml",
        ".github/ISSUE_TEMPLATE/register.yml", ".github/pull_request_template.md",
        *[f".github/workflows/{w}.yml" for w in ("authorize", "from-issue", "match", "nudge", "publish", "validate")],
        ".gitignore", ".pre-commit-config.yaml", "README.md", "participants/.gitkeep", "program.yaml",
        "pyproject.toml", "requirements/workflows.in",
        *[f"schemas/{s}.schema.json" for s in ("checkin", "matches", "participant", "program",
                                                                 "survey-response", "report", "roster")],
        "site/docs/assets/logo.svg", "site/docs/faq.md", "site/docs/stylesheets/extra.css", "site/mkdocs.yml"])
    program = yaml.safe_load((root / "program.yaml").read_text())
    assert (program["id"], program["organisation"], program["admins"]) == (
        "acme-mentoring", "Acme & Co", [{"login": "amy-admin", "github_id": 900}])
    assert program["cohorts"][0]["registration"] == {"opens": OPENS, "closes": "2026-03-29"}
    assert (root / ".github" / "CODEOWNERS").read_text().endswith("\n* @amy-admin\n")


PLACEHOLDER_WARNINGS = (
    "program.yaml:20:19: RM931 warning: template text is still here: “Replace this text…”\n"
    "    hint: write your program's own text\n"
    "program.yaml:23:11: RM932 warning: mentoring@example.com is an example address\n"
    "    hint: give a real contact address\n")


def test_a_new_program_validates_on_the_first_try_and_names_what_to_replace(tmp_path: Path) -> None:
    root = new_program(tmp_path)
    result = invoke(validate, "--root", str(root), "--as-of", OPENS)
    assert (result.output, result.exit_code) == (PLACEHOLDER_WARNINGS + "ok: 1 files valid (2 warnings)\n", 0)


def test_no_warning_once_the_placeholders_are_replaced(tmp_path: Path) -> None:
    root = new_program(tmp_path, "--contact-email", "mentoring@acme.com", "--repository", "acme/mentoring")
    program = root / "program.yaml"
    program.write_text(program.read_text().replace("Replace this text with your program's own objective.", "Ours."))
    result = invoke(validate, "--root", str(root), "--as-of", OPENS)
    assert (result.output, result.exit_code) == ("ok: 1 files valid\n", 0)
    assert yaml.safe_load(program.read_text())["contact"]["email"] == "mentoring@acme.com"


def test_a_new_program_builds_on_the_first_try(tmp_path: Path) -> None:
    site = pytest.importorskip("rmcode.cli.site")
    root = new_program(tmp_path, "--repository", "acme/mentoring")
    result = invoke(site.build, "--root", str(root), "--as-of", OPENS)
    assert result.exit_code == 0, result.output
    join = html.unescape((root / "site-out" / "join.html").read_text())
    assert "https://github.com/acme/mentoring/issues/new?template=register.yml" in join


def test_issue_forms_offer_the_new_programs_cohorts_and_skills(tmp_path: Path) -> None:
    root = new_program(tmp_path)
    program = yaml.safe_load((root / "program.yaml").read_text())
    form = {i["id"]: i for i in yaml.safe_load((root / ".github/ISSUE_TEMPLATE/register.yml").read_text())["body"]
            if "id" in i}
    assert form["cohort"]["attributes"]["options"] == ["2026-spring"]
    assert form["skills_wanted"]["attributes"]["options"] == [s["id"] for s in program["skills"]]


def test_the_session_form_links_to_the_new_programs_own_site(tmp_path: Path) -> None:
    def intro(root: Path) -> str:
        form = yaml.safe_load((root / ".github/ISSUE_TEMPLATE/log-session.yml").read_text())
        return str(form["body"][0]["attributes"]["value"])
    with_repo = intro(new_program(tmp_path / "a", "--repository", "Acme/mentoring"))
    assert "[Log a session page](https://acme.github.io/mentoring/log-session.html)" in with_repo
    without = intro(new_program(tmp_path / "b"))
    assert "Give them on the Log a session page\nof the program's site" in without
    assert "rmcode-dev" not in with_repo + without


def test_workflows_can_install_rmcode_from_the_program_repository(tmp_path: Path) -> None:
    pyproject = tomllib.loads((new_program(tmp_path) / "pyproject.toml").read_text())
    assert pyproject["project"]["dependencies"] == [f"rmcode=={__version__}"]
    assert pyproject["tool"]["setuptools"] == {"packages": [], "py-modules": []}


def test_pre_commit_config_is_valid(tmp_path: Path) -> None:
    root = new_program(tmp_path)
    done = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
                          cwd=root, capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_init_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    root = tmp_path / "busy"
    root.mkdir()
    (root / "notes.txt").write_text("mine\n")
    result = invoke(init, str(root), *ADMIN, "--organisation", "Acme", "--no-input")
    assert str(result.exception) == (f"{root}: RM622 is not empty\n    hint: choose a new folder, or pass --force to "
                                     "write the template into it (files of the template are replaced, others are kept)")
    assert sorted(p.name for p in root.iterdir()) == ["notes.txt"]
    assert invoke(init, str(root), *ADMIN, "--organisation", "Acme", "--no-input", "--force").exit_code == 0
    assert (root / "notes.txt").read_text() == "mine\n" and (root / "program.yaml").is_file()


def test_init_without_input_needs_the_admin(tmp_path: Path) -> None:
    result = invoke(init, str(tmp_path / "x"), "--organisation", "Acme", "--no-input")
    assert "Error: missing --admin (required with --no-input)" in result.output
    assert result.exit_code == 2


def test_init_asks_for_what_is_missing(tmp_path: Path) -> None:
    answers = ["My Program", "Acme", "octo cat", "octocat", "abc", "583231", "", "mentoring-at-acme",
               "mentoring@acme.com", "acme mentoring", "https://github.com/acme/mentoring.git"]
    result = invoke(init, str(tmp_path / "x"), "--opens", OPENS, input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Error: 'octo cat' is not a GitHub login" in result.output
    assert "Error: 'abc' is not a whole number of at least 1" in result.output
    assert "Error: 'mentoring-at-acme' is not an e-mail address" in result.output
    assert "Error: 'acme mentoring' is not a GitHub repository: write owner/name, e.g. acme/mentoring" in result.output
    program = yaml.safe_load((tmp_path / "x" / "program.yaml").read_text())
    assert program["admins"] == [{"login": "octocat", "github_id": 583231}]
    assert (program["contact"]["name"], program["contact"]["email"]) == ("Program team", "mentoring@acme.com")
    assert "repository: acme/mentoring" in (tmp_path / "x" / "site" / "mkdocs.yml").read_text()


def test_forms_follow_program_yaml(tmp_path: Path) -> None:
    root = new_program(tmp_path)
    program = root / "program.yaml"
    program.write_text(program.read_text().replace("name: Generative AI", "name: Generative AI\n  - id: robotics\n"
                                                   "    name: Robotics", 1))
    assert "robotics" in program.read_text()
    warned = invoke(validate, "--root", str(root), "--as-of", OPENS).output
    assert (".github/ISSUE_TEMPLATE/log-session.yml:1:1: RM930 warning: the form's choices (cohorts, levels, "
            "skills) do not follow program.yaml") in warned
    assert invoke(forms, "--root", str(root), "--check").exit_code == 1
    result = invoke(forms, "--root", str(root))
    assert result.output == ("wrote .github/ISSUE_TEMPLATE/log-session.yml\n"
                             "wrote .github/ISSUE_TEMPLATE/register.yml\n")
    assert "        - robotics\n" in (root / ".github/ISSUE_TEMPLATE/register.yml").read_text()
    assert "RM930" not in invoke(validate, "--root", str(root), "--as-of", OPENS).output
    assert invoke(forms, "--root", str(root), "--check").output == "ok: the issue forms follow program.yaml\n"


def test_init_register_log_validate_build_round_trip(tmp_path: Path) -> None:
    root = new_program(tmp_path)
    assert invoke(register, *flags(root, "ana", 101, "mentor", 2, "--skills-offered", "generative-ai",
                                   "--goal", "Present to the board")).output == "wrote participants/ana.yaml\n"
    assert invoke(register, *flags(root, "cleo", 201, "mentee", 7, "--skills-wanted", "generative-ai",
                                   "--goal", "Use AI weekly", "--public", "name")).exit_code == 0
    (root / "matches.yaml").write_text(textwrap.dedent("""\
        # yaml-language-server: $schema=schemas/matches.schema.json
        pairs:
          - id: ana--cleo
            cohort: 2026-spring
            mentor: ana
            mentee: cleo
            status: active
            matched: "2026-04-06"
        """))
    result = invoke(log, "--root", str(root), "--as-of", "2026-04-20", "--no-input", "--login", "cleo",
                    "--topics", "generative-ai", "--rating", "5", "--goal", "use-ai-weekly:started")
    assert result.stdout == "wrote checkins/ana--cleo/2026-04-20-cleo.yaml\n"
    assert (root / "checkins/ana--cleo/2026-04-20-cleo.yaml").read_text() == textwrap.dedent("""\
        # yaml-language-server: $schema=../../schemas/checkin.schema.json
        pair: ana--cleo
        date: "2026-04-20"
        author: cleo
        minutes: 45
        topics:
          - generative-ai
        goals:
          - goal: use-ai-weekly
            progress: started
        rating: 5
        """)
    assert invoke(validate, "--root", str(root), "--as-of", "2026-04-20").output == (
        PLACEHOLDER_WARNINGS + "ok: 5 files valid (2 warnings)\n")
    site = pytest.importorskip("rmcode.cli.site")
    assert invoke(site.build, "--root", str(root), "--as-of", "2026-04-20").exit_code == 0


def test_schema_line_points_at_the_schemas_folder(tmp_path: Path) -> None:
    root = new_program(tmp_path)
    invoke(register, *flags(root, "ana", 101, "mentor", 2))
    first = (root / "participants" / "ana.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schemas/participant.schema.json"
    assert (root / "participants" / first.split("=", 1)[1]).resolve() == root / "schemas" / "participant.schema.json"


def test_register_never_overwrites_without_force(program_repo: ProgramRepo) -> None:
    root = program_repo()
    before = (root / "participants" / "ana.yaml").read_text()
    result = invoke(register, "--root", str(root), "--no-input", "--login", "ana", "--name", "Other")
    assert "Error: participants/ana.yaml already exists; pass --force to replace it" in result.output
    assert result.exit_code == 2
    assert (root / "participants" / "ana.yaml").read_text() == before


def test_register_force_keeps_what_is_not_given(program_repo: ProgramRepo) -> None:
    root = program_repo({"participants/ana.yaml": person(
        "ana", 101, registered="2026-01-05", goals="{grow: [{id: board, text: Present to the board}]}")})
    result = invoke(register, "--root", str(root), "--as-of", "2026-01-20", "--no-input", "--force",
                    "--login", "ana", "--bio", "New bio")
    assert result.output == "wrote participants/ana.yaml\n"
    data = yaml.safe_load((root / "participants" / "ana.yaml").read_text())
    assert (data["registered"], data["bio"], data["goals"], data["github_id"]) == (
        "2026-01-05", "New bio", {"grow": [{"id": "board", "text": "Present to the board"}]}, 101)


def test_register_refuses_invalid_data_and_writes_nothing(program_repo: ProgramRepo) -> None:
    root = program_repo()
    result = invoke(register, *flags(root, "eve", 301, "mentor", 1), "--as-of", "2026-01-20")
    assert "participants/eve.yaml:6:9: RM304 unknown cohort '2026-spring'" in str(result.exception)
    assert not (root / "participants" / "eve.yaml").exists()


def test_register_dry_run_prints_and_writes_nothing(program_repo: ProgramRepo) -> None:
    root = program_repo()
    args = [a if a != "2026-spring" else "c1" for a in flags(root, "eve", 301, "mentor", 1)]
    result = invoke(register, *args, "--as-of", "2026-01-20", "--registered", "2026-01-15", "--dry-run")
    assert result.output.startswith("# yaml-language-server: $schema=../schemas/participant.schema.json\n"
                                    "login: eve\ngithub_id: 301\nname: Eve\nrole: mentor\ncohort: c1\n"
                                    'registered: "2026-01-15"\n')
    assert not (root / "participants" / "eve.yaml").exists()


def test_register_asks_with_choices_from_the_program(program_repo: ProgramRepo) -> None:
    root = program_repo()
    answers = ["eve", "301", "Eve Example", "mentor", "", "9", "1", "Sales", "", "Europe/Berlin", "en, de",
               "generative-ai, cooking", "Generative AI", "Tuesday 9-11am", "", "4", "name, bio",
               "Present to the board", "", ""]  # Enter skips the sealed email and self-identification
    result = invoke(register, "--root", str(root), "--as-of", "2026-01-20", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "Error: 9 is not one of: 1, 2" in result.output  # a mentor is offered the mentor levels only
    assert ("Error: cooking: not in the skills list; choose from generative-ai (Generative AI), "
            "short-video (Short video), data-literacy (Data literacy)") in result.output
    assert "Skills you want to learn" not in result.output
    data = yaml.safe_load((root / "participants" / "eve.yaml").read_text())
    assert (data["cohort"], data["level"], data["languages"], data["skills_offered"], data["goals"]) == (
        "c1", 1, ["en", "de"], ["generative-ai"],
        {"grow": [{"id": "present-to-the-board", "text": "Present to the board"}]})
    assert (data["availability"], data["working_style"], data["visibility"]) == (
        ["tue 09:00-11:00"], {"structure": 4}, {"name": "public", "bio": "public"})


def test_log_defaults_to_your_pair_today_and_the_programs_session_length(program_repo: ProgramRepo) -> None:
    root = program_repo()
    result = invoke(log, "--root", str(root), "--as-of", "2026-03-03", input="cleo\n\n\n\n\n\n\n\nyes\n")
    assert result.exit_code == 0, result.output
    assert "Pair (ana--cleo) [ana--cleo]: " in result.output
    data = yaml.safe_load((root / "checkins/ana--cleo/2026-03-03-cleo.yaml").read_text())
    assert data == {"pair": "ana--cleo", "date": "2026-03-03", "author": "cleo", "minutes": 45, "good_fit": True}


def test_log_a_missed_session(program_repo: ProgramRepo) -> None:
    root = program_repo()
    result = invoke(log, "--root", str(root), "--as-of", "2026-03-03", "--no-input", "--login", "ana",
                    "--not-held", "--date", "2026-03-02", "--concern", "Cancelled twice")
    assert result.stdout == "wrote checkins/ana--cleo/2026-03-02-ana.yaml\n"
    assert result.stderr == ("note: concern is plain text, readable by everyone with access to the repository: "
                             "this program lists no keys to seal with (sealing.recipients in program.yaml)\n")
    data = yaml.safe_load((root / "checkins/ana--cleo/2026-03-02-ana.yaml").read_text())
    assert (data["held"], data["minutes"], data["concern"]) == (False, 0, {"level": "low", "note": "Cancelled twice"})


def test_log_never_overwrites_without_force(program_repo: ProgramRepo) -> None:
    root = program_repo()
    args = ["--root", str(root), "--as-of", "2026-03-03", "--no-input", "--login", "ana", "--date", "2026-02-10"]
    result = invoke(log, *args)
    assert str(result.exception) == ("checkins/ana--cleo/2026-02-10-ana.yaml: RM620 already exists\n"
                                     "    hint: pass --force to replace it")
    assert invoke(log, *args, "--force", "--minutes", "60").exit_code == 0
    assert yaml.safe_load((root / "checkins/ana--cleo/2026-02-10-ana.yaml").read_text())["minutes"] == 60


def test_log_needs_an_approved_pair(program_repo: ProgramRepo) -> None:
    result = invoke(log, "--root", str(program_repo()), "--no-input", "--login", "ben")
    assert str(result.exception) == ("matches.yaml: RM625 ben is in no approved pair\n"
                                     "    hint: sessions are logged once a program admin has approved the pair")


def test_log_for_someone_elses_pair_fails_validation(program_repo: ProgramRepo) -> None:
    root = program_repo()
    result = invoke(log, "--root", str(root), "--as-of", "2026-03-03", "--no-input", "--login", "ana",
                    "--pair", "ana--cleo", "--date", "2026-07-30")
    assert "RM314 date 2026-07-30 is after the as-of date 2026-03-03" in str(result.exception)
    assert not (root / "checkins/ana--cleo/2026-07-30-ana.yaml").exists()


# --- the template stays in sync with this repository ----------------------------------------

def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _shipped(prefix: str) -> dict[str, bytes]:
    return {target_path(rel)[len(prefix):]: f.read_bytes() for rel, f in template_files().items()
            if target_path(rel).startswith(prefix) and not rel.endswith(".j2")}


def test_template_github_files_equal_this_repositorys() -> None:
    # when this fails, copy .github/<file> to src/rmcode/init/template/github/<file>
    ours = {k: v for k, v in _tree(REPO / ".github").items() if k != "CODEOWNERS"}
    assert _shipped(".github/") == ours


def test_template_site_files_equal_this_repositorys() -> None:
    if not (REPO / "site").is_dir():
        pytest.skip("site/ does not exist yet")
    # when this fails, copy site/docs/<file> to src/rmcode/init/template/site/docs/<file>
    assert _shipped("site/") == {k: v for k, v in _tree(REPO / "site").items() if k != "mkdocs.yml"}
    ours = yaml.safe_load((REPO / "site" / "mkdocs.yml").read_text())
    settings = InitSettings("p", "P", "O", "amy", 1, "T", "t@example.com", dt.date(2026, 1, 1), "acme/p")
    theirs = yaml.safe_load(render_files(settings)["site/mkdocs.yml"])
    assert theirs["extra"]["rmcode"]["repository"] == "acme/p"
    # the program's name comes from program.yaml and its repository from `rmcode init --repository`
    for config in (ours, theirs):
        config.pop("site_name", None)
        config["extra"]["rmcode"].pop("repository", None)
    assert theirs == ours


def test_template_has_no_hidden_names() -> None:
    # packaging tools skip dot-files in package data: .github ships as github/
    assert [rel for rel in template_files() if any(part.startswith(".") for part in rel.split("/"))] == []


def test_the_workflows_lock_starts_from_this_rmcode_version(tmp_path: Path) -> None:
    lines = [line for line in (new_program(tmp_path) / "requirements" / "workflows.in").read_text().splitlines()
             if line and not line.startswith("#")]
    assert lines == [f"rmcode=={__version__}", "setuptools>=69"]
