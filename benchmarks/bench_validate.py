"""Time `rmcode validate` end to end on a synthetic program (issue 2's benchmark).

    python benchmarks/bench_validate.py [--participants 10000] [--checkins 50000] [--runs 3] [--commit]

Runs the real CLI in a fresh process each time: cold (no cache), warm (nothing changed) and
after one participant file changed, each ``--runs`` times; prints a Markdown table with the
best and every run, and the load average before and after (the machine may be shared).
With ``--commit`` the program is committed and the changed-file run is repeated without
``--as-of``, as people run it (git status then runs alongside).

Python keeps bytecode caches (``__pycache__``) as it does for an installed rmcode; pass
``--no-bytecode`` to compile rmcode's modules on every run instead (a fresh editable checkout
with PYTHONDONTWRITEBYTECODE set, as in the development sandbox).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import generate

AS_OF = ["--as-of", "2026-12-01"]
CHANGED = "participants/user-00007.yaml"


def bytecode_env(allowed: bool) -> dict[str, str]:
    """The environment of the timed runs: with bytecode caches, or with rmcode's own modules compiled
    on every run, as in a fresh editable checkout where PYTHONDONTWRITEBYTECODE is set."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if not allowed:
        spec = importlib.util.find_spec("rmcode")
        for folder in (spec.submodule_search_locations or []) if spec else []:
            for cached in Path(folder).rglob("__pycache__"):
                shutil.rmtree(cached, ignore_errors=True)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def timed(root: Path, env: dict[str, str], extra: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "rmcode", "validate", "--root", str(root), *extra],
                         capture_output=True, text=True, check=False, env=env)
    seconds = time.perf_counter() - start
    return seconds, f"exit {out.returncode}: {(out.stdout.strip().splitlines() or [''])[-1]}"


def series(label: str, runs: int, before: Callable[[int], None], root: Path, env: dict[str, str],
           extra: list[str]) -> None:
    times, last = [], ""
    for n in range(runs):
        before(n)
        seconds, last = timed(root, env, extra)
        times.append(seconds)
    print(f"| {label} | {min(times):.2f} | {', '.join(f'{t:.2f}' for t in times)} | {last} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=10000)
    parser.add_argument("--checkins", type=int, default=50000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--commit", action="store_true", help="commit the program; also time a run without --as-of")
    parser.add_argument("--no-bytecode", action="store_true", help="set PYTHONDONTWRITEBYTECODE=1")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="rmcode-bench-"))
    env = bytecode_env(not args.no_bytecode)
    try:
        generate(root, args.participants, args.checkins)
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        if args.commit:
            subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
            subprocess.run(["git", "-C", str(root), "-c", "user.name=bench", "-c", "user.email=bench@example.com",
                            "commit", "-q", "-m", "program"], check=True)
        files = sum(1 for _ in root.rglob("*.yaml"))
        time.sleep(2.5)  # files written just now would be inside the cache's racy window
        print(f"{files:,} files, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} before\n")
        print("| run | best s | runs s | output |\n|---|---|---|---|")
        cache = root / ".git" / "rmcode-cache"
        series("cold (no cache)", args.runs, lambda n: shutil.rmtree(cache, ignore_errors=True), root, env, AS_OF)
        series("warm (nothing changed)", args.runs, lambda n: None, root, env, AS_OF)
        target = root / CHANGED

        def change(n: int) -> None:
            text = target.read_text(encoding="utf-8")
            target.write_text(text.replace("Bio of user 7", f"Bio of user 7 ({n})", 1) if n == 0
                              else text.replace(f"({n - 1})", f"({n})", 1), encoding="utf-8")

        series("one file changed", args.runs, change, root, env, AS_OF)
        if args.commit:
            series("one file changed, no --as-of", args.runs, lambda n: change(args.runs + n), root, env, [])
        print(f"\nload average {os.getloadavg()[0]:.2f} after")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
