"""``optimality._rank_in_row`` on each of its paths (16-bit radix sorts, one combined key, lexsort) gives
every edge's position in its row sorted by key, ties by order."""

from __future__ import annotations

import numpy as np
import pytest

from rmcode.match.optimality import _rank_in_row


def _reference(rows: np.ndarray, key: np.ndarray) -> np.ndarray:
    seen: dict[int, int] = {}
    rank = np.empty(len(rows), dtype=np.int64)
    for i in sorted(range(len(rows)), key=lambda i: (rows[i], key[i], i)):
        rank[i] = seen.get(int(rows[i]), 0)
        seen[int(rows[i])] = rank[i] + 1
    return rank


@pytest.mark.parametrize("row_max", [1, 400, 70_000])
@pytest.mark.parametrize("span", [1, 5_000, 2**16, 70_000, 2**40])
def test_rank_in_row_on_every_path(row_max: int, span: int) -> None:
    rng = np.random.default_rng(row_max + span)
    for n in (1, 2, 500, 3000):
        rows = rng.integers(0, row_max, n).astype(np.int64)
        if n % 2:
            rows.sort()
        key = rng.integers(-span // 2, span - span // 2, n).astype(np.int64)
        assert np.array_equal(_rank_in_row(rows, key), _reference(rows, key))
    assert len(_rank_in_row(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))) == 0
