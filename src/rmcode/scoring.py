"""Soft criteria of matching: vectorised scores, their breakdown, and the one-line reason of a pair.

Scores are integers in units of 1/10,000 (``UNIT``): each criterion in [0, 1] is multiplied
by its weight, itself an integer share of ``UNIT``, and rounded. The total is the sum of
the rounded contributions, so the breakdown written to matches.yaml adds up to the score
exactly, the score never exceeds 1, and the optimiser compares exact integers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import NDArray

from .eligibility import Block
from .escape import clean
from .model import BREAKDOWN_KEYS, DAYS, Participant, Program, Weights

UNIT = 10_000
Floats = NDArray[np.float32]
_MAX_TZ_HOURS = 12.0  # beyond half a day apart, time zones are simply far
_REASON_MAX = 1000  # matches.schema.json: reason maxLength


def integer_weights(weights: Weights) -> dict[str, int]:
    """Normalised weights as integers summing to ``UNIT`` (largest remainder, ties by key order)."""
    shares = weights.normalised()
    exact = {k: shares[k] * UNIT for k in BREAKDOWN_KEYS}
    out = {k: int(v) for k, v in exact.items()}
    short = UNIT - sum(out.values()) if any(shares.values()) else 0
    for k in sorted(BREAKDOWN_KEYS, key=lambda k: (-(exact[k] - out[k]), BREAKDOWN_KEYS.index(k)))[:short]:
        out[k] += 1
    return out


def _skills(b: Block) -> Floats:
    hits = b.dot(b.e.skills, b.m.skills)
    wanted = np.maximum(b.e.skills.sum(axis=1)[b.rows], 1.0)
    return np.divide(hits, wanted[:, None] if b.outer else wanted, out=hits)


def _similarity(questions: int) -> NDArray[np.float32]:
    """Similarity of two one-hot answers 1-5, per question: 1 - |a - b| / 4, block-diagonal."""
    answers = np.arange(5)
    one = 1.0 - np.abs(answers[:, None] - answers[None, :]) / 4.0
    return np.kron(np.eye(questions), one).astype(np.float32)


def _working_style(b: Block) -> Floats:
    """Mean similarity over the questions both answered; 0.5 (neutral) when there are none."""
    questions = b.e.answered.shape[1]
    if not questions:
        return np.full(np.shape(b.tz_diff), 0.5, dtype=np.float32)
    total = b.dot(b.e.style @ _similarity(questions), b.m.style)
    count = b.dot(b.e.answered, b.m.answered)
    out = np.divide(total, np.maximum(count, 1.0), out=total)
    out[count == 0] = 0.5
    return out


def _cross_department(b: Block) -> Floats:
    x, y = b.cross(b.e.department, b.m.department)
    return np.not_equal(x, y).astype(np.float32)


def _timezone(b: Block) -> Floats:
    out = np.minimum(b.tz_diff, _MAX_TZ_HOURS)
    out *= -1.0 / _MAX_TZ_HOURS
    out += 1.0
    return out


def _availability(b: Block) -> Floats:
    """Share of the smaller weekly calendar that both have free."""
    x, y = b.cross(b.e.n_slots, b.m.n_slots)
    smaller = np.maximum(np.minimum(x, y), 1.0)
    return np.divide(b.overlap, smaller, dtype=np.float32)


def _preferences(b: Block) -> Floats:
    return np.asarray(b.sparse(b.pool.prefer), dtype=np.float32)


CRITERIA: Mapping[str, Callable[[Block], Floats]] = {
    "skills": _skills, "working_style": _working_style, "cross_department": _cross_department,
    "timezone": _timezone, "availability": _availability, "preferences": _preferences,
}


def score(block: Block, weights: Mapping[str, int]) -> NDArray[np.int32]:
    """Total score of every pair of the block, in ``UNIT`` s: the sum of the rounded contributions."""
    total = np.zeros(np.shape(block.tz_diff), dtype=np.float32)  # integers below 2**24: exact
    for key in BREAKDOWN_KEYS:
        if weights[key]:
            part = CRITERIA[key](block) * np.float32(weights[key])
            total += np.rint(part, out=part)
    return total.astype(np.int32)


def breakdown(block: Block, weights: Mapping[str, int]) -> NDArray[np.int32]:
    """Per-criterion contributions (columns in BREAKDOWN_KEYS order) of a paired block."""
    columns = [np.rint(CRITERIA[k](block) * weights[k]).astype(np.int32) if weights[k]
               else np.zeros(len(block.rows), dtype=np.int32) for k in BREAKDOWN_KEYS]
    return np.stack(columns, axis=1) if columns else np.zeros((len(block.rows), 0), dtype=np.int32)


_PARTS = ((6, 12, "mornings"), (12, 18, "afternoons"), (18, 22, "evenings"))


def _day_part(hour: float) -> int:
    """Index into ``_PARTS``; 3 means nights."""
    return next((i for i, (start, end, _) in enumerate(_PARTS) if start <= hour < end), len(_PARTS))


def _free_together(mentor: Participant, mentee: Participant, on: dt.date) -> str:
    """The mentee's local day parts with the most shared slots, e.g. "Tue mornings and Thu afternoons"."""
    shift = round(mentee.utc_offset_hours(on) * 2)
    counts: dict[tuple[int, int], int] = {}
    for slot in mentor.slots_utc(on) & mentee.slots_utc(on):
        local = (slot + shift) % (7 * 48)
        key = (local // 48, _day_part(local % 48 / 2))
        counts[key] = counts.get(key, 0) + 1
    best = sorted(sorted(counts, key=lambda k: (-counts[k], k))[:2])
    names = [*(name for _, _, name in _PARTS), "nights"]
    return " and ".join(f"{DAYS[day].title()} {names[part]}" for day, part in best)


def pair_reason(program: Program, mentor: Participant, mentee: Participant, on: dt.date,
                style_similarity: float) -> str:
    """One line a reviewer can check against the two profiles.

    Names and departments are cleaned (one line, no control or bidi characters): `rmcode
    match` prints the reason in a terminal, where an escape sequence would act.
    """
    out = []
    wanted = list(mentee.skills_wanted)
    if wanted:
        covered = [s for s in wanted if s in mentor.skills_offered]
        names = ", ".join((program.skill(s).name if program.skill(s) else s) for s in covered)  # type: ignore[union-attr]
        out.append(f"covers {len(covered)} of {len(wanted)} skill{'s' * (len(wanted) != 1)} {clean(mentee.name)} wants"
                   + (f": {names}" if names else ""))
    free = _free_together(mentor, mentee, on)
    if free:
        out.append(f"both free {free}")
    if mentor.department.casefold() != mentee.department.casefold():
        out.append(f"different departments ({clean(mentor.department)}, {clean(mentee.department)})")
    gap = abs(mentor.utc_offset_hours(on) - mentee.utc_offset_hours(on))
    out.append("same time zone" if gap == 0 else f"time zones {gap:g} h apart")
    if style_similarity >= 0.75 and program.working_style:
        out.append("similar working style")
    asked = [clean(p.name) for p, q in ((mentee, mentor), (mentor, mentee)) if q.key in p.prefer]
    if asked:
        out.append("asked for each other" if len(asked) == 2 else f"{asked[0]} asked for this pairing")
    text = "; ".join(out)
    return text if len(text) <= _REASON_MAX else text[:_REASON_MAX - 1] + "…"
