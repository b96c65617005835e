"""Every metric of the library, computed by hand on the small program of test_progress."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import MappingProxyType

import pytest
from conftest import MINI_PROGRAM, ProgramRepo
from test_progress import checkin, load, small_files

from rmcode import api
from rmcode.model import Kpi
from rmcode.progress.metrics import METRICS, Context, Value, evaluate
from rmcode.validate.kpis import kpi_problems


def kpi(metric: str, **params: str | float) -> Kpi:
    return Kpi("k", "K", metric, 1.0, "at-least", MappingProxyType(params))


def at(ctx: Context, metric: str, *days: str, **params: str | float) -> list[Value]:
    return evaluate(ctx, kpi(metric, **params), [dt.date.fromisoformat(d).toordinal() for d in days])


def values(ctx: Context, metric: str, *days: str, **params: str | float) -> list[float | None]:
    return [v.value for v in at(ctx, metric, *days, **params)]


@pytest.fixture(scope="module")
def ctx(tmp_path_factory: pytest.TempPathFactory) -> Context:
    # one repository for the whole module: every test only reads it
    from conftest import commit_all, git, mini_files, write_files
    root = tmp_path_factory.mktemp("metrics")
    git(root, "init", "-q", "-b", "main")
    files = {**mini_files(), **small_files()}
    write_files(root, {k: v for k, v in files.items() if v is not None})
    for path, text in files.items():
        if text is None and (root / path).exists():
            (root / path).unlink()
    commit_all(root)
    return Context(load(root))


def test_registrations(ctx: Context) -> None:
    # registered: cleo 01-05, dan 01-12, eve and fay 01-20, ana and ben 01-10
    assert at(ctx, "registrations", "2026-01-04", "2026-01-10", "2026-03-31") == [
        Value(0.0, 0, 0), Value(3.0, 3, 3), Value(6.0, 6, 6)]
    assert values(ctx, "registrations", "2026-03-31", role="mentee") == [3.0]


def test_match_rate(ctx: Context) -> None:
    # nobody is eligible before registration closes (01-31); ana, ben, cleo, dan matched on 02-01
    assert values(ctx, "match_rate", "2026-01-31", "2026-02-01", "2026-03-31") == [None, 0.6667, 0.6667]
    assert values(ctx, "match_rate", "2026-03-31", role="mentor") == [0.6667]  # eve only proposed


def test_time_to_match_days(ctx: Context) -> None:
    # ana 22, ben 22, cleo 27, dan 20 days from registration to 02-01
    assert values(ctx, "time_to_match_days", "2026-01-31", "2026-03-31") == [None, 22.75]
    assert values(ctx, "time_to_match_days", "2026-03-31", role="mentee") == [23.5]


def test_sessions_per_pair(ctx: Context) -> None:
    # ana--cleo 3 sessions, ben--dan 1; the proposed pair does not count
    assert values(ctx, "sessions_per_pair", "2026-02-11", "2026-03-31") == [0.5, 2.0]


def test_pairs_on_track_share(ctx: Context) -> None:
    # 03-01: ana--cleo on track (2 of 2), ben--dan behind (1 of 2); 03-31: ana--cleo behind, ben--dan ended
    assert values(ctx, "pairs_on_track_share", "2026-03-01", "2026-03-20", "2026-03-31") == [0.5, 1.0, 0.0]


def test_mentoring_hours(ctx: Context) -> None:
    # 60 + 45 + 30 minutes for ana--cleo, 45 for ben--dan
    assert values(ctx, "mentoring_hours", "2026-02-12", "2026-03-31") == [1.75, 3.0]


def test_pairs_with_3_sessions_share(ctx: Context) -> None:
    assert values(ctx, "pairs_with_3_sessions_share", "2026-03-09", "2026-03-10") == [0.0, 0.5]
    assert values(ctx, "pairs_with_3_sessions_share", "2026-03-31", sessions=1) == [1.0]


def test_average_rating(ctx: Context) -> None:
    # mentors: ana 5, 4, 3 and ben 2; mentees: cleo 4, 2 and dan 3; ben's not-held check-in has none
    assert values(ctx, "average_rating", "2026-03-31") == [3.2857]
    assert values(ctx, "average_rating", "2026-03-31", role="mentor") == [3.5]
    assert at(ctx, "average_rating", "2026-02-12", "2026-03-31", role="mentee") == [
        Value(3.5, 2, 2), Value(3.0, 2, 3)]


def test_first_session_fit_rate(ctx: Context) -> None:
    # first answers: ana yes, cleo yes, ben no, dan yes
    assert values(ctx, "first_session_fit_rate", "2026-02-10", "2026-03-31") == [1.0, 0.75]
    assert values(ctx, "first_session_fit_rate", "2026-03-31", role="mentor") == [0.5]


def test_would_continue_share(ctx: Context) -> None:
    # ana yes (03-20), dan yes (03-20), cleo no (03-25)
    params = {"survey": "closing", "question": "would-continue"}
    assert values(ctx, "would_continue_share", "2026-03-19", "2026-03-20", "2026-03-31",
                  **params) == [None, 1.0, 0.6667]
    assert values(ctx, "would_continue_share", "2026-03-31", role="mentee", **params) == [0.5]


def test_skills_covered_share(ctx: Context) -> None:
    # cleo's generative-ai covered on 02-10; dan's short-video never
    assert values(ctx, "skills_covered_share", "2026-02-09", "2026-03-31") == [0.0, 0.5]


def test_goal_progress_share(ctx: Context) -> None:
    # ana--cleo: ana's goal progressing on 02-24, cleo's achieved on 03-10; ben--dan: only dan's goal moved
    assert values(ctx, "goal_progress_share", "2026-03-01", "2026-03-10") == [0.0, 0.5]
    assert values(ctx, "goal_progress_share", "2026-03-01", at_least="started") == [0.5]
    assert values(ctx, "goal_progress_share", "2026-03-31", at_least="achieved") == [0.0]


def test_participation_share(ctx: Context) -> None:
    # Sales: ana, eve (mentors), dan (mentee); Legal: ben (mentor), fay (mentee); Finance: cleo (mentee)
    assert values(ctx, "participation_share", "2026-03-31", field="department") == [0.6667]
    assert values(ctx, "participation_share", "2026-03-31", field="department", role="mentee") == [1.0]
    assert values(ctx, "participation_share", "2026-03-31", field="department", group="Sales") == [0.5]
    assert values(ctx, "participation_share", "2026-03-31", field="department", group="Sales",
                  role="mentee") == [0.3333]
    assert values(ctx, "participation_share", "2026-03-31", field="level", group="Vice president") == [0.1667]
    assert values(ctx, "participation_share", "2026-03-31", field="level", group=5) == [0.1667]


def test_early_closure_rate(ctx: Context) -> None:
    assert values(ctx, "early_closure_rate", "2026-03-14", "2026-03-15") == [0.0, 0.5]


def test_cohort_parameter_filters(ctx: Context) -> None:
    assert values(ctx, "registrations", "2026-03-31", cohort="c1") == [6.0]
    assert values(ctx, "registrations", "2026-03-31", cohort="c2") == [0.0]
    assert values(ctx, "sessions_per_pair", "2026-03-31", cohort="c2") == [None]


def test_pair_metrics_count_people_for_suppression(ctx: Context) -> None:
    assert at(ctx, "sessions_per_pair", "2026-03-31") == [Value(2.0, 4, 6)]


def test_program_without_pairs(program_repo: ProgramRepo) -> None:
    files = {"matches.yaml": None, "checkins/ana--cleo/2026-02-10-ana.yaml": None}
    empty = Context(load(program_repo(files)))
    params = {"would_continue_share": {"survey": "closing", "question": "would-continue"},
              "participation_share": {"field": "department"}}
    got = {name: at(empty, name, "2026-03-31", **params.get(name, {}))[0].value for name in sorted(METRICS)}
    assert got == {
        "average_rating": None, "early_closure_rate": None, "first_session_fit_rate": None,
        "goal_progress_share": None, "match_rate": 0.0, "mentoring_hours": 0.0, "pairs_on_track_share": None,
        "pairs_with_3_sessions_share": None, "participation_share": 0.3333,  # Sales of Finance, Legal, Sales
        "registrations": 4.0, "sessions_per_pair": None, "skills_covered_share": None,
        "time_to_match_days": None, "would_continue_share": None,
    }


def kpi_yaml(entry: str) -> str:
    return MINI_PROGRAM.replace("  - {id: match-rate, name: Match rate, metric: match_rate, target: 0.9}",
                                f"  - {entry}")


def test_kpi_parameter_problems(program_repo: ProgramRepo, tmp_path: Path) -> None:
    # the first problem of each entry, in the order program.yaml's problems are sorted
    cases = {
        "{id: a, name: A, metric: average_rating, target: 4, params: {role: boss}}":
            "kpi a: role must be one of mentor, mentee, not 'boss'",
        "{id: a, name: A, metric: would_continue_share, target: 1}":
            "kpi a: would_continue_share needs the parameter 'question'",
        "{id: a, name: A, metric: would_continue_share, target: 1, params: {survey: closing, question: overall}}":
            "kpi a: survey closing has no yes-no question 'overall'",
        "{id: a, name: A, metric: sessions_per_pair, target: 1, params: {cohort: c9}}":
            "kpi a: cohort must be one of c1, not 'c9'",
        "{id: a, name: A, metric: mentoring_hours, target: 1, params: {role: mentor}}":
            "kpi a: mentoring_hours has no parameter 'role'",
        "{id: a, name: A, metric: pairs_with_3_sessions_share, target: 1, params: {sessions: 0}}":
            "kpi a: sessions must be a whole number of at least 1, not 0",
    }
    for entry, message in cases.items():
        # validation reports them (RM332), so no command ever computes a KPI it cannot
        found = api.validate(program_repo({"program.yaml": kpi_yaml(entry)}), dt.date(2026, 3, 1)).problems
        assert [(p.code, p.message) for p in found][:1] == [("RM332", message)], entry


def test_declared_kpis_of_the_mini_program_are_fine(program_repo: ProgramRepo) -> None:
    path, text = checkin("ana--cleo", "2026-02-24", "ana")
    assert kpi_problems(load(program_repo({path: text})).program) == []
