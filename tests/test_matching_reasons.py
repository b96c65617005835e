"""The pairs' reasons, computed for all chosen pairs at once, equal the one-pair-at-a-time definition.

``reference_reason`` below is the definition (each pair's own slot sets at the pair's own
exact step, its own skill look-ups): ``scoring.pair_reasons`` computes the same lines from
the pool's arrays, and must agree on every pair of random cohorts with odd time zones
(+5:45, -3:30, unknown), shared and private slots, preferences and long names.
"""

from __future__ import annotations

import datetime as dt
import math
import random

import numpy as np
import pytest
from test_matching import ON, data, mk, program

from rmcode.load.text import clean
from rmcode.match.eligibility import Block, Times, build_pool
from rmcode.match.scoring import CRITERIA, pair_reasons
from rmcode.model import DAYS, Participant, Program

ZONES = ("Europe/Berlin", "Asia/Kathmandu", "America/St_Johns", "Not/AZone", "UTC", "Pacific/Chatham",
         "Asia/Kolkata", "America/New_York", "Pacific/Kiritimati", "Pacific/Pago_Pago")
SKILLS = ("generative-ai", "short-video", "data-literacy", "unknown-skill")
_PARTS = ((6, 12, "mornings"), (12, 18, "afternoons"), (18, 22, "evenings"))


def _day_part(hour: float) -> int:
    return next((i for i, (start, end, _) in enumerate(_PARTS) if start <= hour < end), len(_PARTS))


def _hours(minutes: int) -> str:
    h, m = divmod(abs(minutes), 60)
    return " ".join(x for x in (f"{h} h" if h else "", f"{m} min" if m else "") if x)


def _free_together(mentor: Participant, mentee: Participant, on: dt.date) -> str:
    local_offset = mentee.utc_offset_minutes(on)
    step = math.gcd(30, local_offset, mentor.utc_offset_minutes(on))
    per_day, shift = 1440 // step, local_offset // step
    counts: dict[tuple[int, int], int] = {}
    for slot in mentor.slots_utc(on, step) & mentee.slots_utc(on, step):
        local = (slot + shift) % (7 * per_day)
        key = (local // per_day, _day_part((local % per_day) * step / 60))
        counts[key] = counts.get(key, 0) + 1
    best = sorted(sorted(counts, key=lambda k: (-counts[k], k))[:2])
    names = [*(name for _, _, name in _PARTS), "nights"]
    return " and ".join(f"{DAYS[day].title()} {names[part]}" for day, part in best)


def reference_reason(program: Program, mentor: Participant, mentee: Participant, on: dt.date,
                     style_similarity: float) -> str:
    out = []
    wanted = list(mentee.skills_wanted)
    if wanted:
        covered = [s for s in wanted if s in mentor.skills_offered]
        names = ", ".join((program.skill(s).name if program.skill(s) else s)  # type: ignore[union-attr]
                          for s in covered)
        out.append(f"covers {len(covered)} of {len(wanted)} skill{'s' * (len(wanted) != 1)} {clean(mentee.name)} wants"
                   + (f": {names}" if names else ""))
    free = _free_together(mentor, mentee, on)
    if free:
        out.append(f"both free {free}")
    if mentor.department.casefold() != mentee.department.casefold():
        out.append(f"different departments ({clean(mentor.department)}, {clean(mentee.department)})")
    gap = mentor.utc_offset_minutes(on) - mentee.utc_offset_minutes(on)
    out.append("same time zone" if gap == 0 else f"time zones {_hours(gap)} apart")
    if style_similarity >= 0.75 and program.working_style:
        out.append("similar working style")
    asked = [clean(p.name) for p, q in ((mentee, mentor), (mentor, mentee)) if q.key in p.prefer]
    if asked:
        out.append("asked for each other" if len(asked) == 2 else f"{asked[0]} asked for this pairing")
    text = "; ".join(out)
    return text if len(text) <= 1000 else text[:999] + "…"


def _entry(rng: random.Random) -> str:
    start = rng.randrange(0, 47)
    end = rng.randrange(start + 1, 49)
    return f"{rng.choice(DAYS)} {start // 2:02}:{start % 2 * 30:02}-{end // 2:02}:{end % 2 * 30:02}"


def _person(rng: random.Random, login: str, role: str, logins: list[str]) -> Participant:
    skills = tuple(rng.sample(SKILLS, rng.randrange(0, 4)))
    return mk(login, role, level=rng.randint(1, 3) if role == "mentor" else rng.randint(5, 8),
              name=rng.choice([login.title(), "Zoë\u202e\x1b[31m Long " * rng.randrange(1, 40)]),
              department=rng.choice(["Sales", "sales", "Legal", " Legal\u200b", "HR"]),
              timezone=rng.choice(ZONES), languages=("en",),
              availability=tuple(_entry(rng) for _ in range(rng.randrange(0, 5))),
              working_style={"structure": rng.randint(1, 5)} if rng.random() < 0.8 else {},
              prefer=rng.sample(logins, rng.randrange(0, 3)),
              **({"skills_offered": skills} if role == "mentor" else {"skills_wanted": skills}))


@pytest.mark.parametrize("seed", range(12))
def test_pair_reasons_equal_the_one_pair_definition(seed: int) -> None:
    rng = random.Random(seed)
    logins = [f"m{i:02}" for i in range(15)] + [f"e{i:02}" for i in range(15)]
    people = [_person(rng, login, "mentor" if login[0] == "m" else "mentee", logins) for login in logins]
    prog = program() if seed % 3 else program(weights={"skills": 1, "working_style": 0, "cross_department": 0,
                                                       "timezone": 0, "availability": 0, "preferences": 0})
    on = ON + dt.timedelta(days=rng.randrange(0, 200))  # offsets of other days (summer time) in the reasons
    pool = build_pool(data(people, prog=prog), "c1", on, [])
    rows = np.array([e for e in range(pool.mentees.size) for _ in range(pool.mentors.size)])
    cols = np.array([m for _ in range(pool.mentees.size) for m in range(pool.mentors.size)])
    block = Block(pool, rows, cols, outer=False)
    style = CRITERIA["working_style"](block)
    found = pair_reasons(prog, block, style, pool.times or Times(on))
    want = [reference_reason(prog, pool.mentors.people[m], pool.mentees.people[e], on, float(style[k]))
            for k, (e, m) in enumerate(zip(rows, cols))]
    assert found == want
    assert any("both free" in r and " and " in r.split("both free")[1] for r in found)  # the cases are exercised
    assert any("5 h 45 min" in r or "45 min" in r for r in found)
