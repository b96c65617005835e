"""Exact assignment of a whole cohort with bounded memory, and the LP-duality proof that it is optimal.

The problem: mentees (rows) to mentors (columns with a capacity), only on eligible cells,
maximising first the number of pairs and then the total score. Each eligible cell weighs
``big + score`` with ``big`` larger than any possible total of scores, so one more pair
always outweighs every score gain. Its linear programme is integral (the constraint matrix
of a bipartite b-matching is totally unimodular), and so is its dual:

    minimise  sum(u) + sum(capacity * v)   over  u >= 0, v >= 0
    such that u[i] + v[j] >= big + score[i, j]   for every eligible cell (i, j).

Any feasible (u, v) bounds every assignment from above; an assignment whose total equals
the bound of a feasible (u, v) is therefore optimal. That is the certificate.

How it is found, without the full matrix in memory:

1. One pass over the cohort in chunks keeps each mentee's ``candidates`` best eligible
   mentors (every eligible cell when the cohort is small) and, per mentee, the best score
   among the eligible cells it did not keep (``outside``).
2. The candidate graph is solved exactly (scipy's LAPJVsp).
3. Column prices ``v`` are the smallest prices at which every mentee prefers what they
   got (a longest-path fixed point over the candidate graph); ``u`` is then each mentee's
   best profit ``max(0, w - v)``. On an optimum of the candidate graph the two totals are
   equal, which is checked in exact integers.
4. Every eligible cell of the cohort is checked against ``u + v >= w``: a kept cell
   directly; a cell not kept either by its mentee's bound (``u + min(v) >= big + outside``
   covers all of that mentee's other cells, since none scores above ``outside``) or, for
   mentees whose bound is not enough, by scoring their row again, streamed in chunks.
   Violated cells join the candidate graph and steps 2-4 run again until none is left.

If the rounds run out, or the totals differ, there is no certificate and the caller must
not publish the assignment.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TypeVar

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import maximum_bipartite_matching, min_weight_full_bipartite_matching
from threadpoolctl import threadpool_limits

Ints = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Chunk:
    """Some rows of the cohort against all columns: scores (exact, or estimates) and eligible cells.

    With ``error`` 0, ``scores`` are the exact integer scores. Otherwise they are estimates
    of the unrounded scores, each within ``error`` of it, and ``exact(r, c)`` gives the
    exact integer scores of the cells (chunk-local row ``r``, column ``c``): the solver asks
    it only for the few cells the estimates cannot settle.
    """

    rows: Ints
    scores: NDArray[np.integer] | NDArray[np.floating]
    allowed: NDArray[np.bool_]
    error: float = 0.0
    exact: Callable[[Ints, Ints], NDArray[np.integer]] | None = None

    def exact_at(self, r: Ints, c: Ints) -> Ints:
        if self.exact is None:
            return np.asarray(self.scores[r, c], dtype=np.int64)
        return np.asarray(self.exact(r, c), dtype=np.int64)

    def margin(self) -> float:
        """How far below a row's threshold estimate a cell may be and still score at least as high exactly.

        An exact score is ``rint`` of the unrounded one, so it differs from the estimate by
        at most ``error + 0.5``; two cells' exact order can differ from their estimates'
        only within twice that.
        """
        return 1.0 + 2.0 * self.error if self.error else 0.0

Part = Chunk | Callable[[], Chunk]
"""A chunk, or a function that computes it (in a worker thread: scoring a chunk is most of the work)."""
Cells = Callable[[Ints | None], Iterable[Part]]
"""Streams the given rows (None: every row of the cohort), chunk by chunk, each time it is called."""
Violations = list[tuple[Ints, Ints, Ints]]
T = TypeVar("T")

WORKERS = min(2, os.cpu_count() or 1)
"""Threads that compute and reduce chunks at once. numpy releases the GIL in array loops, sorts and
matrix products, so two threads use both cores; results are taken in stream order, so the
outcome does not depend on which thread finished first."""
SAMPLE = 8
"""A row's threshold is first looked for in every SAMPLE-th column (see :func:`_threshold`)."""

MAX_ROUNDS = 50
"""Rounds of "solve, check every cell, add the violated ones" before giving up."""
RESERVE = 144
"""Cells kept per mentee after its candidates, to check without scoring the row again."""
COLUMN_CANDIDATES = 8
"""Mentees kept per mentor in the first pass, besides each mentee's own candidates."""
EDGE_BUDGET = 2_000_000
"""From the third round on, a cohort with at most this many eligible cells keeps all of them (one more round).

Column generation adds what the duals show to be missing, but on adversarial shapes (a long
chain where every mentee must move one place) the duals reveal one missing cell per round.
"""
NEAR = 300
"""Once a round finds violated cells, reserve cells with less slack than this (0.03 of a score
point, in units of 1/10,000) join the candidate graph as well."""
_NOTHING = -1  # ``outside`` of a mentee whose eligible cells are all kept


class NoCertificate(Exception):
    """The solver's result could not be proven optimal; it must not be used."""


@dataclass(frozen=True, slots=True)
class Certificate:
    """Proof that an assignment is optimal: a feasible dual whose bound equals the assignment's total.

    ``primal`` and ``dual`` are in weight units: ``big`` per pair plus the scores (in units of
    1/10,000). ``cells`` is how many mentee-mentor cells the last check covered (each cell
    stands for every seat of that mentor), ``eligible`` how many of them are allowed,
    ``rescored`` how many were scored again because their mentee's bound was not enough.
    """

    pairs: int
    score: int
    big: int
    primal: int
    dual: int
    cells: int
    eligible: int
    rounds: int
    candidates: int
    rescored: int = 0

    @property
    def holds(self) -> bool:
        return self.primal == self.dual


@dataclass(frozen=True, slots=True)
class _Edges:
    rows: Ints
    cols: Ints
    weight: Ints

    @staticmethod
    def join(parts: Iterable[tuple[Ints, Ints, Ints]]) -> _Edges:
        items = list(parts)
        if not items:
            empty = np.zeros(0, dtype=np.int64)
            return _Edges(empty, empty, empty)
        rows, cols, weight = (np.concatenate([p[k] for p in items]) for k in range(3))
        # one edge per cell, in (row, col) order, so the solver sees the same input every run
        key = rows * (int(cols.max(initial=0)) + 1) + cols
        key, first = np.unique(key, return_index=True)
        return _Edges(rows[first], cols[first], weight[first])


@dataclass(frozen=True, slots=True)
class _Graph:
    """The candidate graph, the best score each mentee has outside it, and the cohort's counts."""

    edges: _Edges
    outside: Ints
    cells: int
    eligible: int
    reserve: _Edges | None = None
    """Each row's next best cells after its candidates: checked directly, solved only when they violate."""


@dataclass(frozen=True, slots=True)
class Solution:
    """Sorted (row, column) pairs, their certificate, and the dual values that prove it."""

    pairs: list[tuple[int, int]]
    certificate: Certificate
    u: Ints
    v: Ints
    seconds: dict[str, float] = field(default_factory=dict)
    """Where the time went: first pass, assignment, certificate (prices and checks); for benchmarks."""


def _big(max_score: int, n_rows: int, capacity: Ints) -> int:
    return max_score * min(n_rows, int(capacity.sum())) + 1


def solve(cells: Cells, n_rows: int, capacity: Ints, *, max_score: int, candidates: int,
          keep_all: bool = False) -> Solution:
    """Optimal (row, column) pairs of the streamed cohort, with their certificate.

    Parameters
    ----------
    cells : streams (rows, scores, eligible) chunks of rows 0..n_rows-1 against all columns.
    capacity : (cols,) seats per column, all positive.
    max_score : an upper bound on any cell's score (fixes ``big``).
    candidates : mentors kept per mentee in the first pass (doubled per mentee per later round).
    keep_all : keep every eligible cell in the first pass (small cohorts).

    Raises NoCertificate when no proof was found within ``MAX_ROUNDS``.
    """
    capacity = np.asarray(capacity, dtype=np.int64)
    big = _big(max_score, n_rows, capacity)
    clock = {"first_pass": -time.perf_counter(), "assign": 0.0, "certificate": 0.0}
    graph = _first_pass(cells, n_rows, big, candidates, keep_all)
    clock["first_pass"] += time.perf_counter()
    for rounds in range(1, MAX_ROUNDS + 1):
        clock["assign"] -= time.perf_counter()
        match = _assign(graph.edges, n_rows, capacity)
        clock["assign"] += time.perf_counter()
        clock["certificate"] -= time.perf_counter()
        found, violated = _certify(cells, graph, match, capacity, big, candidates << (rounds - 1), rounds)
        clock["certificate"] += time.perf_counter()
        if found is not None:
            return replace(found, seconds=clock)
        clock["first_pass"] -= time.perf_counter()
        if rounds >= 3 and graph.eligible <= EDGE_BUDGET:
            graph = _first_pass(cells, n_rows, big, candidates, keep_all=True)
        else:
            edges = _Edges.join([(graph.edges.rows, graph.edges.cols, graph.edges.weight), *violated])
            graph = replace(graph, edges=edges)
        clock["first_pass"] += time.perf_counter()
    raise NoCertificate(f"eligible cells still violate the dual after round {MAX_ROUNDS} (the limit)")


def certify(cells: Cells, n_rows: int, capacity: Ints, pairs: Iterable[tuple[int, int]], *,
            max_score: int) -> Solution:
    """The certificate of a given assignment, or NoCertificate when it is not optimal (or not valid)."""
    capacity = np.asarray(capacity, dtype=np.int64)
    big = _big(max_score, n_rows, capacity)
    graph = _first_pass(cells, n_rows, big, 1, keep_all=True)
    match = np.full(n_rows, -1, dtype=np.int64)
    for r, c in pairs:
        if match[r] >= 0:
            raise NoCertificate(f"row {r} is assigned twice")
        match[r] = c
    load = np.bincount(match[match >= 0], minlength=len(capacity))
    if np.any(load > capacity):
        raise NoCertificate("a column is over capacity")
    if np.count_nonzero(match >= 0) != np.count_nonzero(match[graph.edges.rows] == graph.edges.cols):
        raise NoCertificate("an assigned cell is not eligible")
    found = _certify(cells, graph, match, capacity, big, 1, 1)[0]
    if found is None:
        raise NoCertificate("an eligible cell violates the dual: the assignment is not optimal")
    return found


def _certify(cells: Cells, graph: _Graph, match: Ints, capacity: Ints, big: int, k: int,
             rounds: int) -> tuple[Solution | None, Violations]:
    """The solution when every eligible cell satisfies the dual of ``match``, else the violated cells."""
    edges = graph.edges
    v = _prices(edges, match, capacity)
    u = _profits(edges, v, len(match))
    primal = _primal(edges, match)
    dual = int(u.sum()) + int((capacity * v).sum())
    if np.any(u[edges.rows] + v[edges.cols] < edges.weight):
        raise NoCertificate("a kept cell violates the dual")  # u is each row's best profit: cannot happen
    violated = _reserve_violations(graph.reserve, u, v, k)
    # a mentee's cells not kept score at most ``outside``; the bound covers them all at once
    floor = int(v.min(initial=0))
    unsure = np.flatnonzero((graph.outside != _NOTHING) & (u + floor < graph.outside + big))
    rescored, more = _check(cells(unsure), big, u, v, k) if len(unsure) else (0, [])
    violated += more
    if violated:
        return None, violated + _near(graph.reserve, u, v)
    if primal != dual:
        raise NoCertificate(f"assignment total {primal} differs from the dual bound {dual}")
    made = np.flatnonzero(match >= 0)  # rows in order: the pairs come sorted
    chosen = list(zip(made.tolist(), match[made].tolist()))
    cert = Certificate(len(chosen), primal - big * len(chosen), big, primal, dual, graph.cells, graph.eligible,
                       rounds, len(edges.rows), rescored)
    return Solution(chosen, cert, u, v), []


def _first_pass(cells: Cells, n_rows: int, big: int, k: int, keep_all: bool) -> _Graph:
    """Each row's k best eligible cells plus each column's ``COLUMN_CANDIDATES`` best rows, in one pass.

    A row keeps its ``k + RESERVE`` best cells by exact score (ties by column): the cells
    whose estimate is within the chunk's margin of a threshold that at least ``k + RESERVE``
    of the row's estimates reach are scored exactly, which contains them all; every other
    eligible cell scores below that threshold, which bounds ``outside``. The columns' own
    candidates (their best rows among the reserve) matter when many rows share the same
    favourites: without them a mentor who is nobody's top choice would be in nobody's
    candidate list.
    """
    outside = np.full(n_rows, _NOTHING, dtype=np.int64)
    first: list[tuple[Ints, Ints, Ints]] = []
    later: list[tuple[Ints, Ints, Ints]] = []
    total = eligible = 0

    def reduce(chunk: Chunk) -> tuple[Ints, tuple[Ints, Ints, Ints], tuple[Ints, Ints, Ints], Ints, int, int]:
        (r, c, score, rank), rest = _best_exact(chunk, None if keep_all else k + RESERVE)
        top = rank < (len(c) if keep_all else k)
        return (chunk.rows, (chunk.rows[r[top]], c[top], score[top] + big),
                (chunk.rows[r[~top]], c[~top], score[~top] + big), rest, chunk.scores.size,
                int(np.count_nonzero(chunk.allowed)))

    for rows, kept, spare, rest, size, allowed in _each(reduce, cells(None)):
        first.append(kept)
        later.append(spare)
        outside[rows] = rest
        total += size
        eligible += allowed
    # chunks stream rows in order and cells in (row, column) order: the reserve needs no sorting
    reserve = _Edges(*(np.concatenate([p[i] for p in later]) if later else np.zeros(0, np.int64) for i in range(3)))
    del later
    if not keep_all and COLUMN_CANDIDATES:
        best = _rank_in_row(reserve.cols, -reserve.weight) < COLUMN_CANDIDATES
        first.append((reserve.rows[best], reserve.cols[best], reserve.weight[best]))
    return _Graph(_Edges.join(first), outside, total, eligible, None if keep_all or not RESERVE else reserve)


def _each(fn: Callable[[Chunk], T], parts: Iterable[Part]) -> Iterator[T]:
    """``fn`` of every chunk, in stream order, computed by ``WORKERS`` threads (at most one result waits)."""
    if WORKERS <= 1:
        yield from (fn(_made(part)) for part in parts)
        return
    # one BLAS thread per worker: the workers already use the cores, and OpenBLAS's own threads
    # would spin against them (a third less CPU and wall time at 10,000 people)
    with threadpool_limits(limits=1, user_api="blas"), \
            ThreadPoolExecutor(WORKERS, thread_name_prefix="rmcode-chunk") as workers:
        pending: deque[Future[T]] = deque()
        for part in parts:
            pending.append(workers.submit(lambda p: fn(_made(p)), part))
            if len(pending) > WORKERS:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _made(part: Part) -> Chunk:
    return part if isinstance(part, Chunk) else part()


def _best_exact(chunk: Chunk, want: int | None) -> tuple[tuple[Ints, Ints, Ints, Ints], Ints]:
    """Each row's ``want`` best eligible cells (all of them for None) as (local row, column, exact score,
    rank in its row), and per row an upper bound on the exact score of its other eligible cells
    (``_NOTHING``: none)."""
    n, m = chunk.allowed.shape
    rest = np.full(n, _NOTHING, dtype=np.int64)
    if want is None or want >= m:
        r, c = np.nonzero(chunk.allowed)
        r, c = r.astype(np.int64), c.astype(np.int64)
        exact = chunk.exact_at(r, c)
        return (r, c, exact, _rank_in_row(r, -exact) if want is not None else np.zeros(len(r), np.int64)), rest
    threshold = _threshold(chunk.scores, chunk.allowed, want)
    chosen = chunk.allowed & (chunk.scores >= _below(threshold - chunk.margin(), chunk.scores.dtype)[:, None])
    flat = np.flatnonzero(chosen)
    r, c = np.divmod(flat, m)  # row-major: each row's cells in column order
    exact = chunk.exact_at(r, c)
    rank = _rank_in_row(r, -exact)  # ties by column
    keep = rank < want
    # the best cell left out of a row is its (want + 1)-th
    nxt = rank == want
    rest[r[nxt]] = exact[nxt]
    # cells left out of ``chosen`` score exactly below the threshold (see Chunk.margin)
    unseen = np.count_nonzero(chunk.allowed, axis=1) > np.bincount(r, minlength=n)
    rest[unseen] = np.maximum(rest[unseen], np.ceil(threshold[unseen]).astype(np.int64) - 1)
    return (r[keep], c[keep], exact[keep], rank[keep]), rest


def _threshold(scores: NDArray[np.integer] | NDArray[np.floating], allowed: NDArray[np.bool_],
               want: int) -> NDArray[np.float64]:
    """Per row a value that at least ``want`` of the row's eligible scores reach (``-inf``: fewer are eligible).

    Any such value keeps the first pass exact (see ``_best_exact``); the nearer to the
    ``want``-th largest score, the fewer cells are scored exactly. A partition of every
    ``SAMPLE``-th column finds one at an eighth of the cost of a full partition; rows where
    the sample's value turns out too high are partitioned in full.
    """
    n, m = scores.shape
    found = np.full(n, -np.inf)
    todo = np.ones(n, dtype=np.bool_)
    q = -(-want // SAMPLE) + 12  # about a quarter more than ``want`` cells expected at or above the sample's value
    if SAMPLE > 1 and m >= 4 * SAMPLE * q:
        sample = scores[:, ::SAMPLE].astype(np.float64)
        # ineligible cells far below every score (distinct values: a partition slows down on many equal ones)
        sample -= ~allowed[:, ::SAMPLE] * 1e12
        found = np.partition(sample, sample.shape[1] - q, axis=1)[:, sample.shape[1] - q]
        found[found < -1e11] = -np.inf  # fewer than q eligible cells in the sample
        reached = np.count_nonzero(allowed & (scores >= _below(found, scores.dtype)[:, None]), axis=1)
        todo = (reached < want) & (found > -np.inf)
    if todo.any():
        key = np.where(allowed[todo], scores[todo], -np.inf)
        found[todo] = np.partition(key, m - want, axis=1)[:, m - want]
    return found


def _below(values: NDArray[np.float64], dtype: np.dtype[np.generic]) -> NDArray[np.floating]:
    """``values`` in the scores' float type, each rounded down: ``score >= result`` wherever ``score >= value``.

    Comparing float32 scores with float32 bounds avoids converting every cell to float64.
    """
    if dtype != np.float32:
        return values
    out = values.astype(np.float32)
    high = out > values
    out[high] = np.nextafter(out[high], np.float32(-np.inf))
    return out


def _rank_in_row(rows: Ints, key: Ints) -> Ints:
    """Position of each edge within its row when the row's edges are sorted by ``key`` (ties by order)."""
    if not len(rows):
        return np.zeros(0, dtype=np.int64)
    low, span = int(key.min()), int(key.max()) - int(key.min()) + 1
    if span <= 2**16 and int(rows.max()) < 2**16 and int(rows.min()) >= 0:
        # two stable sorts of 16-bit keys (numpy sorts them by radix, in linear time): by key, then by row
        by_key = np.argsort((key - low).astype(np.uint16), kind="stable")
        order = by_key[np.argsort(rows[by_key].astype(np.uint16), kind="stable")]
    elif span * (int(rows.max()) + 1) < 2**62:  # one stable sort of a combined key: much faster than lexsort
        order = np.argsort(rows * span + (key - low), kind="stable")
    else:
        order = np.lexsort((np.arange(len(rows)), key, rows))
    sorted_rows = rows[order]
    starts = np.flatnonzero(np.r_[True, sorted_rows[1:] != sorted_rows[:-1]])
    group_start = np.repeat(starts, np.diff(np.r_[starts, len(rows)]))
    rank = np.empty(len(rows), dtype=np.int64)
    rank[order] = np.arange(len(rows)) - group_start
    return rank


def _assign(edges: _Edges, n_rows: int, capacity: Ints) -> Ints:
    """Column of each row (-1: not matched), exact on the given edges.

    Each column becomes ``capacity`` seats. When some matching of the edges gives every row
    a seat (Hopcroft-Karp finds out in milliseconds), a maximum-weight full matching of the
    rows is the optimum; otherwise each row also gets a private "not matched" seat of
    weight 1, so a full matching always exists, and real seats weigh ``w + 1``. The private
    seats double the columns and make the solver about three times slower, so they are
    added only when needed.
    """
    match = np.full(n_rows, -1, dtype=np.int64)
    if not len(edges.rows):
        return match
    first_seat = np.concatenate([[0], np.cumsum(capacity)[:-1]])
    copies = capacity[edges.cols]
    seat_rows = np.repeat(edges.rows, copies)
    offsets = np.arange(int(copies.sum())) - np.repeat(np.cumsum(copies) - copies, copies)
    seat_cols = np.repeat(first_seat[edges.cols], copies) + offsets
    n_seats = int(capacity.sum())
    weight = np.repeat(edges.weight.astype(np.float64) + 1, copies)
    graph = sp.csr_matrix((weight, (seat_rows, seat_cols)), shape=(n_rows, n_seats))
    if n_rows > n_seats or np.count_nonzero(maximum_bipartite_matching(graph, perm_type="column") >= 0) < n_rows:
        graph = sp.csr_matrix((np.concatenate([weight, np.ones(n_rows)]),
                               (np.concatenate([seat_rows, np.arange(n_rows)]),
                                np.concatenate([seat_cols, n_seats + np.arange(n_rows)]))),
                              shape=(n_rows, n_seats + n_rows))
    rows, seats = min_weight_full_bipartite_matching(graph, maximize=True)
    owner = np.repeat(np.arange(len(capacity)), capacity)
    real = seats < n_seats
    match[rows[real]] = owner[seats[real]]
    return match


def _own_weight(edges: _Edges, match: Ints) -> Ints:
    """Weight of the edge each matched row uses, per edge's row (0 where the row is unmatched)."""
    own = np.zeros(len(match), dtype=np.int64)
    hit = match[edges.rows] == edges.cols
    own[edges.rows[hit]] = edges.weight[hit]
    return own


def _primal(edges: _Edges, match: Ints) -> int:
    return int(_own_weight(edges, match).sum())


def _prices(edges: _Edges, match: Ints, capacity: Ints) -> Ints:
    """Smallest column prices at which no row prefers another column to the one it got.

    A row without a column needs every price at least its weight there; a row with column
    j needs ``v[k] >= w[i, k] - w[i, j] + v[j]``. The fixed point is reached in as many
    sweeps as the longest chain of such exchanges; on a non-optimal assignment the chain
    never ends, which the sweep limit turns into "no certificate".
    """
    n_cols = len(capacity)
    v = np.zeros(n_cols, dtype=np.int64)
    mine = match[edges.rows]
    free = mine < 0
    np.maximum.at(v, edges.cols[free], edges.weight[free])
    moves = ~free & (mine != edges.cols)
    # the moves grouped by source column, so that a sweep finds the moves out of the columns that changed
    by_source = np.argsort(mine[moves], kind="stable")
    dest, source = edges.cols[moves][by_source], mine[moves][by_source]
    gain = (edges.weight[moves] - _own_weight(edges, match)[edges.rows[moves]])[by_source]
    starts = np.searchsorted(source, np.arange(n_cols + 1))
    active = np.arange(len(dest))
    for _ in range(n_cols + 2):
        # a sweep looks only at the moves whose source price rose in the last one: the others cannot raise a price
        offer = gain[active] + v[source[active]]
        to = dest[active]
        up = offer > v[to]
        if not up.any():
            return v
        new = v.copy()
        np.maximum.at(new, to[up], offer[up])
        active = _ranges(starts, np.flatnonzero(new != v))
        v = new
    raise NoCertificate("the assignment of the candidate graph is not optimal (prices do not settle)")


def _ranges(starts: Ints, groups: Ints) -> Ints:
    """The indices ``starts[g]`` to ``starts[g + 1] - 1`` of every group g, one group after another."""
    low, high = starts[groups], starts[groups + 1]
    size = high - low
    return np.arange(int(size.sum())) + np.repeat(low - (np.cumsum(size) - size), size)


def _profits(edges: _Edges, v: Ints, n_rows: int) -> Ints:
    u = np.zeros(n_rows, dtype=np.int64)
    np.maximum.at(u, edges.rows, edges.weight - v[edges.cols])
    return u


def _reserve_violations(reserve: _Edges | None, u: Ints, v: Ints, k: int) -> Violations:
    if reserve is None or not len(reserve.rows):
        return []
    slack = reserve.weight - u[reserve.rows] - v[reserve.cols]
    bad = slack > 0
    if not bad.any():
        return []
    rows, cols, weight, slack = reserve.rows[bad], reserve.cols[bad], reserve.weight[bad], slack[bad]
    keep = _rank_in_row(rows, -slack) < k
    return [(rows[keep], cols[keep], weight[keep])]


def _near(reserve: _Edges | None, u: Ints, v: Ints) -> Violations:
    """Reserve cells within ``NEAR`` of violating the dual: added with the violated ones.

    Moving the violated cells' rows changes the prices, and the rows they displace then
    violate on cells that were nearly tight; adding those at once saves rounds (each round
    solves the candidate graph again).
    """
    if reserve is None or not NEAR:
        return []
    near = reserve.weight - u[reserve.rows] - v[reserve.cols] > -NEAR
    return [(reserve.rows[near], reserve.cols[near], reserve.weight[near])]


def _check(chunks: Iterable[Part], big: int, u: Ints, v: Ints, k: int) -> tuple[int, Violations]:
    """Cells checked again, and each row's worst ``k`` violated cells (u + v < w).

    A cell whose estimate, plus its error and the half unit of rounding, is within
    ``u + v - big`` holds; only the others are scored exactly and checked exactly.
    """
    def reduce(chunk: Chunk) -> tuple[int, tuple[Ints, Ints, Ints] | None]:
        room = (u[chunk.rows, None] - big) + v[None, :]  # the largest score each cell may have
        # 0.01 more covers the float32 rounding of the sum (half a unit in the last place at 16,384)
        most = chunk.scores + (chunk.error + 0.51) if chunk.error else chunk.scores
        r, c = np.nonzero(chunk.allowed & (most > room))
        if not len(r):
            return chunk.scores.size, None
        r, c = r.astype(np.int64), c.astype(np.int64)
        exact = chunk.exact_at(r, c)
        over = exact - room[r, c]
        bad = over > 0
        if not bad.any():
            return chunk.scores.size, None
        r, c, exact, over = r[bad], c[bad], exact[bad], over[bad]
        keep = _rank_in_row(r, -over) < k
        return chunk.scores.size, (chunk.rows[r[keep]], c[keep], exact[keep] + big)

    checked = 0
    violated: Violations = []
    for size, found in _each(reduce, chunks):
        checked += size
        if found is not None:
            violated.append(found)
    return checked, violated


def dense_cells(scores: NDArray[np.integer], allowed: NDArray[np.bool_], chunk_rows: int = 64) -> Cells:
    """A stream over matrices already in memory (tests, small programs)."""
    def stream(rows: Ints | None) -> Iterator[Part]:
        wanted = np.arange(len(scores)) if rows is None else np.asarray(rows, dtype=np.int64)
        for start in range(0, len(wanted), chunk_rows):
            part = wanted[start:start + chunk_rows]
            yield partial(Chunk, part, scores[part], allowed[part])
    return stream


def verify(cells: Cells, capacity: Ints, pairs: Iterable[tuple[int, int]], u: Ints, v: Ints, big: int) -> bool:
    """Independent check of a claimed optimum: capacities, eligibility, dual feasibility, equal totals."""
    pairs = list(pairs)
    if np.any(u < 0) or np.any(v < 0):
        return False
    where = {r: c for r, c in pairs}
    if len(where) != len(pairs):
        return False
    load = np.bincount(np.array([c for _, c in pairs], dtype=np.int64), minlength=len(capacity))
    primal = 0
    for chunk in map(_made, cells(None)):
        rows, allowed = chunk.rows, chunk.allowed
        scores = np.zeros(allowed.shape, dtype=np.int64)
        scores[allowed] = chunk.exact_at(*np.nonzero(allowed))
        slack = scores + big - u[rows, None] - v[None, :]
        if np.any(allowed & (slack > 0)):
            return False
        for i, r in enumerate(rows):
            if int(r) in where:
                c = where[int(r)]
                if not allowed[i, c]:
                    return False
                primal += int(scores[i, c]) + big
    return bool(np.all(load <= capacity)) and primal == int(u.sum()) + int((capacity * v).sum())
