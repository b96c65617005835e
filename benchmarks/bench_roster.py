"""Time `rmcode roster import` of a 100,000-employee export and `rmcode validate` of 10,000 profiles against it.

    python benchmarks/bench_roster.py [--employees 100000] [--participants 10000] [--runs 3]

Builds a synthetic program (benchmarks/synthetic.py, no check-ins) whose 10,000 participants
are employees in an HR export of 100,000 people (semicolon-delimited, BOM, CRLF, quoted
names, a manager tree eight wide; 1% of the participants' departments disagree with their
profile, so validate has problems to report). Each run uses the real CLI in a fresh process:

1. first import (every email sealed, in buckets, to two age recipients);
2. re-import of the same export with --identity (every bucket opened and kept byte for byte);
3. validate, cold (no cache) and warm, with the roster.

Prints a Markdown table: best and every run, and the load average (the machine is shared).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import generate

from rmcode.sealing import generate_identity

AS_OF = ["--as-of", "2026-12-01"]


def export_csv(root: Path, employees: int, seed: int = 11) -> bytes:
    """The HR export: the participants first (their level and department from their profiles), then everyone else."""
    rng = random.Random(seed)
    profiles = sorted((root / "participants").glob("*.yaml"))
    rows = [('"Employee ID";"GitHub Login";"Full Name";"Email";"Grade";"Department";"Manager ID";"Location";'
            '"Hire Date";"Cost Centre"')]
    for i in range(employees):
        manager = f"P{(i - 1) // 8:06}" if i else ""
        if i < len(profiles):
            text = profiles[i].read_text()
            login = profiles[i].stem
            level = re.search(r"^level: (\d+)$", text, re.MULTILINE).group(1)  # type: ignore[union-attr]
            department = re.search(r"^department: (.+)$", text, re.MULTILINE).group(1)  # type: ignore[union-attr]
            if i % 100 == 0:
                department = "Procurement"  # 1% disagree with their profile
        else:
            login = f"emp-{i:06}" if rng.random() < 0.7 else ""
            level, department = str(rng.randint(1, 9)), rng.choice(["Sales", "Finance", "Legal", "Engineering", "HR"])
        rows.append(f'P{i:06};{login};"Last{i}, First{i}";first{i}.last{i}@example.com;{level};{department};'
                    f'{manager};"City {i % 50}";2015-{1 + i % 12:02}-{1 + i % 28:02};"CC {i % 300}"')
    return ("\ufeff" + "\r\n".join(rows) + "\r\n").encode("utf-8")


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system, all the command's processes) and the first output line."""
    cpu, start = _child_cpu(), time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "rmcode", *args], capture_output=True, text=True, check=False,
                         env=env)
    seconds, cpu = time.perf_counter() - start, _child_cpu() - cpu
    last = (out.stdout.strip().splitlines() or [""])[0] if out.returncode == 0 else out.stderr.strip()[-300:]
    return seconds, cpu, f"exit {out.returncode}: {last[:120]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "RMCODE_IDENTITY"}
    rows: list[tuple[str, list[float], list[float], str]] = []
    print(f"load average before: {os.getloadavg()}", file=sys.stderr)
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "program"
            generate(root, args.participants, 0)
            secret, public = generate_identity()
            _, second = generate_identity()
            (Path(tmp) / "key.txt").write_text(secret + "\n")
            program = (root / "program.yaml").read_text()
            (root / "program.yaml").write_text(program + "roster:\n  ignore: [Cost Centre]\nsealing:\n  recipients:\n"
                                               f"    - {{name: admin, key: {public}}}\n"
                                               f"    - {{name: publish job, key: {second}}}\n")
            export = Path(tmp) / "hr-export.csv"
            export.write_bytes(export_csv(root, args.employees))
            steps = [
                ("first import", ["roster", "import", "--root", str(root), str(export)]),
                ("re-import, same export, with --identity",
                 ["roster", "import", "--root", str(root), str(export), "--identity", str(Path(tmp) / "key.txt")]),
                ("validate, cold (no cache)", ["validate", "--root", str(root), *AS_OF]),
                ("validate, warm", ["validate", "--root", str(root), *AS_OF]),
            ]
            for index, (label, argv) in enumerate(steps):
                seconds, cpu, result = timed(argv, env)
                if run == 0:
                    rows.append((label, [], [], result))
                rows[index][1].append(seconds)
                rows[index][2].append(cpu)
            if run == 0:
                size = export.stat().st_size / 1e6
                print(f"export: {args.employees:,} employees, {size:.1f} MB; roster.csv "
                      f"{(root / 'roster.csv').stat().st_size / 1e6:.1f} MB; roster.sealed.yaml "
                      f"{(root / 'roster.sealed.yaml').stat().st_size / 1e6:.1f} MB", file=sys.stderr)
    print(f"load average after: {os.getloadavg()}", file=sys.stderr)
    print("| step | best wall | wall, every run | CPU, every run | output |\n|---|---|---|---|---|")
    for label, times, cpus, result in rows:
        print(f"| {label} | {min(times):.2f} s | {', '.join(f'{t:.2f}' for t in times)} | "
              f"{', '.join(f'{t:.2f}' for t in cpus)} | {result} |")
    best = {label: min(times) for label, times, _, _ in rows}
    total = best["first import"] + best["validate, cold (no cache)"]
    print(f"\nfirst import + cold validate: {total:.2f} s (target: under 10 s)")


if __name__ == "__main__":
    main()
