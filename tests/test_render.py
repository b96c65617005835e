"""Rendering the program into pages, charts and data files: privacy, escaping, templates."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

import jinja2
import markdown
import pytest
from conftest import MINI_PROGRAM, SCHEMA_LINE, person

from rmcode import api
from rmcode.report.build import build_report
from rmcode.site.data import public_report
from rmcode.site.join import checkin_template, profile_template
from rmcode.site.pages import constraints
from rmcode.site.render import NAV, SiteSettings, environment, site_files

AS_OF = dt.date(2026, 3, 1)
PUBLIC_FIELDS = ("[name, title, level, department, location, timezone, languages, skills_offered, skills_wanted, "
                 "goals, bio]")
VISIBLE = "{name: public, title: public, department: public, location: public, goals: public, bio: public, " \
          "skills_offered: public, skills_wanted: public}"
HOSTILE = {
    "name": "<script>alert('name')</script>",
    "title": "<img src=x onerror=alert('title')>",
    "department": "Sales | Legal {: onclick=\"alert('dept')\" }",
    "location": "javascript:alert('location')",
    "bio": "[click me](javascript:alert('bio')) {{ config }} {% raw %} <a href=\"javascript:alert(1)\">x</a>\n\n"
           "| a | b |\n|---|---|\n| c | d |\n\n<iframe src=\"https://evil.example\"></iframe>",
    "goal": "{: onclick=\"alert('goal')\" } **bold** <svg onload=alert('goal')>",
    "mentee": "Dan \"<svg/onload=alert('dan')>\" {{ 7*7 }}",
    "objective": "<script>alert('objective')</script> [x](javascript:alert('objective')) {{ config.site_name }}",
    "skill": "<b onmouseover=alert('skill')>AI</b> | {: .x }",
}
LIVE_MARKERS = ("<script>alert", "onerror=", "onload=", "onclick=", "onmouseover=", "javascript:alert", "<iframe")


def _y(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid YAML double-quoted scalar


def hostile_files() -> dict[str, str | None]:
    """The mini program with hostile text in every free-text field a page shows."""
    program = (MINI_PROGRAM.replace("objective: Junior colleagues mentor senior leaders.",
                                    f"objective: {_y(HOSTILE['objective'])}")
               .replace("public_fields: [name, title, department, skills_offered, skills_wanted, bio]",
                        f"public_fields: {PUBLIC_FIELDS}")
               .replace("- {id: generative-ai, name: Generative AI}",
                        f"- {{id: generative-ai, name: {_y(HOSTILE['skill'])}}}"))
    eve = person("eve", 301, name=_y(HOSTILE["name"]), title=_y(HOSTILE["title"]), department=_y(HOSTILE["department"]),
                 location=_y(HOSTILE["location"]), bio=_y(HOSTILE["bio"]), skills_offered="[generative-ai]",
                 goals="{grow: [{id: g1, text: " + _y(HOSTILE["goal"]) + "}]}", visibility=VISIBLE)
    dan = person("dan", 202, role="mentee", level=4, name=_y(HOSTILE["mentee"]), skills_wanted="[short-video]",
                 visibility="{name: public, skills_wanted: public}")
    matches = SCHEMA_LINE.format("", "matches") + textwrap.dedent("""\
        pairs:
          - {id: ana--cleo, cohort: c1, mentor: ana, mentee: cleo, status: active, matched: 2026-02-01}
          - id: eve--dan
            cohort: c1
            mentor: eve
            mentee: dan
            status: active
            matched: 2026-02-01
            score: 0.61
            breakdown: {skills: 0.3, working_style: 0.05, cross_department: 0.0, timezone: 0.1, \
availability: 0.1, preferences: 0.06}
            reason: "<script>alert('reason')</script>"
        """)
    return {"program.yaml": program, "participants/eve.yaml": eve, "participants/dan.yaml": dan,
            "matches.yaml": matches}


NO_CHECKIN = {"checkins/ana--cleo/2026-02-10-ana.yaml": None}  # for dates inside January's registration window


@pytest.fixture
def hostile_repo(program_repo: Callable[..., Path]) -> Path:
    return program_repo(hostile_files())


def _files(root: Path, as_of: dt.date = AS_OF, settings: SiteSettings | None = None) -> dict[PurePosixPath, str]:
    data = api.load_program(root, as_of)
    return site_files(data, build_report(data, as_of), as_of, settings or SiteSettings("acme/mentoring"))


class _Html(HTMLParser):
    """Collects what would be live in a browser: elements, event-handler attributes, link targets."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self.svg_classes: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "svg":
            self.svg_classes.append(dict(attrs).get("class"))
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        self.urls += [value or "" for name, value in attrs if name in ("href", "src", "action", "formaction")]


def _as_html(md_text: str) -> _Html:
    parser = _Html()
    parser.feed(markdown.markdown(md_text, extensions=["abbr", "admonition", "attr_list", "md_in_html", "tables",
                                                        "toc", "pymdownx.details", "pymdownx.superfences"]))
    return parser


def test_site_files_has_every_page_chart_and_data_file(program_repo: Callable[..., Path]) -> None:
    files = _files(program_repo())
    assert [str(p) for p in files if p.suffix == ".md" and p.parts[0] != "pairs"] == sorted(path for _, path in NAV)
    assert [p.parts[0] for p in files if p.suffix == ".md" and len(p.parts) > 1] == ["pairs"]  # one page per pair
    assert {"charts/cohort-timeline.svg", "charts/pair-status.svg", "charts/kpi-match-rate.svg",
            "api/v1/index.json", "api/v1/report.json", "downloads/pairs.csv",
            "downloads/schemas/participant.schema.json", "assets/rmcode/rmcode.js"} <= {str(p) for p in files}


def test_site_files_are_identical_twice(program_repo: Callable[..., Path]) -> None:
    root = program_repo()
    assert _files(root) == _files(root)


def test_hostile_text_is_inert_on_every_page(hostile_repo: Path) -> None:
    for path, text in _files(hostile_repo).items():
        if path.suffix != ".md":
            continue
        parsed = _as_html(text)
        assert "script" not in parsed.tags and "iframe" not in parsed.tags, path
        # the only inline SVG is rmcode's own KPI sparkline (numbers only), never one from user text
        assert set(parsed.svg_classes) <= {"rm-spark"}, path
        assert not {"foreignobject", "use", "image"} & set(parsed.tags), path
        assert parsed.handlers == [], path
        assert not [u for u in parsed.urls if not u.startswith(("http://", "https://", "mailto:", "#"))
                    and ":" in u.split("/")[0]], path
        lowered = text.lower()
        assert not [m for m in LIVE_MARKERS if m in lowered], path
        assert "{{" not in text and "{%" not in text and "{:" not in text, path


def test_hostile_text_is_shown_as_text(hostile_repo: Path) -> None:
    page = _files(hostile_repo)[PurePosixPath("participants.md")]
    text = "".join(_Html_text(markdown.markdown(page, extensions=["md_in_html", "attr_list"])))
    assert HOSTILE["name"] in text
    assert HOSTILE["title"] in text
    assert "[click me](javascript:alert('bio')) {{ config }} {% raw %}" in text


def _Html_text(html: str) -> list[str]:
    chunks: list[str] = []
    parser = HTMLParser()
    parser.handle_data = chunks.append  # type: ignore[method-assign]
    parser.feed(html)
    return chunks


def test_directory_lists_only_public_fields_and_counts_the_rest(hostile_repo: Path) -> None:
    page = _files(hostile_repo)[PurePosixPath("participants.md")]
    words = " ".join(page.split())
    assert "5 people take part in Mini program." in words
    assert "3 people have made nothing public and are counted but not listed." in words
    assert "Europe&#47;Berlin" not in page  # eve's timezone is not marked public
    for hidden in ("Ana", "Ben", "Cleo", "Finance"):
        assert hidden not in page


def test_mentors_are_credited_first(hostile_repo: Path) -> None:
    page = _files(hostile_repo)[PurePosixPath("participants.md")]
    assert page.index("## Mentors") < page.index("rm-role-mentor") < page.index("## Mentees")
    assert '<p class="rm-credit">Mentoring 1 senior leader</p>' in page


def test_pairs_name_only_people_whose_name_is_public(hostile_repo: Path) -> None:
    page = _files(hostile_repo)[PurePosixPath("pairs.md")]
    assert "</a></td><td>a mentor</td><td>a mentee</td>" in page
    assert ">2</a></td><td>&#60;script&#62;alert&#40;&#39;name&#39;&#41;&#60;&#47;script&#62;</td>" in page


def test_logins_and_private_fields_appear_in_no_file(hostile_repo: Path) -> None:
    for path, text in _files(hostile_repo).items():
        if path.parts[0] in ("downloads", "assets") and path.suffix in (".json", ".js", ".css"):
            continue  # schemas and rmcode's own assets
        for secret in ("ana--cleo", "eve--dan", "cleo", "alert('reason')", "github_id", "Europe/Berlin"):
            assert secret not in text, (path, secret)


def test_matching_shows_breakdowns_of_public_pairs_only(hostile_repo: Path) -> None:
    page = _files(hostile_repo)[PurePosixPath("matching.md")]
    assert "Score breakdowns of the 1 pair whose mentor and mentee both made their names public." in page
    assert "<td>0&#46;61</td><td>0&#46;30</td><td>0&#46;05</td>" in page


def test_public_report_is_a_whitelist(hostile_repo: Path) -> None:
    data = api.load_program(hostile_repo, AS_OF)
    public = public_report(data, build_report(data, AS_OF))
    assert sorted(public) == ["aggregates_as_of", "as_of", "cohorts", "kpis", "pairs", "participation", "people",
                              "program", "surveys", "version"]
    assert sorted(public["pairs"][1]) == [
        "cohort", "last_session", "mentee", "mentor", "milestones", "minutes", "next_due", "number", "progress",
        "sessions_committed", "sessions_confirmed", "sessions_expected", "sessions_held", "status", "wanted_covered",
        "wanted_total"]
    assert (public["pairs"][0]["mentor"], public["pairs"][1]["mentee"]) == (None, HOSTILE["mentee"])


def test_small_groups_are_left_out_by_name(program_repo: Callable[..., Path]) -> None:
    files = _files(program_repo())
    participation = json.loads(files[PurePosixPath("api/v1/participation.json")])
    assert participation["department"] == {"groups": []}  # not even how many groups were left out
    assert "Legal" not in files[PurePosixPath("dashboard.md")]


@pytest.mark.parametrize("role", ["mentor", "mentee"])
def test_join_template_validates_once_filled_in(program_repo: Callable[..., Path], role: str) -> None:
    root = program_repo(NO_CHECKIN)
    data = api.load_program(root, dt.date(2026, 1, 15))
    text = profile_template(data.program, data.program.cohorts[0], role, dt.date(2026, 1, 15))
    filled = text.replace("your-github-login", "newbie").replace("github_id: 1\n", "github_id: 777\n")
    (root / "participants" / "newbie.yaml").write_text(filled, encoding="utf-8")
    result = api.validate(root, dt.date(2026, 1, 15))
    assert [p.format_text() for p in result.problems] == []


def test_checkin_template_validates_once_filled_in(program_repo: Callable[..., Path]) -> None:
    root = program_repo()
    data = api.load_program(root, AS_OF)
    text = checkin_template("ana--cleo", "ana", dt.date(2026, 2, 24), data.program)
    (root / "checkins" / "ana--cleo" / "2026-02-24-ana.yaml").write_text(text, encoding="utf-8")
    result = api.validate(root, AS_OF)
    assert [p.format_text() for p in result.problems] == []


def test_join_links_prefill_the_github_new_file_page(program_repo: Callable[..., Path]) -> None:
    page = _files(program_repo(NO_CHECKIN), dt.date(2026, 1, 15))[PurePosixPath("join.md")]
    assert ('<a href="https&#58;&#47;&#47;github&#46;com&#47;acme&#47;mentoring&#47;new&#47;main&#63;filename&#61;'
            'participants&#37;2Fyour&#45;github&#45;login&#46;yaml&#38;value&#61;'
            '&#37;23&#37;20yaml&#45;language') in page
    assert "Registration for **Cohort one** is open until 2026&#45;01&#45;31." in page


def test_settings_build_exact_urls() -> None:
    settings = SiteSettings("acme/mentoring", branch="trunk")
    assert settings.new_file_url("participants/x.yaml", "a: 1\n") == (
        "https://github.com/acme/mentoring/new/trunk?filename=participants%2Fx.yaml&value=a%3A%201%0A")
    assert settings.issue_form_url("register.yml") == \
        "https://github.com/acme/mentoring/issues/new?template=register.yml"
    assert SiteSettings(None).new_file_url("x", "y") is None


def test_without_a_repository_the_join_page_explains_where_to_set_it(program_repo: Callable[..., Path]) -> None:
    page = _files(program_repo(NO_CHECKIN), dt.date(2026, 1, 15), SiteSettings(None))[PurePosixPath("join.md")]
    assert "The links appear here once the site knows the program&#39;s repository" not in page
    assert "The links appear here once the site knows the program's repository (`extra.rmcode.repository`" in page
    assert "github.com" not in page


def test_constraints_in_plain_words(program_repo: Callable[..., Path]) -> None:
    data = api.load_program(program_repo(), AS_OF)
    assert constraints(data.program) == [
        "A mentor and a mentee are in the same cohort.",
        "The mentor's job level is at least 2 below the mentee's.",
        "Nobody is paired with a person they asked to avoid, and no mentor gets more mentees than their capacity.",
        "They share at least one language.",
        "They are not in one management chain (neither manages the other, directly or through others).",
        "They are both free at least 1 hour a week at the same time.",
    ]


def test_templates_refuse_to_print_none() -> None:
    with pytest.raises(TypeError, match="refusing to print None"):
        environment().from_string("{{ x }}").render(x=None)


def test_templates_fail_on_undefined_names() -> None:
    with pytest.raises(jinja2.UndefinedError):
        environment().from_string("{{ missing }}").render()


def test_path_filter_refuses_anything_but_plain_paths() -> None:
    env = environment()
    assert env.from_string("{{ p | path }}").render(p="charts/a-b.svg") == "charts/a-b.svg"
    with pytest.raises(ValueError, match="not a safe site path"):
        env.from_string("{{ p | path }}").render(p="javascript:alert(1)")


def test_survey_summaries_say_what_people_answered() -> None:
    from rmcode.report.model import AnswerStats
    from rmcode.site.pages import _answer_summary
    choice = AnswerStats(8, False, None, None, None)
    assert _answer_summary(choice, {"Video call": 5, "In person": 3}, 0, 5) == "most answered “Video call”"
    assert _answer_summary(choice, {"a": 4, "b": 4}, 0, 5) == "most answered “a” and “b”"
    assert _answer_summary(choice, {"a": 0}, 0, 5) == "no answers yet"
    assert _answer_summary(AnswerStats(8, False, None, 4.25, None), {}, 0, 5) == "mean 4.25"
    assert _answer_summary(AnswerStats(8, False, 0.8, None, None), {}, 0, 5) == "80% yes"
    assert _answer_summary(AnswerStats(2, True, None, None, None), {}, 0, 5) == "hidden: fewer than 5 answers"
    # answers given by too few people are left out of the chart: the summary does not guess the top one
    assert _answer_summary(choice, {"a": 5}, 2, 5) == "answers given by fewer than 5 people are not shown"


def test_rules_page_counts_milestones_from_the_match_date(program_repo: Callable[..., Path]) -> None:
    rules = _files(program_repo())[PurePosixPath("rules.md")]
    assert "| Agree on goals | 14 days after the pair is matched |" in rules
    assert "| Closing survey | at the end of the cohort |" in rules
