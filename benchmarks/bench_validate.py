"""Time `rmcode validate` end to end on a synthetic program (issue 2's benchmark).

    python benchmarks/bench_validate.py [--participants 10000] [--checkins 50000]

Runs the real CLI in a subprocess: a cold run (no cache), a warm run (nothing changed)
and a run after one participant file changed. Prints a Markdown table row per run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import generate

RMCODE = [sys.executable, "-m", "rmcode", "validate", "--as-of", "2026-12-01", "--root"]


def timed(root: Path) -> tuple[float, int, str]:
    start = time.perf_counter()
    out = subprocess.run([*RMCODE, str(root)], capture_output=True, text=True, check=False)
    return time.perf_counter() - start, out.returncode, out.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=10000)
    parser.add_argument("--checkins", type=int, default=50000)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="rmcode-bench-"))
    try:
        generate(root, args.participants, args.checkins)
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        files = sum(1 for _ in root.rglob("*.yaml"))
        print(f"{files:,} files, {os.cpu_count()} cores\n")
        print("| run | seconds | exit | output |\n|---|---|---|---|")
        shutil.rmtree(root / ".git" / "rmcode-cache", ignore_errors=True)
        for label in ("cold (no cache)", "warm (nothing changed)"):
            seconds, code, last = timed(root)
            print(f"| {label} | {seconds:.2f} | {code} | {last} |")
            time.sleep(2.5)  # let the cache's racy window pass, as between two real runs
        target = root / "participants" / "user-00007.yaml"
        target.write_text(target.read_text().replace("Bio of user 7", "Bio of user seven"))
        time.sleep(2.5)
        seconds, code, last = timed(root)
        print(f"| one file changed | {seconds:.2f} | {code} | {last} |")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
