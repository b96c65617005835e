"""Suppression of small groups, complementary suppression, the publishing schedule."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rmcode.model import Pair, ProgramData
from rmcode.progress.metrics import Value
from rmcode.report.build import build_report
from rmcode.report.public import (
    fold_small_groups,
    hold_series,
    publish_date,
    suppress_cells,
    suppress_value,
)
from rmcode.site.data import data_files


def test_nothing_hidden_when_every_group_is_large_enough() -> None:
    assert suppress_cells({"a": 3, "b": 5}, 3) == {"a": 3, "b": 5}


def test_one_small_cell_hides_the_next_smallest_too() -> None:
    # total 13 is known: hiding only a (1) would leave 13 - 5 - 7
    assert suppress_cells({"a": 1, "b": 5, "c": 7}, 3) == {"a": None, "b": None, "c": 7}


def test_two_small_cells_that_add_up_to_little_hide_a_third() -> None:
    # a + b = 2 would be known from the total, and then each must be 1
    assert suppress_cells({"a": 1, "b": 1, "c": 9, "d": 10}, 3) == {"a": None, "b": None, "c": None, "d": 10}


def test_two_small_cells_with_enough_people_between_them() -> None:
    # hidden sum 2 + 2 = 4: either could be 3 as far as anyone can tell
    assert suppress_cells({"a": 2, "b": 2, "c": 9}, 3) == {"a": None, "b": None, "c": 9}


def test_ties_break_by_group_name() -> None:
    assert suppress_cells({"x": 1, "c": 4, "b": 4}, 3) == {"b": None, "c": 4, "x": None}


def test_empty_groups_stay_visible() -> None:
    assert suppress_cells({"a": 0, "b": 2, "c": 8}, 3) == {"a": 0, "b": None, "c": None}


def test_a_small_total_hides_everything() -> None:
    assert suppress_cells({"a": 1, "b": 1}, 3) == {"a": None, "b": None}


def test_min_group_size_one_hides_nothing() -> None:
    assert suppress_cells({"a": 1, "b": 0}, 1) == {"a": 1, "b": 0}


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 12), max_size=8), st.integers(1, 6))
def test_no_hidden_cell_can_be_shown_small(counts: dict[str, int], k: int) -> None:
    shown = suppress_cells(counts, k)
    hidden = [g for g, v in shown.items() if v is None]
    assert all(shown[g] == n for g, n in counts.items() if g not in hidden)
    assert all(g in hidden for g, n in counts.items() if 0 < n < k)
    if hidden and len(hidden) < len([n for n in counts.values() if n]):
        # from the total, a hidden cell is at most the hidden sum minus one per other hidden cell
        assert len(hidden) >= 2 and sum(counts[g] for g in hidden) - (len(hidden) - 1) >= k


def test_suppress_value_only_for_small_nonempty_groups() -> None:
    assert suppress_value(Value(0.5, 2, 2), 3) == (None, True)
    assert suppress_value(Value(0.5, 3, 3), 3) == (0.5, False)
    assert suppress_value(Value(None, 0, 0), 3) == (None, False)


def test_fold_small_groups_into_other() -> None:
    assert fold_small_groups({"a": 5, "b": 1, "c": 2, "not answered": 1}, 3) == {
        "a": 5, "other": 3, "not answered": 1}


def test_series_of_a_sensitive_metric_moves_only_by_enough_records() -> None:
    points = [Value(None, 0, 0), Value(4.0, 2, 2), Value(4.5, 3, 3), Value(4.2, 3, 4), Value(4.1, 4, 5),
              Value(3.9, 5, 6), Value(3.8, 5, 6)]
    assert hold_series(points, 3, sensitive=True) == [
        (None, False), (None, True), (4.5, False), (4.5, False), (4.5, False), (3.9, False), (3.9, False)]
    assert hold_series(points, 3, sensitive=False) == [
        (None, False), (None, True), (4.5, False), (4.2, False), (4.1, False), (3.9, False), (3.8, False)]


def test_publish_dates() -> None:
    wednesday, sunday = dt.date(2026, 11, 25), dt.date(2026, 11, 29)
    assert publish_date(wednesday, "always") == wednesday
    assert publish_date(wednesday, "weekly") == dt.date(2026, 11, 22)
    assert publish_date(sunday, "weekly") == sunday
    assert publish_date(dt.date(2026, 11, 30), "weekly") == sunday
    assert publish_date(wednesday, "monthly") == dt.date(2026, 10, 31)
    assert publish_date(dt.date(2026, 11, 30), "monthly") == dt.date(2026, 11, 30)
    assert publish_date(dt.date(2026, 3, 1), "monthly") == dt.date(2026, 2, 28)


@given(st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)), st.sampled_from(["weekly", "monthly"]))
def test_publication_is_constant_within_a_period(day: dt.date, schedule: str) -> None:
    published = publish_date(day, schedule)
    assert published <= day
    assert publish_date(published, schedule) == published
    assert all(publish_date(published + dt.timedelta(days=n), schedule) == published for n in range(1, 28)
               if published + dt.timedelta(days=n) <= day)


# --- nothing suppressed can be recovered from the published files ------------------------

DEPARTMENTS = ("Sales", "Legal", "IT", "HR", "Finance")


@pytest.fixture(scope="module")
def base_data(tmp_path_factory: pytest.TempPathFactory) -> ProgramData:
    from conftest import commit_all, git, mini_files, write_files
    from test_progress import load
    root = tmp_path_factory.mktemp("privacy")
    git(root, "init", "-q", "-b", "main")
    write_files(root, mini_files())
    commit_all(root)
    data = load(root)
    first = data.program.cohorts[0]
    second = dataclasses.replace(first, id="c2", name="Cohort two")
    return dataclasses.replace(data, program=dataclasses.replace(data.program, cohorts=(first, second)))


PERSON = st.tuples(st.sampled_from(["mentor", "mentee"]), st.sampled_from(["c1", "c2"]), st.sampled_from(DEPARTMENTS),
                   st.sampled_from([1, 2, 4, 5]), st.frozensets(st.sampled_from(["name", "department", "level"])),
                   st.booleans())


def _random_program(base: ProgramData, people: list[tuple[Any, ...]], k: int) -> ProgramData:
    template = base.participants[0]
    cohort = base.program.cohorts[0]
    participants, by_cohort = [], {"c1": ([], []), "c2": ([], [])}  # type: dict[str, tuple[list[str], list[str]]]
    for i, (role, cid, department, level, public, paired) in enumerate(people):
        login = f"p{i:02d}"
        participants.append(dataclasses.replace(
            template, login=login, github_id=1000 + i, name=f"Person {i}", role=role, cohort=cid,
            registered=cohort.registration_opens, level=level if role == "mentee" else min(level, 2),
            department=department, visibility=MappingProxyType({f: "public" for f in public}), manager=None,
            avoid=frozenset(), prefer=frozenset(), paused_until=None, paused=False,
            self_identification=MappingProxyType({})))
        if paired:
            by_cohort[cid][0 if role == "mentor" else 1].append(login)
    pairs = []
    for cid, (mentors, mentees) in by_cohort.items():
        for n, mentee in enumerate(mentees[:2 * len(mentors)]):  # capacity 2, each mentee once
            mentor = mentors[n % len(mentors)]
            pairs.append(Pair(Pair.make_id(mentor, mentee), cid, mentor, mentee, "active",
                              matched=cohort.start, proposed=cohort.start))
    privacy = dataclasses.replace(base.program.privacy, min_group_size=k,
                                  public_fields=frozenset({"name", "department", "level"}))
    return dataclasses.replace(base, program=dataclasses.replace(base.program, privacy=privacy),
                               participants=tuple(participants), pairs=tuple(pairs), unmatched=(), checkins=(),
                               responses=())


def _upper_bounds(total: int, shown: dict[str, int], hidden_floors: dict[str, int], unnamed: int) -> dict[str, int]:
    """What a reader can prove about each hidden cell they can name: at most the hidden sum minus
    what the other hidden cells surely hold (their floor, at least 1; unnamed hidden groups 1 each)."""
    rest = total - sum(shown.values())
    return {g: rest - sum(max(1, f) for o, f in hidden_floors.items() if o != g) - unnamed for g in hidden_floors}


def _attack(published: dict[str, Any], k: int, totals: dict[str, Any] | None = None) -> list[str]:
    """Every small hidden count a reader of the site's API can pin below ``k`` (``totals``: the
    report whose people and role counts are the tables' totals; default the published one)."""
    report, profiles, pairs = published["report"], published["participants"], published["pairs"]
    totals = totals or report
    cohort_names = {c["id"]: c["name"] for c in report["cohorts"]}
    found = []
    total = totals["people"]
    # floors: the directory lists people with role and cohort (department and level where public);
    # a listed pair has a mentee no other pair has, and at least one mentor
    named: dict[tuple[str, str], set[str]] = {}
    anonymous: dict[tuple[str, str], int] = {}
    for p in profiles:
        key = (p["cohort"], p["role"])
        if p["name"]:
            named.setdefault(key, set()).add(p["name"])
        else:
            anonymous[key] = anonymous.get(key, 0) + 1
    pair_anonymous: dict[tuple[str, str], int] = {}
    for pair in pairs:
        cohort = cohort_names[pair["cohort"]]
        for role in ("mentor", "mentee"):
            if pair[role]:
                named.setdefault((cohort, role), set()).add(pair[role])
            else:
                pair_anonymous[(cohort, role)] = pair_anonymous.get((cohort, role), 0) + 1
    floor = {key: len(named.get(key, ())) + max(anonymous.get(key, 0), min(1, pair_anonymous.get(key, 0))
                                                 if key[1] == "mentor" else pair_anonymous.get(key, 0))
             for key in set(named) | set(anonymous) | set(pair_anonymous)}
    tables: list[tuple[str, int | None, dict[str, int], dict[str, int], int]] = []
    for dim, field in (("department", "department"), ("level", "level"), ("role", "role")):
        groups = report["participation"][dim]
        shown = {g["group"]: g["count"] for g in groups["groups"]}
        listed: dict[str, int] = {}
        for p in profiles:
            value = p.get(field) if dim != "role" else p["role"]
            if value:
                listed[value] = listed.get(value, 0) + 1
        if dim == "role":  # the per-cohort floors add up
            listed = {role: sum(n for (_, r), n in floor.items() if r == role) for role in ("mentor", "mentee")}
        hidden = {g: n for g, n in listed.items() if g not in shown}
        assert "hidden_groups" not in groups  # how many groups were left out is not published either
        # so the attacker can only assume no left-out group beyond those the directory names:
        # the tightest bound they could draw
        tables.append((dim, total, shown, hidden, 0))
    roles = {g["group"]: g["count"] for g in totals["participation"]["role"]["groups"]}
    for role, column in (("mentor", "mentors"), ("mentee", "mentees")):
        shown = {c["name"]: c[column] for c in report["cohorts"] if c[column] is not None}
        hidden = {c["name"]: floor.get((c["name"], role), 0) for c in report["cohorts"] if c[column] is None}
        tables.append((f"cohort {column}", roles.get(role), shown, hidden, 0))
    for name, table_total, shown, hidden, unnamed in tables:
        if table_total is None or not hidden:
            continue
        for group, bound in _upper_bounds(table_total, shown, hidden, max(0, unnamed)).items():
            truth = published["truth"][name].get(group, 0)
            if 0 < truth < k and bound < k:
                found.append(f"{name}: {group} is at most {bound} (truly {truth})")
    return found


def _truth(data: ProgramData) -> dict[str, dict[str, int]]:
    people = data.participants
    cohorts = {c.id: c.name for c in data.program.cohorts}
    return {"department": dict(Counter(p.department for p in people)),
            "level": dict(Counter(data.program.level_name(p.level) for p in people)),
            "role": dict(Counter(p.role for p in people)),
            "cohort mentors": dict(Counter(cohorts[p.cohort] for p in people if p.role == "mentor")),
            "cohort mentees": dict(Counter(cohorts[p.cohort] for p in people if p.role == "mentee"))}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(PERSON, min_size=1, max_size=24), st.integers(2, 5))
def test_published_files_give_no_suppressed_count_back(base_data: ProgramData, people: list[tuple[Any, ...]],
                                                       k: int) -> None:
    data = _random_program(base_data, people, k)
    report = build_report(data, dt.date(2026, 3, 1))
    files = data_files(data, report)
    published = {"report": json.loads(files["api/v1/report.json"]),
                 "participants": json.loads(files["api/v1/participants.json"]),
                 "pairs": json.loads(files["api/v1/pairs.json"]), "truth": _truth(data)}
    # what is shown is true, and no small group is shown
    for dim, counts in published["truth"].items():
        if dim.startswith("cohort"):
            continue
        for g in published["report"]["participation"][dim]["groups"]:
            assert counts.get(g["group"], 0) == g["count"] and not 0 < g["count"] < k
    # what the directory, the pair list and the totals give away even with every cell of a table hidden
    baseline = _attack(published | {"report": _all_hidden(published["report"])}, k, published["report"])
    leaks = [x for x in _attack(published, k) if x.split(" is at most")[0] not in
             {y.split(" is at most")[0] for y in baseline}]
    assert leaks == []


def _all_hidden(report: dict[str, Any]) -> dict[str, Any]:
    """The report with every cell of every table hidden."""
    out = json.loads(json.dumps(report))
    for groups in out["participation"].values():
        groups["groups"] = []
    for c in out["cohorts"]:
        c["mentors"] = c["mentees"] = None
    return out
