"""The report dict (the site's data and the static API) and its md/json/csv renderings."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import random
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import MINI_PROGRAM, ProgramRepo
from hypothesis import given, settings
from hypothesis import strategies as st
from test_progress import checkin, load, response, small_files

from rmcode import api
from rmcode.formats.report import RENDERERS, render_csv, render_json, render_markdown, report_data
from rmcode.model import ProgramData
from rmcode.report.build import build_report
from rmcode.sealing import parse_identities
from rmcode.validate.schema import load_schema
from rmcode.validate.sealed import open_data

ROOT = Path(__file__).resolve().parent.parent
KPIS = """\
kpis:
  - {id: sessions, name: Sessions per pair, metric: sessions_per_pair, target: 2}
  - {id: mentee-rating, name: Mentee rating, metric: average_rating, target: 4, params: {role: mentee}}
  - {id: early, name: Ended early, metric: early_closure_rate, target: 0.2, direction: at-most}
"""
SECRETS = ("SECRET-CONCERN", "SECRET-NOTE", "SECRET-NEXT", "SECRET-TEXT", "SECRET-BIO", "SECRET-END",
           "SECRET-SELFID", "SECRET-PAUSE")
DEMO_MARKERS = ("PRIVATE-CONCERN-MARKER", "PRIVATE-NOTE-MARKER", "PRIVATE-SURVEY-MARKER", "PRIVATE-BIO-MARKER")


def program(min_group_size: int = 1, publish_every: str = "always") -> str:
    text = MINI_PROGRAM.replace("kpis:\n  - {id: match-rate, name: Match rate, metric: match_rate, target: 0.9}\n",
                                KPIS)
    return text.replace("min_group_size: 3", f"min_group_size: {min_group_size}\n  publish_every: {publish_every}")


def secret_files(min_group_size: int = 1, publish_every: str = "always") -> dict[str, str | None]:
    """The small program with private text in every place that must never be published."""
    files = small_files()
    files["program.yaml"] = program(min_group_size, publish_every)
    for login, gender in (("ana", "woman"), ("ben", "woman"), ("cleo", "woman"), ("dan", "man"),
                          ("eve", "SECRET-SELFID")):
        files[f"participants/{login}.yaml"] = (files[f"participants/{login}.yaml"] or "") + \
            f"self_identification: {{gender: {gender}}}\n"
    files["participants/fay.yaml"] = (files["participants/fay.yaml"] or "") \
        .replace("name: Fay", "name: Fay\nbio: SECRET-BIO") \
        + "paused: {until: 2026-03-01, reason: SECRET-PAUSE}\n"
    files["matches.yaml"] = (files["matches.yaml"] or "").replace("They agreed to stop.", "SECRET-END")
    path, text = checkin("ana--cleo", "2026-03-24", "cleo", 45, notes="SECRET-NOTE", next_steps="SECRET-NEXT",
                         concern="{level: high, note: SECRET-CONCERN}")
    files[path] = text
    path, text = response("ben", "2026-03-21", {"would-continue": "false", "highlight": "SECRET-TEXT"})
    files[path] = text
    return files


@pytest.fixture(scope="module")
def secret_data(tmp_path_factory: pytest.TempPathFactory) -> ProgramData:
    from conftest import commit_all, git, mini_files, write_files
    root = tmp_path_factory.mktemp("report")
    git(root, "init", "-q", "-b", "main")
    files = {**mini_files(), **secret_files()}
    write_files(root, {k: v for k, v in files.items() if v is not None})
    commit_all(root)
    return load(root)


def with_privacy(data: ProgramData, k: int, every: str = "always") -> ProgramData:
    privacy = dataclasses.replace(data.program.privacy, min_group_size=k, publish_every=every)  # type: ignore[arg-type]
    return dataclasses.replace(data, program=dataclasses.replace(data.program, privacy=privacy))


@cache
def validator() -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(load_schema("report"), format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def built(data: ProgramData, day: dt.date, private: bool = False) -> dict[str, Any]:
    """The report's JSON form, the documented contract these tests read."""
    return json.loads(json.dumps(report_data(build_report(data, day, private))))  # type: ignore[no-any-return]


def schema_errors(report: dict[str, Any]) -> list[str]:
    return [e.message for e in validator().iter_errors(json.loads(json.dumps(report)))]


def test_schema_is_draft_07_with_titles() -> None:
    schema = load_schema("report")
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert all("title" in p and "description" in p for p in schema["properties"].values())


def test_public_and_private_reports_match_the_schema(secret_data: ProgramData) -> None:
    day = dt.date(2026, 3, 31)
    assert schema_errors(built(secret_data, day)) == []
    assert schema_errors(built(secret_data, day, private=True)) == []


def test_schema_rejects_private_parts_in_a_public_report(secret_data: ProgramData) -> None:
    report = built(secret_data, dt.date(2026, 3, 31), private=True)
    report["private"] = False
    errors = schema_errors(report)
    assert errors and all("should not be valid" in e or "False schema" in e for e in errors)


def test_nothing_private_in_any_public_rendering(secret_data: ProgramData) -> None:
    for k, day in ((1, "2026-03-31"), (2, "2026-03-31"), (1, "2026-07-15")):
        typed = build_report(with_privacy(secret_data, k), dt.date.fromisoformat(day))
        for fmt, render in RENDERERS.items():
            text = render(typed)
            assert [s for s in SECRETS if s in text] == [], (fmt, k, day)
        assert not {"flags", "answers", "ratings", "first_session_fit"} & set(_keys(report_data(typed)))


def test_private_report_adds_flags_and_free_text_only(secret_data: ProgramData) -> None:
    typed = build_report(secret_data, dt.date(2026, 3, 31), private=True)
    text = "".join(render(typed) for render in RENDERERS.values())
    report = built(secret_data, dt.date(2026, 3, 31), private=True)
    assert [s for s in SECRETS if s in text] == ["SECRET-CONCERN", "SECRET-TEXT"]
    (concern,) = [f for f in report["flags"] if f["kind"] == "concern"]
    assert concern == {"kind": "concern", "pair": "ana--cleo", "login": "cleo",
                       "message": "cleo raised a high concern on 2026-03-24: SECRET-CONCERN",
                       "evidence": [{"path": "checkins/ana--cleo/2026-03-24-cleo.yaml", "line": 8}]}
    highlight = report["surveys"][0]["questions"][2]
    assert highlight["answers"] == [{"login": "ben", "text": "SECRET-TEXT", "path": "surveys/closing/ben.yaml"}]


def _keys(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [k for key, v in value.items() for k in (key, *_keys(v))]
    if isinstance(value, list):
        return [k for v in value for k in _keys(v)]
    return []


def test_kpis_with_weekly_series(secret_data: ProgramData) -> None:
    report = built(secret_data, dt.date(2026, 3, 31))
    sessions, rating, early = report["kpis"]
    assert {k: sessions[k] for k in ("value", "target", "met", "suppressed", "unit", "direction")} == {
        "value": 2.5, "target": 2.0, "met": True, "suppressed": False, "unit": "sessions", "direction": "at-least"}
    # weeks from the Monday before registration opened (2026-01-01) to the as-of date
    assert [(p["week"], p["value"]) for p in sessions["series"]] == [
        ("2025-12-29", None), ("2026-01-05", None), ("2026-01-12", None), ("2026-01-19", None),
        ("2026-01-26", 0.0), ("2026-02-02", 0.0), ("2026-02-09", 1.0), ("2026-02-16", 1.0), ("2026-02-23", 1.5),
        ("2026-03-02", 1.5), ("2026-03-09", 2.0), ("2026-03-16", 2.0), ("2026-03-23", 2.5), ("2026-03-30", 2.5)]
    # cleo 4, 2 and dan 3; cleo's check-in of 03-24 has no rating
    assert (rating["value"], rating["met"], early["value"], early["met"]) == (3.0, False, 0.5, False)


def test_small_groups_are_suppressed_with_their_complements(secret_data: ProgramData) -> None:
    report = built(with_privacy(secret_data, 2), dt.date(2026, 3, 31))
    # Sales 3 (ana, dan, eve), Legal 2 (ben, fay), Finance 1 (cleo): Finance, and Legal to protect it
    assert report["participation"]["department"] == [
        {"group": "Finance", "count": None}, {"group": "Legal", "count": None}, {"group": "Sales", "count": 3}]
    # woman 3; man 1 and the rare answer fold into other (2); fay did not answer (1), and other protects it
    assert report["self_identification"] == {"gender": [
        {"group": "woman", "count": 3}, {"group": "other", "count": None}, {"group": "not answered", "count": None}]}
    assert report["participation"]["role"] == [{"group": "mentor", "count": 3}, {"group": "mentee", "count": 3}]


def test_small_survey_groups_are_suppressed_by_role(secret_data: ProgramData) -> None:
    report = built(with_privacy(secret_data, 2), dt.date(2026, 3, 31))
    would = report["surveys"][0]["questions"][0]
    # four answers: ana yes, ben no (mentors); cleo no, dan yes (mentees)
    assert (would["responses"], would["yes_share"], would["distribution"]) == (4, 0.5, {"yes": 2, "no": 2})
    # one person per answer and role: the roles' breakdown would give back one person's answer (and hide the
    # overall cells with it), so it is left out; the share would be the yes cell again
    assert would["by_role"]["mentor"] == {"responses": 2, "suppressed": False, "yes_share": None, "mean": None,
                                          "distribution": None}
    overall = built(with_privacy(secret_data, 3), dt.date(2026, 3, 31))["surveys"][0]["questions"][1]
    # three scale answers (ana 5, cleo 3, dan 4): the overall mean is shown, the roles (1 and 2) are not
    assert (overall["mean"], overall["by_role"]["mentor"]["mean"], overall["by_role"]["mentee"]["mean"]) == \
        (4.0, None, None)
    assert overall["by_role"]["mentee"]["suppressed"] is True


def test_answers_given_by_too_few_people_are_suppressed_with_their_complements(secret_data: ProgramData) -> None:
    report = build_report(with_privacy(secret_data, 3), dt.date(2026, 3, 31))
    data = report_data(report)
    would, overall = (json.loads(json.dumps(q)) for q in data["surveys"][0]["questions"][:2])  # type: ignore[index]
    # four answers, 2 yes and 2 no: each cell is about fewer than 3 people, and the share is the yes cell again
    assert (would["responses"], would["suppressed"], would["yes_share"], would["distribution"]) == (
        4, False, None, {"yes": None, "no": None})
    # three scale answers 5, 3 and 4: the mean of three people is shown; three hidden cells of three answers
    # would each be one answer, so there is no distribution at all
    assert (overall["mean"], overall["distribution"]) == (4.0, None)
    text = render_markdown(report)
    assert "| Would you continue? | 4 | yes: suppressed, no: suppressed |\n" in text
    assert "1 person" not in text and ": 1," not in text


def test_the_site_shows_no_answer_given_by_too_few_people(secret_data: ProgramData) -> None:
    from rmcode.site.render import SiteSettings, site_files
    day = dt.date(2026, 3, 31)
    data = with_privacy(secret_data, 3)
    files = {str(path): text for path, text in site_files(data, build_report(data, day), day, SiteSettings()).items()}
    would, overall = json.loads(files["api/v1/surveys.json"])[0]["questions"][:2]
    assert (would["distribution"], would["yes_share"], overall["distribution"]) == \
        ({"yes": None, "no": None}, None, None)
    dashboard = files["dashboard.md"]
    assert ("Would you continue&#63;</strong>: answers given by fewer than 3 people are not shown (4 answers)."
            in dashboard)
    assert "charts/survey-closing-would" not in dashboard  # no chart of hidden cells


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["mentor", "mentee"]), st.integers(1, 5)), max_size=40),
       st.integers(1, 6))
def test_no_suppressed_answer_count_comes_back_from_the_total(answers: list[tuple[str, int]], k: int) -> None:
    from rmcode.model import Question, Source, SurveyResponse
    from rmcode.progress.surveys import Answer, QuestionAnswers
    from rmcode.report.public import publish_question
    dummy = SurveyResponse("s", "ana", dt.date(2026, 3, 1), None, {}, Source("surveys/s/ana.yaml"))
    q = publish_question(QuestionAnswers(Question("q", "Q?", "scale"), tuple(Answer(r, v, dummy) for r, v in answers)),
                         ("mentor", "mentee"), k, False)
    # a suppressed role's count is the small group itself: not said in the public report
    assert all(s.responses is None for _, s in q.by_role if s.suppressed)
    for stats in (q.stats, *(s for _, s in q.by_role)):
        if stats.distribution is None:
            continue
        shown = {c.group: c.count for c in stats.distribution if c.count is not None}
        hidden = [c.group for c in stats.distribution if c.count is None]
        assert all(n == 0 or n >= k for n in shown.values())
        # never exactly one hidden cell, and together the hidden cells hold enough people for each to be k or more
        assert len(hidden) != 1
        if hidden:
            assert stats.responses is not None and stats.responses - sum(shown.values()) - (len(hidden) - 1) >= k
    if q.by_role and all(s.distribution is not None for _, s in q.by_role) and q.stats.distribution is not None:
        # an answer shown overall but hidden for a role would give that role's count back by subtraction
        for i, cell in enumerate(q.stats.distribution):
            roles = [s.distribution[i].count for _, s in q.by_role if s.distribution is not None]
            assert (cell.count is None) == (None in roles) or all(n is None for n in roles)


def test_sensitive_kpi_waits_for_enough_new_records(secret_data: ProgramData) -> None:
    rating = built(with_privacy(secret_data, 2), dt.date(2026, 3, 31))["kpis"][1]
    # cleo 4 and dan 3 by 02-12 (3.5); cleo's 2 of 03-10 alone would reveal itself, so 3.5 stays
    assert (rating["value"], rating["series"][6]["value"], rating["series"][-1]["value"]) == (3.5, 3.5, 3.5)
    assert built(with_privacy(secret_data, 1), dt.date(2026, 3, 31))["kpis"][1]["value"] == 3.0


def test_kpi_over_too_few_people_is_suppressed(secret_data: ProgramData) -> None:
    rating = built(with_privacy(secret_data, 3), dt.date(2026, 3, 31))["kpis"][1]
    assert (rating["value"], rating["suppressed"], rating["met"]) == (None, True, None)  # two mentees rated
    assert {p["value"] for p in rating["series"]} == {None}


def test_weekly_publication_freezes_aggregates_until_the_week_ends(secret_data: ProgramData) -> None:
    weekly = with_privacy(secret_data, 1, "weekly")
    public = built(weekly, dt.date(2026, 3, 26))  # a Thursday
    assert (public["as_of"], public["aggregates_as_of"]) == ("2026-03-26", "2026-03-22")
    assert public["surveys"][0]["responses"] == 3  # cleo's answer of 03-25 waits for the next week
    assert public["kpis"][0]["series"][-1]["week"] == "2026-03-16"
    assert built(weekly, dt.date(2026, 3, 26), private=True)["surveys"][0]["responses"] == 4
    assert public["pairs"] == built(weekly, dt.date(2026, 3, 26), private=False)["pairs"]


def test_report_is_identical_across_runs(secret_data: ProgramData) -> None:
    for private in (False, True):
        first = render_json(build_report(secret_data, dt.date(2026, 3, 31), private))
        assert render_json(build_report(secret_data, dt.date(2026, 3, 31), private)) == first


@settings(max_examples=25, deadline=None)
@given(st.dates(dt.date(2025, 12, 1), dt.date(2026, 8, 31)), st.randoms(use_true_random=False), st.booleans())
def test_report_does_not_depend_on_input_order(secret_data: ProgramData, day: dt.date, rnd: random.Random,
                                               private: bool) -> None:
    def shuffled(items: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(rnd.sample(items, len(items)))
    mixed = dataclasses.replace(secret_data, participants=shuffled(secret_data.participants),
                                pairs=shuffled(secret_data.pairs), checkins=shuffled(secret_data.checkins),
                                responses=shuffled(secret_data.responses))
    for render in RENDERERS.values():
        assert render(build_report(mixed, day, private)) == render(build_report(secret_data, day, private))


def test_markdown_rendering(secret_data: ProgramData) -> None:
    text = render_markdown(build_report(with_privacy(secret_data, 2), dt.date(2026, 3, 31)))
    assert text.startswith("# Mini program: progress report\n\nExample Corp. As of 2026-03-31; aggregates as of "
                           "2026-03-31.\n\n## KPIs\n\n| KPI | Value | Target | Status |\n|---|---|---|---|\n"
                           "| Sessions per pair | 2.5 | ≥ 2.0 | met |\n"
                           "| Mentee rating | 3.50 / 5 | ≥ 4.00 / 5 | not met |\n"
                           "| Ended early | 50% | ≤ 20% | not met |\n")
    assert "| ana--cleo | c1 | on-track | 4/6 | 4 | 67% | 2026-03-24 | 2026-04-07 |\n" in text
    assert "| Finance | suppressed |\n" in text
    assert "| Would you continue? | 4 | 50% yes |\n" in text


def test_markdown_escapes_user_text(program_repo: ProgramRepo) -> None:
    root = program_repo({"program.yaml": MINI_PROGRAM.replace("name: Mini program", 'name: "A | B <script>"')})
    text = render_markdown(build_report(load(root), dt.date(2026, 3, 1)))
    assert text.startswith("# A \\| B &lt;script&gt;: progress report\n")


def test_csv_is_one_tidy_table(secret_data: ProgramData) -> None:
    rows = list(csv.reader(io.StringIO(render_csv(build_report(secret_data, dt.date(2026, 3, 31))))))
    assert rows[0] == ["section", "item", "field", "value"]
    assert ["kpis", "sessions", "value", "2.5"] in rows
    assert ["kpis", "sessions", "series.2026-03-09.value", "2.0"] in rows
    assert ["pairs", "ana--cleo", "status", "on-track"] in rows
    assert ["pairs", "ana--cleo", "topics_covered", "data-literacy;generative-ai"] in rows
    assert ["participation", "department", "Sales.count", "3"] in rows
    assert ["version", "", "", "1"] in rows


def test_csv_cells_never_start_a_formula(program_repo: ProgramRepo) -> None:
    files = small_files()
    files["participants/eve.yaml"] = (files["participants/eve.yaml"] or "").replace(
        "department: Sales", 'department: "=HYPERLINK(1)"')
    text = render_csv(build_report(load(program_repo(files)), dt.date(2026, 3, 31)))
    assert "participation,department,'=HYPERLINK(1).count,\n" in text  # one person: suppressed
    assert ",=" not in text


def test_json_is_sorted_with_one_entry_per_line(secret_data: ProgramData) -> None:
    text = render_json(build_report(secret_data, dt.date(2026, 3, 31)))
    data = json.loads(text)
    assert list(data) == sorted(data) and data["version"] == 1
    pair_lines = [line for line in text.splitlines() if line.startswith('    {"cohort": "c1", "id": ')]
    assert len(pair_lines) == 3


def test_bad_kpi_parameters_stop_the_report(program_repo: ProgramRepo) -> None:
    from rmcode.errors import SchemaError
    bad = MINI_PROGRAM.replace("metric: match_rate, target: 0.9}",
                               "metric: match_rate, target: 0.9, params: {role: boss}}")
    with pytest.raises(SchemaError, match="RM332 kpi match-rate: role must be one of mentor, mentee, not 'boss'"):
        built(load(program_repo({"program.yaml": bad})), dt.date(2026, 3, 1))


@pytest.mark.skipif(not (ROOT / "program.yaml").exists(), reason="the demo program is not generated")
def test_demo_public_report_is_meaningful_and_keeps_secrets() -> None:
    day = api.resolve_as_of(ROOT, None)
    sealed = api.load_program(ROOT, day)
    # without the key: what needs sealed values says so, never a number; nothing sealed leaks, even privately
    locked = built(sealed, day, private=True)
    locked_typed = build_report(sealed, day, private=True)
    assert schema_errors(locked) == []
    assert {k["id"] for k in locked["kpis"] if k.get("needs_key")} == \
        {"mentee-rating", "first-session-fit", "would-continue"}
    assert all(k["value"] is None for k in locked["kpis"] if k.get("needs_key"))
    assert locked["sealed"]["unread"] > 200 and "concern" not in {f["kind"] for f in locked["flags"]}
    for render in RENDERERS.values():
        assert [m for m in DEMO_MARKERS if m in render(locked_typed)] == []
    # with the DEMO-ONLY key, as the publish job opens a real program with its own key
    data = open_data(sealed, parse_identities((ROOT / "demo-only.key").read_text())).data
    public = built(data, day)
    assert schema_errors(public) == []
    for render in RENDERERS.values():
        assert [m for m in DEMO_MARKERS if m in render(build_report(data, day))] == []
    assert sum(k["value"] is not None for k in public["kpis"]) >= len(public["kpis"]) - 1
    assert {p["status"] for p in public["pairs"]} >= {"on-track", "behind", "stalled", "ended-early"}
    private = built(data, day, private=True)
    assert {f["kind"] for f in private["flags"]} >= {"concern", "stalled", "unconfirmed", "low-ratings"}
    text = render_json(build_report(data, day, private=True))
    assert "PRIVATE-NOTE-MARKER" in text and "PRIVATE-BIO-MARKER" not in text
