"""matches.yaml as text, and what a proposal changes: pure functions from pairs to strings.

The file is written by hand rather than by a YAML library so that its bytes depend only on
the pairs: fixed key order, pairs sorted by id, unmatched sorted by login, strings quoted
only when a YAML reader could take them for something else.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Literal, TypedDict

from ..errors import SchemaError
from ..layout import login_key, schema_line
from ..load.loader import load_bytes
from ..model import BREAKDOWN_KEYS, Pair, Source, Unmatched
from ..model.json import Json
from ..validate.schema import validate_document
from .escape import gfm_text

if TYPE_CHECKING:  # the solver's module imports scipy: not needed to read or print matches
    from ..match.optimality import Certificate

HEADER = schema_line("matches")
Format = Literal["text", "json", "md"]
_PLAIN = re.compile(r"[A-Za-z](?:[A-Za-z0-9 ._-]*[A-Za-z0-9._-])?")
_RESERVED = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
# characters a YAML 1.1 reader treats as line breaks or refuses, escaped inside double quotes
_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def _scalar(value: str) -> str:
    if _PLAIN.fullmatch(value) and value.lower() not in _RESERVED:
        return value
    quoted = encode_basestring(value)  # what json.dumps(value, ensure_ascii=False) returns for a string
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _number(value: float) -> str:
    return repr(float(value))


class _Numbers(dict[float, str]):
    """``_number`` of each value, computed once per value (scores and their parts repeat across pairs).

    Zero is never looked up: ``0.0 == -0.0`` but their texts differ.
    """

    def __missing__(self, value: float) -> str:
        text = _number(value)
        if value:
            self[value] = text
        return text


def _pair_lines(p: Pair, number: Callable[[float], str], cohort: Callable[[str], str]) -> list[str]:
    """The lines of one pair entry (lines that always come together are joined into one string)."""
    head = (f"  - id: {_scalar(p.id)}\n    cohort: {cohort(p.cohort)}\n    mentor: {_scalar(p.mentor)}\n"
            f"    mentee: {_scalar(p.mentee)}\n    status: {p.status}")
    lines = [head]
    for name in ("proposed", "matched", "ended"):
        day = getattr(p, name)
        if day is not None:
            lines.append(f"    {name}: {day.isoformat()}")
    if p.end_reason:
        lines.append(f"    end_reason: {_scalar(p.end_reason)}")
    elif "end_reason" in p.sealed:  # kept as it was sealed: rmcode match never opens it
        lines += ["    end_reason: |", *(f"      {line}" for line in p.sealed["end_reason"].strip("\n").split("\n"))]
    if p.score is not None:
        lines.append(f"    score: {number(p.score)}")
    keys = BREAKDOWN_KEYS if tuple(p.breakdown) == BREAKDOWN_KEYS else \
        [k for k in BREAKDOWN_KEYS if k in p.breakdown] + sorted(set(p.breakdown) - set(BREAKDOWN_KEYS))
    if keys:
        lines.append("\n".join(["    breakdown:", *[f"      {k}: {number(p.breakdown[k])}" for k in keys]]))
    if p.reason:
        lines.append(f"    reason: {_scalar(p.reason)}")
    return lines


def render(pairs: Sequence[Pair], unmatched: Sequence[Unmatched]) -> str:
    """The full text of matches.yaml: schema line, pairs by id, then unmatched people by login."""
    lines = [HEADER.rstrip("\n"), "pairs:" if pairs else "pairs: []"]
    number, cohort = _Numbers().__getitem__, cache(_scalar)  # both repeat across thousands of pairs
    for p in sorted(pairs, key=lambda p: p.id):
        lines += _pair_lines(p, number, cohort)
    if unmatched:
        lines.append("unmatched:")
        for u in sorted(unmatched, key=lambda u: (login_key(u.login), u.cohort)):
            lines.append(f"  - login: {_scalar(u.login)}")
            if u.cohort:
                lines.append(f"    cohort: {_scalar(u.cohort)}")
            lines.append(f"    reason: {_scalar(u.reason)}")
    return "\n".join(lines) + "\n"


def parse(content: bytes, path: str = "matches.yaml") -> tuple[tuple[Pair, ...], tuple[Unmatched, ...]]:
    """Pairs and unmatched people of a matches.yaml's bytes; SchemaError if it is not valid."""
    doc = load_bytes(path, content, max_bytes=len(content) + 1)
    problems = validate_document(doc, "matches")
    if problems:
        raise SchemaError(problems)
    pairs = tuple(sorted((Pair.from_raw(raw, Source(path)) for raw in doc.data["pairs"]), key=lambda p: p.id))
    unmatched = tuple(Unmatched(u["login"], u.get("cohort", ""), u["reason"]) for u in doc.data.get("unmatched", []))
    return pairs, unmatched


@dataclass(frozen=True, slots=True)
class Diff:
    """What a new matches.yaml changes against the committed one."""

    added: tuple[Pair, ...]
    removed: tuple[Pair, ...]
    changed: tuple[tuple[Pair, Pair], ...]
    before: tuple[Pair, ...]
    after: tuple[Pair, ...]
    unmatched_before: tuple[Unmatched, ...]
    unmatched_after: tuple[Unmatched, ...]
    cohorts: tuple[str, ...] = ()
    certificates: tuple[tuple[str, Certificate], ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed) and \
            _unmatched_key(self.unmatched_before) == _unmatched_key(self.unmatched_after)


def _unmatched_key(items: Sequence[Unmatched]) -> list[tuple[str, str, str]]:
    return sorted((login_key(u.login), u.cohort, u.reason) for u in items)


def diff(before: Sequence[Pair], after: Sequence[Pair], unmatched_before: Sequence[Unmatched] = (),
         unmatched_after: Sequence[Unmatched] = (), cohorts: Sequence[str] = (),
         certificates: Sequence[tuple[str, Certificate]] = ()) -> Diff:
    """Pairs added, removed, and changed (score or status), each sorted by pair id."""
    old, new = {p.id: p for p in before}, {p.id: p for p in after}
    return Diff(
        added=tuple(new[k] for k in sorted(new.keys() - old.keys())),
        removed=tuple(old[k] for k in sorted(old.keys() - new.keys())),
        changed=tuple((old[k], new[k]) for k in sorted(old.keys() & new.keys())
                      if (old[k].score, old[k].status) != (new[k].score, new[k].status)),
        before=tuple(sorted(before, key=lambda p: p.id)), after=tuple(sorted(after, key=lambda p: p.id)),
        unmatched_before=tuple(sorted(unmatched_before, key=lambda u: (login_key(u.login), u.cohort))),
        unmatched_after=tuple(sorted(unmatched_after, key=lambda u: (login_key(u.login), u.cohort))),
        cohorts=tuple(cohorts), certificates=tuple(certificates),
    )


def mean_score(pairs: Sequence[Pair]) -> float | None:
    """Mean score of the pairs that carry one (approved pairs keep the score they were proposed with)."""
    scores = [p.score for p in pairs if p.score is not None]
    return round(sum(scores) / len(scores), 4) if scores else None


def pair_data(p: Pair) -> dict[str, Json]:
    out: dict[str, Json] = {"id": p.id, "cohort": p.cohort, "mentor": p.mentor, "mentee": p.mentee, "status": p.status}
    if p.proposed:
        out["proposed"] = p.proposed.isoformat()
    if p.score is not None:
        out["score"] = p.score
        out["breakdown"] = {k: p.breakdown[k] for k in BREAKDOWN_KEYS if k in p.breakdown}
    if p.reason:
        out["reason"] = p.reason
    return out


def _unmatched_data(items: Sequence[Unmatched]) -> list[dict[str, str]]:
    return [{"login": u.login, "cohort": u.cohort, "reason": u.reason} for u in items]


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.4f}"


def _delta(old: float | None, new: float | None) -> str:
    return "–" if old is None or new is None else f"{new - old:+.4f}"


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return ["| " + " | ".join(head) + " |", "|" + "---|" * len(head),
            *("| " + " | ".join(gfm_text(c) for c in row) + " |" for row in rows), ""]


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'s' * (n != 1)}"


def _change_text(old: Pair, new: Pair) -> str:
    status = f", {old.status} -> {new.status}" if old.status != new.status else ""
    return f"{_fmt(old.score)} -> {_fmt(new.score)} ({_delta(old.score, new.score)}){status}"


def _diff_text(d: Diff) -> str:
    mb, ma = mean_score(d.before), mean_score(d.after)
    lines = [(f"pairs {len(d.before)} -> {len(d.after)}; mean score {_fmt(mb)} -> {_fmt(ma)} ({_delta(mb, ma)}); "
              f"unmatched {len(d.unmatched_before)} -> {len(d.unmatched_after)}"),
             *_scope_lines(d.cohorts, d.after, d.unmatched_after), *_certificate_lines(d.certificates)]
    if d.empty:
        lines.append("no change to matches.yaml")
    sections = (("added", d.added, lambda p: f"  + {p.id}  {p.cohort}  {_fmt(p.score)}  {p.reason}".rstrip()),
                ("removed", d.removed, lambda p: f"  - {p.id}  {p.cohort}  {p.status}  {_fmt(p.score)}"),
                ("changed", d.changed, lambda c: f"  ~ {c[1].id}  {c[1].cohort}  {_change_text(*c)}"),
                ("unmatched", d.unmatched_after, lambda u: f"  {u.login}  {u.cohort}  {u.reason}"))
    for title, items, line in sections:
        if items:
            lines += [f"{title} ({len(items)}):", *(line(x) for x in items)]
    return "\n".join(lines) + "\n"


def _diff_md(d: Diff) -> str:
    mb, ma = mean_score(d.before), mean_score(d.after)
    nb, na, ub, ua = len(d.before), len(d.after), len(d.unmatched_before), len(d.unmatched_after)
    lines = ["## Proposed matches", "",
             "No change to matches.yaml." if d.empty else
             f"{_plural(len(d.added), 'pair')} added, {len(d.removed)} removed, {len(d.changed)} changed.", "",
             *_table(["", "committed", "proposed", "change"],
                     [["pairs", str(nb), str(na), f"{na - nb:+d}"], ["mean score", _fmt(mb), _fmt(ma), _delta(mb, ma)],
                      ["unmatched", str(ub), str(ua), f"{ua - ub:+d}"]])]
    scope = _scope_lines(d.cohorts, d.after, d.unmatched_after)
    lines += [*scope, *([""] if scope else []), *_certificate_md(d.certificates)]
    if d.added:
        lines += [f"### Added ({len(d.added)})", "",
                  *_table(["pair", "cohort", "score", "why"],
                          [[p.id, p.cohort, _fmt(p.score), p.reason] for p in d.added])]
    if d.removed:
        lines += [f"### Removed ({len(d.removed)})", "", *_table(
            ["pair", "cohort", "status", "score"], [[p.id, p.cohort, p.status, _fmt(p.score)] for p in d.removed])]
    if d.changed:
        lines += [f"### Changed ({len(d.changed)})", "", *_table(
            ["pair", "cohort", "score before", "score after", "change", "status"],
            [[n.id, n.cohort, _fmt(o.score), _fmt(n.score), _delta(o.score, n.score),
              n.status if o.status == n.status else f"{o.status} → {n.status}"] for o, n in d.changed])]
    if d.unmatched_after:
        lines += [f"### Unmatched ({len(d.unmatched_after)})", "", *_table(
            ["person", "cohort", "reason"], [[u.login, u.cohort, u.reason] for u in d.unmatched_after])]
    return "\n".join(lines).rstrip("\n") + "\n"


def _diff_json(d: Diff) -> str:
    payload = {
        "changed": not d.empty,
        "pairs": {"before": len(d.before), "after": len(d.after)},
        "mean_score": {"before": mean_score(d.before), "after": mean_score(d.after)},
        "added": [pair_data(p) for p in d.added],
        "removed": [pair_data(p) for p in d.removed],
        "score_changes": [{"id": n.id, "cohort": n.cohort, "before": o.score, "after": n.score,
                           "status_before": o.status, "status_after": n.status} for o, n in d.changed],
        "unmatched": {"before": _unmatched_data(d.unmatched_before), "after": _unmatched_data(d.unmatched_after)},
        "cohorts_matched": _scope_data(d.cohorts, d.after, d.unmatched_after),
        "certificates": _certificate_data(d.certificates),
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def _scope_lines(cohorts: Sequence[str], after: Sequence[Pair], unmatched: Sequence[Unmatched]) -> list[str]:
    """The counts `rmcode match --dry-run` prints, so the two views tell one story."""
    return [f"in {row['cohort']}: {_plural(row['proposed'], 'pair')} proposed, {row['unmatched']} unmatched"
            for row in _scope_data(cohorts, after, unmatched)]


class _Scope(TypedDict):
    """One cohort of a matching run: pairs proposed in it, people left unmatched."""

    cohort: str
    proposed: int
    unmatched: int


def _scope_data(cohorts: Sequence[str], after: Sequence[Pair], unmatched: Sequence[Unmatched]) -> list[_Scope]:
    return [{"cohort": c, "proposed": sum(1 for p in after if p.cohort == c and p.status == "proposed"),
             "unmatched": sum(1 for u in unmatched if u.cohort == c)} for c in cohorts]


def _certificate_lines(certificates: Sequence[tuple[str, Certificate]]) -> list[str]:
    return [f"optimal (certified) in {cohort}: {_plural(c.cells, 'cell')} checked ({c.eligible:,} eligible), "
            f"{_plural(c.rounds, 'round')}; primal total {c.primal:,} = dual bound {c.dual:,}"
            for cohort, c in certificates]


def _certificate_md(certificates: Sequence[tuple[str, Certificate]]) -> list[str]:
    if not certificates:
        return []
    intro = ("Optimal (certified): an LP-duality bound equal to the proposal's total, checked over every "
             "eligible mentee–mentor cell.")
    return [intro, "",
            *_table(["cohort", "cells checked", "eligible", "rounds", "primal total", "dual bound"],
                    [[cohort, f"{c.cells:,}", f"{c.eligible:,}", str(c.rounds), f"{c.primal:,}", f"{c.dual:,}"]
                     for cohort, c in certificates])]


def _certificate_data(certificates: Sequence[tuple[str, Certificate]]) -> list[dict[str, Json]]:
    return [{"cohort": cohort, "status": "optimal (certified)", "pairs": c.pairs, "score_total": c.score / 10_000,
             "pair_weight": c.big, "primal_total": c.primal, "dual_bound": c.dual, "cells_checked": c.cells,
             "eligible_cells": c.eligible, "rounds": c.rounds} for cohort, c in certificates]


DIFF_FORMATS: Mapping[str, Callable[[Diff], str]] = {"text": _diff_text, "md": _diff_md, "json": _diff_json}


@dataclass(frozen=True, slots=True)
class Summary:
    """What one run of ``rmcode match`` proposed, for the terminal or a tool."""

    cohorts: tuple[str, ...]
    proposed: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    pairs: int
    written: str | None
    unmatched_total: int = 0
    certificates: tuple[tuple[str, Certificate], ...] = ()


def _summary_text(s: Summary) -> str:
    scope = ", ".join(s.cohorts) or "none (no cohort has matching open)"
    lines = [f"cohorts matched: {scope}",
             (f"{_plural(len(s.proposed), 'pair')} proposed (mean score {_fmt(mean_score(s.proposed))}), "
              f"{len(s.unmatched)} unmatched"), *_certificate_lines(s.certificates)]
    lines += [f"  {p.id}  {_fmt(p.score)}  {p.reason}".rstrip() for p in s.proposed]
    if s.unmatched:
        lines += ["unmatched:", *(f"  {u.login}  {u.cohort}  {u.reason}" for u in s.unmatched)]
    totals = f"{_plural(s.pairs, 'pair')}, {s.unmatched_total} unmatched in all cohorts"
    lines.append(f"wrote {s.written} ({totals})" if s.written
                 else f"dry run: nothing written (matches.yaml would hold {totals})")
    return "\n".join(lines) + "\n"


def _summary_md(s: Summary) -> str:
    lines = [f"## Proposed matches ({', '.join(s.cohorts) or 'no cohort open'})", "",
             (f"{_plural(len(s.proposed), 'pair')} proposed, mean score {_fmt(mean_score(s.proposed))}; "
              f"{len(s.unmatched)} unmatched."), "", *_certificate_md(s.certificates)]
    if s.proposed:
        lines += _table(["pair", "cohort", "score", "why"],
                        [[p.id, p.cohort, _fmt(p.score), p.reason] for p in s.proposed])
    if s.unmatched:
        lines += _table(["person", "cohort", "reason"], [[u.login, u.cohort, u.reason] for u in s.unmatched])
    return "\n".join(lines).rstrip("\n") + "\n"


def _summary_json(s: Summary) -> str:
    payload = {"cohorts": list(s.cohorts), "proposed": [pair_data(p) for p in s.proposed],
               "unmatched": _unmatched_data(s.unmatched), "mean_score": mean_score(s.proposed),
               "pairs": s.pairs, "unmatched_total": s.unmatched_total, "written": s.written,
               "certificates": _certificate_data(s.certificates)}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


SUMMARY_FORMATS: Mapping[str, Callable[[Summary], str]] = {"text": _summary_text, "md": _summary_md,
                                                           "json": _summary_json}


@dataclass(frozen=True, slots=True)
class KpiMove:
    """One KPI before and after a change (None: the KPI does not exist on that side, or is suppressed)."""

    id: str
    name: str
    target_before: float | None
    target_after: float | None
    value_before: float | None
    value_after: float | None


@dataclass(frozen=True, slots=True)
class Impact:
    """What a change of the rules does to the next proposal and to the KPIs."""

    change: Diff
    kpis: tuple[KpiMove, ...]
    as_of: str

    @property
    def newly_unmatched(self) -> tuple[Unmatched, ...]:
        before = {(login_key(u.login), u.cohort) for u in self.change.unmatched_before}
        return tuple(u for u in self.change.unmatched_after if (login_key(u.login), u.cohort) not in before)


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.4g}"


def _impact_rows(i: Impact) -> list[list[str]]:
    d = i.change
    before = [p for p in d.before if p.status == "proposed"]
    after = [p for p in d.after if p.status == "proposed"]
    mb, ma = mean_score(before), mean_score(after)
    return [["pairs proposed", str(len(before)), str(len(after)), f"{len(after) - len(before):+d}"],
            ["mean score of the proposed pairs", _fmt(mb), _fmt(ma), _delta(mb, ma)],
            ["unmatched", str(len(d.unmatched_before)), str(len(d.unmatched_after)),
             f"{len(d.unmatched_after) - len(d.unmatched_before):+d}"]]


def _impact_md(i: Impact) -> str:
    d = i.change
    lines = ["## Impact of this change on matching and KPIs", "",
             (f"What the next `rmcode match` would propose with the rules before and after this change, "
             f"as of {i.as_of}, computed by the base branch's rmcode on this pull request's data."), "",
             *_table(["", "before", "after", "change"], _impact_rows(i)), *_certificate_md(d.certificates)]
    if d.added:
        lines += [f"### Pairs added ({len(d.added)})", "",
                  *_table(["pair", "cohort", "score", "why"],
                          [[p.id, p.cohort, _fmt(p.score), p.reason] for p in d.added])]
    if d.removed:
        lines += [f"### Pairs removed ({len(d.removed)})", "",
                  *_table(["pair", "cohort", "score"], [[p.id, p.cohort, _fmt(p.score)] for p in d.removed])]
    if i.newly_unmatched:
        lines += [f"### Become unmatched ({len(i.newly_unmatched)})", "",
                  *_table(["person", "cohort", "reason"], [[u.login, u.cohort, u.reason] for u in i.newly_unmatched])]
    moved = [k for k in i.kpis if (k.target_before, k.value_before) != (k.target_after, k.value_after)]
    lines += ["### KPIs", ""]
    lines += _table(["KPI", "target before", "target after", "value before", "value after"],
                    [[k.name, _num(k.target_before), _num(k.target_after), _num(k.value_before), _num(k.value_after)]
                     for k in i.kpis]) if i.kpis else ["No KPIs are declared.", ""]
    if i.kpis and not moved:
        lines += ["No KPI target or value moves.", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _impact_text(i: Impact) -> str:
    lines = [f"impact as of {i.as_of}:"]
    lines += [f"  {row[0]}: {row[1]} -> {row[2]} ({row[3]})" for row in _impact_rows(i)]
    lines += _certificate_lines(i.change.certificates)
    lines += [f"  + {p.id}  {p.cohort}  {_fmt(p.score)}" for p in i.change.added]
    lines += [f"  - {p.id}  {p.cohort}  {_fmt(p.score)}" for p in i.change.removed]
    lines += [f"  becomes unmatched: {u.login}  {u.cohort}  {u.reason}" for u in i.newly_unmatched]
    lines += [f"  KPI {k.name}: target {_num(k.target_before)} -> {_num(k.target_after)}, "
              f"value {_num(k.value_before)} -> {_num(k.value_after)}" for k in i.kpis]
    return "\n".join(lines) + "\n"


def _impact_json(i: Impact) -> str:
    payload = {"as_of": i.as_of, "summary": {row[0]: {"before": row[1], "after": row[2]} for row in _impact_rows(i)},
               "added": [pair_data(p) for p in i.change.added], "removed": [pair_data(p) for p in i.change.removed],
               "newly_unmatched": _unmatched_data(i.newly_unmatched),
               "kpis": [{"id": k.id, "name": k.name, "target": {"before": k.target_before, "after": k.target_after},
                         "value": {"before": k.value_before, "after": k.value_after}} for k in i.kpis],
               "certificates": _certificate_data(i.change.certificates)}
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


IMPACT_FORMATS: Mapping[str, Callable[[Impact], str]] = {"text": _impact_text, "md": _impact_md, "json": _impact_json}
