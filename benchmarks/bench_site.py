#!/usr/bin/env python3
"""Benchmark `rmcode build`: the demo site, and a synthetic program of 10,000 participants.

Targets (issue 5): the demo builds in under 10 s; 10,000 participants build in under
90 s on a 2-core machine with the output under 200 MB. Each build runs the real CLI in
a fresh process (`python -m rmcode build`), so imports and mkdocs start-up count.
The synthetic program is bench_report.py's (5,000 pairs, 50,000 check-ins, survey
answers) with profiles made public (80 %: name, title, department, skills, bio) and
score breakdowns on every pair, so that every page is as large as it can get.
Results are recorded in docs/performance-site.md.

Usage: .venv/bin/python benchmarks/bench_site.py [--people 10000] [--checkins 50000] [--runs 1] [--skip-demo]
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import bench_report

DEMO_AS_OF = "2026-11-24"
# `rmcode build` may not be registered in cli.py yet on a branch; this shim registers it.
SHIM = ("import sys; from rmcode.cli import cli, main; from rmcode.cli import site; "
        "[cli.add_command(c) for c in (site.build, site.serve) if c.name not in cli.commands]; "
        "main(sys.argv[1:])")
BIO = ("Works on {dept} projects and has opinions about meetings. Happy to help with {skill}; "
       "ask about the last three tools that changed how the team works.")


def make_public(root: Path, seed: int = 5) -> None:
    """Profiles with public fields and bios, pairs with score breakdowns."""
    rng = random.Random(seed)
    program = root / "program.yaml"
    program.write_text(program.read_text(encoding="utf-8").replace(
        "public_fields: [name, department]", "public_fields: [name, title, department, skills_offered, "
        "skills_wanted, bio]"), encoding="utf-8")
    for path in sorted((root / "participants").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if rng.random() < 0.8:
            dept = re.search(r"^department: (.*)$", text, re.MULTILINE)
            text += (f"title: Specialist\nbio: \"{BIO.format(dept=dept.group(1) if dept else 'many', skill='AI')}\"\n"
                     "visibility: {name: public, title: public, department: public, skills_offered: public, "
                     "skills_wanted: public, bio: public}\n")
            path.write_text(text, encoding="utf-8")
    matches = root / "matches.yaml"
    lines = matches.read_text(encoding="utf-8").splitlines()
    parts = "skills: 0.2, working_style: 0.1, cross_department: 0.15, timezone: 0.1, availability: 0.1, preferences: 0"
    matches.write_text("\n".join(line[:-1] + f", score: 0.65, breakdown: {{{parts}}}}}" if line.endswith("}") else line
                                 for line in lines) + "\n", encoding="utf-8")


def build(root: Path, out: Path, as_of: str, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", SHIM, "build", "--root", str(root), "--out", str(out),
                        "--as-of", as_of], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def size_mb(out: Path) -> tuple[float, int, float]:
    files = [p for p in out.rglob("*") if p.is_file()]
    largest = max((p.stat().st_size for p in files), default=0)
    return sum(p.stat().st_size for p in files) / 1e6, len(files), largest / 1e6


def report(label: str, times: list[float], out: Path) -> None:
    total, count, largest = size_mb(out)
    # peak memory of the largest child so far (Linux: kilobytes)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"| {label} | {min(times):.1f} s (runs: {', '.join(f'{t:.1f}' for t in times)}) | {total:.1f} MB "
          f"| {count:,} | {largest:.1f} MB | {peak:,.0f} MB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--checkins", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--work", type=Path, default=HERE / "out" / "site")
    parser.add_argument("--skip-demo", action="store_true")
    args = parser.parse_args()
    print("| program | build time | output | files | largest file | peak memory |\n|---|---|---|---|---|---|")
    if not args.skip_demo:
        report("demo (49 people)", build(REPO, args.work / "demo-out", DEMO_AS_OF, max(args.runs, 3)),
               args.work / "demo-out")
    program = args.work / "program"
    start = time.perf_counter()
    bench_report.generate(program, args.people, args.checkins)
    make_public(program)
    print(f"(generated {args.people:,} people and {args.checkins:,} check-ins in {time.perf_counter() - start:.0f} s)")
    out = args.work / "synthetic-out"
    report(f"synthetic ({args.people:,} people)", build(program, out, bench_report.AS_OF, args.runs), out)


if __name__ == "__main__":
    main()
