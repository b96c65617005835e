"""Suppression of small groups, complementary suppression, the publishing schedule."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from rmcode.metrics import Value
from rmcode.privacy import (
    fold_small_groups,
    hold_series,
    publish_date,
    suppress_cells,
    suppress_value,
)


def test_nothing_hidden_when_every_group_is_large_enough() -> None:
    assert suppress_cells({"a": 3, "b": 5}, 3) == {"a": 3, "b": 5}


def test_one_small_cell_hides_the_next_smallest_too() -> None:
    # total 13 is known: hiding only a (1) would leave 13 - 5 - 7
    assert suppress_cells({"a": 1, "b": 5, "c": 7}, 3) == {"a": None, "b": None, "c": 7}


def test_two_small_cells_that_add_up_to_little_hide_a_third() -> None:
    # a + b = 2 would be known from the total, and then each must be 1
    assert suppress_cells({"a": 1, "b": 1, "c": 9, "d": 10}, 3) == {"a": None, "b": None, "c": None, "d": 10}


def test_two_small_cells_with_enough_people_between_them() -> None:
    # hidden sum 2 + 2 = 4: either could be 3 as far as anyone can tell
    assert suppress_cells({"a": 2, "b": 2, "c": 9}, 3) == {"a": None, "b": None, "c": 9}


def test_ties_break_by_group_name() -> None:
    assert suppress_cells({"x": 1, "c": 4, "b": 4}, 3) == {"b": None, "c": 4, "x": None}


def test_empty_groups_stay_visible() -> None:
    assert suppress_cells({"a": 0, "b": 2, "c": 8}, 3) == {"a": 0, "b": None, "c": None}


def test_a_small_total_hides_everything() -> None:
    assert suppress_cells({"a": 1, "b": 1}, 3) == {"a": None, "b": None}


def test_min_group_size_one_hides_nothing() -> None:
    assert suppress_cells({"a": 1, "b": 0}, 1) == {"a": 1, "b": 0}


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.integers(0, 12), max_size=8), st.integers(1, 6))
def test_no_hidden_cell_can_be_shown_small(counts: dict[str, int], k: int) -> None:
    shown = suppress_cells(counts, k)
    hidden = [g for g, v in shown.items() if v is None]
    assert all(shown[g] == n for g, n in counts.items() if g not in hidden)
    assert all(g in hidden for g, n in counts.items() if 0 < n < k)
    if hidden and len(hidden) < len([n for n in counts.values() if n]):
        # from the total, a hidden cell is at most the hidden sum minus one per other hidden cell
        assert len(hidden) >= 2 and sum(counts[g] for g in hidden) - (len(hidden) - 1) >= k


def test_suppress_value_only_for_small_nonempty_groups() -> None:
    assert suppress_value(Value(0.5, 2, 2), 3) == (None, True)
    assert suppress_value(Value(0.5, 3, 3), 3) == (0.5, False)
    assert suppress_value(Value(None, 0, 0), 3) == (None, False)


def test_fold_small_groups_into_other() -> None:
    assert fold_small_groups({"a": 5, "b": 1, "c": 2, "not answered": 1}, 3) == {
        "a": 5, "other": 3, "not answered": 1}


def test_series_of_a_sensitive_metric_moves_only_by_enough_records() -> None:
    points = [Value(None, 0, 0), Value(4.0, 2, 2), Value(4.5, 3, 3), Value(4.2, 3, 4), Value(4.1, 4, 5),
              Value(3.9, 5, 6), Value(3.8, 5, 6)]
    assert hold_series(points, 3, sensitive=True) == [
        (None, False), (None, True), (4.5, False), (4.5, False), (4.5, False), (3.9, False), (3.9, False)]
    assert hold_series(points, 3, sensitive=False) == [
        (None, False), (None, True), (4.5, False), (4.2, False), (4.1, False), (3.9, False), (3.8, False)]


def test_publish_dates() -> None:
    wednesday, sunday = dt.date(2026, 11, 25), dt.date(2026, 11, 29)
    assert publish_date(wednesday, "always") == wednesday
    assert publish_date(wednesday, "weekly") == dt.date(2026, 11, 22)
    assert publish_date(sunday, "weekly") == sunday
    assert publish_date(dt.date(2026, 11, 30), "weekly") == sunday
    assert publish_date(wednesday, "monthly") == dt.date(2026, 10, 31)
    assert publish_date(dt.date(2026, 11, 30), "monthly") == dt.date(2026, 11, 30)
    assert publish_date(dt.date(2026, 3, 1), "monthly") == dt.date(2026, 2, 28)


@given(st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)), st.sampled_from(["weekly", "monthly"]))
def test_publication_is_constant_within_a_period(day: dt.date, schedule: str) -> None:
    published = publish_date(day, schedule)
    assert published <= day
    assert publish_date(published, schedule) == published
    assert all(publish_date(published + dt.timedelta(days=n), schedule) == published for n in range(1, 28)
               if published + dt.timedelta(days=n) <= day)
