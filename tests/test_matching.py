"""Matching: optimality against independent solvers, every hard constraint, stability, explanations."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import random
from fractions import Fraction
from typing import Any

import networkx as nx
import numpy as np
import pytest
from conftest import MINI_PROGRAM
from hypothesis import given, settings
from hypothesis import strategies as st

from rmcode.errors import MatchError
from rmcode.formats.matches import render
from rmcode.load.loader import load_bytes
from rmcode.match import assign as matching
from rmcode.match import optimality
from rmcode.match.assign import assign, propose
from rmcode.match.scoring import UNIT, unit_weights
from rmcode.model import (
    BREAKDOWN_KEYS,
    Pair,
    Participant,
    Program,
    ProgramData,
    Source,
    Unmatched,
    Weights,
)

ON = dt.date(2026, 3, 1)
RAW = load_bytes("program.yaml", MINI_PROGRAM.encode()).data


def program(**matching_changes: Any) -> Program:
    raw = copy.deepcopy(RAW)
    raw["cohorts"].append({**raw["cohorts"][0], "id": "c2", "name": "Cohort two"})
    for key, value in matching_changes.items():
        raw["matching"][key] = value
    return Program.from_raw(raw, Source("program.yaml"))


def mk(login: str, role: str = "mentor", level: int | None = None, **fields: Any) -> Participant:
    base: dict[str, Any] = {
        "login": login, "github_id": sum(map(ord, login)), "name": login.title(), "role": role, "cohort": "c1",
        "registered": dt.date(2026, 1, 10), "level": level or (1 if role == "mentor" else 5), "department": "Sales",
        "timezone": "Europe/Berlin", "languages": ("en",), "availability": ("tue 09:00-11:00",)}
    base.update(fields)
    for key in ("avoid", "prefer"):
        base[key] = frozenset(base.get(key, ()))
    return Participant(**base)


def data(people: list[Participant], pairs: tuple[Pair, ...] = (), prog: Program | None = None,
         unmatched: tuple[Unmatched, ...] = ()) -> ProgramData:
    return ProgramData(prog or program(), tuple(sorted(people, key=lambda p: p.key)), pairs, unmatched, (), ())


def pairs_of(result: matching.Proposal) -> list[tuple[str, str]]:
    return [(p.mentor, p.mentee) for p in result.proposed]


# --- optimality: independent checks -------------------------------------------------------

def brute_force(scores: np.ndarray, allowed: np.ndarray, capacity: list[int]) -> tuple[int, int]:
    """Best (number matched, total score) over every way to give each row a column or none."""
    best = (0, 0)
    for choice in itertools.product(*[[None, *range(scores.shape[1])] for _ in range(scores.shape[0])]):
        used = [c for c in choice if c is not None]
        if any(used.count(c) > capacity[c] for c in set(used)):
            continue
        if any(c is not None and not allowed[r, c] for r, c in enumerate(choice)):
            continue
        best = max(best, (len(used), sum(int(scores[r, c]) for r, c in enumerate(choice) if c is not None)))
    return best


def min_cost_flow(scores: np.ndarray, allowed: np.ndarray, capacity: list[int]) -> tuple[int, int]:
    """A second exact formulation: networkx max-flow-min-cost maximises flow (pairs), then score."""
    graph = nx.DiGraph()
    for r in range(scores.shape[0]):
        graph.add_edge("s", ("r", r), capacity=1, weight=0)
        for c in range(scores.shape[1]):
            if allowed[r, c]:
                graph.add_edge(("r", r), ("c", c), capacity=1, weight=-int(scores[r, c]))
    for c in range(scores.shape[1]):
        graph.add_edge(("c", c), "t", capacity=capacity[c], weight=0)
    if "s" not in graph or "t" not in graph:
        return (0, 0)
    flow = nx.max_flow_min_cost(graph, "s", "t")
    chosen = [(r, c) for r in range(scores.shape[0]) for c in range(scores.shape[1])
              if flow.get(("r", r), {}).get(("c", c), 0)]
    return len(chosen), sum(int(scores[r, c]) for r, c in chosen)


def value(found: list[tuple[int, int]], scores: np.ndarray) -> tuple[int, int]:
    return len(found), sum(int(scores[r, c]) for r, c in found)


def random_instance(rng: random.Random, rows: int, cols: int,
                    density: float) -> tuple[np.ndarray, np.ndarray, list[int]]:
    scores = np.array([[rng.choice([0, 1000, 2500, 5000, 7500, rng.randint(0, UNIT)]) for _ in range(cols)]
                       for _ in range(rows)], dtype=np.int64)
    allowed = np.array([[rng.random() < density for _ in range(cols)] for _ in range(rows)], dtype=bool)
    return scores, allowed, [rng.randint(1, 3) for _ in range(cols)]


def sparse_value(scores: np.ndarray, allowed: np.ndarray, capacity: list[int]) -> tuple[int, int]:
    """The large-cohort path: one candidate per mentee at first, the rest found by the certificate check."""
    found = optimality.solve(optimality.dense_cells(scores, allowed, 3), scores.shape[0], np.array(capacity),
                             max_score=UNIT, candidates=1)
    return value(found.pairs, scores)


def test_assign_equals_brute_force_on_tiny_instances() -> None:
    rng = random.Random(3)
    for _ in range(150):
        scores, allowed, capacity = random_instance(rng, rng.randint(1, 4), rng.randint(1, 3), rng.random())
        expected = brute_force(scores, allowed, capacity)
        assert value(assign(scores, allowed, capacity), scores) == expected
        assert sparse_value(scores, allowed, capacity) == expected


def test_assign_agrees_with_networkx_min_cost_flow() -> None:
    rng = random.Random(11)
    for _ in range(40):
        scores, allowed, capacity = random_instance(rng, rng.randint(5, 25), rng.randint(3, 15), rng.uniform(0.1, 0.9))
        expected = min_cost_flow(scores, allowed, capacity)
        assert value(assign(scores, allowed, capacity), scores) == expected
        assert sparse_value(scores, allowed, capacity) == expected


def greedy(scores: np.ndarray, allowed: np.ndarray) -> list[tuple[int, int]]:
    order = sorted(((int(scores[r, c]), r, c) for r, c in zip(*np.nonzero(allowed))), reverse=True)
    rows: set[int] = set()
    cols: set[int] = set()
    out = []
    for _, r, c in order:
        if r not in rows and c not in cols:
            rows.add(r)
            cols.add(c)
            out.append((int(r), int(c)))
    return out


def test_optimum_matches_everyone_where_greedy_leaves_one_out() -> None:
    scores = np.array([[9000, 8000], [7000, 0]])
    allowed = np.array([[True, True], [True, False]])
    assert greedy(scores, allowed) == [(0, 0)]
    assert assign(scores, allowed, [1, 1]) == [(0, 1), (1, 0)]


def test_optimum_matches_everyone_where_greedy_leaves_one_out_in_a_program() -> None:
    people = [mk("ana", skills_offered=("generative-ai", "short-video")), mk("ben", skills_offered=("generative-ai",)),
              mk("cleo", "mentee", skills_wanted=("generative-ai", "short-video")),
              mk("dan", "mentee", skills_wanted=("generative-ai",), avoid={"ben"})]
    assert pairs_of(propose(data(people), ON)) == [("ana", "dan"), ("ben", "cleo")]


def test_assign_of_nothing_is_empty() -> None:
    assert assign(np.zeros((0, 3), dtype=np.int64), np.zeros((0, 3), dtype=bool), [1, 1, 1]) == []
    assert assign(np.zeros((2, 1), dtype=np.int64), np.ones((2, 1), dtype=bool), [0]) == []


def test_sparse_path_reaches_the_dense_optimum(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5)
    langs = (("en",), ("en", "de"), ("de",))
    people = [mk(f"m{i:02}", level=rng.randint(1, 2), languages=rng.choice(langs), department=rng.choice("ABC"),
                 skills_offered=tuple(rng.sample(["generative-ai", "short-video", "data-literacy"], 2)))
              for i in range(30)]
    people += [mk(f"e{i:02}", "mentee", level=rng.randint(4, 5), languages=rng.choice(langs),
                  department=rng.choice("ABC"),
                  skills_wanted=tuple(rng.sample(["generative-ai", "short-video", "data-literacy"], 2)))
               for i in range(40)]
    dense = propose(data(people), ON)
    monkeypatch.setattr(matching, "DENSE_MAX_CELLS", 0)
    monkeypatch.setattr(matching, "CANDIDATES", 30)
    sparse = propose(data(people), ON)
    assert len(sparse.proposed) == len(dense.proposed) == 30
    assert sum(p.score or 0 for p in sparse.proposed) == pytest.approx(sum(p.score or 0 for p in dense.proposed))


# --- each hard constraint alone excludes the pair -----------------------------------------

ANA, CLEO = {}, {}
CASES: list[tuple[str, dict[str, Any], dict[str, Any], dict[str, Any], str]] = [
    ("level gap", {"level": 2}, {"level": 3}, {}, "no mentor is at least 2 levels below them"),
    ("language", {}, {"languages": ("de",)}, {}, "no eligible mentor shares a language: German"),
    ("availability", {}, {"availability": ("wed 09:00-11:00",)}, {},
     "no eligible mentor shares 1 h of weekly availability"),
    ("time zone", {}, {"timezone": "America/New_York", "availability": ("tue 03:00-05:00",)},
     {"constraints": {"max_timezone_difference_hours": 3}}, "no eligible mentor is within 3 h of their time zone"),
    ("mentor reports to mentee", {"manager": "cleo"}, {}, {}, "every eligible mentor is in their management chain"),
    ("report's report", {"manager": "bob"}, {}, {}, "every eligible mentor is in their management chain"),
    ("same manager", {"manager": "zed"}, {"manager": "zed"}, {}, "every eligible mentor is in their management chain"),
    ("mentee avoids", {}, {"avoid": {"ana"}}, {},
     "every eligible mentor is excluded by an avoid list or an admin block"),
    ("mentor avoids", {"avoid": {"cleo"}}, {}, {},
     "every eligible mentor is excluded by an avoid list or an admin block"),
    ("admin block", {}, {}, {"blocks": [{"mentor": "Ana", "mentee": "cleo"}]},
     "every eligible mentor is excluded by an avoid list or an admin block"),
    ("mentor paused", {"paused": True}, {}, {}, "every eligible mentor is paused"),
    ("mentee paused", {}, {"paused": True, "paused_until": dt.date(2026, 4, 1)}, {}, "paused until 2026-04-01"),
    ("other cohort", {}, {"cohort": "c2"}, {}, "no mentors in cohort c2"),
    ("same role", {}, {"role": "mentor", "level": 1}, {}, "no mentees in cohort c1"),
]


@pytest.mark.parametrize(("ana", "cleo", "rules", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_hard_constraint_alone_excludes_the_pair(ana: dict[str, Any], cleo: dict[str, Any],
                                                      rules: dict[str, Any], reason: str) -> None:
    others = [mk("bob", "mentee", level=3, manager="cleo", cohort="c2"), mk("zed", "mentee", cohort="c2")]
    baseline = propose(data([mk("ana"), mk("cleo", "mentee"), *others], prog=program()), ON)
    assert pairs_of(baseline) == [("ana", "cleo")]
    prog = program(**{k: {**RAW["matching"].get(k, {}), **v} if isinstance(v, dict) else v for k, v in rules.items()})
    result = propose(data([mk("ana", **ana), mk("cleo", **{"role": "mentee", **cleo}), *others], prog=prog), ON)
    assert pairs_of(result) == []
    assert {u.login: u.reason for u in result.unmatched}["cleo"] == reason


def test_a_pair_that_existed_before_is_not_proposed_again() -> None:
    ended = Pair("ana--cleo", "c1", "ana", "cleo", "ended", matched=dt.date(2026, 2, 1), ended=dt.date(2026, 2, 20))
    result = propose(data([mk("ana"), mk("cleo", "mentee")], (ended,)), ON)
    assert pairs_of(result) == []
    assert [(u.login, u.reason) for u in result.unmatched] == [
        ("ana", "they were already paired with every eligible mentee"),
        ("cleo", "they were already paired with every eligible mentor")]


def test_capacity_used_by_an_active_pair_leaves_the_next_mentee_unmatched() -> None:
    active = Pair("ana--dan", "c1", "ana", "dan", "active", matched=dt.date(2026, 2, 1))
    result = propose(data([mk("ana"), mk("cleo", "mentee"), mk("dan", "mentee")], (active,)), ON)
    assert pairs_of(result) == []
    assert [(u.login, u.reason) for u in result.unmatched] == [("cleo", "the only eligible mentor is at capacity")]


def test_a_mentor_with_capacity_two_takes_two_mentees() -> None:
    people = [mk("ana", capacity=2), mk("ben", languages=("fr",)), mk("cleo", "mentee"), mk("dan", "mentee"),
              mk("eve", "mentee")]
    result = propose(data(people), ON)
    # three equal mentees for two seats: which one waits is a tie, broken the same way on every run
    assert pairs_of(result) == [("ana", "dan"), ("ana", "eve")] == pairs_of(propose(data(people), ON))
    assert [(u.login, u.reason) for u in result.unmatched] == [
        ("ben", "no eligible mentee shares a language: French"),
        ("cleo", "the only eligible mentor is at capacity")]


def test_unmatched_reason_counts_every_excluding_rule() -> None:
    people = [mk("ana", languages=("fr",)), mk("ben", level=4), mk("cleo", "mentee", languages=("en", "de"))]
    result = propose(data(people), ON)
    reasons = {u.login: u.reason for u in result.unmatched}
    assert reasons["cleo"] == "no eligible mentor: of 2 mentors, 1 less than 2 levels below, " \
        "1 with no shared language (English, German)"


def test_all_eligible_mentors_at_capacity_is_counted() -> None:
    people = [mk("ana"), mk("ben"), mk("cleo", "mentee"), mk("dan", "mentee"), mk("eve", "mentee")]
    result = propose(data(people), ON)
    assert [(u.login, u.reason) for u in result.unmatched] == [("cleo", "all 2 eligible mentors are at capacity")]


# --- pins -----------------------------------------------------------------------------------

def test_a_pin_is_made_even_when_another_pair_scores_higher() -> None:
    people = [mk("ana", skills_offered=("generative-ai",)), mk("ben"),
              mk("cleo", "mentee", skills_wanted=("generative-ai",))]
    assert pairs_of(propose(data(people), ON)) == [("ana", "cleo")]
    pinned = program(must_pair=[{"mentor": "ben", "mentee": "cleo"}])
    assert pairs_of(propose(data(people, prog=pinned), ON)) == [("ben", "cleo")]


def test_a_pin_that_breaks_a_hard_constraint_is_an_error() -> None:
    pinned = program(must_pair=[{"mentor": "ana", "mentee": "cleo"}])
    with pytest.raises(MatchError) as exc:
        propose(data([mk("ana"), mk("cleo", "mentee", languages=("de",))], prog=pinned), ON)
    assert str(exc.value) == "program.yaml: RM402 pin ana--cleo cannot be made: it breaks the shared language\n" \
        "    hint: remove the pin from matching.must_pair or fix the profiles"


def test_a_pin_of_an_existing_pair_or_a_paused_person_waits() -> None:
    pinned = program(must_pair=[{"mentor": "ana", "mentee": "cleo"}])
    active = Pair("ana--cleo", "c1", "ana", "cleo", "active", matched=dt.date(2026, 2, 1))
    assert propose(data([mk("ana"), mk("cleo", "mentee")], (active,), prog=pinned), ON).proposed == ()
    assert propose(data([mk("ana", paused=True), mk("cleo", "mentee")], prog=pinned), ON).proposed == ()


# --- stability ------------------------------------------------------------------------------

def test_approved_pairs_are_kept_exactly_even_when_no_longer_eligible() -> None:
    kept = (Pair("ana--cleo", "c1", "ana", "cleo", "active", matched=dt.date(2026, 2, 1), score=0.1234,
                 breakdown={"skills": 0.1234}, reason="old reason"),
            Pair("ben--dan", "c1", "ben", "dan", "completed", matched=dt.date(2026, 2, 1), ended=dt.date(2026, 3, 1)),
            Pair("ben--eve", "c1", "ben", "eve", "ended", ended=dt.date(2026, 2, 15), end_reason="moved"))
    people = [mk("ana", languages=("fr",)), mk("ben"), mk("cleo", "mentee"), mk("dan", "mentee"), mk("eve", "mentee")]
    result = propose(data(people, kept), ON)
    assert [p for p in result.pairs if p.status != "proposed"] == list(kept)
    assert result.proposed == ()  # ana is at capacity; ben cannot mentor eve again
    assert [(u.login, u.reason) for u in result.unmatched] == [
        ("eve", "no eligible mentor: of 2 mentors, 1 with no shared language (English), 1 paired with them before")]


def test_proposed_pairs_are_recomputed_and_keep_their_first_date() -> None:
    people = [mk("ana", skills_offered=("generative-ai",)), mk("ben"),
              mk("cleo", "mentee", skills_wanted=("generative-ai",)),
              mk("dan", "mentee")]
    stale = (Pair("ben--cleo", "c1", "ben", "cleo", "proposed", proposed=dt.date(2026, 2, 1), score=0.5),
             Pair("ana--dan", "c1", "ana", "dan", "proposed", proposed=dt.date(2026, 2, 1), score=0.5))
    first = propose(data(people, stale), ON)
    assert [(p.id, p.proposed) for p in first.proposed] == [("ana--cleo", ON), ("ben--dan", ON)]
    again = propose(data(people, first.pairs), dt.date(2026, 3, 20))
    assert again.pairs == first.pairs


def test_closed_cohorts_and_other_cohorts_are_left_alone() -> None:
    raw = copy.deepcopy(RAW)
    raw["cohorts"].append({**raw["cohorts"][0], "id": "c2", "name": "Two", "matching": "closed"})
    prog = Program.from_raw(raw, Source("program.yaml"))
    stale = Pair("ben--dan", "c2", "ben", "dan", "proposed", proposed=dt.date(2026, 2, 1))
    old = Unmatched("eve", "c2", "old reason")
    people = [mk("ana"), mk("cleo", "mentee"), mk("ben", cohort="c2"), mk("dan", "mentee", cohort="c2"),
              mk("eve", "mentee", cohort="c2")]
    result = propose(data(people, (stale,), prog, (old,)), ON)
    assert result.cohorts == ("c1",)
    assert [p.id for p in result.pairs] == ["ana--cleo", "ben--dan"]
    assert result.unmatched == (old,)
    with pytest.raises(MatchError, match="RM405 matching is closed for cohort c2"):
        propose(data(people, (stale,), prog), ON, cohort="c2")
    with pytest.raises(MatchError, match="RM404 unknown cohort 'c9'"):
        propose(data(people, (stale,), prog), ON, cohort="c9")


def test_same_input_gives_byte_identical_output() -> None:
    rng = random.Random(8)
    people = [mk(f"m{i}", department=rng.choice("AB"), availability=(f"tue {rng.randint(8, 12):02}:00-14:00",))
              for i in range(12)]
    people += [mk(f"e{i}", "mentee", department=rng.choice("AB")) for i in range(15)]
    first = propose(data(people), ON)
    texts = {render(first.pairs, first.unmatched)}
    for _ in range(3):
        rng.shuffle(people)
        again = propose(data(people), ON)
        texts.add(render(again.pairs, again.unmatched))
    rerun = propose(data(people, first.pairs, unmatched=first.unmatched), ON)
    texts.add(render(rerun.pairs, rerun.unmatched))
    assert len(texts) == 1


# --- scores ---------------------------------------------------------------------------------

def test_weights_are_exact_shares_never_rounded() -> None:
    assert unit_weights(Weights(5, 8, 8, 0, 2, 1)) == {
        "skills": 5 / 24 * UNIT, "working_style": 8 / 24 * UNIT, "cross_department": 8 / 24 * UNIT, "timezone": 0.0,
        "availability": 2 / 24 * UNIT, "preferences": 1 / 24 * UNIT}
    assert sum(unit_weights(Weights(0, 0, 0, 0, 0, 0)).values()) == 0


def test_breakdown_adds_up_to_the_score_and_explains_the_pair() -> None:
    people = [mk("ana", department="Legal", skills_offered=("generative-ai",), working_style={"structure": 4},
                 prefer={"cleo"}),
              mk("cleo", "mentee", name="Cleo Diaz", skills_wanted=("generative-ai", "short-video"),
                 working_style={"structure": 5}, prefer={"ana"})]
    prog = program(weights={"skills": 1, "working_style": 1, "cross_department": 1, "timezone": 1, "availability": 1,
                            "preferences": 1})
    (pair,) = propose(data(people, prog=prog), ON).proposed
    assert list(pair.breakdown) == list(BREAKDOWN_KEYS)
    # exact parts 0.08333, 0.125, 4 x 0.16667 (sum 0.875): rounded down, the 3 units left go to the
    # largest remainders, ties in criterion order
    assert dict(pair.breakdown) == {"skills": 0.0833, "working_style": 0.125, "cross_department": 0.1667,
                                    "timezone": 0.1667, "availability": 0.1667, "preferences": 0.1666}
    assert pair.score == 0.875
    assert pair.reason == "covers 1 of 2 skills Cleo Diaz wants: Generative AI; both free Tue mornings; " \
        "different departments (Legal, Sales); same time zone; similar working style; asked for each other"


# --- property: no hard constraint is ever broken ------------------------------------------

PERSON = st.fixed_dictionaries({
    "level": st.integers(1, 5), "languages": st.sampled_from([("en",), ("de",), ("en", "de")]),
    "availability": st.sampled_from([("tue 09:00-11:00",), ("tue 10:00-12:00",), ("wed 09:00-10:00",), ()]),
    "timezone": st.sampled_from(["Europe/Berlin", "Europe/London", "Asia/Tokyo"]),
    "capacity": st.sampled_from([None, 1, 2]), "paused": st.booleans(), "cohort": st.sampled_from(["c1", "c1", "c2"]),
})


def chain(people: dict[str, Participant], login: str) -> set[str]:
    seen: set[str] = set()
    while people[login].manager and people[login].manager not in seen:
        login = people[login].manager  # type: ignore[assignment]
        seen.add(login)
    return seen


def breaks_a_rule(prog: Program, people: dict[str, Participant], mentor: Participant, mentee: Participant) -> bool:
    c = prog.constraints
    overlap = len(mentor.slots_utc(ON, 15) & mentee.slots_utc(ON, 15)) / 4
    tz = abs(mentor.utc_offset_hours(ON) - mentee.utc_offset_hours(ON))
    return (mentor.role != "mentor" or mentee.role != "mentee" or mentor.cohort != mentee.cohort
            or mentee.level - mentor.level < prog.min_level_gap or not set(mentor.languages) & set(mentee.languages)
            or overlap < c.min_availability_overlap_hours
            or (c.max_timezone_difference_hours is not None and tz > c.max_timezone_difference_hours)
            or mentor.key in mentee.avoid or mentee.key in mentor.avoid or (mentor.key, mentee.key) in prog.blocks
            or mentor.key in chain(people, mentee.key) or mentee.key in chain(people, mentor.key)
            or (mentor.manager is not None and mentor.manager == mentee.manager)
            or mentor.is_paused(ON) or mentee.is_paused(ON))


@settings(max_examples=60, deadline=None)
@given(st.lists(PERSON, min_size=2, max_size=10), st.data())
def test_no_proposal_ever_breaks_a_hard_constraint(specs: list[dict[str, Any]], draw: st.DataObject) -> None:
    logins = [f"p{i}" for i in range(len(specs))]
    people = {}
    for i, (login, spec) in enumerate(zip(logins, specs)):
        role = "mentor" if spec["level"] <= 2 else "mentee"
        manager = draw.draw(st.sampled_from([None, *logins[i + 1:]]))
        avoid = set(draw.draw(st.lists(st.sampled_from(logins), max_size=2)))
        people[login] = mk(login, role, manager=manager, avoid=avoid, **spec)
    prog = program(constraints={"shared_language": True, "min_availability_overlap_hours": 1,
                                "max_timezone_difference_hours": draw.draw(st.sampled_from([None, 2]))},
                   blocks=[{"mentor": a, "mentee": b} for a, b in zip(logins, reversed(logins))])
    result = propose(data(list(people.values()), prog=prog), ON)
    load: dict[str, int] = {}
    for pair in result.proposed:
        mentor, mentee = people[pair.mentor], people[pair.mentee]
        assert not breaks_a_rule(prog, people, mentor, mentee)
        load[mentor.key] = load.get(mentor.key, 0) + 1
        assert pair.score is not None and 0 <= pair.score <= 1
        assert round(sum(pair.breakdown.values()), 4) == pair.score
    assert all(n <= (people[m].capacity or prog.capacity_default) for m, n in load.items())
    mentees = [p.mentee for p in result.proposed]
    assert len(mentees) == len(set(mentees))
    # maximal: no unmatched mentee could still be added with a mentor who has room
    unmatched = {u.login for u in result.unmatched}
    for e in (p for p in people.values() if p.role == "mentee" and p.login in unmatched):
        for m in (p for p in people.values() if p.role == "mentor"):
            room = (m.capacity or prog.capacity_default) - load.get(m.key, 0)
            assert room <= 0 or breaks_a_rule(prog, people, m, e)


# --- exact at every size, on programs ---------------------------------------------------------

def generalists_cohort(n: int) -> list[Participant]:
    """The issue's shape: a few generalists offer every skill and share everyone's style; all are eligible."""
    skills = ("generative-ai", "short-video", "data-literacy")
    people = [mk(f"g{i:02}", skills_offered=skills, working_style={"structure": 3}, department="Ops")
              for i in range(6)]
    people += [mk(f"m{i:02}", skills_offered=(skills[i % 3],), working_style={"structure": 1 + i % 5})
               for i in range(n - 6)]
    people += [mk(f"e{i:02}", "mentee", skills_wanted=skills, working_style={"structure": 3}) for i in range(n)]
    return people


def test_shared_favourites_on_the_large_cohort_path_match_everyone(monkeypatch: pytest.MonkeyPatch) -> None:
    people = generalists_cohort(24)
    small = propose(data(people), ON)
    monkeypatch.setattr(matching, "DENSE_MAX_CELLS", 0)  # the large-cohort path, on 24 x 24
    monkeypatch.setattr(matching, "CANDIDATES", 3)  # fewer than the 6 generalists everyone prefers
    monkeypatch.setattr(matching, "CHUNK_CELLS", 50)
    monkeypatch.setattr(optimality, "COLUMN_CANDIDATES", 0)  # so that the certificate's rounds must find them
    large = propose(data(people), ON)
    assert len(large.proposed) == len(small.proposed) == 24
    assert sum(p.score or 0 for p in large.proposed) == pytest.approx(sum(p.score or 0 for p in small.proposed))
    assert not [u for u in large.unmatched if u.login.startswith("e")]
    ((cohort, cert),) = large.certificates
    assert cohort == "c1" and cert.holds and cert.rounds > 1 and cert.cells == 24 * 24 == cert.eligible


def test_a_pin_that_takes_a_favourites_seat_leaves_a_certified_optimum_of_the_rest(
        monkeypatch: pytest.MonkeyPatch) -> None:
    people = generalists_cohort(10)
    pinned = program(must_pair=[{"mentor": "g00", "mentee": "e09"}])
    monkeypatch.setattr(matching, "DENSE_MAX_CELLS", 0)
    monkeypatch.setattr(matching, "CANDIDATES", 1)
    result = propose(data(people, prog=pinned), ON)
    assert ("g00", "e09") in pairs_of(result)
    assert len(result.proposed) == 10
    ((_, cert),) = result.certificates
    assert cert.holds and cert.pairs == 9 and cert.cells == 9 * 9  # the pinned mentee and seat are not re-solved


def test_without_a_certificate_propose_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    # a chain: mentee i may take mentor i or i+1; e0's one candidate is m1 (m0 offers nothing), so the
    # first round cannot match all six and a second round is needed
    people = [mk(f"m{i}", skills_offered=("generative-ai",) if i else ()) for i in range(6)]
    people += [mk(f"e{i}", "mentee", skills_wanted=("generative-ai",),
                  avoid={f"m{j}" for j in range(6) if j not in (i, i + 1)}) for i in range(6)]
    assert len(propose(data(people), ON).proposed) == 6
    monkeypatch.setattr(matching, "DENSE_MAX_CELLS", 0)
    monkeypatch.setattr(matching, "CANDIDATES", 1)
    monkeypatch.setattr(optimality, "EDGE_BUDGET", 0)
    monkeypatch.setattr(optimality, "COLUMN_CANDIDATES", 0)
    assert len(propose(data(people), ON).proposed) == 6
    monkeypatch.setattr(optimality, "MAX_ROUNDS", 1)
    with pytest.raises(MatchError) as exc:
        propose(data(people), ON)
    assert str(exc.value) == "program.yaml: RM406 no optimality certificate for cohort c1: eligible cells still " \
        "violate the dual after round 1 (the limit)\n" \
        "    hint: nothing was written; report this with the program's data to the rmcode maintainers"


# --- every documented rule, exactly -----------------------------------------------------------

def zone_case(zone: str, mentee_minutes: int) -> list[Participant]:
    """A mentor in ``zone`` free Wed 12:00-13:00 local; a UTC mentee free from the half hour before, for N minutes."""
    mentor = mk("ana", timezone=zone, availability=("wed 12:00-13:00",))
    start = (2 * 1440 + 12 * 60 - mentor.utc_offset_minutes(ON)) // 30 * 30  # minutes into the UTC week
    end = start + mentee_minutes
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    span = f"{days[start // 1440]} {start % 1440 // 60:02}:{start % 60:02}-{end % 1440 // 60:02}:{end % 60:02}"
    return [mentor, mk("cleo", "mentee", timezone="UTC", availability=(span,))]


@pytest.mark.parametrize(("zone", "offset"), [("Asia/Kathmandu", 345), ("Australia/Eucla", 525),
                                              ("Pacific/Chatham", 825)])
def test_availability_uses_the_exact_utc_offset(zone: str, offset: int) -> None:
    assert mk("x", timezone=zone).utc_offset_minutes(ON) == offset  # Chatham is on summer time (+13:45) in March
    short = zone_case(zone, 60)  # 45 minutes in common: below the 1-hour minimum
    result = propose(data(short), ON)
    assert pairs_of(result) == []
    assert {u.login: u.reason for u in result.unmatched}["cleo"] == \
        "no eligible mentor shares 1 h of weekly availability"
    with pytest.raises(MatchError, match="it breaks the minimum availability overlap"):
        propose(data(short, prog=program(must_pair=[{"mentor": "ana", "mentee": "cleo"}])), ON)
    enough = zone_case(zone, 90)  # exactly 60 minutes in common
    assert pairs_of(propose(data(enough), ON)) == [("ana", "cleo")]
    assert pairs_of(propose(data(enough, prog=program(must_pair=[{"mentor": "ana", "mentee": "cleo"}])), ON)) == \
        [("ana", "cleo")]
    (pair,) = propose(data(enough), ON).proposed
    assert pair.breakdown["availability"] == round(0.1 * 60 / 60, 4)  # all of ana's hour is shared
    assert f"time zones {offset // 60} h {offset % 60} min apart" in pair.reason


def test_a_paused_candidate_paired_before_counts_as_paused() -> None:
    ended = Pair("ana--cleo", "c1", "ana", "cleo", "ended", matched=dt.date(2026, 2, 1), ended=dt.date(2026, 2, 20))
    result = propose(data([mk("ana", paused=True), mk("ben", languages=("de",)), mk("cleo", "mentee")], (ended,)), ON)
    assert {u.login: u.reason for u in result.unmatched}["cleo"] == \
        "no eligible mentor: of 2 mentors, 1 with no shared language (English), 1 paused"


def exact_score(prog: Program, mentor: Participant, mentee: Participant) -> Fraction:
    """docs/matching.md's formula, written from the table with exact fractions."""
    wanted = mentee.skills_wanted
    both = [q for q in mentor.working_style if q in mentee.working_style]
    mine, theirs = mentor.slots_utc(ON, 15), mentee.slots_utc(ON, 15)
    tz = Fraction(abs(mentor.utc_offset_minutes(ON) - mentee.utc_offset_minutes(ON)), 60)
    values = {
        "skills": Fraction(sum(s in mentor.skills_offered for s in wanted), len(wanted)) if wanted else Fraction(0),
        "working_style": (sum(1 - Fraction(abs(mentor.working_style[q] - mentee.working_style[q]), 4) for q in both)
                          / len(both)) if both else Fraction(1, 2),
        "cross_department": Fraction(mentor.department.casefold() != mentee.department.casefold()),
        "timezone": 1 - Fraction(min(tz, 12)) / 12,
        "availability": Fraction(len(mine & theirs), max(min(len(mine), len(theirs)), 1)),
        "preferences": Fraction((mentor.key in mentee.prefer) + (mentee.key in mentor.prefer), 2),
    }
    weights = {k: Fraction(str(getattr(prog.weights, k))) for k in BREAKDOWN_KEYS}
    return sum((weights[k] / sum(weights.values()) * values[k] for k in BREAKDOWN_KEYS), Fraction(0))


@pytest.mark.parametrize("weights", [(5, 8, 8, 0, 2, 1), (1, 1, 1, 1, 1, 1), (0.35, 0.2, 0.15, 0.1, 0.15, 0.05),
                                     (3, 0, 7, 11, 0, 13)])
def test_scores_follow_the_documented_formula_exactly(weights: tuple[float, ...]) -> None:
    rng = random.Random(sum(weights))
    zones = ["Europe/Berlin", "Asia/Kathmandu", "America/New_York", "Australia/Eucla", "UTC"]
    skills = ["generative-ai", "short-video", "data-literacy"]
    slots = ["tue 09:00-11:00", "tue 10:00-12:30", "wed 08:00-10:00", "tue 06:30-09:00", "wed 03:00-05:00"]
    people = [mk(f"{role[0] if role == 'mentor' else 'e'}{i}", role, department=rng.choice("ABC"),
                 timezone=rng.choice(zones),
                 availability=tuple(rng.sample(slots, rng.randint(1, 3))),
                 working_style={"structure": rng.randint(1, 5)} if rng.random() < 0.7 else {},
                 **{("skills_offered" if role == "mentor" else "skills_wanted"):
                    tuple(rng.sample(skills, rng.randint(0, 3)))},
                 prefer={f"{'e' if role == 'mentor' else 'm'}{rng.randint(0, 7)}"})
              for role in ("mentor", "mentee") for i in range(8)]
    prog = program(weights=dict(zip(BREAKDOWN_KEYS, weights)), constraints={"min_availability_overlap_hours": 0})
    result = propose(data(people, prog=prog), ON)
    by_login = {p.login: p for p in people}
    assert result.proposed
    for pair in result.proposed:
        expected = exact_score(prog, by_login[pair.mentor], by_login[pair.mentee])
        assert Fraction(str(pair.score)) == round(expected, 4), pair.id
        assert sum(Fraction(str(v)) for v in pair.breakdown.values()) == Fraction(str(pair.score))


# --- the site's "Matching explained" page ------------------------------------------------------

def test_matching_explained_shows_rounded_labelled_values_and_full_names() -> None:
    import re
    from pathlib import Path, PurePosixPath

    from rmcode import api
    from rmcode.report.build import build_report
    from rmcode.site import pages as render_pages
    from rmcode.site.charts import draw
    root = Path(__file__).resolve().parents[1]  # the demo program
    day = api.resolve_as_of(root, None)
    demo = api.validate(root, day).data
    assert demo is not None
    _, charts = render_pages.matching(demo, build_report(demo, day, private=False), day)
    files = {PurePosixPath(c.path): draw(c) for c in charts}
    mean = files[PurePosixPath("charts/matching-mean.svg")]
    values = re.findall(r">(\d+\.\d+)<", mean)
    assert values and all(len(v.split(".")[1]) <= 3 for v in values)  # 0.295, not 0.294833
    assert [c.title for c in charts if c.path == "charts/matching-mean.svg"] == [
        "Average contribution of each criterion to the score (0 to 1)"]
    public = files[PurePosixPath("charts/matching-public.svg")]
    texts = re.findall(r">([^<>]+)<", public)
    assert "Adebayo Adeyemi" in texts and not [x for x in texts if x.endswith("…")]  # full names, not "Adebayo Adeye…"


@pytest.mark.parametrize("weights", [(5, 8, 8, 0, 2, 1), (1, 1, 1, 1, 1, 1), (0.35, 0.2, 0.15, 0.1, 0.15, 0.05),
                                     (3, 0, 7, 11, 0, 13)])
def test_estimates_stay_within_their_error_of_the_documented_formula(weights: tuple[float, ...]) -> None:
    """The large-cohort path's float32 estimates against exact fractions: never further off than ``error``."""
    from rmcode.match.eligibility import Block, build_pool
    from rmcode.match.scoring import estimate, estimator

    rng = random.Random(int(sum(weights) * 100))
    zones = ["Europe/Berlin", "Asia/Kathmandu", "America/New_York", "Australia/Eucla", "UTC", "Pacific/Chatham"]
    slots = ["tue 09:00-11:00", "tue 10:00-12:30", "wed 08:00-10:00", "tue 06:30-09:00", "wed 03:00-05:00"]
    people = [mk(f"{'m' if role == 'mentor' else 'e'}{i}", role, department=rng.choice("ABCD"),
                 timezone=rng.choice(zones), availability=tuple(rng.sample(slots, rng.randint(1, 3))),
                 working_style={"structure": rng.randint(1, 5)} if rng.random() < 0.6 else {},
                 **{("skills_offered" if role == "mentor" else "skills_wanted"):
                    tuple(rng.sample(["generative-ai", "short-video", "data-literacy"], rng.randint(0, 3)))},
                 prefer={f"{'e' if role == 'mentor' else 'm'}{rng.randint(0, 11)}"})
              for role in ("mentor", "mentee") for i in range(12)]
    prog = program(weights=dict(zip(BREAKDOWN_KEYS, weights)), constraints={"min_availability_overlap_hours": 0})
    pool = build_pool(data(people, prog=prog), "c1", ON, ())
    est = estimator(pool, unit_weights(prog.weights))
    assert est is not None and 0 < est.error < 1
    rows, cols = np.arange(pool.mentees.size), np.arange(pool.mentors.size)
    found = estimate(est, Block(pool, rows, cols))
    for i, j in itertools.product(rows, cols):
        exact = exact_score(prog, pool.mentors.people[j], pool.mentees.people[i]) * UNIT
        assert abs(Fraction(float(found[i, j])) - exact) <= Fraction(est.error), (i, j)


@pytest.mark.parametrize("questions", [1, 3, 16, 17])
def test_paired_scores_equal_the_block_scores_with_many_working_style_questions(questions: int) -> None:
    """Paired cells take working style from step bits (up to 16 questions), blocks from one-hot products."""
    from rmcode.match.eligibility import Block, build_pool
    from rmcode.match.scoring import breakdown, score

    rng = random.Random(questions)
    raw = copy.deepcopy(RAW)
    raw["working_style"] = [{"id": f"q{i}", "text": f"Question {i}?"} for i in range(questions)]
    prog = Program.from_raw(raw, Source("program.yaml"))
    people = [mk(f"{'m' if role == 'mentor' else 'e'}{i}", role,
                 working_style={f"q{q}": rng.randint(1, 5) for q in range(questions) if rng.random() < 0.7})
              for role in ("mentor", "mentee") for i in range(9)]
    pool = build_pool(data(people, prog=prog), "c1", ON, ())
    weights = unit_weights(prog.weights)
    rows, cols = np.arange(pool.mentees.size), np.arange(pool.mentors.size)
    outer = score(Block(pool, rows, cols), weights)
    r, c = np.repeat(rows, len(cols)), np.tile(cols, len(rows))
    paired = Block(pool, r, c, outer=False)
    assert np.array_equal(score(paired, weights), outer.ravel())
    assert np.array_equal(breakdown(paired, weights).sum(axis=1), outer.ravel())


@pytest.mark.parametrize("hours", [0, 0.25, 0.5, 1, 1.5, 1.7, 2, 1 / 3, 7.75, -1, float("inf"), float("nan")])
@pytest.mark.parametrize("step", [15, 30])
def test_the_minimum_overlap_as_a_count_of_slots_is_the_same_rule(hours: float, step: int) -> None:
    import dataclasses

    from rmcode.match.eligibility import _min_slots, build_pool

    pool = build_pool(data([mk("m1"), mk("e1", "mentee")]), "c1", ON, ())
    pool = dataclasses.replace(pool, step=step, constraints=dataclasses.replace(
        pool.constraints, min_availability_overlap_hours=hours))
    overlap = np.arange(0, 700, dtype=np.float32)
    with np.errstate(invalid="ignore"):
        assert np.array_equal(overlap >= _min_slots(pool), overlap * step >= hours * 60)


def test_large_path_with_paused_and_full_mentors_matches_the_dense_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Mentors without room are left out of the blocks (their own arrays sliced once): same optimum, same pairs."""
    rng = random.Random(11)
    skills = ["generative-ai", "short-video", "data-literacy"]
    people = [mk(f"m{i:02}", level=rng.randint(1, 2), department=rng.choice("ABC"), paused=i % 5 == 0,
                 skills_offered=tuple(rng.sample(skills, 2)), working_style={"structure": rng.randint(1, 5)},
                 prefer={f"e{rng.randint(0, 29):02}"}, avoid={f"e{rng.randint(0, 29):02}"})
              for i in range(25)]
    people += [mk(f"e{i:02}", "mentee", level=rng.randint(4, 5), department=rng.choice("ABC"),
                  skills_wanted=tuple(rng.sample(skills, 2)), working_style={"structure": rng.randint(1, 5)},
                  prefer={f"m{rng.randint(0, 24):02}"}) for i in range(30)]
    active = (Pair("m01--e00", "c1", "m01", "e00", "active", ON, matched=ON),)
    prog = program(weights={"skills": 4, "working_style": 1, "cross_department": 1, "timezone": 1,
                            "availability": 1, "preferences": 2})
    dense = propose(data(people, active, prog), ON)
    monkeypatch.setattr(matching, "DENSE_MAX_CELLS", 0)
    monkeypatch.setattr(matching, "CANDIDATES", 2)
    monkeypatch.setattr(matching, "CHUNK_CELLS", 40)
    large = propose(data(people, active, prog), ON)
    assert [(p.mentor, p.mentee, p.score) for p in large.proposed] == \
        [(p.mentor, p.mentee, p.score) for p in dense.proposed]
    assert not {p.mentor for p in large.proposed} & {"m00", "m01", "m05", "m10", "m15", "m20"}
    assert large.certificates[0][1].holds and large.certificates[0][1].cells == 29 * 19  # e00 has a pair, m01 is full


def test_a_free_eligible_partner_left_unmade_is_the_same_no_certificate_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reasons' own check (a solver that left an eligible pair with room unmade) reports RM406 like the solver."""
    monkeypatch.setattr(matching, "solve", lambda *args: ([], None))  # a broken solver: proposes nothing
    with pytest.raises(MatchError) as exc:
        propose(data([mk("ana"), mk("cleo", "mentee")]), ON)
    assert str(exc.value) == "program.yaml: RM406 no optimality certificate for cohort c1: cleo has a free " \
        "eligible mentor\n    hint: nothing was written; report this with the program's data to the rmcode maintainers"


def test_times_entries_make_each_persons_slots_utc() -> None:
    """Times computes each availability entry once per time zone: together a person's entries are slots_utc."""
    from rmcode.match.eligibility import Times
    people = [mk("ana", availability=("mon 09:00-11:00", "wed 23:30-24:00")),
              mk("ben", timezone="Asia/Kathmandu", availability=("mon 09:00-11:00", "sun 23:00-24:00")),
              mk("cleo", timezone="America/St_Johns", availability=("mon 09:00-11:00",)),
              mk("dan", availability=("mon 09:00-11:00", "tue 00:00-01:30")),
              mk("eve", availability=()), mk("fay", timezone="Not/AZone")]
    for step in (15, 30):
        times = Times(ON)
        for p in people * 2:  # the second round comes from the caches
            week = frozenset().union(*(times.entry(p, entry, step) for entry in p.availability))
            assert week == p.slots_utc(ON, step), (p.login, step)
