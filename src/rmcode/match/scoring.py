"""Soft criteria of matching: vectorised scores, their breakdown, and the one-line reason of a pair.

A pair's score is the documented formula, ``round(sum(weight[k] / sum(weights) * criterion[k]), 4)``,
kept as an integer in units of 1/10,000 (``UNIT``) so that the optimiser compares exact
integers. Criteria are computed in float64 from exact counts; weights are never rounded.
The breakdown written for a pair is each contribution rounded to 4 decimals, the
rounding of the parts distributed by largest remainder so that they add up to the score.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ..load.text import clean
from ..model import BREAKDOWN_KEYS, DAYS, Program, Weights
from .eligibility import Block, Pool, Side, Times

UNIT = 10_000
Floats = NDArray[np.float64]
_MAX_TZ_HOURS = 12.0  # beyond half a day apart, time zones are simply far
_REASON_MAX = 1000  # matches.schema.json: reason maxLength


def unit_weights(weights: Weights) -> dict[str, float]:
    """Each weight as its exact share of ``UNIT`` (floats, never rounded)."""
    return {k: v * UNIT for k, v in weights.normalised().items()}


def _skills(b: Block) -> Floats:
    hits = b.dot(b.e.skills, b.m.skills)
    wanted = np.maximum(b.e.skills.sum(axis=1)[b.rows], 1.0).astype(np.float64)
    return np.divide(hits, wanted[:, None] if b.outer else wanted, dtype=np.float64)


def _similarity(questions: int) -> NDArray[np.float32]:
    """Similarity of two one-hot answers 1-5, per question: 1 - |a - b| / 4, block-diagonal."""
    answers = np.arange(5)
    one = 1.0 - np.abs(answers[:, None] - answers[None, :]) / 4.0
    return np.kron(np.eye(questions), one).astype(np.float32)


def _working_style(b: Block) -> Floats:
    """Mean similarity over the questions both answered; 0.5 (neutral) when there are none."""
    questions = b.e.answered.shape[1]
    if not questions:
        return np.full(b.shape, 0.5, dtype=np.float64)
    count = b.dot(b.e.answered, b.m.answered)
    total = _paired_similarity(b, count)
    if total is None:
        total = b.dot(b.e.style @ _similarity(questions), b.m.style)
    out = np.divide(total, np.maximum(count, 1.0), dtype=np.float64)
    out[count == 0] = 0.5
    return out


def _paired_similarity(b: Block, count: NDArray[np.float32]) -> NDArray[np.float32] | None:
    """The summed similarity of paired cells from one word per person (None: not paired, or too many questions).

    Over the questions both answered, ``sum(1 - |a - b| / 4) = count - (differing step bits) / 4``:
    whole quarters, exactly the value of the one-hot product.
    """
    packed_e, packed_m = b.e.packed, b.m.packed
    if b.outer or id(b.e.steps) not in packed_e or id(b.m.steps) not in packed_m:
        return None
    both = packed_e[id(b.e.stepped)][b.rows] & packed_m[id(b.m.stepped)][b.cols]
    differ = (packed_e[id(b.e.steps)][b.rows] ^ packed_m[id(b.m.steps)][b.cols]) & both
    return count - np.bitwise_count(differ).astype(np.float32) * np.float32(0.25)


def _cross_department(b: Block) -> Floats:
    x, y = b.cross(b.e.department, b.m.department)
    return np.not_equal(x, y).astype(np.float64)


def _timezone(b: Block) -> Floats:
    out = np.minimum(b.tz_diff.astype(np.float64), _MAX_TZ_HOURS)
    out *= -1.0 / _MAX_TZ_HOURS
    out += 1.0
    return out


def _availability(b: Block) -> Floats:
    """Share of the smaller weekly calendar that both have free."""
    x, y = b.cross(b.e.n_slots, b.m.n_slots)
    smaller = np.maximum(np.minimum(x, y), 1.0)
    return np.divide(b.overlap, smaller, dtype=np.float64)


def _preferences(b: Block) -> Floats:
    return np.asarray(b.sparse(b.pool.prefer), dtype=np.float64)


CRITERIA: Mapping[str, Callable[[Block], Floats]] = {
    "skills": _skills, "working_style": _working_style, "cross_department": _cross_department,
    "timezone": _timezone, "availability": _availability, "preferences": _preferences,
}


def _weighted(block: Block, weights: Mapping[str, float]) -> list[Floats]:
    zero = np.zeros(block.shape, dtype=np.float64)
    return [CRITERIA[k](block) * weights[k] if weights[k] else zero for k in BREAKDOWN_KEYS]


def score(block: Block, weights: Mapping[str, float]) -> NDArray[np.int32]:
    """Score of every pair of the block in ``UNIT`` s: the weighted sum, rounded once."""
    total = None
    for key in BREAKDOWN_KEYS:
        if weights[key] and not (key == "preferences" and not block.pool.prefer.nnz):  # nobody asked: all zero
            part = CRITERIA[key](block)  # a fresh array: safe to change in place
            part *= weights[key]
            total = part if total is None else np.add(total, part, out=total)
    if total is None:
        return np.zeros(block.shape, dtype=np.int32)
    return np.rint(total, out=total).astype(np.int32)


ESTIMATE_MAX_FEATURES = 512
"""Above this many features per person (departments, time zones, answer patterns) no estimate is made."""


@dataclass(frozen=True, slots=True)
class Estimator:
    """Float32 features whose products estimate ``score``'s unrounded total, for whole blocks at once.

    Every criterion but availability is a product of a mentee feature row and a mentor
    feature row (skills over the number wanted; one-hot department, time zone and, per
    pattern of answered questions, working style), so one float32 matrix product gives
    their weighted sum; availability is ``overlap * max(a[i], b[j])`` because
    ``1 / max(min(x, y), 1) == max(1 / max(x, 1), 1 / max(y, 1))``. ``error`` bounds
    ``|estimate - unrounded score|`` in units (proof in :func:`estimator`); the optimiser
    uses estimates only to choose which cells to score exactly and to skip cells whose
    estimate plus ``error`` cannot break the certificate.
    """

    mentees: NDArray[np.float32]
    mentors: NDArray[np.float32]
    mentee_slots: NDArray[np.float32]
    mentor_slots: NDArray[np.float32]
    preferences: float
    error: float


def estimator(pool: Pool, weights: Mapping[str, float]) -> Estimator | None:
    """The features of a pool, or None when there would be too many of them.

    Bound: every feature is a float32 rounding (relative error u = 2**-24) of a value in
    [-UNIT, UNIT]; a product of two has relative error at most 3u; the matrix product of
    K terms, in any order and with or without fused multiply-add, adds at most K u times
    the sum of the terms' absolute values, which is at most 2 UNIT (the weights add up to
    UNIT and only the department's constant and its one-hot term have opposite signs);
    availability and preferences add at most four roundings of values under UNIT. So
    ``|estimate - exact| <= (K + 8) u 2 UNIT`` to first order; ``error`` is four times that.
    """
    e, m = pool.mentees, pool.mentors
    w = {k: float(v) for k, v in weights.items()}
    rows: list[NDArray[np.float64]] = [np.zeros((e.size, 1))]  # constant column: row value x mentor value 1
    cols: list[NDArray[np.float64]] = [np.ones((m.size, 1))]
    if w["skills"]:
        rows.append(e.skills * (w["skills"] / np.maximum(e.skills.sum(axis=1), 1.0))[:, None])
        cols.append(m.skills.astype(np.float64))
    if w["cross_department"]:
        rows[0] += w["cross_department"]
        depts = int(max(e.department.max(initial=-1), m.department.max(initial=-1))) + 1
        rows.append(-w["cross_department"] * np.eye(depts)[e.department])
        cols.append(np.eye(depts)[m.department])
    if w["timezone"]:
        zones, at = np.unique(np.concatenate([e.offset, m.offset]), return_inverse=True)
        gap = np.minimum(np.abs(np.subtract(zones[:, None], zones[None, :], dtype=np.float32)).astype(np.float64),
                         _MAX_TZ_HOURS)
        table = (gap * (-1.0 / _MAX_TZ_HOURS) + 1.0) * w["timezone"]
        rows.append(table[at[:e.size]])
        cols.append(np.eye(len(zones))[at[e.size:]])
    if w["working_style"]:
        _style_features(e, m, w["working_style"], rows, cols)
    features = sum(x.shape[1] for x in rows)
    if features > ESTIMATE_MAX_FEATURES:
        return None
    slots_e = w["availability"] / np.maximum(e.n_slots.astype(np.float64), 1.0)
    slots_m = w["availability"] / np.maximum(m.n_slots.astype(np.float64), 1.0)
    return Estimator(np.hstack(rows).astype(np.float32), np.hstack(cols).astype(np.float32),
                     slots_e.astype(np.float32), slots_m.astype(np.float32),
                     w["preferences"], 4.0 * (features + 8) * 2.0**-24 * 2 * UNIT)


def _style_features(e: Side, m: Side, weight: float, rows: list[NDArray[np.float64]],
                    cols: list[NDArray[np.float64]]) -> None:
    """Working style per pattern of questions a mentor answered: the count of shared questions is then the mentee's."""
    questions = e.answered.shape[1]
    if not questions:
        rows[0] += 0.5 * weight
        return
    sim = e.style @ _similarity(questions)
    patterns, group = np.unique(m.answered, axis=0, return_inverse=True)
    for g, pattern in enumerate(patterns):
        count = e.answered @ pattern
        mine = (group.ravel() == g).astype(np.float64)[:, None]
        rows.append(np.where(count[:, None] > 0, sim * (weight / np.maximum(count, 1.0))[:, None], 0.0))
        cols.append(m.style * mine)
        rows.append(np.where(count > 0, 0.0, 0.5 * weight)[:, None])
        cols.append(mine)


def estimate(est: Estimator, block: Block) -> NDArray[np.float32]:
    """Estimated unrounded scores of an outer block, within ``est.error`` units of ``score``'s."""
    out = est.mentees[block.rows] @ block.col(est.mentors).T
    avail = np.maximum(est.mentee_slots[block.rows][:, None], block.col(est.mentor_slots)[None, :])
    avail *= block.overlap
    out += avail
    if est.preferences and block.pool.prefer.nnz:
        pref = sp.coo_matrix(block.pick(block.pool.prefer))
        out[pref.row, pref.col] += (pref.data * est.preferences).astype(np.float32)
    return out


def breakdown(block: Block, weights: Mapping[str, float]) -> NDArray[np.int32]:
    """Per-criterion contributions (columns in BREAKDOWN_KEYS order) of a paired block, adding up to ``score``.

    Each part is its exact contribution rounded down, plus one unit for the parts with the
    largest remainders (ties by criterion order) until the parts reach the rounded total.
    """
    exact = np.stack(_weighted(block, weights), axis=1) if len(block.rows) else np.zeros((0, len(BREAKDOWN_KEYS)))
    parts = np.floor(exact)
    short = (np.rint(exact.sum(axis=1)) - parts.sum(axis=1)).astype(np.int64)
    order = np.argsort(-(exact - parts), axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.arange(exact.shape[1])[None, :].repeat(len(exact), axis=0), axis=1)
    parts += rank < short[:, None]
    return parts.astype(np.int32)


_PARTS = ((6, 12, "mornings"), (12, 18, "afternoons"), (18, 22, "evenings"))


def _day_part(hour: float) -> int:
    """Index into ``_PARTS``; 3 means nights."""
    return next((i for i, (start, end, _) in enumerate(_PARTS) if start <= hour < end), len(_PARTS))


@cache
def _day_parts(step: int) -> tuple[int, ...]:
    """``_day_part`` of each slot of a day of ``step``-minute slots (looked up per shared slot of every pair)."""
    return tuple(_day_part(i * step / 60) for i in range(1440 // step))


def _hours(minutes: int) -> str:
    """A time-zone difference as people say it: "3 h", "5 h 45 min", "45 min"."""
    h, m = divmod(abs(minutes), 60)
    return " ".join(x for x in (f"{h} h" if h else "", f"{m} min" if m else "") if x)


def _free_together(block: Block, times: Times) -> list[str]:
    """Per pair of a paired block, the mentee's local day parts with the most shared slots.

    E.g. "Tue mornings and Thu afternoons": the two (day, part) groups of the most shared
    weekly slots, ties by day then part, in day order. Counted on the pool's slots (of
    ``pool.step`` minutes, which divides every offset and every half hour: each slot lies
    in one local day part), so every count is the same multiple of the count in slots of
    any longer exact step, and the order is the same.
    """
    step = block.pool.step
    per_day = 1440 // step
    pair, slot = np.nonzero(block.e.week[block.rows] & block.m.week[block.cols])  # the shared slots
    shift = np.array([times.offset(p) // step for p in (block.e.people[i] for i in block.rows.tolist())],
                     dtype=np.int64)
    shifts, which = np.unique(shift, return_inverse=True)
    # per distinct shift, the (day, part) group of each UTC slot in the mentee's local week
    local = (np.arange(7 * per_day)[None, :] + shifts[:, None]) % (7 * per_day)
    group = local // per_day * _GROUPS_PER_DAY + np.array(_day_parts(step))[local % per_day]
    n, groups = len(shift), 7 * _GROUPS_PER_DAY
    counts = np.bincount(pair * groups + group[which.ravel()[pair], slot], minlength=n * groups).reshape(n, groups)
    best = np.argsort(-counts, axis=1, kind="stable")[:, :2]  # most shared first, ties by (day, part)
    most = np.take_along_axis(counts, best, axis=1)
    out = []
    for (a, b), (x, y) in zip(best.tolist(), most.tolist()):
        if not y:
            out.append(_GROUP_NAMES[a] if x else "")
        else:
            out.append(f"{_GROUP_NAMES[min(a, b)]} and {_GROUP_NAMES[max(a, b)]}")
    return out


_GROUPS_PER_DAY = len(_PARTS) + 1
_GROUP_NAMES = tuple(f"{day.title()} {name}" for day in DAYS for name in (*(n for _, _, n in _PARTS), "nights"))


def pair_reasons(program: Program, block: Block, style_similarity: Floats, times: Times) -> list[str]:
    """One line per pair of a paired block, that a reviewer can check against the two profiles.

    Names and departments are cleaned (one line, no control or bidi characters): `rmcode
    match` prints the reason in a terminal, where an escape sequence would act.
    """
    skill_names: dict[str, str] = {}
    for sk in program.skills:
        skill_names.setdefault(sk.id, sk.name)
    departments: dict[tuple[str, str], str] = {}  # (mentor's, mentee's) -> the part of the reason
    zones: dict[tuple[str, str], str] = {}
    free_parts = _free_together(block, times)
    departs = (block.e.department[block.rows] != block.m.department[block.cols]).tolist()
    similar = (np.asarray(style_similarity) >= 0.75).tolist() if program.working_style else [False] * len(departs)
    mentees, mentors = block.e.people, block.m.people
    out = []
    for e, m, free, depart, alike in zip(block.rows.tolist(), block.cols.tolist(), free_parts, departs, similar):
        mentee, mentor = mentees[e], mentors[m]
        parts = []
        wanted = mentee.skills_wanted
        if wanted:
            offered = mentor.skills_offered
            covered = [sk for sk in wanted if sk in offered]
            names = ", ".join([skill_names.get(sk, sk) for sk in covered])
            parts.append(f"covers {len(covered)} of {len(wanted)} skill{'s' * (len(wanted) != 1)} "
                         f"{clean(mentee.name)} wants" + (f": {names}" if names else ""))
        if free:
            parts.append(f"both free {free}")
        if depart:
            key = (mentor.department, mentee.department)
            if key not in departments:
                departments[key] = f"different departments ({clean(key[0])}, {clean(key[1])})"
            parts.append(departments[key])
        zone = (mentor.timezone, mentee.timezone)
        if zone not in zones:
            gap = times.offset(mentor) - times.offset(mentee)
            zones[zone] = "same time zone" if gap == 0 else f"time zones {_hours(gap)} apart"
        parts.append(zones[zone])
        if alike:
            parts.append("similar working style")
        if mentee.prefer or mentor.prefer:
            asked = [clean(p.name) for p, q in ((mentee, mentor), (mentor, mentee)) if q.key in p.prefer]
            if asked:
                parts.append("asked for each other" if len(asked) == 2 else f"{asked[0]} asked for this pairing")
        text = "; ".join(parts)
        out.append(text if len(text) <= _REASON_MAX else text[:_REASON_MAX - 1] + "…")
    return out
