"""Optimal assignment of mentees to mentors, and the proposal that ``rmcode match`` writes.

The objective is lexicographic: first as many people matched as possible, then the largest
total score, over every eligible mentee-mentor cell of the cohort. ``optimality`` solves it
exactly with bounded memory and proves the result with an LP-duality certificate checked
over every eligible cell; a result without a certificate is never returned (MatchError).
Pins are made first and use up their seat. Inputs are sorted by login, so the same input
always gives the same pairs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
from numpy.typing import NDArray

from ..errors import MatchError, Problem
from ..layout import login_key
from ..model import (
    BREAKDOWN_KEYS,
    HELD_PAIR,
    Cohort,
    Pair,
    Participant,
    Program,
    ProgramData,
    Unmatched,
)
from . import optimality
from .eligibility import (
    RULE_LABELS,
    Block,
    Pool,
    Times,
    broken_rules,
    build_pool,
    eligible,
    unmatched_reason,
    with_mentors,
)
from .scoring import (
    CRITERIA,
    UNIT,
    breakdown,
    estimate,
    estimator,
    pair_reasons,
    score,
    unit_weights,
)

DENSE_MAX_CELLS = 4_000_000
"""Up to this many mentee x mentor cells a cohort keeps every eligible cell in its first round \
(and its scores in memory)."""
CANDIDATES = 48
"""Mentors kept per mentee in the first round of a larger cohort, and added per mentee per round."""
CHUNK_CELLS = 2_000_000
"""Cells scored at once, which bounds the memory of scoring and of the certificate check."""

Assignment = list[tuple[int, int]]


def assign(scores: NDArray[np.integer], allowed: NDArray[np.bool_],
           capacity: Sequence[int] | NDArray[np.integer]) -> Assignment:
    """Exact, certified assignment of rows (mentees) to columns (mentors) with column capacities.

    Parameters
    ----------
    scores : (rows, cols) non-negative integers, the score of each pair.
    allowed : (rows, cols) booleans; False pairs are never made.
    capacity : (cols,) how many rows each column may take.

    Returns
    -------
    Sorted (row, col) pairs that maximise first their number, then their total score.
    Raises MatchError when the optimum cannot be certified.
    """
    seats: NDArray[np.int64] = np.maximum(np.asarray(capacity, dtype=np.int64), 0)
    cols = np.flatnonzero(seats > 0)
    if not len(cols) or not scores.shape[0]:
        return []
    found = _certified(optimality.dense_cells(scores[:, cols], allowed[:, cols]), scores.shape[0], seats[cols],
                       int(scores.max(initial=0)), "")
    return [(r, int(cols[c])) for r, c in found.pairs]


def _certified(cells: optimality.Cells, n_rows: int, capacity: NDArray[np.int64], max_score: int,
               cohort: str) -> optimality.Solution:
    keep_all = n_rows * len(capacity) <= DENSE_MAX_CELLS
    try:
        return optimality.solve(cells, n_rows, capacity, max_score=max_score, candidates=CANDIDATES, keep_all=keep_all)
    except optimality.NoCertificate as exc:
        raise _no_certificate(cohort, exc) from None


def _no_certificate(cohort: str, exc: optimality.NoCertificate) -> MatchError:
    """The one error of a result that is not proven optimal (the solver's or the reasons' check)."""
    where = f" for cohort {cohort}" if cohort else ""
    return MatchError([Problem("program.yaml", 0, 0, "RM406", f"no optimality certificate{where}: {exc}",
                               "nothing was written; report this with the program's data to the rmcode maintainers",
                               "")])


def _pool_cells(pool: Pool, rows: NDArray[np.intp], weights: dict[str, float], exact: bool = True) -> optimality.Cells:
    """Scores and eligibility of (some of) the given mentee rows x every mentor of the pool, chunk by chunk.

    Each chunk is yielded as a function that computes it, so that the solver's worker
    threads score chunks side by side. With ``exact`` False the chunks carry float32
    estimates (``scoring.estimate``) and score exactly only the cells the solver asks for,
    reusing the block's overlap counts.
    """
    est = None if exact else estimator(pool, weights)
    cols = np.arange(pool.mentors.size)

    def chunk(part: NDArray[np.int64]) -> optimality.Chunk:
        block = Block(pool, rows[part], cols)
        if est is None:
            return optimality.Chunk(part, score(block, weights), eligible(block))
        return optimality.Chunk(part, estimate(est, block), eligible(block), est.error, _exact_cells(block, weights))

    def stream(subset: NDArray[np.int64] | None) -> Iterable[optimality.Part]:
        local = np.arange(len(rows), dtype=np.int64) if subset is None else subset
        step = max(1, CHUNK_CELLS // max(len(cols), 1))
        for start in range(0, len(local), step):
            yield partial(chunk, local[start:start + step])
    return stream


def _exact_cells(block: Block,
                 weights: dict[str, float]) -> Callable[[NDArray[np.int64], NDArray[np.int64]], NDArray[np.int32]]:
    def exact(r: NDArray[np.int64], c: NDArray[np.int64]) -> NDArray[np.int32]:
        cells = Block(block.pool, block.rows[r], block.cols[c], outer=False, overlap=block.overlap[r, c])
        return score(cells, weights)
    return exact


def solve(pool: Pool, rows: NDArray[np.intp], capacity: NDArray[np.int64],
          weights: dict[str, float]) -> tuple[Assignment, optimality.Solution | None]:
    """Best pairs of the given mentee rows with mentors of remaining ``capacity`` (pool indices), certified.

    Returns the pairs and the solution with its certificate (None when there was nothing to match).
    """
    cols = np.flatnonzero((capacity > 0) & pool.mentors.available)
    if not len(rows) or not len(cols):
        return [], None
    keep_all = len(rows) * len(cols) <= DENSE_MAX_CELLS
    found = _certified(_pool_cells(with_mentors(pool, cols), rows, weights, exact=keep_all), len(rows),
                       capacity[cols], UNIT, pool.cohort)
    made = np.array(found.pairs, dtype=np.int64).reshape(-1, 2)
    return list(zip(rows[made[:, 0]].tolist(), cols[made[:, 1]].tolist())), found


@dataclass(frozen=True, slots=True)
class Proposal:
    """The content of the next matches.yaml, and which cohorts were matched."""

    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    cohorts: tuple[str, ...]
    certificates: tuple[tuple[str, optimality.Certificate], ...] = ()
    """(cohort, certificate) of every cohort that had mentees and mentors with room to match."""

    @property
    def proposed(self) -> tuple[Pair, ...]:
        return tuple(p for p in self.pairs if p.status == "proposed" and p.cohort in self.cohorts)


def cohorts_in_scope(program: Program, cohort: str | None = None) -> tuple[Cohort, ...]:
    """Cohorts whose matching is open (or the one asked for, which must be open)."""
    if cohort is None:
        return tuple(sorted((c for c in program.cohorts if c.matching_open), key=lambda c: c.id))
    found = program.cohort(cohort)
    if found is None:
        raise MatchError([Problem("program.yaml", 0, 0, "RM404", f"unknown cohort '{cohort}'",
                                  "use one of: " + ", ".join(sorted(c.id for c in program.cohorts)), "/cohorts")])
    if not found.matching_open:
        index = program.cohorts.index(found)
        raise MatchError([Problem("program.yaml", 0, 0, "RM405", f"matching is closed for cohort {cohort}",
                                  "set matching: open for the cohort in program.yaml", f"/cohorts/{index}/matching")])
    return (found,)


def propose(data: ProgramData, on: dt.date, cohort: str | None = None) -> Proposal:
    """Pairs for every unmatched, unpaused participant of the cohorts in scope.

    Pairs that are active, completed or ended stay exactly as they are, and so does every
    entry of a cohort out of scope; ``proposed`` pairs in scope are computed again. A pair
    proposed again keeps the day it was first proposed, so re-running changes nothing.
    Raises MatchError when an admin's pin cannot be honoured.
    """
    scope = cohorts_in_scope(data.program, cohort)
    ids = {c.id for c in scope}
    people = data.by_login()
    kept = [_withdrawn(p, people, on) for p in data.pairs if p.status != "proposed" or p.cohort not in ids]
    earlier = {p.id: p.proposed for p in data.pairs if p.status == "proposed"}
    # an entry without a cohort belongs to its person's; entries of people who left are dropped
    unmatched = [u for u in data.unmatched if login_key(u.login) in people
                 and (u.cohort or people[login_key(u.login)].cohort) not in ids]
    pairs = list(kept)
    certificates = []
    for c in scope:
        new_pairs, new_unmatched, certificate = _propose_cohort(data, c.id, kept, on, earlier)
        pairs += new_pairs
        unmatched += new_unmatched
        if certificate is not None:
            certificates.append((c.id, certificate))
    return Proposal(tuple(sorted(pairs, key=lambda p: p.id)),
                    tuple(sorted(unmatched, key=lambda u: (login_key(u.login), u.cohort))), tuple(sorted(ids)),
                    tuple(certificates))


def _withdrawn(pair: Pair, people: Mapping[str, Participant], on: dt.date) -> Pair:
    """An active pair whose mentor or mentee deleted their profile has ended; the partner is free again."""
    gone = [login for login in (pair.mentor, pair.mentee) if login_key(login) not in people]
    if pair.status != "active" or not gone:
        return pair
    return dataclasses.replace(pair, status="ended", ended=on, end_reason=f"{gone[0]} withdrew from the program")


def _propose_cohort(data: ProgramData, cohort: str, kept: Sequence[Pair], on: dt.date,
                    earlier: dict[str, dt.date | None]
                    ) -> tuple[list[Pair], list[Unmatched], optimality.Certificate | None]:
    pool = build_pool(data, cohort, on, kept)
    weights = unit_weights(data.program.weights)
    pins = _pins(data.program, pool, on)
    capacity = pool.capacity.copy()
    np.subtract.at(capacity, [m for _, m in pins], 1)
    pinned = {e for e, _ in pins}
    free = pool.mentees.available & ~pool.matched
    free[list(pinned)] = False
    rows = np.flatnonzero(free).astype(np.intp)
    found, solution = solve(pool, rows, capacity, weights)
    chosen = sorted(pins + found)
    return (_pairs(data.program, pool, chosen, weights, on, earlier), _unmatched(pool, chosen, capacity, on, kept),
            solution.certificate if solution else None)


def _pairs(program: Program, pool: Pool, chosen: Assignment, weights: dict[str, float], on: dt.date,
           earlier: dict[str, dt.date | None]) -> list[Pair]:
    if not chosen:
        return []
    block = Block(pool, np.array([e for e, _ in chosen]), np.array([m for _, m in chosen]), outer=False)
    parts = breakdown(block, weights).tolist()
    reasons = pair_reasons(program, block, CRITERIA["working_style"](block), pool.times or Times(on))
    out = []
    for (e, m), part, reason in zip(chosen, parts, reasons):
        mentor_login, mentee_login = pool.mentors.people[m].login, pool.mentees.people[e].login
        pid = Pair.make_id(mentor_login, mentee_login)
        out.append(Pair(pid, pool.cohort, mentor_login, mentee_login, "proposed", earlier.get(pid) or on,
                        score=sum(part) / UNIT, breakdown={key: v / UNIT for key, v in zip(BREAKDOWN_KEYS, part)},
                        reason=reason))
    return out


def _unmatched(pool: Pool, chosen: Assignment, capacity: NDArray[np.int64], on: dt.date,
               kept: Sequence[Pair]) -> list[Unmatched]:
    """Everyone in the cohort left without a pair, with the computed reason."""
    taken = pool.matched.copy()
    taken[[e for e, _ in chosen]] = True
    left = capacity.copy()
    np.subtract.at(left, [m for _, m in chosen], 1)
    full = left <= 0
    has_pair = {login_key(k.mentor) for k in kept if k.status in HELD_PAIR} | \
        {pool.mentors.people[m].key for _, m in chosen}
    try:
        out = [Unmatched(p.login, pool.cohort, unmatched_reason(pool, i, "mentee", full, on))
               for i, p in enumerate(pool.mentees.people) if not taken[i]]
        out += [Unmatched(p.login, pool.cohort, unmatched_reason(pool, j, "mentor", taken, on))
                for j, p in enumerate(pool.mentors.people) if p.key not in has_pair]
    except optimality.NoCertificate as exc:
        raise _no_certificate(pool.cohort, exc) from None
    return out


def _pins(program: Program, pool: Pool, on: dt.date) -> Assignment:
    """Admin pins of this cohort as (row, col); raises MatchError for a pin that cannot be made."""
    rows = {p.key: i for i, p in enumerate(pool.mentees.people)}
    cols = {p.key: j for j, p in enumerate(pool.mentors.people)}
    problems: list[Problem] = []
    out: Assignment = []
    for n, (mentor, mentee) in enumerate(program.must_pair):
        e, m = rows.get(login_key(mentee)), cols.get(login_key(mentor))
        if e is None or m is None:
            continue  # another cohort's pin; validation reports unknown people
        why = _pin_problem(pool, e, m, on, [x for x in out if x[0] == e or x[1] == m])
        if why:
            problems.append(Problem("program.yaml", 0, 0, "RM402", f"pin {mentor}--{mentee} cannot be made: {why}",
                                    "remove the pin from matching.must_pair or fix the profiles",
                                    f"/matching/must_pair/{n}"))
        elif why is not None:
            out.append((e, m))
    if problems:
        raise MatchError(problems)
    return sorted(out)


def _pin_problem(pool: Pool, e: int, m: int, on: dt.date, earlier: Assignment) -> str | None:
    """"" to make the pin, None to skip it (done already or waiting for a pause), else why not."""
    mentee, mentor = pool.mentees.people[e], pool.mentors.people[m]
    if pool.forbidden["before"][e, m]:
        return None  # the pair exists already (active, completed or ended)
    if mentee.is_paused(on) or mentor.is_paused(on):
        return None  # made once the pause is over
    if pool.matched[e]:
        return f"{mentee.login} already has a pair"
    broken = broken_rules(Block(pool, np.array([e]), np.array([m]), outer=False))
    if broken:
        return "it breaks " + ", ".join(RULE_LABELS[r] for r in broken)
    if any(x[0] == e for x in earlier):
        return f"{mentee.login} is pinned twice"
    if pool.capacity[m] - sum(1 for x in earlier if x[1] == m) <= 0:
        return f"{mentor.login} has no capacity left"
    return ""

