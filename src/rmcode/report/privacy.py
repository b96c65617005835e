"""What may be published: small-group suppression, complementary suppression, the publishing schedule. Pure.

Three rules, documented for HR readers in docs/report-api.md:

* a count or statistic about fewer than ``min_group_size`` people (but more than none)
  is replaced by null ("suppressed");
* when a table's total is known, hiding one cell is not enough (total minus the others
  gives it back), so more cells are hidden, smallest first, until the hidden cells are
  at least two and hold enough people that none of them can be shown to be small;
* aggregates change only on the ``publish_every`` schedule, and a series of a
  sensitive metric only moves once ``min_group_size`` new records arrived, so that
  comparing two publications does not reveal one newcomer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from ..progress.metrics import Value

Schedule = Callable[[dt.date], dt.date]
OTHER = "other"
NOT_ANSWERED = "not answered"


def _weekly(day: dt.date) -> dt.date:
    # the end (Sunday) of the last complete week; no earlier than the first day there is
    return dt.date.fromordinal(max(1, day.toordinal() - (day.weekday() + 1) % 7))


def _monthly(day: dt.date) -> dt.date:
    # the last day of the last complete month (9999-12-31 has no following day, but ends a month)
    if day == dt.date.max or (day + dt.timedelta(days=1)).day == 1:
        return day
    return dt.date.fromordinal(max(1, day.replace(day=1).toordinal() - 1))


SCHEDULES: Mapping[str, Schedule] = {"always": lambda day: day, "weekly": _weekly, "monthly": _monthly}


def publish_date(as_of: dt.date, publish_every: str) -> dt.date:
    """The date published aggregates are computed at: as_of, or the end of the last complete week or month."""
    return SCHEDULES[publish_every](as_of)


def suppress_value(value: Value, k: int) -> tuple[float | None, bool]:
    """(published value, suppressed?) for one statistic."""
    if 0 < value.people < k:
        return None, True
    return value.value, False


def suppress_cells(counts: Mapping[str, int], k: int, floors: Mapping[str, int] | None = None) -> dict[str, int | None]:
    """Primary and complementary suppression of one table whose total is published or derivable.

    Cells of 1..k-1 people are hidden. Then further cells, smallest first (ties by name),
    until the total cannot give a hidden cell back: at least two hidden cells, and so
    many people among them that every hidden cell could hold ``k`` or more. A reader
    knows each hidden cell holds at least one person, or its ``floors`` value when the
    site tells that anyway (people listed by name, pairs listed per cohort), so a cell is
    at most the hidden sum minus what the other hidden cells surely hold. Empty cells
    reveal nobody and stay. When no choice is safe, every non-empty cell is hidden.
    """
    floor = {g: max(1, min(n, (floors or {}).get(g, 0))) for g, n in counts.items()}
    hidden = {g for g, n in counts.items() if 0 < n < k}

    def safe() -> bool:
        total, least = sum(counts[g] for g in hidden), sum(floor[g] for g in hidden)
        return not hidden or (len(hidden) >= 2 and all(total - least + floor[g] >= k for g in hidden))

    for _, group in sorted((n, g) for g, n in counts.items() if n > 0):
        if safe():
            break
        hidden.add(group)
    return {g: (None if g in hidden else n) for g, n in sorted(counts.items())}


def fold_small_groups(counts: Mapping[str, int], k: int) -> dict[str, int]:
    """Groups below ``k`` merged into "other", so that a rare answer's wording is never published."""
    out: dict[str, int] = {}
    for group, n in counts.items():
        name = group if n >= k or group == NOT_ANSWERED else OTHER
        out[name] = out.get(name, 0) + n
    return out


def hold_series(values: Sequence[Value], k: int, sensitive: bool) -> list[tuple[float | None, bool]]:
    """Published (value, suppressed) per point of a series.

    For a sensitive metric a new value is published only when at least ``k`` records
    were added or removed since the last published one; until then the last published
    value is repeated. Otherwise the difference between two weeks could be one answer.
    """
    out: list[tuple[float | None, bool]] = []
    shown: tuple[float | None, int] | None = None
    for point in values:
        value, suppressed = suppress_value(point, k)
        if sensitive and not suppressed and value is not None:
            if shown is None or abs(point.items - shown[1]) >= k:
                shown = (value, point.items)
            value = shown[0]
        out.append((value, suppressed))
    return out
