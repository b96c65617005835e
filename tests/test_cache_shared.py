"""The cache's reducers share equal dates, dicts and tuples of text; they look only at the fields whose
annotation allows one (``cache._shared_fields``): no field of the demo program's objects holds one elsewhere."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from rmcode import api
from rmcode.io import cache


def test_only_fields_annotated_as_plain_values_are_skipped() -> None:
    result = api.validate(Path(__file__).parents[1], dt.date(2026, 12, 1), use_cache=False)
    assert result.data is not None
    seen: set[int] = set()
    checked = 0

    def walk(obj: object) -> None:
        nonlocal checked
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            plan = cache._PLANS.get(type(obj))
            for i, f in enumerate(dataclasses.fields(obj)):
                value = getattr(obj, f.name)
                if plan is not None and type(value) in (dt.date, dict, tuple):
                    checked += 1
                    assert i in plan[4], (type(obj).__name__, f.name)
                walk(value)
        elif isinstance(obj, (tuple, list, frozenset)):
            for item in obj:
                walk(item)

    walk(result.data)
    assert checked > 100
    participant = cache._PLANS[type(result.data.participants[0])]
    assert 0 < len(participant[4]) < len(dataclasses.fields(result.data.participants[0]))
