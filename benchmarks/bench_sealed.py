#!/usr/bin/env python3
"""Benchmark sealed data (issue 10): `rmcode validate` without a key, plain vs sealed, in one run,
and `rmcode report --private` with the key.

Writes two copies of one synthetic program (10,000 profiles, 50,000 check-ins, 20,000 survey
responses: everyone answers two surveys) into benchmarks/out/sealed-{plain,sealed} (git-ignored):
the plain one as programs are today, the sealed one with every value rmcode seals sealed to a
benchmark key (ratings, fit answers, self-identification, every survey's answers). Then times,
each in a fresh process, best of ``--runs``:

- ``rmcode validate`` cold (no cache) and warm, on both copies (no key: structure only);
- ``rmcode report --private`` on the sealed copy with ``--identity`` (opens every value).

Each run also records the CPU time (user + system) of the command and of the processes it waited
for (the opening workers): on a shared machine the wall time follows the other sessions' load, the
CPU time much less. ``--baseline TREE`` runs every command with TREE's source as well (a folder
holding src/rmcode, e.g. /work/main), interleaved run by run, so both sides see the same load.

Usage: .venv/bin/python benchmarks/bench_sealed.py [--people N] [--checkins N] [--runs N] [--reuse]
                                                   [--baseline TREE] [--only validate|report]
Results are recorded in docs/performance-sealed.md.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_report import AS_OF, PROGRAM, generate
from bytecode import compile_rmcode

from rmcode.sealing import generate_identity, seal

OUT = Path(__file__).resolve().parent / "out"
SURVEYS = PROGRAM.replace("privacy:", """\
  - id: closing
    name: Closing
    questions:
      - {id: would-continue, text: Would you continue?, type: yes-no}
      - {id: value, text: How valuable?, type: scale, min: 1, max: 5}
privacy:""")
_SEALED_LINE = re.compile(r"^(rating|good_fit): (.+)$", re.MULTILINE)
_SELF_ID = re.compile(r"^self_identification: (\{.*\})$", re.MULTILINE)
_ANSWERS = re.compile(r"^answers:\n((?:  .*\n)+)", re.MULTILINE)


def _block(armor: str, indent: str = "  ") -> str:
    return "|\n" + textwrap.indent(armor, indent)


def _surveys(root: Path, people: int) -> None:
    """Replace the generator's responses by two per person (pulse and closing): 20,000 for 10,000 people."""
    shutil.rmtree(root / "surveys")
    for survey in ("pulse", "closing"):
        folder = root / "surveys" / survey
        folder.mkdir(parents=True)
        for i in range(people):
            login = f"{('mentor', 'mentee')[i % 2]}-{i // 2:05d}"
            folder.joinpath(f"{login}.yaml").write_text(
                f"survey: {survey}\nrespondent: {login}\ndate: \"2026-04-{1 + i % 28:02d}\"\nanswers:\n"
                f"  would-continue: {str(i % 7 != 0).lower()}\n  value: {1 + i % 5}\n", encoding="utf-8")


def _seal_file(job: tuple[str, str]) -> int:
    """Seal the sealed fields of one generated file in place (the generator's simple layout)."""
    path, public = job
    text = Path(path).read_text(encoding="utf-8")
    count = 0

    def scalar(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        value = {"true": True, "false": False}.get(match[2], None)
        return f"{match[1]}: " + _block(seal(int(match[2]) if value is None else value, [public])).rstrip("\n")

    def self_id(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        gender = re.search(r"gender: ([\w-]+)", match[1])
        return "self_identification: " + _block(seal({"gender": gender[1] if gender else ""}, [public])).rstrip("\n")

    def answers(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        values = {}
        for line in match[1].splitlines():
            key, _, raw = line.strip().partition(": ")
            values[key] = {"true": True, "false": False}.get(raw, int(raw) if raw.isdigit() else raw)
        return "answers: " + _block(seal(values, [public]))

    text = _ANSWERS.sub(answers, _SELF_ID.sub(self_id, _SEALED_LINE.sub(scalar, text)))
    Path(path).write_text(text, encoding="utf-8")
    return count


def build(people: int, checkins: int, key_file: Path) -> tuple[Path, Path, int]:
    plain, sealed = OUT / "sealed-plain", OUT / "sealed-sealed"
    generate(plain, people, checkins)
    (plain / "program.yaml").write_text(SURVEYS, encoding="utf-8")
    _surveys(plain, people)
    if sealed.exists():
        shutil.rmtree(sealed)
    shutil.copytree(plain, sealed)
    secret, public = generate_identity()
    key_file.write_text(f"# benchmark key\n{secret}\n", encoding="utf-8")
    with (sealed / "program.yaml").open("a", encoding="utf-8") as handle:
        handle.write(f"sealing:\n  recipients:\n    - {{name: Benchmark, key: {public}}}\n")
    files = [str(p) for folder in ("participants", "checkins", "surveys") for p in (sealed / folder).rglob("*.yaml")]
    with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
        values = sum(pool.map(_seal_file, [(f, public) for f in files], chunksize=500))
    return plain, sealed, values


Run = tuple[float, float, float]  # wall seconds, CPU seconds (user + system, workers included), load average


def timed(args: list[str], runs: int, before: object = None, tree: Path | None = None) -> list[Run]:
    env = None
    if tree is not None:  # another source tree (--baseline) with this Python and its libraries
        env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    out = []
    for _ in range(runs):
        if callable(before):
            before()
        used, load = resource.getrusage(resource.RUSAGE_CHILDREN), os.getloadavg()[0]
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "rmcode", *args], capture_output=True, text=True, check=False,
                              env=env)
        wall = time.perf_counter() - start
        now = resource.getrusage(resource.RUSAGE_CHILDREN)
        out.append((wall, now.ru_utime - used.ru_utime + now.ru_stime - used.ru_stime, load))
        if done.returncode != 0:
            raise SystemExit(f"rmcode {' '.join(args)} failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")
    return out


def drop_cache(root: Path) -> None:
    shutil.rmtree(root / ".git" / "rmcode-cache", ignore_errors=True)
    for cached in Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache").joinpath("rmcode").glob("*"):
        shutil.rmtree(cached, ignore_errors=True)


def row(label: str, times: list[Run]) -> str:
    walls = ", ".join(f"{w:.2f}" for w, _, _ in times)
    cpus = ", ".join(f"{c:.2f}" for _, c, _ in times)
    loads = ", ".join(f"{load:.1f}" for _, _, load in times)
    return (f"| {label} | **{min(w for w, _, _ in times):.2f} s** ({walls}) | **{min(c for _, c, _ in times):.2f} s** "
            f"({cpus}) | {loads} |")


def mirror(root: Path) -> Path:
    """A copy of ``root`` for the baseline tree, its files hard-linked, with a .git of its own: the
    validation cache lives in .git and keeps one source version only, so two trees sharing one
    repository would each find the other's cache and validate cold on every run."""
    copy = root.with_name(root.name + "-baseline")
    if not copy.exists():
        subprocess.run(["cp", "-al", str(root), str(copy)], check=True)
        shutil.rmtree(copy / ".git")
        subprocess.run(["git", "init", "-q", str(copy)], check=True)
    return copy


def on_mirror(args: list[str]) -> list[str]:
    programs = {str(OUT / "sealed-plain"), str(OUT / "sealed-sealed")}
    return [str(mirror(Path(a))) if a in programs else a for a in args]


def measure(label: str, args: list[str], runs: int, baseline: Path | None, before: object = None,
            before_baseline: object = None) -> list[str]:
    """Rows for one command: this tree, and the baseline tree (on a mirror) interleaved run by run."""
    if baseline is None:
        return [row(label, timed(args, runs, before))]
    ours: list[Run] = []
    theirs: list[Run] = []
    for _ in range(runs):
        theirs += timed(on_mirror(args), 1, before_baseline, baseline)
        ours += timed(args, 1, before)
    return [row(f"{label} [baseline {baseline}]", theirs), row(label, ours)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--checkins", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep the generated programs and key")
    parser.add_argument("--baseline", type=Path, help="a source tree to time interleaved with this one")
    parser.add_argument("--only", choices=("validate", "report"), help="time only these commands")
    args = parser.parse_args()
    key = OUT / "sealed-benchmark.key"
    OUT.mkdir(parents=True, exist_ok=True)
    plain, sealed = OUT / "sealed-plain", OUT / "sealed-sealed"
    if not (args.reuse and key.exists() and (sealed / "program.yaml").exists()):
        start = time.perf_counter()
        plain, sealed, values = build(args.people, args.checkins, key)
        print(f"generated and sealed {values:,} values in {time.perf_counter() - start:.1f} s")
    for root in (plain, sealed):
        if not (root / ".git").exists():
            subprocess.run(["git", "init", "-q", str(root)], check=True)
    compile_rmcode()  # as installed: bytecode compiled once, not on every run (see bytecode.py)
    if args.baseline:
        compile_rmcode(args.baseline)
    time.sleep(2.5)  # the validation cache does not trust files written in the last 2 s
    print(f"load average {os.getloadavg()[0]:.2f} before")
    rows = ["| run | wall, best (every run) | CPU, best (every run) | load average at each start |",
            "|---|---|---|---|"]
    validate = ["validate", "--as-of", AS_OF, "--root"]
    if args.only != "report":
        for label, root in (("plain (today)", plain), ("sealed, no key", sealed)):
            rows += measure(f"validate cold, {label}", [*validate, str(root)], args.runs, args.baseline,
                            lambda r=root: drop_cache(r), lambda r=root: drop_cache(mirror(r)))
            rows += measure(f"validate warm, {label}", [*validate, str(root)], args.runs, args.baseline)
    if args.only != "validate":
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "report.md"
            report = ["report", "--private", "--as-of", AS_OF, "--root", str(sealed), "--out", str(out)]
            if args.baseline:  # each tree's cache warm before its first timed run, and the same report
                timed(on_mirror([*report, "--identity", str(key)]), 1, tree=args.baseline)
                before = out.read_bytes()
                timed([*report, "--identity", str(key)], 1)
                print(f"report with the key, this tree and the baseline: "
                      f"{'byte-identical' if out.read_bytes() == before else 'DIFFERENT'}")
            timed([*report, "--identity", str(key)], 1)
            rows += measure("report --private --identity KEY (sealed, opens every value)",
                            [*report, "--identity", str(key)], args.runs, args.baseline)
            text = out.read_text(encoding="utf-8")
            assert "needs the program key" not in text and "could not be read" not in text, "the key did not open all"
        no_key = ["report", "--private", "--as-of", AS_OF, "--root", str(sealed), "--out", os.devnull]
        rows += measure("report --private, no key (sealed)", no_key, args.runs, args.baseline)
    print(f"load average {os.getloadavg()[0]:.2f} after")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
