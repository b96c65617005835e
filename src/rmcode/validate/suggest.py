""""Did you mean": the one helper every check uses to suggest the closest known value."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

CUTOFF = 0.6  # difflib's similarity ratio below which a guess helps less than no guess


def suggest(value: str, options: Iterable[str]) -> str:
    """A did-you-mean hint: the closest of ``options``, or nothing."""
    close = difflib.get_close_matches(value, sorted(options), n=1, cutoff=CUTOFF)
    return f"did you mean '{close[0]}'?" if close else ""


def did_you_mean(value: str, options: Sequence[str], shown: int = 12) -> str:
    """The closest of ``options``, or else the first ``shown`` of them (in their order) to choose from."""
    return suggest(value, options) or f"use one of: {', '.join(options[:shown])}" + ", ..." * (len(options) > shown)
