"""The exact solver and its certificate against independent oracles, adversarial shapes and corruption."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from rmcode.match import optimality
from rmcode.match.optimality import NoCertificate, certify, dense_cells, solve, verify

MAX = 10_000


def lp_optimum(scores: np.ndarray, allowed: np.ndarray, capacity: np.ndarray, big: int) -> int:
    """The LP relaxation solved by HiGHS: integral for a bipartite b-matching, so it is the optimum."""
    r, c = np.nonzero(allowed)
    if not len(r):
        return 0
    n, m = scores.shape
    k = np.arange(len(r))
    a = sp.vstack([sp.csr_matrix((np.ones(len(r)), (r, k)), shape=(n, len(r))),
                   sp.csr_matrix((np.ones(len(r)), (c, k)), shape=(m, len(r)))])
    res = linprog(-(scores[r, c].astype(float) + big), A_ub=a, b_ub=np.r_[np.ones(n), capacity], bounds=(0, 1),
                  method="highs")
    assert res.status == 0
    return round(-res.fun)


def brute_force(scores: np.ndarray, allowed: np.ndarray, capacity: np.ndarray) -> tuple[int, int]:
    best = (0, 0)
    for choice in itertools.product(*[[None, *range(scores.shape[1])] for _ in range(scores.shape[0])]):
        used = [x for x in choice if x is not None]
        if any(used.count(x) > capacity[x] for x in set(used)) or \
                any(x is not None and not allowed[r, x] for r, x in enumerate(choice)):
            continue
        best = max(best, (len(used), sum(int(scores[r, x]) for r, x in enumerate(choice) if x is not None)))
    return best


def run(scores: np.ndarray, allowed: np.ndarray, capacity: np.ndarray, candidates: int = 1, chunk: int = 3,
        keep_all: bool = False):  # type: ignore[no-untyped-def]
    """The large-cohort path on a small instance: few candidates, small chunks, column generation."""
    return solve(dense_cells(scores, allowed, chunk), scores.shape[0], capacity, max_score=MAX,
                 candidates=candidates, keep_all=keep_all)


def value(pairs: list[tuple[int, int]], scores: np.ndarray) -> tuple[int, int]:
    return len(pairs), sum(int(scores[r, c]) for r, c in pairs)


def check(scores: np.ndarray, allowed: np.ndarray, capacity: np.ndarray, candidates: int = 1) -> tuple[int, int]:
    found = run(scores, allowed, capacity, candidates)
    cert = found.certificate
    assert cert.primal == cert.dual == lp_optimum(scores, allowed, capacity, cert.big)
    assert cert.cells == scores.size and cert.eligible == int(allowed.sum())
    assert verify(dense_cells(scores, allowed, 5), capacity, found.pairs, found.u, found.v, cert.big)
    assert value(found.pairs, scores) == (cert.pairs, cert.score)
    return value(found.pairs, scores)


def test_equals_brute_force_on_tiny_instances() -> None:
    rng = np.random.default_rng(1)
    for _ in range(120):
        n, m = rng.integers(1, 5), rng.integers(1, 4)
        scores = rng.choice([0, 1000, 2500, 5000, 9999], size=(n, m))
        allowed = rng.random((n, m)) < rng.random()
        capacity = rng.integers(1, 3, size=m)
        assert check(scores, allowed, capacity) == brute_force(scores, allowed, capacity)


def test_equals_the_lp_optimum_on_small_random_instances() -> None:
    rng = np.random.default_rng(2)
    for _ in range(25):
        n, m = rng.integers(5, 40), rng.integers(3, 30)
        scores = rng.integers(0, MAX, size=(n, m))
        allowed = rng.random((n, m)) < rng.uniform(0.05, 0.9)
        check(scores, allowed, rng.integers(1, 4, size=m), candidates=int(rng.integers(1, 4)))


@pytest.mark.parametrize("column_candidates", [8, 0])
def test_shared_favourites_outnumbering_the_candidate_list_still_match_everyone(
        column_candidates: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # the shape: everyone's best mentors are the same generalists, more of them than candidates;
    # without the mentors' own candidates, only the certificate's rounds can find the other mentors
    monkeypatch.setattr(optimality, "COLUMN_CANDIDATES", column_candidates)
    rng = np.random.default_rng(3)
    n = 60
    scores = rng.integers(0, 3000, size=(n, n))
    scores[:, :10] = 9000 + rng.integers(0, 1000, size=(n, 10))
    pairs, _ = check(scores, np.ones((n, n), dtype=bool), np.ones(n, dtype=np.int64), candidates=4)
    assert pairs == n
    rounds = run(scores, np.ones((n, n), dtype=bool), np.ones(n, dtype=np.int64), 4).certificate.rounds
    assert rounds == 1 if column_candidates else rounds > 1


def test_a_star_with_capacity_above_one() -> None:
    # mentor 0 can take 5, and is the only option of mentees 0-4 and the favourite of mentees 5-11
    n, m = 12, 4
    scores = np.full((n, m), 2000)
    scores[:, 0] = 9000
    allowed = np.zeros((n, m), dtype=bool)
    allowed[:, 0] = True
    allowed[5:, 1:] = True
    capacity = np.array([5, 2, 2, 3])
    found = run(scores, allowed, capacity)
    # mentees 0-4 need mentor 0's five seats; the other seven take the seven other seats
    assert check(scores, allowed, capacity) == (12, 5 * 9000 + 7 * 2000)
    assert sorted(r for r, c in found.pairs if c == 0) == [0, 1, 2, 3, 4]


def test_a_long_chain_with_a_single_perfect_assignment() -> None:
    # mentee i may take mentor i or i-1, and prefers i-1; only i -> i matches everyone
    n = 150
    scores = np.zeros((n, n), dtype=np.int64)
    allowed = np.zeros((n, n), dtype=bool)
    idx = np.arange(n)
    allowed[idx, idx] = True
    scores[idx, idx] = 100
    allowed[idx[1:], idx[:-1]] = True
    scores[idx[1:], idx[:-1]] = 9000
    found = run(scores, allowed, np.ones(n, dtype=np.int64))
    assert found.pairs == [(i, i) for i in range(n)]
    assert found.certificate.holds


def test_many_ties() -> None:
    rng = np.random.default_rng(4)
    scores = np.full((30, 20), 5000)
    allowed = rng.random((30, 20)) < 0.3
    first = check(scores, allowed, np.ones(20, dtype=np.int64), candidates=2)
    assert run(scores, allowed, np.ones(20, dtype=np.int64), 2).pairs == run(scores, allowed,
                                                                            np.ones(20, dtype=np.int64), 2).pairs
    assert first[1] == 5000 * first[0]


def test_nothing_eligible_is_certified_empty() -> None:
    found = run(np.zeros((3, 2), dtype=np.int64), np.zeros((3, 2), dtype=bool), np.array([1, 1]))
    assert found.pairs == [] and found.certificate.primal == found.certificate.dual == 0


def test_a_solution_missing_a_possible_pair_is_rejected() -> None:
    scores = np.array([[9000, 8000], [7000, 0]])
    allowed = np.array([[True, True], [True, False]])
    cells = dense_cells(scores, allowed)
    assert certify(cells, 2, np.array([1, 1]), [(0, 1), (1, 0)], max_score=MAX).certificate.holds
    for wrong in ([(0, 0)], [(0, 1)], [(0, 0), (1, 0)], [(0, 1), (1, 1)]):
        with pytest.raises(NoCertificate):
            certify(cells, 2, np.array([1, 1]), wrong, max_score=MAX)


@st.composite
def instances(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n, m = draw(st.integers(1, 7)), draw(st.integers(1, 6))
    scores = np.array(draw(st.lists(st.sampled_from([0, 1, 2500, 5000, 7500, 9999, MAX]), min_size=n * m,
                                    max_size=n * m))).reshape(n, m)
    allowed = np.array(draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m))).reshape(n, m)
    capacity = np.array(draw(st.lists(st.integers(1, 3), min_size=m, max_size=m)))
    return scores, allowed, capacity


@settings(max_examples=150, deadline=None)
@given(instances(), st.integers(1, 3))
def test_the_certificate_holds_for_every_instance(instance: tuple[np.ndarray, np.ndarray, np.ndarray],
                                                  candidates: int) -> None:
    check(*instance, candidates=candidates)


@settings(max_examples=150, deadline=None)
@given(instances(), st.data())
def test_a_corrupted_solution_is_rejected(instance: tuple[np.ndarray, np.ndarray, np.ndarray],
                                          data: st.DataObject) -> None:
    scores, allowed, capacity = instance
    found = run(scores, allowed, capacity)
    best = value(found.pairs, scores)
    cells = dense_cells(scores, allowed, 2)
    pairs = list(found.pairs)
    # corrupt: drop a pair, or move a mentee to another column, or add an ineligible cell
    eligible_cells = list(zip(*np.nonzero(allowed)))
    action = data.draw(st.sampled_from(["drop", "move", "ineligible"]))
    if action == "drop" and pairs:
        pairs.pop(data.draw(st.integers(0, len(pairs) - 1)))
    elif action == "move" and pairs and eligible_cells:
        k = data.draw(st.integers(0, len(pairs) - 1))
        r, c = data.draw(st.sampled_from(eligible_cells))
        pairs = [p for p in pairs if p[0] != r and p != pairs[k]] + [(int(r), int(c))]
    elif action == "ineligible" and not allowed.all():
        r, c = data.draw(st.sampled_from(list(zip(*np.nonzero(~allowed)))))
        pairs = [p for p in pairs if p[0] != r] + [(int(r), int(c))]
    load = np.bincount([c for _, c in pairs], minlength=len(capacity))
    valid = all(allowed[r, c] for r, c in pairs) and bool(np.all(load <= capacity))
    if valid and value(pairs, scores) == best:
        assert certify(cells, scores.shape[0], capacity, pairs, max_score=MAX).certificate.holds  # another optimum
        return
    with pytest.raises(NoCertificate):
        certify(cells, scores.shape[0], capacity, pairs, max_score=MAX)
    # and the optimum's duals do not prove the corrupted pairs either
    assert not verify(cells, capacity, pairs, found.u, found.v, found.certificate.big)


def test_lowered_dual_values_are_rejected() -> None:
    rng = random.Random(7)
    scores = np.array([[rng.randint(0, MAX) for _ in range(6)] for _ in range(8)])
    allowed = np.array([[rng.random() < 0.6 for _ in range(6)] for _ in range(8)])
    capacity = np.array([1, 2, 1, 1, 2, 1])
    found = run(scores, allowed, capacity)
    cells = dense_cells(scores, allowed)
    assert verify(cells, capacity, found.pairs, found.u, found.v, found.certificate.big)
    for i in np.flatnonzero(found.u > 0):
        u = found.u.copy()
        u[i] -= 1
        assert not verify(cells, capacity, found.pairs, u, found.v, found.certificate.big)


def estimated_cells(scores: np.ndarray, allowed: np.ndarray, error: float, seed: int, chunk_rows: int = 2
                    ) -> optimality.Cells:
    """Chunks that carry estimates off by up to ``error`` (the worst allowed), exact scores only on request."""
    noise = np.random.default_rng(seed).uniform(-error, error, size=scores.shape)
    noise[np.random.default_rng(seed + 1).random(scores.shape) < 0.3] = error  # often exactly at the bound
    estimates = (scores + noise).astype(np.float32)
    asked = []

    def stream(rows: np.ndarray | None):  # type: ignore[no-untyped-def]
        wanted = np.arange(len(scores)) if rows is None else np.asarray(rows, dtype=np.int64)
        for start in range(0, len(wanted), chunk_rows):
            part = wanted[start:start + chunk_rows]

            def exact(r: np.ndarray, c: np.ndarray, part: np.ndarray = part) -> np.ndarray:
                asked.append(len(r))
                return scores[part[r], c]
            yield optimality.Chunk(part, estimates[part], allowed[part], error, exact)
    stream.asked = asked  # type: ignore[attr-defined]
    return stream


@settings(max_examples=150, deadline=None)
@given(instances(), st.integers(1, 3), st.sampled_from([0.01, 0.4, 3.0]), st.integers(0, 1000),
       st.sampled_from([0, 1, 144]))
def test_estimated_scores_give_the_same_certified_pairs_as_exact_ones(
        instance: tuple[np.ndarray, np.ndarray, np.ndarray], candidates: int, error: float, seed: int,
        reserve: int) -> None:
    """Estimates only choose which cells to score exactly: the pairs, rounds and certificate do not change."""
    scores, allowed, capacity = instance
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(optimality, "RESERVE", reserve)  # 0 and 1: rows are checked again, through their estimates
        exact = run(scores, allowed, capacity, candidates=candidates)
        cells = estimated_cells(scores, allowed, error, seed)
        estimated = solve(cells, scores.shape[0], capacity, max_score=MAX, candidates=candidates)
    assert estimated.pairs == exact.pairs
    assert estimated.certificate.primal == estimated.certificate.dual == exact.certificate.primal
    assert estimated.certificate.rounds == exact.certificate.rounds
    assert verify(dense_cells(scores, allowed), capacity, estimated.pairs, estimated.u, estimated.v,
                  estimated.certificate.big)


def test_estimates_that_only_look_violated_cost_no_extra_round(monkeypatch: pytest.MonkeyPatch) -> None:
    """Estimates far off: many cells must be scored exactly, and only the truly violated ones count."""
    monkeypatch.setattr(optimality, "RESERVE", 0)
    rng = np.random.default_rng(3)
    scores = rng.integers(0, MAX, size=(40, 30))
    allowed = rng.random((40, 30)) < 0.7
    capacity = np.ones(30, dtype=np.int64)
    exact = run(scores, allowed, capacity, candidates=2)
    cells = estimated_cells(scores, allowed, 50.0, 1)
    estimated = solve(cells, 40, capacity, max_score=MAX, candidates=2)
    assert estimated.pairs == exact.pairs and estimated.certificate.rounds == exact.certificate.rounds
    assert sum(cells.asked) > 0  # type: ignore[attr-defined]


# --- the speed paths: threads, sampled thresholds, assignment without private seats ------------

@settings(max_examples=60, deadline=None)
@given(instances(), st.integers(1, 3), st.integers(0, 1000), st.sampled_from([0, 2, 144]))
def test_chunks_on_two_threads_give_the_same_pairs_and_certificate_as_one(
        instance: tuple[np.ndarray, np.ndarray, np.ndarray], candidates: int, seed: int, reserve: int) -> None:
    scores, allowed, capacity = instance
    found = {}
    for workers in (1, 2):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(optimality, "WORKERS", workers)
            patch.setattr(optimality, "RESERVE", reserve)
            cells = estimated_cells(scores, allowed, 0.4, seed, chunk_rows=1)
            found[workers] = solve(cells, scores.shape[0], capacity, max_score=MAX, candidates=candidates)
    one, two = found[1], found[2]
    assert one.pairs == two.pairs and one.certificate == two.certificate
    assert np.array_equal(one.u, two.u) and np.array_equal(one.v, two.v)


def test_results_come_back_in_stream_order_whichever_thread_finishes_first(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setattr(optimality, "WORKERS", 2)

    def part(i: int):  # type: ignore[no-untyped-def]
        def make() -> optimality.Chunk:
            time.sleep(0.02 if i % 2 == 0 else 0.0)  # even chunks finish after the next odd one
            return optimality.Chunk(np.array([i]), np.zeros((1, 1)), np.ones((1, 1), dtype=bool))
        return make
    assert [int(x) for x in optimality._each(lambda c: c.rows[0], (part(i) for i in range(9)))] == list(range(9))


@pytest.mark.parametrize("seed", range(6))
def test_a_threshold_from_every_eighth_column_keeps_the_same_best_cells(seed: int) -> None:
    """The sampled threshold (with its full-partition fallback) against a full partition of every row."""
    rng = np.random.default_rng(seed)
    n, m, want = 30, 1600, 200
    scores = rng.integers(0, 60 if seed % 2 else MAX, size=(n, m))  # odd seeds: many ties
    allowed = rng.random((n, m)) < rng.uniform(0.05, 0.6, size=(n, 1))  # some rows with fewer than ``want``
    # rows whose best cells are all in the sample: its value is too high for them, they are partitioned in full
    allowed[:4] = rng.random((4, m)) < 0.9
    scores[:4, ::optimality.SAMPLE] += MAX
    assert np.all(np.sort(np.where(allowed, scores, -1)[:4, ::optimality.SAMPLE], axis=1)[:, -want // 4] >= MAX)
    estimates = (scores + rng.uniform(-0.3, 0.3, size=scores.shape)).astype(np.float32)
    chunk = optimality.Chunk(np.arange(n), estimates, allowed, 0.3, lambda r, c: scores[r, c])
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(optimality, "SAMPLE", 1)
        full, full_rest = optimality._best_exact(chunk, want)
    sampled, rest = optimality._best_exact(chunk, want)
    for a, b in zip(full, sampled):
        assert np.array_equal(a, b)
    threshold = optimality._threshold(estimates, allowed, want)
    reached = np.count_nonzero(allowed & (estimates >= threshold[:, None]), axis=1)
    assert np.all((reached >= want) | (threshold == -np.inf))
    for i in range(n):  # both bounds hold for the row's eligible cells left out
        left = np.setdiff1d(np.flatnonzero(allowed[i]), sampled[1][sampled[0] == i])
        best_left = int(scores[i, left].max()) if len(left) else -1
        assert rest[i] >= best_left and full_rest[i] >= best_left


def test_assignment_with_and_without_private_seats_is_optimal() -> None:
    """Rows that can all have a seat skip the private "not matched" seats; rows that cannot keep them."""
    rng = np.random.default_rng(5)
    for n, density in [(6, 0.9), (6, 0.15), (7, 0.5)] * 15:
        scores = rng.integers(0, MAX, size=(n, 5))
        allowed = rng.random((n, 5)) < density
        capacity = rng.integers(1, 3, size=5)
        r, c = np.nonzero(allowed)
        edges = optimality._Edges(r.astype(np.int64), c.astype(np.int64), scores[r, c] + MAX * n + 1)
        match = optimality._assign(edges, n, capacity)
        pairs = [(i, int(j)) for i, j in enumerate(match) if j >= 0]
        assert value(pairs, scores) == brute_force(scores, allowed, capacity)
