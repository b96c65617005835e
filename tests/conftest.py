"""Shared fixtures: real program repositories built with git in temporary folders."""

from __future__ import annotations

import os
import subprocess
import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

# Property tests check what holds, not how fast: on a shared 2-core CI machine a per-example
# deadline fails at random (tests that care about time set their own).
settings.register_profile("rmcode", deadline=None)
settings.load_profile("rmcode")


SCHEMA_LINE = "# yaml-language-server: $schema={}schemas/{}.schema.json\n"

MINI_PROGRAM = """\
# yaml-language-server: $schema=schemas/program.schema.json
id: mini
name: Mini program
organisation: Example Corp
objective: Junior colleagues mentor senior leaders.
contact:
  name: People team
  email: people@mini.example
admins:
  - login: admin-amy
    github_id: 900
registration:
  mode: open
levels:
  - {level: 1, name: Associate}
  - {level: 2, name: Senior associate}
  - {level: 3, name: Manager}
  - {level: 4, name: Director}
  - {level: 5, name: Vice president}
eligibility:
  min_level_gap: 2
  mentor_max_level: 2
  mentee_min_level: 4
  mentor_capacity: {default: 1, max: 2}
cohorts:
  - id: c1
    name: Cohort one
    registration: {opens: 2026-01-01, closes: 2026-01-31}
    start: 2026-02-01
    end: 2026-06-30
    matching: open
commitment: {sessions: 6, cadence_days: 14, minutes: 45}
milestones:
  - {id: agreement, name: Agree on goals, day: 14}
  - {id: closing, name: Closing survey, at: end, survey: closing}
skills:
  - {id: generative-ai, name: Generative AI}
  - {id: short-video, name: Short video}
  - {id: data-literacy, name: Data literacy}
working_style:
  - {id: structure, text: I like a fixed agenda.}
matching:
  weights: {skills: 0.5, working_style: 0.1, cross_department: 0.2, timezone: 0.1, availability: 0.1, preferences: 0}
  constraints: {shared_language: true, min_availability_overlap_hours: 1, separate_management_chains: true}
kpis:
  - {id: match-rate, name: Match rate, metric: match_rate, target: 0.9}
surveys:
  - id: closing
    name: Closing survey
    questions:
      - {id: would-continue, text: Would you continue?, type: yes-no}
      - {id: overall, text: Overall, type: scale, min: 1, max: 5}
      - {id: highlight, text: Highlight, type: text}
privacy:
  min_group_size: 3
  public_fields: [name, title, department, skills_offered, skills_wanted, bio]
"""


def person(login: str, github_id: int, role: str = "mentor", level: int = 1, **extra: object) -> str:
    """A valid participant file as text; ``extra`` adds or overrides top-level YAML lines."""
    fields: dict[str, object] = {
        "login": login, "github_id": github_id, "name": login.replace("-", " ").title(), "role": role,
        "cohort": "c1", "registered": "2026-01-10", "level": level, "department": "Sales",
        "timezone": "Europe/Berlin", "languages": "[en]", "availability": '["tue 09:00-11:00"]',
    }
    fields.update(extra)
    body = "".join(f"{k}: {v}\n" for k, v in fields.items() if v is not None)
    return SCHEMA_LINE.format("../", "participant") + body


def mini_files() -> dict[str, str]:
    """A small valid program: two mentors, two mentees, one active pair, one check-in."""
    return {
        "program.yaml": MINI_PROGRAM,
        "participants/ana.yaml": person("ana", 101, skills_offered="[generative-ai]"),
        "participants/ben.yaml": person("ben", 102, department="Legal", skills_offered="[short-video]"),
        "participants/cleo.yaml": person("cleo", 201, role="mentee", level=5, department="Finance",
                                         skills_wanted="[generative-ai]"),
        "participants/dan.yaml": person("dan", 202, role="mentee", level=4, skills_wanted="[short-video]"),
        "matches.yaml": SCHEMA_LINE.format("", "matches") + textwrap.dedent("""\
            pairs:
              - id: ana--cleo
                cohort: c1
                mentor: ana
                mentee: cleo
                status: active
                matched: 2026-02-01
            """),
        "checkins/ana--cleo/2026-02-10-ana.yaml": SCHEMA_LINE.format("../../", "checkin") + textwrap.dedent("""\
            pair: ana--cleo
            date: 2026-02-10
            author: ana
            minutes: 45
            topics: [generative-ai]
            rating: 5
            good_fit: true
            """),
    }


def git(root: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    out = subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True,
                         env={**os.environ, **(env or {})})
    return out.stdout


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def commit_all(root: Path, message: str = "update", date: str = "2026-03-01T12:00:00+00:00") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "--allow-empty", "-m", message,
        env={"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date})


ProgramRepo = Callable[..., Path]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never write to the real $HOME; git gets a fixed identity."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for key, value in {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
                       "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
                       "GIT_CONFIG_NOSYSTEM": "1"}.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def program_repo(tmp_path: Path) -> ProgramRepo:
    """Factory: a git repository holding the mini program, changed by ``files`` (None deletes a file)."""
    counter = iter(range(1000))

    def make(files: Mapping[str, str | bytes | None] | None = None, *, base: bool = True,
             date: str = "2026-03-01T12:00:00+00:00") -> Path:
        root = tmp_path / f"repo{next(counter)}"
        root.mkdir()
        git(root, "init", "-q", "-b", "main")
        content: dict[str, str | bytes | None] = {**(mini_files() if base else {}), **(files or {})}
        write_files(root, {k: v for k, v in content.items() if v is not None})
        commit_all(root, "program", date)
        return root
    return make


def run(*args: str) -> Result:
    """Run the real CLI in-process (like check-jsonschema's run_line)."""
    from rmcode.cli import main
    runner = CliRunner()
    return runner.invoke(_MainWrapper(main), list(args), catch_exceptions=False)


class _MainWrapper:
    """Lets CliRunner drive ``main`` (with its exit-code handling) rather than the bare group."""

    def __init__(self, main: Callable[[list[str]], object]) -> None:
        self.main_fn = main

    def main(self, args: list[str], prog_name: str | None = None, **_: object) -> object:
        return self.main_fn(args)

    name = "rmcode"
    __call__ = main


