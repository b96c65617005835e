"""matches.yaml's text: the quick paths of ``render`` (numbers looked up once, strings quoted by json's
own encoder) write exactly what quoting each string with json.dumps and each number with repr does."""

from __future__ import annotations

import datetime as dt
import json
import random

from rmcode.formats import matches
from rmcode.model import BREAKDOWN_KEYS, Pair, Unmatched

ODD = ["plain text", "yes", "No", "a: b", "ümlaut", "line\u2028break", "\x85next", "\ufeffbom", "tab\there",
       'say "hi"', "back\\slash", "-dash", "9lives", "emoji 🙂", ""]


def _reference_scalar(value: str) -> str:
    if matches._PLAIN.fullmatch(value) and value.lower() not in matches._RESERVED:
        return value
    return matches._UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


def test_render_equals_line_by_line_reference() -> None:
    rng = random.Random(7)
    values = [0.0, -0.0, 0.5, 1.0, 0.1234, 1e-4, 0.7083, float(1), 1 / 3]
    pairs = []
    for i in range(300):
        parts = {k: rng.choice(values) for k in BREAKDOWN_KEYS}
        if i % 7 == 0:
            parts = {"zeta": -0.0, **{k: v for k, v in parts.items() if k != "skills"}, "alpha": 0.25}
        pairs.append(Pair(f"m{i}--e{i}", rng.choice(["c1", "yes"]), f"m{i}", f"e{i}", "proposed",
                          dt.date(2026, 3, 1), score=rng.choice(values), breakdown=parts,
                          reason=rng.choice(ODD) + rng.choice(ODD)))
    unmatched = [Unmatched(f"u{i:02}", "c1", rng.choice(ODD) or "x") for i in range(20)]
    text = matches.render(pairs, unmatched)
    want = [matches.HEADER.rstrip("\n"), "pairs:"]
    for p in sorted(pairs, key=lambda p: p.id):
        want += [f"  - id: {_reference_scalar(p.id)}", f"    cohort: {_reference_scalar(p.cohort)}",
                 f"    mentor: {p.mentor}", f"    mentee: {p.mentee}", "    status: proposed",
                 "    proposed: 2026-03-01", f"    score: {p.score!r}", "    breakdown:"]
        keys = [k for k in BREAKDOWN_KEYS if k in p.breakdown] + sorted(set(p.breakdown) - set(BREAKDOWN_KEYS))
        want += [f"      {k}: {p.breakdown[k]!r}" for k in keys]
        if p.reason:
            want.append(f"    reason: {_reference_scalar(p.reason)}")
    want.append("unmatched:")
    for u in unmatched:
        want += [f"  - login: {u.login}", "    cohort: c1", f"    reason: {_reference_scalar(u.reason)}"]
    assert text == "\n".join(want) + "\n"
    assert "score: -0.0" in text and "score: 0.0" in text and "\\u2028" in text
