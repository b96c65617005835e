"""What the survey breakdown hides stays hidden in every other view (issue 15).

A small program repository is built for real (git, the CLI's ``report`` and ``build``): four
answers to a yes-no question, two yes and two no, with ``min_group_size`` 3. The survey hides
both cells and the yes share; the public report's per-role counts, a KPI that is the share of
yes answers, and the matching page's count of people waiting must not give them back.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from pathlib import Path
from typing import Any

from conftest import ProgramRepo, run
from test_report import secret_files

WOULD_CONTINUE = ("  - {id: would-continue, name: Would continue, metric: would_continue_share, target: 0.8,\n"
                  "     params: {survey: closing, question: would-continue}}\n")


def _repo(program_repo: ProgramRepo) -> Path:
    files = secret_files(min_group_size=3)
    files["program.yaml"] = (files["program.yaml"] or "").replace("kpis:\n", "kpis:\n" + WOULD_CONTINUE)
    # one person waits for a match: fewer than min_group_size
    files["matches.yaml"] = (files["matches.yaml"] or "") + (
        "unmatched:\n  - login: fay\n    cohort: c1\n    reason: No mentor offers what fay wants.\n")
    return program_repo(files)


def _report(root: Path, *args: str) -> str:
    result = run("report", "--root", str(root), "--as-of", "2026-03-31", *args)
    assert result.exit_code == 0, result.output
    return result.output


def _kpi(report: dict[str, Any]) -> dict[str, Any]:
    return next(k for k in report["kpis"] if k["id"] == "would-continue")


def test_public_report_hides_what_the_survey_breakdown_hides(program_repo: ProgramRepo) -> None:
    root = _repo(program_repo)
    public = json.loads(_report(root, "--format", "json"))
    would = public["surveys"][0]["questions"][0]
    # ana yes, ben no (mentors); cleo no, dan yes (mentees): every cell is about fewer than 3 people
    assert (would["responses"], would["distribution"], would["yes_share"]) == (4, {"yes": None, "no": None}, None)
    # a suppressed role's count is the small group itself: 2 mentors answered is not said
    assert {role: (s["responses"], s["suppressed"]) for role, s in would["by_role"].items()} == {
        "mentor": (None, True), "mentee": (None, True)}
    # the KPI is the yes share of those answers (2 of 4 = 50%): hidden like the breakdown, every week
    kpi = _kpi(public)
    assert (kpi["value"], kpi["suppressed"], kpi["met"]) == (None, True, None)
    assert {p["value"] for p in kpi["series"]} == {None}
    rows = list(csv.reader(io.StringIO(_report(root, "--format", "csv"))))
    assert [r for r in rows if r[:2] == ["kpis", "would-continue"] and r[2] in ("value", "suppressed")] == [
        ["kpis", "would-continue", "suppressed", "true"], ["kpis", "would-continue", "value", ""]]
    assert not [r for r in rows if r[1] == "would-continue" and r[2].endswith("responses") and r[3] == "2"]
    markdown = _report(root)
    assert "| Would continue | suppressed | ≥ 80% | – |" in markdown
    assert "Would continue: Hidden: fewer than 3 people gave one of the answers" in markdown
    # the admin report says how many answered per role; its breakdown hides the cells, and so its KPI
    _report(root, "--format", "json", "--private", "--out", str(root.parent / "private.json"))
    private = json.loads((root.parent / "private.json").read_text())
    assert private["surveys"][0]["questions"][0]["distribution"] == {"yes": None, "no": None}
    assert (_kpi(private)["value"], _kpi(private)["suppressed"]) == (None, True)
    assert private["surveys"][0]["questions"][0]["by_role"]["mentor"]["responses"] == 2


def _text(page: Path) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))).split())


def test_site_hides_the_kpi_and_the_small_waiting_count(program_repo: ProgramRepo, tmp_path: Path) -> None:
    root = _repo(program_repo)
    out = tmp_path / "site"
    result = run("build", "--root", str(root), "--out", str(out), "--as-of", "2026-03-31")
    assert result.exit_code == 0, result.output
    kpi = next(k for k in json.loads((out / "api/v1/kpis.json").read_text()) if k["id"] == "would-continue")
    assert (kpi["value"], kpi["suppressed"], kpi["series"]) == (None, True, [])
    assert "would-continue,Would continue,would_continue_share,share,,0.8,at-least,,true" in (
        out / "downloads/kpis.csv").read_text()
    assert "would-continue" not in (out / "downloads/kpi-series.csv").read_text()
    dashboard = _text(out / "dashboard.html")
    assert ("suppressed against a target of at least 80%: hidden: fewer than 3 people gave one of the answers, and "
            "the share would tell how many. The weekly trend is hidden for the same reason.") in dashboard
    assert "Would continue suppressed" in dashboard and "Would continue 50%" not in dashboard
    matching = _text(out / "matching.html")
    assert "fewer than 3 people are waiting for a match" in matching
    assert "1 person is waiting" not in matching
