#!/usr/bin/env python3
"""Time the same commands with two rmcode source trees in one run, as ratios (issue 9).

A restructuring must leave every command as fast as before. Measuring "before" and "after" on
different days on a shared machine compares the machine's load, not the code; this script
interleaves the two trees run by run (A, B, A, B, ...) on the same programs, in fresh
processes, and reports each side's best time and the ratio B/A.

Each side is a source tree (a folder holding ``src/rmcode``) or a git ref of this repository
(exported with ``git archive``, as scripts/compare_outputs.py does). Both sides run with the
same Python (``PYTHONPATH=<tree>/src``) and their own empty cache folder per cold run.

Programs and commands:

- a synthetic program (benchmarks/bench_report.py's generator: ``--people`` participants,
  ``--checkins`` check-ins, survey answers), committed to git: ``validate`` cold (no cache) and
  warm, ``status``, ``report --format json``, ``match --dry-run``, ``nudge``;
- the demo program of this checkout: ``build`` (the whole site with mkdocs).

Example:
    .venv/bin/python benchmarks/bench_compare.py cdd0fed main
    .venv/bin/python benchmarks/bench_compare.py main /work/wt-x --people 2000 --checkins 10000 --runs 5

Each command's best wall time and best CPU time (user + system of the child process) are printed
side by side: on a shared machine the CPU time moves less with the load than the wall time.

Results are recorded in docs/performance-restructure.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "scripts"))

from bench_report import AS_OF, generate
from compare_outputs import prepare_program, prepare_tree

DEMO_AS_OF = "2026-11-25"


def _env(tree: Path, cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(PYTHONPATH=str(tree / "src"), XDG_CACHE_HOME=str(cache), LC_ALL="C.UTF-8", TZ="UTC")
    return env


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run(python: str, tree: Path, cache: Path, cwd: Path, args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the child) of one command."""
    start, cpu = time.perf_counter(), _cpu()
    done = subprocess.run([python, "-m", "rmcode", *args], env=_env(tree, cache), cwd=cwd,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    took = time.perf_counter() - start, _cpu() - cpu
    if done.returncode not in (0, 1):  # 1: problems found, a normal outcome for some commands
        raise SystemExit(f"error: rmcode {' '.join(args)} with {tree} exited {done.returncode}:\n"
                         f"{done.stderr.decode(errors='replace')[-2000:]}")
    return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("a", help="the 'before' tree: a folder with src/rmcode or a git ref")
    parser.add_argument("b", help="the 'after' tree")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--checkins", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3, help="runs per side and command (best is kept)")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--only", action="append", default=[], metavar="TEXT",
                        help="run only the commands whose name contains TEXT (repeatable), e.g. --only report")
    args = parser.parse_args(argv)
    repo = HERE.parent
    # no automatic `git gc` in the background: it packs the objects of a fresh large commit while
    # the copies below are made (and would add noise to the timed runs)
    os.environ.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="gc.auto", GIT_CONFIG_VALUE_0="0")

    with tempfile.TemporaryDirectory(prefix="rmcode-bench-compare-") as tmp_name:
        tmp = Path(tmp_name)
        trees = {side: prepare_tree(spec, repo, tmp / f"tree-{side}") for side, spec in (("A", args.a), ("B", args.b))}
        synthetic, demo = tmp / "synthetic", tmp / "demo"
        start = time.perf_counter()
        generate(synthetic / "files", args.people, args.checkins)
        prepare_program(synthetic / "files", synthetic / "repo")
        prepare_program(None, demo / "repo")
        # one copy of each program per side: the validation cache lives in the repository's .git,
        # and a shared one would be rewritten by the other side on every run (never warm)
        for side in trees:
            shutil.copytree(synthetic / "repo", synthetic / side, symlinks=True)
            shutil.copytree(demo / "repo", demo / side, symlinks=True)
        print(f"programs ready in {time.perf_counter() - start:.1f} s "
              f"({args.people:,} people, {args.checkins:,} check-ins; and the demo)")
        time.sleep(2.5)  # files younger than 2 s are not trusted by the validation cache
        def prog(side: str) -> list[str]:
            return ["--root", str(synthetic / side), "--as-of", AS_OF]

        # (name, arguments for a side, cold: a fresh cache and a fresh copy of the repository per run)
        cases: list[tuple[str, Callable[[str], list[str]], bool]] = [
            ("validate (cold)", lambda side: ["validate", *prog(side)], True),
            ("validate (warm)", lambda side: ["validate", *prog(side)], False),
            ("status", lambda side: ["status", *prog(side)], False),
            ("report --format json", lambda side: ["report", "--format", "json", *prog(side)], False),
            ("match --dry-run", lambda side: ["match", "--dry-run", *prog(side)], False),
            ("nudge", lambda side: ["nudge", *prog(side)], False),
            ("build (demo)", lambda side: ["build", "--root", str(demo / side), "--out", str(tmp / f"site-{side}"),
                                           "--as-of", DEMO_AS_OF], False),
        ]
        if args.only:
            cases = [case for case in cases if any(text in case[0] for text in args.only)]
        warm = {side: tmp / f"cache-{side}" for side in trees}
        for side, tree in trees.items():  # fill each side's warm cache once, untimed
            _run(args.python, tree, warm[side], tmp, ["validate", *prog(side)])
        print(f"load average {os.getloadavg()[0]:.2f} before\n")
        print("| command | A wall (s) | B wall (s) | B/A wall | A CPU (s) | B CPU (s) | B/A CPU |\n"
              "|---|---:|---:|---:|---:|---:|---:|")
        worst = 0.0
        for name, cmd, cold in cases:
            best: dict[str, float] = {}
            best_cpu: dict[str, float] = {}
            for run in range(args.runs):
                for side, tree in trees.items():
                    argv = cmd(side)
                    if cold:  # the cache in .git goes with a fresh copy of the repository
                        fresh = synthetic / f"cold-{side}"
                        shutil.copytree(synthetic / "repo", fresh, symlinks=True)
                        argv = [fresh.as_posix() if a == str(synthetic / side) else a for a in argv]
                    cache = tmp / f"cold-{side}-{run}" if cold else warm[side]
                    took, cpu = _run(args.python, tree, cache, tmp, argv)
                    best[side] = min(best.get(side, took), took)
                    best_cpu[side] = min(best_cpu.get(side, cpu), cpu)
                    if cold:
                        shutil.rmtree(cache, ignore_errors=True)
                        shutil.rmtree(synthetic / f"cold-{side}", ignore_errors=True)
            ratio = best["B"] / best["A"]
            worst = max(worst, ratio)
            print(f"| {name} | {best['A']:.2f} | {best['B']:.2f} | {ratio:.2f} | {best_cpu['A']:.2f} | "
                  f"{best_cpu['B']:.2f} | {best_cpu['B'] / best_cpu['A']:.2f} |", flush=True)
        print(f"\nA = {args.a}, B = {args.b}; best of {args.runs} interleaved runs each (wall and CPU best "
              "separately; CPU is the child's user + system time); "
              f"load average {os.getloadavg()[0]:.2f} after; slowest ratio {worst:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
