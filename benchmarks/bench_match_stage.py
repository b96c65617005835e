"""Wall and CPU of each step of `rmcode match` after validation (issue 14), on a program repository.

    TREE/.venv/bin/python benchmarks/bench_match_stage.py --root REPO [--runs 5]

Validates REPO once (as `rmcode match` does, cache allowed) and freezes the loaded program for
the collector (so that trees with and without the command's own freeze compare alike), then runs
the matching stage ``--runs`` times after one warm-up: ``match.assign.propose`` and its steps
(build_pool, solve, _pairs, _unmatched) and the rendering of matches.yaml. Prints the median
wall and process CPU of each and the load average. Run it with each tree's own Python,
alternating, to compare trees on a shared machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import rmcode.formats.matches as matches_file
from rmcode.api import match as api_match
from rmcode.match import assign
from rmcode.validate.sealed import seal_pairs

ON = dt.date(2026, 3, 2)
STEPS = ("build_pool", "solve", "_pairs", "_unmatched", "propose")


def _timed(times: dict[str, list[tuple[float, float]]], name: str,
           fn: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            times.setdefault(name, []).append((time.perf_counter() - wall, time.process_time() - cpu))
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data = api_match._matchable(args.root, ON, None)
    gc.collect()
    gc.freeze()
    times: dict[str, list[tuple[float, float]]] = {}
    for name in STEPS:
        setattr(assign, name, _timed(times, name, getattr(assign, name)))
    render = _timed(times, "render", matches_file.render)
    for run in range(args.runs + 1):
        proposal = assign.propose(data, ON, None)
        render(seal_pairs(proposal.pairs, data.program.sealing.keys), proposal.unmatched)
        if run == 0:
            times.clear()  # the warm-up
    print(f"{args.root}: {args.runs} runs, load {os.getloadavg()[0]:.2f}")
    for name, found in times.items():
        print(f"  {name:11s} wall {statistics.median(w for w, _ in found):.3f} s  "
              f"cpu {statistics.median(c for _, c in found):.3f} s")


if __name__ == "__main__":
    main()
