"""Hard constraints of matching, vectorised, and the computed reason why someone stays unmatched.

A cohort's mentees (rows) and mentors (columns) become a :class:`Pool` of numpy arrays once;
each constraint is then a boolean matrix over a block of rows and columns, so no constraint
is ever checked in a Python loop over pairs. The same masks explain non-pairs: every
candidate is attributed to the first rule (in ``RULES`` order) that excludes them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import cached_property
from itertools import chain
from operator import itemgetter
from typing import TypeVar

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from ..layout import login_key
from ..model import HELD_PAIR, Constraints, Pair, Participant, ProgramData
from .optimality import NoCertificate

Index = NDArray[np.intp]
Mask = NDArray[np.bool_]
G = TypeVar("G", bound=np.generic)
Floats = NDArray[np.float64]

# Matching needs only a readable name for the reason text; unknown codes are shown as typed.
LANGUAGE_NAMES = {
    "ar": "Arabic", "bn": "Bengali", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek",
    "en": "English", "es": "Spanish", "fa": "Persian", "fi": "Finnish", "fr": "French", "he": "Hebrew",
    "hi": "Hindi", "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ko": "Korean",
    "ms": "Malay", "nl": "Dutch", "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian",
    "ru": "Russian", "sv": "Swedish", "sw": "Swahili", "ta": "Tamil", "th": "Thai", "tl": "Tagalog",
    "tr": "Turkish", "uk": "Ukrainian", "ur": "Urdu", "vi": "Vietnamese", "zh": "Chinese",
}


class Times:
    """UTC offsets and weekly slots of people on one day, each looked up once (time-zone lookups are slow)."""

    def __init__(self, on: dt.date) -> None:
        self.on = on
        self._offsets: dict[str, int] = {}
        # one availability entry ("mon 09:00-11:00") in one time zone: people share a few dozen of them
        self._entries: dict[tuple[str, str, int], frozenset[int]] = {}

    def offset(self, p: Participant) -> int:
        """``p.utc_offset_minutes(on)``, which depends on the time zone alone."""
        if p.timezone not in self._offsets:
            self._offsets[p.timezone] = p.utc_offset_minutes(self.on)
        return self._offsets[p.timezone]

    def entry(self, p: Participant, entry: str, step: int) -> frozenset[int]:
        """The slots of one of ``p``'s availability entries, computed once per entry and time zone."""
        found = self._entries.get((entry, p.timezone, step))
        if found is None:
            found = self._entries[entry, p.timezone, step] = replace(p, availability=(entry,)).slots_utc(self.on, step)
        return found


def _bits(sets: Sequence[Collection[int]], width: int) -> NDArray[np.float32]:
    """Sets of small integers as a 0/1 matrix, so set intersections become matrix products."""
    out = np.zeros((len(sets), width), dtype=np.float32)
    lengths = np.fromiter(map(len, sets), dtype=np.intp, count=len(sets))
    cols = np.fromiter(chain.from_iterable(sets), dtype=np.intp, count=int(lengths.sum()))
    out[np.repeat(np.arange(len(sets)), lengths), cols] = 1.0
    return out


def _set(rows: Index, cols: Index, shape: tuple[int, int]) -> NDArray[np.float32]:
    """A 0/1 matrix with ones at (rows[i], cols[i])."""
    out = np.zeros(shape, dtype=np.float32)
    out[rows, cols] = 1.0
    return out


@dataclass(frozen=True, slots=True)
class Side:
    """One role of a cohort as arrays, people sorted by login."""

    people: tuple[Participant, ...]
    level: NDArray[np.int64]
    offset: NDArray[np.float32]
    languages: NDArray[np.float32]
    slots: NDArray[np.float32]
    n_slots: NDArray[np.float32]
    week: Mask
    """The weekly slots of ``pool.step`` minutes (``slots`` may drop and merge columns), for the pairs' reasons."""
    skills: NDArray[np.float32]
    style: NDArray[np.float32]
    answered: NDArray[np.float32]
    steps: NDArray[np.float32]
    """Answers as steps: bit ``4q + t`` is set when question q's answer is above ``t + 1``; ``|a - b|``
    is then the number of differing bits (a paired working style without the one-hot products)."""
    stepped: NDArray[np.float32]
    """The four bits of every question answered (masks ``steps``)."""
    department: NDArray[np.int64]
    available: Mask
    packed: Mapping[int, NDArray[np.uint64]] = field(default_factory=dict)
    """``id`` of a 0/1 matrix of at most 64 columns -> the same rows as bit words (paired set intersections)."""

    @property
    def size(self) -> int:
        return len(self.people)


def _pack(matrices: Iterable[NDArray[np.float32]]) -> dict[int, NDArray[np.uint64]]:
    out = {}
    for a in matrices:
        if a.shape[1] <= 64:
            words = np.zeros((len(a), 8), dtype=np.uint8)
            bytes_ = np.packbits(a.astype(np.bool_), axis=1, bitorder="little")
            words[:, :bytes_.shape[1]] = bytes_
            out[id(a)] = words.view(np.uint64).ravel()
    return out


def _side(people: Sequence[Participant], skills_of: Callable[[Participant], Iterable[str]],
          vocab: Mapping[str, dict[str, int]], questions: Sequence[str], times: Times, step: int) -> Side:
    lang, skill, dept = vocab["languages"], vocab["skills"], vocab["departments"]
    # answers 1-5 one-hot (5 columns per question), so answer similarity becomes a matrix product
    answers = [[q * 5 + p.working_style[qid] - 1 for q, qid in enumerate(questions) if qid in p.working_style]
               for p in people]
    flat = np.fromiter(chain.from_iterable(answers), dtype=np.intp)
    who = np.repeat(np.arange(len(people)), np.fromiter(map(len, answers), dtype=np.intp, count=len(people)))
    # question q's answer as steps (bit 4q + t set when the answer is above t + 1), and its four bits
    step_cols = (flat // 5 * 4)[:, None] + np.arange(4)[None, :]
    above = np.arange(4)[None, :] < (flat % 5)[:, None]
    width = 4 * len(questions)
    entry = times.entry
    side = Side(
        people=tuple(people),
        level=np.array([p.level for p in people], dtype=np.int64),
        offset=np.array([times.offset(p) / 60 for p in people], dtype=np.float32),
        languages=_bits([[lang[x] for x in p.languages] for p in people], len(lang)),
        slots=(slots := _bits([[s for e in p.availability for s in entry(p, e, step)] for p in people],
                              7 * 1440 // step)),
        n_slots=slots.sum(axis=1),
        week=slots.astype(np.bool_),
        skills=_bits([[skill[s] for s in skills_of(p) if s in skill] for p in people], len(skill)),
        style=_bits(answers, 5 * len(questions)),
        answered=_set(who, flat // 5, (len(people), len(questions))),
        steps=_set(np.repeat(who, 4)[above.ravel()], step_cols[above], (len(people), width)),
        stepped=_set(np.repeat(who, 4), step_cols.ravel(), (len(people), width)),
        department=np.array([dept[p.department.casefold()] for p in people], dtype=np.int64),
        available=np.array([not p.is_paused(times.on) for p in people], dtype=np.bool_),
    )
    return replace(side, packed=_pack([side.languages, side.skills, side.style, side.answered, side.steps,
                                       side.stepped]))


@dataclass(frozen=True, slots=True)
class Pool:
    """A cohort ready to match: arrays per side plus the sparse pairwise rules.

    ``forbidden`` maps a rule name to a mentees x mentors boolean sparse matrix of pairs it
    excludes; ``capacity`` is what each mentor has left after the kept (active) pairs;
    ``matched`` marks mentees who already have an active or completed pair.
    """

    cohort: str
    mentees: Side
    mentors: Side
    min_gap: int
    constraints: Constraints
    forbidden: Mapping[str, sp.csr_matrix]
    prefer: sp.csr_matrix
    capacity: NDArray[np.int64]
    matched: Mask
    step: int = 30
    """Minutes per availability slot."""
    times: Times | None = None
    """Offsets and slots already looked up, for the pairs' reasons."""


def build_pool(data: ProgramData, cohort: str, on: dt.date, kept: Sequence[Pair]) -> Pool:
    """Arrays for one cohort; ``kept`` are the pairs that stay as they are."""
    program = data.program
    keyed = sorted(((p.key, p) for p in data.participants if p.cohort == cohort), key=itemgetter(0))
    members = [p for _, p in keyed]
    mentees = [p for p in members if p.role == "mentee"]
    mentors = [p for p in members if p.role == "mentor"]
    vocab = {
        "languages": {x: i for i, x in enumerate(sorted({x for p in members for x in p.languages}))},
        "skills": {s.id: i for i, s in enumerate(program.skills)},
        "departments": {x: i for i, x in enumerate(sorted({p.department.casefold() for p in members}))},
    }
    questions = [q for q, _ in program.working_style]
    row = {k: i for i, k in enumerate(k for k, p in keyed if p.role == "mentee")}
    col = {k: j for j, k in enumerate(k for k, p in keyed if p.role == "mentor")}
    mine = [k for k in kept if login_key(k.mentee) in row and login_key(k.mentor) in col]
    active = np.zeros(len(mentors), dtype=np.int64)
    np.add.at(active, [col[login_key(k.mentor)] for k in mine if k.status == "active"], 1)
    capacity = np.array([p.capacity or program.capacity_default for p in mentors], dtype=np.int64)
    matched = np.zeros(len(mentees), dtype=np.bool_)
    matched[[row[login_key(k.mentee)] for k in kept if k.status in HELD_PAIR and login_key(k.mentee) in row]] = True
    blocks = [(a, b) for a, b in program.blocks]
    # slots as long as every UTC offset allows exactly: 15 minutes with Asia/Kathmandu (+5:45)
    times = Times(on)
    step = math.gcd(30, *(times.offset(p) for p in members))
    rows_side = _side(mentees, lambda p: p.skills_wanted, vocab, questions, times, step)
    cols_side = _side(mentors, lambda p: p.skills_offered, vocab, questions, times, step)
    # slots nobody on one side has cannot overlap: dropping them makes the overlap product cheaper
    shared = np.flatnonzero(rows_side.slots.any(axis=0) & cols_side.slots.any(axis=0))
    # slots that every person has or lacks together count once, with their number as the mentee's
    # value: the overlap stays an exact count and its product has a third fewer columns
    first, repeats = _same_columns(np.vstack([rows_side.slots[:, shared], cols_side.slots[:, shared]]))
    return Pool(
        cohort=cohort,
        mentees=replace(rows_side, slots=rows_side.slots[:, shared[first]] * repeats.astype(np.float32)),
        mentors=replace(cols_side, slots=cols_side.slots[:, shared[first]]),
        min_gap=program.min_level_gap, constraints=program.constraints,
        forbidden={
            "chain": _pairs_matrix(_chain_pairs(manager_edges(data), row, col)
                                   if program.constraints.separate_management_chains else [], row, col),
            "private": _pairs_matrix(_avoid_pairs(mentees, mentors) + [(e, m) for m, e in blocks], row, col),
            "before": _pairs_matrix([(login_key(k.mentee), login_key(k.mentor)) for k in mine], row, col),
        },
        prefer=_prefer_matrix(mentees, mentors, row, col),
        capacity=np.maximum(capacity - active, 0), matched=matched, step=step, times=times,
    )


def _same_columns(bits: NDArray[np.float32]) -> tuple[Index, NDArray[np.int64]]:
    """The first of each group of equal 0/1 columns (in the order of the columns) and each group's size.

    Columns are compared as packed bytes (``np.unique(axis=1)`` sorts whole columns, several times slower).
    """
    keys = np.ascontiguousarray(np.packbits(bits.astype(np.bool_), axis=0).T)
    groups: dict[bytes, list[int]] = {}
    for j, key in enumerate(keys):
        groups.setdefault(key.tobytes(), []).append(j)
    return (np.array([g[0] for g in groups.values()], dtype=np.intp),
            np.array([len(g) for g in groups.values()], dtype=np.int64))


def with_mentors(pool: Pool, cols: Index) -> Pool:
    """The pool with only the given mentors (columns), so that blocks over all of them copy nothing."""
    if len(cols) == pool.mentors.size and np.array_equal(cols, np.arange(len(cols))):
        return pool
    m = pool.mentors
    arrays = {f.name: getattr(m, f.name)[cols] for f in fields(Side) if f.name not in ("people", "packed")}
    taken = replace(m, people=tuple(m.people[j] for j in cols), **arrays)
    packed = {id(getattr(taken, name)): m.packed[id(getattr(m, name))][cols] for name in arrays
              if id(getattr(m, name)) in m.packed}
    return replace(pool, mentors=replace(taken, packed=packed),
                   forbidden={k: sp.csr_matrix(x[:, cols]) for k, x in pool.forbidden.items()},
                   prefer=sp.csr_matrix(pool.prefer[:, cols]), capacity=pool.capacity[cols])


def _pairs_matrix(pairs: Iterable[tuple[str, str]], row: Mapping[str, int], col: Mapping[str, int]) -> sp.csr_matrix:
    """(mentee, mentor) login pairs -> boolean sparse matrix; pairs outside the cohort are ignored."""
    found = sorted({(row[e], col[m]) for e, m in pairs if e in row and m in col})
    r = np.array([e for e, _ in found], dtype=np.intp)
    c = np.array([m for _, m in found], dtype=np.intp)
    return sp.csr_matrix((np.ones(len(found), dtype=np.bool_), (r, c)), shape=(len(row), len(col)))


def _avoid_pairs(mentees: Sequence[Participant], mentors: Sequence[Participant]) -> list[tuple[str, str]]:
    pairs = [(e.key, m) for e in mentees for m in e.avoid]
    return pairs + [(e, m.key) for m in mentors for e in m.avoid]


def _prefer_matrix(mentees: Sequence[Participant], mentors: Sequence[Participant],
                   row: Mapping[str, int], col: Mapping[str, int]) -> sp.csr_matrix:
    """1 where both named each other, 0.5 where one side did."""
    one = _pairs_matrix([(e.key, m) for e in mentees for m in e.prefer], row, col).astype(np.float64)
    other = _pairs_matrix([(e, m.key) for m in mentors for e in m.prefer], row, col).astype(np.float64)
    return sp.csr_matrix((one + other) * 0.5)


def manager_edges(data: ProgramData) -> dict[str, str]:
    """person -> manager: the HR roster's complete chain (managers who do not take part included,
    people without a GitHub login as '#employee-id'), else what the profiles' manager fields say."""
    edges = {p.key: login_key(p.manager) for p in data.participants if p.manager and login_key(p.manager) != p.key}
    if data.roster is not None:
        edges.update(data.roster.reporting_edges())
    return edges


def _chain_pairs(edges: Mapping[str, str], mentees: Mapping[str, int],
                 mentors: Mapping[str, int]) -> list[tuple[str, str]]:
    """(mentee, mentor) pairs inside one reporting line, in either direction, or sharing a manager.

    ``mentees`` and ``mentors`` are keyed by login key. The chain of managers is walked up the
    person -> manager ``edges`` (a manager need not be in the cohort); validation has refused
    cycles, and a walk stops at a repeated person anyway.
    """
    mentee_keys, mentor_keys = mentees.keys(), mentors.keys()

    def chain(key: str) -> set[str]:
        above: set[str] = set()
        while key in edges and edges[key] not in above:
            key = edges[key]
            above.add(key)
        return above
    pairs = [(e, m) for e in mentee_keys for m in chain(e) & mentor_keys]
    pairs += [(e, m) for m in mentor_keys for e in chain(m) & mentee_keys]
    by_manager: dict[str, tuple[list[str], list[str]]] = {}
    for side, keys in enumerate((mentee_keys, mentor_keys)):
        for key in keys:
            if key in edges:
                by_manager.setdefault(edges[key], ([], []))[side].append(key)
    pairs += [(e, m) for es, ms in by_manager.values() for e in es for m in ms]
    return pairs


class Block:
    """Rows x columns of a pool (``outer``), or row[i] with column[i] (paired), computed lazily."""

    def __init__(self, pool: Pool, rows: Index, cols: Index, outer: bool = True,
                 overlap: NDArray[np.float32] | None = None) -> None:
        self.pool, self.rows, self.cols, self.outer = pool, rows, cols, outer
        self.e, self.m = pool.mentees, pool.mentors
        n = self.m.size
        # every column in order (the usual outer block): use the mentors' arrays as they are, no copy per block
        self.every = outer and len(cols) == n and (not n or (int(cols[0]) == 0 and int(cols[-1]) == n - 1
                                                             and bool(np.all(cols[1:] > cols[:-1]))))
        self.shape = (len(rows), len(cols)) if outer else (len(rows),)
        if overlap is not None:  # known already (cells picked from an outer block): the same exact counts
            self.__dict__["overlap"] = overlap

    def col(self, b: NDArray[G]) -> NDArray[G]:
        """The block's columns (rows of a per-mentor array)."""
        return b if self.every else b[self.cols]

    def cross(self, a: NDArray[np.generic], b: NDArray[np.generic]) -> tuple[NDArray[np.generic], NDArray[np.generic]]:
        """Row values against column values, broadcast the way this block pairs them."""
        return (a[self.rows][:, None], self.col(b)[None, :]) if self.outer else (a[self.rows], b[self.cols])

    def dot(self, a: NDArray[np.float32], b: NDArray[np.float32]) -> NDArray[np.float32]:
        """Sizes of set intersections, from the sets' bit matrices."""
        if not self.outer and id(a) in self.e.packed and id(b) in self.m.packed:
            # the same exact counts as the product, from one word per person instead of a row of floats
            bits = self.e.packed[id(a)][self.rows] & self.m.packed[id(b)][self.cols]
            return np.bitwise_count(bits).astype(np.float32)
        x, y = a[self.rows], self.col(b)
        return x @ y.T if self.outer else np.einsum("ij,ij->i", x, y)

    def pick(self, matrix: sp.csr_matrix) -> sp.csr_matrix:
        """The outer block of a mentees x mentors sparse matrix, still sparse."""
        picked = matrix[self.rows]
        return picked if self.every else picked[:, self.cols]

    def sparse(self, matrix: sp.csr_matrix) -> NDArray[np.generic]:
        if not matrix.nnz:  # the usual case (no avoid lists, blocks or preferences): skip the slicing
            return np.zeros(self.shape, dtype=matrix.dtype)
        if self.outer:
            return np.asarray(self.pick(matrix).toarray())
        return np.asarray(matrix[self.rows, self.cols]).ravel()

    @cached_property
    def overlap(self) -> NDArray[np.float32]:
        """Shared weekly slots (of ``pool.step`` minutes)."""
        return self.dot(self.e.slots, self.m.slots)

    @cached_property
    def tz_diff(self) -> NDArray[np.float32]:
        a, b = self.cross(self.e.offset, self.m.offset)
        return np.abs(np.subtract(a, b, dtype=np.float32))


def _level_gap(b: Block) -> Mask:
    # ``e - m >= gap`` as ``m <= e - gap``: integers, the same answer without a matrix of differences
    e, m = b.cross(b.e.level - b.pool.min_gap, b.m.level)
    return np.asarray(np.less_equal(m, e))


def _language(b: Block) -> Mask:
    if not b.pool.constraints.shared_language:
        return np.ones(b.shape, dtype=np.bool_)
    return np.asarray(b.dot(b.e.languages, b.m.languages) > 0)


def _availability(b: Block) -> Mask:
    return np.asarray(b.overlap >= _min_slots(b.pool))


def _min_slots(pool: Pool) -> int:
    """The fewest shared slots that meet the minimum overlap: ``overlap * step >= minutes`` as ``overlap >= n``.

    The same comparison as float32 ``overlap * step >= minutes`` (overlaps are whole numbers
    of slots, exact in float32), found once instead of multiplying every cell.
    """
    minutes = np.float32(pool.constraints.min_availability_overlap_hours * 60)
    if not np.isfinite(minutes):
        return 2**31  # no overlap is that long (as ``overlap * step >= inf`` or ``>= nan``)
    n = max(0, math.ceil(float(minutes) / pool.step))
    while n > 0 and np.float32(n - 1) * np.float32(pool.step) >= minutes:
        n -= 1
    while not np.float32(n) * np.float32(pool.step) >= minutes:
        n += 1
    return n


def _timezone(b: Block) -> Mask:
    limit = b.pool.constraints.max_timezone_difference_hours
    return np.asarray(b.tz_diff <= (np.inf if limit is None else limit))


def _forbidden(name: str) -> Callable[[Block], Mask]:
    def allowed(b: Block) -> Mask:
        return ~b.sparse(b.pool.forbidden[name]).astype(np.bool_)
    return allowed


RULES: tuple[tuple[str, Callable[[Block], Mask]], ...] = (
    ("level_gap", _level_gap), ("language", _language), ("availability", _availability),
    ("timezone", _timezone), ("chain", _forbidden("chain")), ("private", _forbidden("private")),
    ("before", _forbidden("before")),
)
"""Pairwise hard constraints, in the order of the table in docs/matching.md."""


def _reason_rules(others: Side) -> list[tuple[str, Callable[[Block], Mask]]]:
    """Rules in the documented order used to attribute an excluded candidate: pause comes before "once only"."""
    pause = ("paused", lambda b: others.available)
    return [*(r for r in RULES if r[0] != "before"), pause, *(r for r in RULES if r[0] == "before")]
RULE_LABELS = {
    "level_gap": "the minimum level gap", "language": "the shared language",
    "availability": "the minimum availability overlap", "timezone": "the maximum time-zone difference",
    "chain": "separate management chains", "private": "an avoid list or admin block",
    "before": "the rule of one pair per two people",
}


def eligible(block: Block) -> Mask:
    """Pairs that break no pairwise hard constraint (pause and capacity are per person)."""
    out = np.ones(block.shape, dtype=np.bool_)
    for name, rule in RULES:
        if not _excludes(block, name):
            continue  # no pair of the block breaks this rule (the usual case): skip a block of ones
        out &= rule(block)
    return out


def _excludes(b: Block, name: str) -> bool:
    """False when no pair of the block can break the rule, found from per-person values alone."""
    if name in b.pool.forbidden:
        return bool(b.pool.forbidden[name].nnz)
    if not len(b.rows) or not len(b.cols):
        return True
    if name == "level_gap":
        return int(b.e.level[b.rows].min()) - int(b.col(b.m.level).max()) < b.pool.min_gap
    if name == "language":  # a language everyone on both sides speaks
        return not np.any(b.e.languages[b.rows].min(axis=0) * b.col(b.m.languages).min(axis=0))
    if name == "timezone":
        return b.pool.constraints.max_timezone_difference_hours is not None
    return True


def broken_rules(block: Block) -> list[str]:
    """Names of the rules a single pair (a 1 x 1 or paired block of one) breaks."""
    return [name for name, rule in RULES if not bool(np.all(rule(block)))]


_ALL = {
    "level_gap": "no {other} is at least {gap} levels {direction} them",
    "language": "no eligible {other} shares a language: {languages}",
    "availability": "no eligible {other} shares {hours} h of weekly availability",
    "timezone": "no eligible {other} is within {tz} h of their time zone",
    "chain": "every eligible {other} is in their management chain",
    "private": "every eligible {other} is excluded by an avoid list or an admin block",
    "before": "they were already paired with every eligible {other}",
    "paused": "every eligible {other} is paused",
}
_SOME = {
    "level_gap": "{n} less than {gap} levels {direction}",
    "language": "{n} with no shared language ({languages})",
    "availability": "{n} with under {hours} h of shared availability",
    "timezone": "{n} more than {tz} h away",
    "chain": "{n} in their management chain",
    "private": "{n} excluded by an avoid list or an admin block",
    "before": "{n} paired with them before",
    "paused": "{n} paused",
}


def language_names(codes: Iterable[str]) -> str:
    return ", ".join(LANGUAGE_NAMES.get(c, c) for c in codes)


def unmatched_reason(pool: Pool, index: int, role: str, busy: Mask, on: dt.date) -> str:
    """Why the mentee (``role`` "mentee", row ``index``) or mentor (column) got no partner.

    ``busy`` marks people on the other side who cannot take them any more: mentors at
    capacity, or mentees already matched. Every candidate is counted against the first
    rule that excludes them, so the reason is computed from the data, not guessed.
    """
    mentee = role == "mentee"
    me = (pool.mentees if mentee else pool.mentors).people[index]
    if me.is_paused(on):
        return f"paused until {me.paused_until}" if me.paused_until else "paused"
    other, others = ("mentor", pool.mentors) if mentee else ("mentee", pool.mentees)
    if not others.size:
        return f"no {other}s in cohort {pool.cohort}"
    everyone = np.arange(others.size)
    one = np.array([index])
    block = Block(pool, one, everyone) if mentee else Block(pool, everyone, one)
    remaining = np.ones(others.size, dtype=np.bool_)
    counts: dict[str, int] = {}
    for name, rule in _reason_rules(others):
        allowed = np.asarray(rule(block)).ravel()
        counts[name] = int(np.count_nonzero(remaining & ~allowed))
        remaining &= allowed
    free = int(np.count_nonzero(remaining))
    words = {"other": other, "gap": pool.min_gap, "direction": "below" if mentee else "above",
             "languages": language_names(me.languages), "tz": f"{pool.constraints.max_timezone_difference_hours:g}"
             if pool.constraints.max_timezone_difference_hours is not None else "",
             "hours": f"{pool.constraints.min_availability_overlap_hours:g}"}
    if free:
        if not np.all(busy[remaining]):
            # the certified optimum never leaves an eligible pair with room unmade: this is a solver failure
            raise NoCertificate(f"{me.login} has a free eligible {other}")
        return _busy_reason(other, free)
    found = [(name, n) for name, n in counts.items() if n]
    if len(found) == 1:
        return _ALL[found[0][0]].format(**words)
    parts = ", ".join(_SOME[name].format(n=n, **words) for name, n in found)
    return f"no eligible {other}: of {others.size} {other}s, {parts}"


def _busy_reason(other: str, n: int) -> str:
    if other == "mentor":
        return "the only eligible mentor is at capacity" if n == 1 else f"all {n} eligible mentors are at capacity"
    return ("the only eligible mentee is matched with another mentor" if n == 1
            else f"all {n} eligible mentees are matched with other mentors")
