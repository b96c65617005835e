"""Hostile data through every command, as a careless user or an attacker would write it.

Whatever the files hold, every command ends with exit 0, 1 or 2 and a message: never a
traceback, never "An unexpected error has occurred" (exit 3). Hostile text that reaches
the site stays text, and `rmcode from-issue` never writes outside participants/ or
checkins/. Each repository is built once per module (one git repository per variant).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import textwrap
from collections.abc import Callable, Iterator, Mapping
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import Result
from conftest import (
    MINI_PROGRAM,
    SCHEMA_LINE,
    commit_all,
    git,
    mini_files,
    person,
    run,
    write_files,
)

AS_OF = "2026-03-01"
Content = str | bytes | Callable[[Path], None] | None
CHECKIN = SCHEMA_LINE.format("../../", "checkin")
SURVEY = SCHEMA_LINE.format("../../", "survey-response")
MATCHES = SCHEMA_LINE.format("", "matches")


def _link(target: str, where: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        path = root / where
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        os.symlink(target, path)
    return make


def _a_file_instead_of(folder: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        shutil.rmtree(root / folder, ignore_errors=True)
        (root / folder).write_text("not a folder\n", encoding="utf-8")
    return make


def _program(*replacements: tuple[str, str]) -> dict[str, Content]:
    text = MINI_PROGRAM
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return {"program.yaml": text}


def _pairs(*lines: str) -> dict[str, Content]:
    return {"matches.yaml": MATCHES + "pairs:\n" + "".join(f"  - {line}\n" for line in lines)}


NOBODY = {f"participants/{login}.yaml": None for login in ("ana", "ben", "cleo", "dan")}
NO_PAIRS: dict[str, Content] = {"matches.yaml": None, "checkins/ana--cleo/2026-02-10-ana.yaml": None}
SECOND_COHORT = ("    matching: open\n", ("    matching: open\n  - id: c2\n    name: Two\n"
                                         "    registration: {opens: 2026-01-01, closes: 2026-01-31}\n"
                                         "    start: 2026-02-01\n    end: 2026-06-30\n    matching: open\n"))

# name -> files changed in the second commit (the first commit is the valid mini program)
VARIANTS: dict[str, dict[str, Content]] = {
    "malformed program": {"program.yaml": "id: [unclosed\n"},
    "empty program": {"program.yaml": ""},
    "program is a list": {"program.yaml": "- a\n- b\n"},
    "program of wrong types": _program(("min_group_size: 3", "min_group_size: three"),
                                       ("cadence_days: 14", "cadence_days: -1")),
    "binary profile": {"participants/ana.yaml": b"\x00\x01\x02\xff\xfe" * 100},
    "2 MB profile": {"participants/ana.yaml": person("ana", 101) + "bio: " + "x" * 2_000_000 + "\n"},
    "deeply nested profile": {"participants/ana.yaml": person("ana", 101) + "bio: " + "[" * 5000 + "]" * 5000 + "\n"},
    "empty profile": {"participants/ana.yaml": ""},
    "profile is a scalar": {"participants/ana.yaml": "hello\n"},
    "profile of wrong types": {"participants/ana.yaml": "login: ana\ngithub_id: abc\nrole: 5\ncohort: [c1]\n"
                                                        "level: high\nlanguages: en\navailability: tue\n"},
    "symlinked profile": {"participants/ana.yaml": None, "link": _link("/etc/passwd", "participants/ana.yaml")},
    "symlinked folder": {"link": _link("/etc", "participants/etc")},
    "symlinked program": {"link": _link("/etc/hostname", "program.yaml")},
    "participants is a file": {"swap": _a_file_instead_of("participants")},
    "checkins is a file": {"swap": _a_file_instead_of("checkins")},
    "surveys is a file": {"swap": _a_file_instead_of("surveys")},
    "matches is a folder": {"matches.yaml": None, "matches.yaml/x.yaml": "a: 1\n"},
    "case-variant logins": {"participants/Ana.yaml": person("Ana", 111)},
    "duplicate github ids": {"participants/ben.yaml": person("ben", 101)},
    "pair of unknown people": _pairs("{id: zz--yy, cohort: c9, mentor: zz, mentee: yy, status: active, "
                                     "matched: 2026-02-01}"),
    "pair across cohorts": {**_program(SECOND_COHORT),
                            "participants/cleo.yaml": person("cleo", 201, role="mentee", level=5, cohort="c2")},
    "pair with roles swapped": _pairs("{id: cleo--ana, cohort: c1, mentor: cleo, mentee: ana, status: active, "
                                      "matched: 2026-02-01}"),
    "empty matches": {"matches.yaml": ""},
    "matches pairs is a number": {"matches.yaml": "pairs: 5\n"},
    "matches pair ids of every type": {"matches.yaml": "pairs:\n  - {id: 1, status: active}\n  - {id: x}\n"
                                                       "  - {id: null, status: [1]}\n  - {id: [1], status: {a: 1}}\n"},
    "check-in in the future": {"checkins/ana--cleo/2027-02-10-ana.yaml": CHECKIN + "pair: ana--cleo\n"
                                                                        "date: 2027-02-10\nauthor: ana\nminutes: 45\n"},
    "check-in of wrong types": {"checkins/ana--cleo/2026-02-10-ana.yaml": "pair: 5\ndate: yesterday\n"
                                                                          "author: [ana]\nminutes: lots\n"},
    "check-in by a stranger": {"checkins/ana--cleo/2026-02-11-dan.yaml": CHECKIN + "pair: ana--cleo\n"
                                                                         "date: 2026-02-11\n"
                                                                         "author: dan\nminutes: 45\n"},
    "stray files": {"participants/README.md": "hi", "checkins/ana--cleo/notes.txt": "x",
                    "checkins/2026-02-10-ana.yaml": "pair: ana--cleo\n", "surveys/x.yaml": "a: 1\n"},
    "survey of wrong types": {"surveys/closing/ana.yaml": SURVEY + "survey: closing\nrespondent: ana\n"
                                                           "date: 2026-02-20\nanswers: {would-continue: 3, x: [1]}\n"},
    "empty program: no participants": {**NOBODY, **NO_PAIRS},
    "one cohort and no pairs": NO_PAIRS,
    "every group below min_group_size": _program(("min_group_size: 3", "min_group_size: 50")),
    "no cohorts, levels or kpis": _program(("cohorts:\n  - id: c1", "cohorts: []\nx:\n  - id: c1")),
}

COMMANDS: tuple[tuple[str, ...], ...] = (
    ("validate",), ("validate", "--format", "json"), ("validate", "--format", "github"),
    ("match", "--dry-run"), ("match", "--diff", "--format", "md"), ("match", "--dry-run", "--format", "json"),
    ("status",), ("report",), ("report", "--format", "json"), ("report", "--format", "csv"),
    ("report", "--private"), ("report", "--private", "--format", "json"),
    ("nudge",), ("nudge", "--format", "json"), ("codeowners", "--check"),
    ("pr-summary", "--base", "HEAD~1", "--head", "HEAD"),
    ("pr-summary", "--base", "HEAD", "--head", "HEAD~1"),
    ("check-pr", "--base", "HEAD~1", "--head", "HEAD", "--author-id", "101", "--author", "ana"),
    ("check-pr", "--base", "HEAD", "--head", "HEAD~1", "--author-id", "900", "--format", "md"),
    ("log", "--no-input", "--login", "ana", "--date", "2026-02-20", "--dry-run"),
    ("register", "--no-input", "--login", "zed", "--github-id", "999", "--name", "Zed", "--role", "mentor",
     "--cohort", "c1", "--level", "1", "--department", "X", "--timezone", "UTC", "--languages", "en",
     "--as-of", "2026-01-10", "--dry-run"),
)
AS_OF_COMMANDS = {"validate", "match", "status", "report", "nudge", "codeowners"}


def make_repo(root: Path, files: Mapping[str, Content]) -> Path:
    """The mini program committed, then ``files`` applied and committed (callables change the tree)."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    write_files(root, mini_files())
    commit_all(root, "program", "2026-02-15T12:00:00+00:00")
    for rel, content in files.items():
        path = root / rel
        if content is None:
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
        elif callable(content):
            content(root)
        else:
            write_files(root, {rel: content})
    commit_all(root, "change", "2026-03-01T12:00:00+00:00")
    return root


@pytest.fixture(scope="module")
def isolated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Module-scoped fixtures run before conftest's per-test HOME guard: set it up for them too."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
        for key, value in {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
                           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
                           "GIT_CONFIG_NOSYSTEM": "1"}.items():
            patch.setenv(key, value)
        yield tmp_path_factory.mktemp("hostile")


def _args(root: Path, command: tuple[str, ...]) -> list[str]:
    extra = ["--as-of", AS_OF] if command[0] in AS_OF_COMMANDS else []
    return [command[0], "--root", str(root), *command[1:], *extra]


def _calm(result: Result) -> bool:
    return result.exit_code in (0, 1, 2) and "Traceback" not in result.output \
        and "An unexpected error has occurred" not in result.output


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_no_command_crashes_on_hostile_data(isolated: Path, variant: str) -> None:
    root = make_repo(isolated / re.sub(r"\W+", "-", variant), VARIANTS[variant])
    outcomes = {" ".join(command): run(*_args(root, command)) for command in COMMANDS}
    crashed = {name: (r.exit_code, r.output[-300:]) for name, r in outcomes.items() if not _calm(r)}
    assert crashed == {}
    silent = [name for name, r in outcomes.items() if r.exit_code and not r.output.strip()]
    assert silent == []  # a failure always says why


@pytest.mark.parametrize("variant", ["empty program: no participants", "one cohort and no pairs",
                                     "every group below min_group_size", "stray files"])
def test_the_site_builds_or_explains_for_odd_programs(isolated: Path, variant: str) -> None:
    root = make_repo(isolated / ("build-" + re.sub(r"\W+", "-", variant)), VARIANTS[variant])
    result = run("build", "--root", str(root), "--out", str(root.parent / (root.name + "-out")), "--as-of", AS_OF)
    assert _calm(result), result.output
    assert result.exit_code == (1 if variant == "stray files" else 0), result.output


@pytest.mark.parametrize("as_of", ["2025-06-01", "2026-01-15", "2026-02-01", "2026-06-30", "2027-01-01"])
def test_as_of_before_registration_inside_and_after_the_cohort(isolated: Path, as_of: str) -> None:
    root = make_repo(isolated / f"as-of-{as_of}", {})
    results = {command: run(command, "--root", str(root), "--as-of", as_of)
               for command in ("validate", "status", "report", "nudge", "match")}
    assert [name for name, result in results.items() if not _calm(result)] == []
    # before the one check-in (2026-02-10) it is "after the as-of date": a data problem, exit 1
    # (status and report then leave the newer files out instead: a report on an earlier day)
    assert results["validate"].exit_code == (1 if as_of < "2026-02-10" else 0)
    if as_of >= "2026-02-10":
        assert {name: r.exit_code for name, r in results.items()} == dict.fromkeys(results, 0)


def test_kpis_and_groups_below_the_minimum_size_are_suppressed(isolated: Path) -> None:
    root = make_repo(isolated / "all-suppressed", VARIANTS["every group below min_group_size"])
    result = run("report", "--root", str(root), "--format", "json", "--as-of", AS_OF)
    report = json.loads(result.output)
    assert [(k["id"], k["value"], k["suppressed"]) for k in report["kpis"]] == [("match-rate", None, True)]
    assert {c["count"] for cells in report["participation"].values() for c in cells} == {None}
    assert (report["cohorts"][0]["mentors"], report["cohorts"][0]["mentees"]) == (None, None)


# --- dates at the edges of the calendar -------------------------------------------------------

LAST_COHORT = (("registration: {opens: 2026-01-01, closes: 2026-01-31}",
                "registration: {opens: 9999-12-01, closes: 9999-12-10}"),
               ("start: 2026-02-01", "start: 9999-12-13"), ("end: 2026-06-30", "end: 9999-12-31"))


def _late(login: str, github_id: int, **fields: object) -> str:
    return person(login, github_id, registered="9999-12-05", **fields)


# a cohort that ends on the last day there is: matched on 9999-12-25 (agreement due on day 14),
# sessions on its last two days (next one due after the cadence)
END_OF_CALENDAR: dict[str, Content] = {
    **_program(*LAST_COHORT, ("min_group_size: 3", "min_group_size: 3\n  publish_every: monthly")),
    "participants/ana.yaml": _late("ana", 101, skills_offered="[generative-ai]"),
    "participants/ben.yaml": _late("ben", 102),
    "participants/cleo.yaml": _late("cleo", 201, role="mentee", level=5, skills_wanted="[generative-ai]"),
    "participants/dan.yaml": _late("dan", 202, role="mentee", level=5),
    **_pairs("{id: ana--cleo, cohort: c1, mentor: ana, mentee: cleo, status: active, matched: 9999-12-25}"),
    "checkins/ana--cleo/2026-02-10-ana.yaml": None,
    "checkins/ana--cleo/9999-12-30-ana.yaml": CHECKIN + "pair: ana--cleo\ndate: 9999-12-30\nauthor: ana\n"
                                                        "minutes: 45\nrating: 1\n",
    "checkins/ana--cleo/9999-12-31-cleo.yaml": CHECKIN + "pair: ana--cleo\ndate: 9999-12-31\nauthor: cleo\n"
                                                         "minutes: 45\nrating: 1\n",
}
EDGE_COMMANDS = [("status",), ("report", "--format", "json"), ("report", "--private", "--format", "csv"),
                 ("nudge",), ("build",)]


@pytest.fixture(scope="module")
def edge_programs(isolated: Path) -> dict[str, Path]:
    weekly = _program(("min_group_size: 3", "min_group_size: 3\n  publish_every: weekly"))
    monthly = _program(("min_group_size: 3", "min_group_size: 3\n  publish_every: monthly"))
    return {"end": make_repo(isolated / "calendar-end", END_OF_CALENDAR),
            "weekly": make_repo(isolated / "calendar-weekly", {**NOBODY, **NO_PAIRS, **weekly}),
            "monthly": make_repo(isolated / "calendar-monthly", {**NOBODY, **NO_PAIRS, **monthly})}


@pytest.mark.parametrize("command", EDGE_COMMANDS)
def test_a_cohort_that_ends_on_the_last_day_of_the_calendar(edge_programs: dict[str, Path],
                                                            command: tuple[str, ...]) -> None:
    # each crashed with exit 3: the weekly series and the next session due asked for days after
    # 9999-12-31 (OverflowError), and the build put a time after 2106 into the 32-bit header of
    # sitemap.xml.gz (struct.error)
    root = edge_programs["end"]
    out = ["--out", str(root.parent / "calendar-end-site")] if command[0] == "build" else []
    result = run(*command, "--root", str(root), "--as-of", "9999-12-31", *out)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("schedule", "as_of"), [("weekly", "0001-01-01"), ("monthly", "0001-01-15"),
                                                 ("monthly", "9999-12-31")])
def test_published_aggregates_at_the_first_and_last_days(edge_programs: dict[str, Path], schedule: str,
                                                         as_of: str) -> None:
    result = run("report", "--root", str(edge_programs[schedule]), "--format", "json", "--as-of", as_of)
    assert result.exit_code == 0, result.output


def test_the_site_builds_as_of_a_day_before_1970(edge_programs: dict[str, Path]) -> None:
    out = edge_programs["weekly"].parent / "calendar-site-1960"
    result = run("build", "--root", str(edge_programs["weekly"]), "--out", str(out), "--as-of", "1960-01-01")
    assert result.exit_code == 0, result.output
    assert (out / "sitemap.xml.gz").is_file()


# --- pr-summary on a matches.yaml that is not what it claims ---------------------------------

@pytest.mark.parametrize("variant", ["matches pairs is a number", "matches pair ids of every type"])
def test_pr_summary_reads_a_broken_matches_file_as_no_pairs(isolated: Path, variant: str) -> None:
    root = make_repo(isolated / ("summary-" + re.sub(r"\W+", "-", variant)), VARIANTS[variant])
    result = run("pr-summary", "--root", str(root), "--base", "HEAD~1", "--head", "HEAD")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("## What this pull request changes\n\n- **Pairs** (matches.yaml): 1 removed"), \
        result.output


# --- site/mkdocs.yml with values of the wrong type ---------------------------------------------

@pytest.mark.parametrize(("settings", "message"), [
    ("theme: [1]\n", "site/mkdocs.yml:1:1: RM806 theme must be a mapping, not '[1]'"),
    ("theme: null\n", "site/mkdocs.yml:1:1: RM806 theme must be a mapping, not 'None'"),
    ("theme: {features: 5, palette: 7}\n",
     ("site/mkdocs.yml:1:9: RM806 theme.features must be a list of feature names, not '5'\n    hint: see docs/site.md\n"
      "site/mkdocs.yml:1:22: RM806 theme.palette must be a mapping or a list of mappings, not '7'")),
    ("plugins: 5\n", "site/mkdocs.yml:1:1: RM806 plugins must be a list of plugin names or {name: options}, not '5'"),
    ("plugins: [{}]\n",
     "site/mkdocs.yml:1:1: RM806 plugins must be a list of plugin names or {name: options}, not '[{}]'"),
    ("extra_css: 7\n", "site/mkdocs.yml:1:1: RM806 extra_css must be a list of paths, not '7'"),
    ("extra_css: [5, null]\n", "site/mkdocs.yml:1:1: RM806 extra_css must be a list of paths, not '[5, None]'"),
    ("extra: {social: 5}\n", ("site/mkdocs.yml: RM805 mkdocs could not build the site: TypeError: "
                              "'int' object is not iterable\n    hint: a setting probably has the wrong type")),
    ("extra_templates: [5]\n", "site/mkdocs.yml: RM805 mkdocs could not build the site: TypeError: "),
])
def test_site_settings_of_the_wrong_type_are_named(program_repo: Callable[..., Path], settings: str,
                                                   message: str) -> None:
    root = program_repo({"site/mkdocs.yml": settings})
    result = run("build", "--root", str(root), "--out", str(root.parent / f"{root.name}-out"), "--as-of", AS_OF)
    assert (result.exit_code, result.output[:len(message)]) == (1, message)


def test_a_failed_build_leaves_a_folder_the_next_build_may_replace(program_repo: Callable[..., Path]) -> None:
    # mkdocs in strict mode writes the pages, then fails on the warnings: the half-built
    # site-out/ used to lack the marker, and every later build refused it (RM804)
    root = program_repo({"site/docs/extra.md": "[broken](nope.md)\n"})
    first = run("build", "--root", str(root), "--as-of", AS_OF)
    assert first.exit_code == 1
    assert "contains a link 'nope.md', but the target is not found" in first.output
    (root / "site" / "docs" / "extra.md").unlink()
    second = run("build", "--root", str(root), "--as-of", AS_OF)
    assert second.exit_code == 0, second.output
    assert (root / "site-out" / "index.html").is_file()


# --- untrusted text: register -> build, and from-issue ----------------------------------------

HOSTILE = (
    "<script>alert(1)</script>", "<img src=x onerror=alert(2)>", '{: onclick="alert(3)" }', "{{ config }} {% raw %}",
    "[x](javascript:alert(4)) ]()", "javascript:alert(5)", "| a | b |\n|---|---|\n| c | d |", "W" * 190,
    "abc\u202edcba", "zero\u200bwidth\u200d", "<svg/onload=alert(6)>", "<a href='javascript:alert(8)'>a</a>",
    "\x1b[2J\x1b]0;pwned\x07 bell",
)
PRIVATE = ("PRIVATE-NOTE-7f3a", "PRIVATE-CONCERN-7f3a")
PROGRAM_NAME = "The \"Next Gen\" <script>alert('name')</script> Program"


def _register(root: Path, i: int, role: str, text: str) -> Result:
    public = [arg for field in ("name", "title", "department", "location", "bio", "goals", "skills_offered",
                                "skills_wanted") for arg in ("--public", field)]
    skills = ["--skills-offered", "generative-ai"] if role == "mentor" else ["--skills-wanted", "generative-ai"]
    return run("register", "--root", str(root), "--no-input", "--as-of", "2026-01-10", "--cohort", "2026-spring",
               "--timezone", "Europe/Berlin", "--languages", "en", "--availability", "tue 09:00-11:00",
               "--login", f"{role}{i}", "--github-id", str(1000 * (role == "mentee") + i + 1),
               "--name", text if role == "mentee" else f"N{i} {text}", "--role", role,
               "--level", "1" if role == "mentor" else "7", "--department", text, "--title", text,
               "--location", text, "--bio", text, "--goal", text, *public, *skills)


@pytest.fixture(scope="module")
def hostile_site(isolated: Path) -> Path:
    """A program made with `rmcode init`, everyone registered with hostile text, matched, logged, built."""
    root = isolated / "texts"
    assert run("init", str(root), "--no-input", "--name", PROGRAM_NAME, "--organisation", "R&D <Lab> {: x}",
               "--admin", "octocat", "--admin-id", "1", "--opens", "2026-01-05").exit_code == 0
    git(root, "init", "-q", "-b", "main")
    for i, text in enumerate(HOSTILE):
        for role in ("mentor", "mentee"):
            result = _register(root, i, role, text)
            assert result.exit_code == 0, (text, result.output)
    commit_all(root, "registrations", "2026-01-20T10:00:00+00:00")
    assert run("match", "--root", str(root)).exit_code == 0
    matches = root / "matches.yaml"
    matches.write_text(matches.read_text(encoding="utf-8").replace("status: proposed", "status: active")
                       .replace("proposed: 2026-01-20", "matched: 2026-02-09"), encoding="utf-8")
    commit_all(root, "approved", "2026-02-10T10:00:00+00:00")
    for i in range(3):
        logged = run("log", "--root", str(root), "--no-input", "--login", f"mentor{i}", "--date", "2026-02-12",
                     "--as-of", "2026-02-12", "--rating", "1", "--next-steps", HOSTILE[i], "--notes", PRIVATE[0],
                     "--concern", PRIVATE[1])
        assert logged.exit_code == 0, logged.output
    commit_all(root, "sessions", "2026-03-01T10:00:00+00:00")
    out = isolated / "texts-site"
    result = run("build", "--root", str(root), "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


class _Live(HTMLParser):
    """What a browser would run or follow."""

    def __init__(self) -> None:
        super().__init__()
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self.scripts: list[str | None] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        self.urls += [value or "" for name, value in attrs if name in ("href", "src", "action", "formaction")]
        if tag == "script":
            self.scripts.append(dict(attrs).get("src"))


def test_hostile_text_is_inert_in_every_built_page(hostile_site: Path) -> None:
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) >= 10
    for page in pages:
        html = page.read_text(encoding="utf-8")
        live = _Live()
        live.feed(html)
        assert live.handlers == [], page.name
        assert not live.tags & {"iframe", "object", "embed"}, page.name
        assert [s for s in live.scripts if s is not None and "assets/" not in s] == [], page.name
        assert [u for u in live.urls if urlsplit(u.strip()).scheme.lower() not in ("", "http", "https", "mailto")] \
            == [], page.name
        for marker in ("<script>alert", "onerror=", "\u202e", "\x1b", "{% raw %}", *PRIVATE):
            assert marker not in html, (page.name, marker)


def test_the_program_name_is_text_in_the_header_of_every_page(hostile_site: Path) -> None:
    # Material prints site_name unescaped in the header, an aria-label and the meta
    # description; a quote or a tag in the program's name used to break out
    escaped = "The &#34;Next Gen&#34; &lt;script&gt;alert(&#39;name&#39;)&lt;/script&gt; Program"
    for page in sorted(hostile_site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        assert f'aria-label="{escaped}"' in html, page.name
        assert f"<title>{escaped}" in html or f"- {escaped}</title>" in html, page.name
        assert "R&amp;D &lt;Lab&gt;" in html, page.name


def test_private_text_and_bidi_overrides_stay_out_of_charts_and_downloads(hostile_site: Path) -> None:
    for path in sorted(p for p in hostile_site.rglob("*") if p.suffix in (".svg", ".json", ".csv", ".xml")):
        text = path.read_text(encoding="utf-8")
        assert [m for m in PRIVATE if m in text] == [], path.name
        if path.suffix == ".svg":  # a bidi override in a label would reorder the rest of it
            assert "\u202e" not in text and "\x1b" not in text, path.name


def test_match_reasons_print_no_terminal_escapes(program_repo: Callable[..., Path]) -> None:
    root = program_repo({"participants/cleo.yaml": person(
        "cleo", 201, role="mentee", level=5, department='"Fin\\e[2J\\nance"', name='"Cleo\\e]0;pwned\\a\\u202e"',
        skills_wanted="[generative-ai]"), **NO_PAIRS})
    result = run("match", "--root", str(root), "--dry-run", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "  ana--cleo  0.9500  covers 1 of 1 skill Cleo]0;pwned wants: Generative AI; both free Tue mornings; " \
           "different departments (Sales, Fin[2J ance); same time zone\n" in result.output


def _issue(pair: str, date: str, notes: str) -> str:
    return (f"### Pair id\n\n{pair}\n\n### Date\n\n{date}\n\n### Held\n\nyes\n\n### Minutes\n\n45\n\n"
            f"### Next steps\n\n{notes}\n")


WRITTEN_LOG = "checkins/ana--cleo/2026-02-20-ana.yaml"


@pytest.mark.parametrize(("pair", "date", "created"), [
    ("ana--cleo", "2026-02-20", {WRITTEN_LOG}),
    ("x--y", "2026-02-20", set()),  # no such pair: refused among the repository's files (RM312)
    ("../../x--y", "2026-02-20", set()), ("ana--cleo/../../..", "2026-02-20", set()),
    ("ana--cleo", "2026-02-20/../../../x", set()), ("ana--cleo", "../../../../x", set()),
    ("/etc--passwd", "2026-02-20", set()), ("ana--cleo\n### Date\n\n2026-02-21", "2026-02-20", set()),
    ("ana--cleo", "2026-02-20\x00", set()), ("ana--cleo", "2026-02-20\u202e", set()),
])
def test_from_issue_never_writes_outside_its_folders(program_repo: Callable[..., Path], tmp_path: Path, pair: str,
                                                     date: str, created: set[str]) -> None:
    root = program_repo()
    issue = tmp_path / "issue.md"
    issue.write_text(_issue(pair, date, "<script>alert(1)</script> ../../../etc/passwd"), encoding="utf-8")

    def tree() -> set[str]:
        return {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if ".git" not in p.parts}
    before = tree()
    result = run("from-issue", "--root", str(root), "--issue-file", str(issue), "--kind", "log-session",
                 "--author", "ana", "--author-id", "101")
    assert (result.exit_code, tree() - before) == (0 if created else 1, {f"{root.name}/{p}" for p in created}), \
        result.output


# --- bugs in the validation rules (src/rmcode/rules.py, owned by another engineer) ------------

def _validate(root: Path) -> Result:
    return run("validate", "--root", str(root), "--as-of", AS_OF)


def test_case_variant_check_in_files_are_one_session_too_many(program_repo: Callable[..., Path]) -> None:
    root = program_repo({"checkins/ana--cleo/2026-02-10-ANA.yaml": CHECKIN + textwrap.dedent("""\
        pair: ana--cleo
        date: 2026-02-10
        author: ANA
        minutes: 45
        rating: 1
        """)})
    result = _validate(root)
    assert result.exit_code == 1
    assert "checkins/ana--cleo/2026-02-10-ANA.yaml" in result.output


def test_case_variant_survey_answers_are_one_response_too_many(program_repo: Callable[..., Path]) -> None:
    answer = "survey: closing\nrespondent: {}\ndate: 2026-02-20\npair: ana--cleo\nanswers: {{would-continue: true}}\n"
    root = program_repo({"surveys/closing/ana.yaml": SURVEY + answer.format("ana"),
                         "surveys/closing/ANA.yaml": SURVEY + answer.format("ANA")})
    result = _validate(root)
    assert result.exit_code == 1
    assert "surveys/closing/" in result.output


def test_an_availability_slot_that_ends_before_it_starts_is_a_problem(program_repo: Callable[..., Path]) -> None:
    root = program_repo({"participants/ben.yaml": person("ben", 102, availability='["tue 11:00-09:00"]')})
    result = _validate(root)
    assert result.exit_code == 1
    assert result.output.startswith("participants/ben.yaml:12:")


# --- numbers no data file needs: over Python's 4,300-digit limit, or overflowing a float --------

BIG_NUMBERS = {
    "5,000-digit integer": "9" * 5000,
    "5,000-digit negative integer": "-" + "1" * 5000,
    "long hexadecimal integer": "0x" + "f" * 5000,
    "float with a huge exponent": "1e99999",
    "float of extreme length": "0." + "3" * 5000,
    "float that overflows": "9" * 400 + ".5",
}
NUMBER_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("validate",), ("status",), ("match", "--dry-run"), ("nudge",),
    ("check-pr", "--base", "HEAD~1", "--head", "HEAD", "--author-id", "101", "--author", "ana"),
    ("pr-summary", "--base", "HEAD~1", "--head", "HEAD"),
)


@pytest.mark.parametrize("number", sorted(BIG_NUMBERS))
def test_a_number_too_large_is_a_problem_with_file_and_line_in_every_command(isolated: Path, number: str) -> None:
    profile = person("ana", 101, skills_offered="[generative-ai]", level=BIG_NUMBERS[number])
    line = profile.splitlines().index(f"level: {BIG_NUMBERS[number]}") + 1
    root = make_repo(isolated / ("number-" + re.sub(r"\W+", "-", number)), {"participants/ana.yaml": profile})
    outcomes = {" ".join(c): run(*_args(root, c)) for c in NUMBER_COMMANDS}
    outcomes["build"] = run("build", "--root", str(root), "--out", str(root.parent / f"{root.name}-out"),
                            "--as-of", AS_OF)
    where = {"check-pr": f"participants/ana.yaml (modified): the file is not valid: line {line}: RM115 the number "}
    for name, result in outcomes.items():
        expected = where.get(name.split()[0], f"participants/ana.yaml:{line}:8: RM115 the number ")
        assert (name, result.exit_code, expected in result.output) == (name, 1, True), result.output[-600:]
        assert len(result.output) < 5000, name  # the number is shortened, never printed whole


def test_a_number_in_site_settings_is_a_problem_with_file_and_line(program_repo: Callable[..., Path]) -> None:
    root = program_repo({"site/mkdocs.yml": "site_name: x\nextra:\n  n: " + "7" * 5000 + "\n"})
    result = run("build", "--root", str(root), "--out", str(root.parent / f"{root.name}-out"), "--as-of", AS_OF)
    assert (result.exit_code, result.output.splitlines()[0]) == (
        1, "site/mkdocs.yml:3:6: RM115 the number 777777777777…777777 (5,000 characters) is longer than 32 characters")


def test_a_name_puts_no_live_link_or_mention_into_the_match_pull_request(program_repo: Callable[..., Path]) -> None:
    name = "'[Dan](https://evil.example) www.evil.example <img src=x> @everyone'"
    root = program_repo({"participants/dan.yaml": person("dan", 202, role="mentee", level=4, name=name,
                                                         skills_wanted="[short-video]")})
    result = run("match", "--root", str(root), "--diff", "--format", "md", "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith("| ben--dan |"))
    assert ("skill \\[Dan\\](https&#58;//evil.example) www&#46;evil.example &lt;img src=x&gt; &#64;everyone wants"
            in row)
    for live in ("](", "://", "www.", "<img", "@everyone"):
        assert live not in row.replace("\\](", ""), live
