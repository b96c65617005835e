#!/usr/bin/env python3
"""Compare what two rmcode source trees write for the same program: byte for byte.

For a restructuring that must not change behaviour (issue 9). Each side is a source tree
(a folder holding ``src/rmcode``) or a git ref of this repository (its ``src/`` is exported
with ``git archive`` into a temporary folder; nothing in the checkout changes). For each side,
in a fresh copy of the program repository at the same temporary path, with the same Python,
``PYTHONPATH=<tree>/src`` and an empty ``XDG_CACHE_HOME``, it runs::

    rmcode validate --format json --as-of D        -> validate.json (+ stderr, exit code)
    rmcode report   --format json --as-of D        -> report.json   (+ stderr, exit code)
    rmcode build    --out <tmp>/site --as-of D     -> site/         (the whole built site)
    rmcode match    --as-of D                      -> matches.yaml  (the written file) + stdout

then diffs the two output folders recursively. ``build``'s own stdout (it prints the elapsed
seconds) is kept as build.log but not compared.

The program is by default the demo in the repository holding this script (its tracked files,
without src/, tests/, benchmarks/ and scripts/), committed into a fresh git repository with a
fixed author and date, so ``HEAD`` dates and paths are the same for both sides.

Exit status: 0 identical, 1 different (the first differing files are listed), 2 bad usage or
a side could not be prepared.

Example:
    .venv/bin/python scripts/compare_outputs.py main HEAD
    .venv/bin/python scripts/compare_outputs.py main /work/wt-9-try --as-of 2026-11-25
    .venv/bin/python scripts/compare_outputs.py /work/main . --program ../my-program --keep /tmp/cmp
"""

from __future__ import annotations

import argparse
import difflib
import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
CODE_DIRS = ("src/", "tests/", "benchmarks/", "scripts/")
FIXED_DATE = "2026-11-25T12:00:00+00:00"


def _git(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(["git", *args], check=False, cwd=cwd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"error: git {' '.join(args)} in {cwd}: {done.stderr.strip()}")
    return done.stdout


def prepare_tree(spec: str, repo: Path, dest: Path) -> Path:
    """Return a folder whose src/ holds the rmcode package of SPEC (a folder or a git ref)."""
    as_path = Path(spec)
    if (as_path / "src" / "rmcode" / "__init__.py").is_file():
        return as_path.resolve()
    check = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}"],
                           cwd=repo, capture_output=True, text=True, check=False)
    if check.returncode != 0:
        raise SystemExit(f"error: {spec!r} is neither a folder with src/rmcode nor a git ref of {repo}")
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "--format=tar", spec, "src"], cwd=repo,
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def prepare_program(source: Path | None, dest: Path) -> None:
    """Copy the program's files into DEST and commit them as one fixed-date commit."""
    src = source or HERE
    if (src / ".git").exists():
        files = [f for f in _git(src, "ls-files", "-z").split("\0") if f]
        if source is None:
            files = [f for f in files if not f.startswith(CODE_DIRS)]
        for rel in files:
            target = dest / rel
            if (src / rel).is_file():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src / rel, target)
    else:
        shutil.copytree(src, dest, dirs_exist_ok=True)
    env = {**os.environ, "GIT_AUTHOR_NAME": "compare", "GIT_AUTHOR_EMAIL": "compare@example.org",
           "GIT_COMMITTER_NAME": "compare", "GIT_COMMITTER_EMAIL": "compare@example.org",
           "GIT_AUTHOR_DATE": FIXED_DATE, "GIT_COMMITTER_DATE": FIXED_DATE}
    _git(dest, "init", "-q", "-b", "main", env=env)
    _git(dest, "add", "-A", env=env)
    _git(dest, "commit", "-q", "--no-gpg-sign", "-m", "program", env=env)


def run_side(tree: Path, pristine: Path, work: Path, out: Path, python: str, as_of: str) -> float:
    """Run the four commands with TREE's code; collect their outputs in OUT."""
    program, site, cache = work / "program", work / "site", work / "cache"
    for path in (program, site, cache):
        shutil.rmtree(path, ignore_errors=True)
    shutil.copytree(pristine, program, symlinks=True)
    cache.mkdir(parents=True)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(PYTHONPATH=str(tree / "src"), XDG_CACHE_HOME=str(cache), PYTHONHASHSEED="0",
               LC_ALL="C.UTF-8", TZ="UTC")
    where = subprocess.run([python, "-c", "import rmcode; print(rmcode.__file__)"], env=env,
                           capture_output=True, text=True, cwd=work, check=False)
    if not where.stdout.strip().startswith(str(tree / "src")):
        raise SystemExit(f"error: {python} imports rmcode from {where.stdout.strip() or where.stderr.strip()}, "
                         f"not from {tree / 'src'}")
    out.mkdir(parents=True)
    started = time.perf_counter()
    codes: list[str] = []

    def rmcode(name: str, *args: str) -> subprocess.CompletedProcess[bytes]:
        done = subprocess.run([python, "-m", "rmcode", name, "--root", str(program), *args],
                              env=env, cwd=work, capture_output=True, check=False)
        codes.append(f"{name}: {done.returncode}")
        return done

    for name in ("validate", "report"):
        done = rmcode(name, "--format", "json", "--as-of", as_of)
        (out / f"{name}.json").write_bytes(done.stdout)
        (out / f"{name}.stderr").write_bytes(done.stderr)
    done = rmcode("build", "--out", str(site), "--as-of", as_of)
    (out / "build.log").write_bytes(done.stdout + done.stderr)
    if site.is_dir():
        shutil.copytree(site, out / "site", symlinks=True)
    done = rmcode("match", "--as-of", as_of)
    (out / "match.stdout").write_bytes(done.stdout)
    (out / "match.stderr").write_bytes(done.stderr)
    if (program / "matches.yaml").is_file():
        shutil.copy2(program / "matches.yaml", out / "matches.yaml")
    (out / "exit-codes.txt").write_text("\n".join(codes) + "\n")
    return time.perf_counter() - started


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def compare(a: Path, b: Path, ignore: set[str], limit: int) -> list[str]:
    """Return one line per difference: missing files and files whose bytes differ."""
    fa, fb = _files(a) - ignore, _files(b) - ignore
    lines = [f"only in A: {f}" for f in sorted(fa - fb)] + [f"only in B: {f}" for f in sorted(fb - fa)]
    for rel in sorted(fa & fb):
        if not filecmp.cmp(a / rel, b / rel, shallow=False):
            lines.append(f"differs: {rel}")
            if len([x for x in lines if x.startswith("differs")]) <= limit:
                lines.extend(_first_diff(a / rel, b / rel))
    return lines


def _first_diff(pa: Path, pb: Path) -> list[str]:
    try:
        ta, tb = pa.read_text().splitlines(), pb.read_text().splitlines()
    except UnicodeDecodeError:
        return [f"    (binary: {pa.stat().st_size} vs {pb.stat().st_size} bytes)"]
    diff = list(difflib.unified_diff(ta, tb, "A", "B", n=1, lineterm=""))
    return ["    " + line[:200] for line in diff[:12]]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("a", help="source tree folder (with src/rmcode) or git ref, e.g. main")
    parser.add_argument("b", help="source tree folder or git ref to compare against A")
    parser.add_argument("--repo", type=Path, default=HERE,
                        help="git repository the refs belong to (default: this checkout)")
    parser.add_argument("--program", type=Path, default=None,
                        help="program repository to run on (default: the demo in this checkout)")
    parser.add_argument("--as-of", default="2026-11-25", help="fixed --as-of date (default: 2026-11-25)")
    parser.add_argument("--python", default=sys.executable,
                        help="Python with rmcode's dependencies (default: this interpreter)")
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep the two output folders here (as A/ and B/) for inspection")
    parser.add_argument("--limit", type=int, default=5, help="show content diffs for this many files")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="rmcode-compare-") as tmp_name:
        tmp = Path(tmp_name)
        trees = [prepare_tree(spec, args.repo, tmp / f"tree-{side}") for spec, side in ((args.a, "A"), (args.b, "B"))]
        pristine = tmp / "pristine"
        prepare_program(args.program.resolve() if args.program else None, pristine)
        results = args.keep.resolve() if args.keep else tmp / "results"
        if args.keep:
            shutil.rmtree(results, ignore_errors=True)
        for tree, side in zip(trees, ("A", "B"), strict=True):
            seconds = run_side(tree, pristine, tmp / "work", results / side, args.python, args.as_of)
            codes = (results / side / "exit-codes.txt").read_text().split("\n")
            print(f"{side}: {tree} ({seconds:.1f} s; {', '.join(c for c in codes if c)})")
        lines = compare(results / "A", results / "B", {"build.log"}, args.limit)
        count = len(_files(results / "A"))
        if not lines:
            print(f"identical: {count} files (validate, report, site, matches.yaml, exit codes)")
            return 0
        print(f"DIFFERENT: {sum(1 for x in lines if not x.startswith('    '))} of {count} files")
        print("\n".join(lines[:200]))
        return 1


if __name__ == "__main__":
    sys.exit(main())
