"""CPU per file of checking profiles afresh (issue 14), stage by stage, and `rmcode match` cold end to end.

    python benchmarks/bench_check_cpu.py stages --root REPO [--files 3000]
    python benchmarks/bench_check_cpu.py e2e --root REPO [--rounds 3] TREE [TREE ...]

``stages`` times, in this process, what a validation worker does with each profile of REPO (a
program such as ``synthetic.generate`` writes): read, compose (libyaml), load (compose + build, as
the cold path loads, and with every position recorded), schema, build_item, the cache frame's
pickling and the parent's unpickling, and the whole per-file task (``api._record_chunk``). Run it
with each tree's own Python to compare trees. Process CPU time, best of five, in µs per file.

``e2e`` runs each TREE's ``.venv/bin/rmcode match --root REPO --as-of 2026-03-02`` with no cache
and no matches.yaml, the trees interleaved, ``--rounds`` times; it prints wall and user+sys CPU
(the comparable number while others use the machine's cores) and the load average.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path


def _best(files: int, run: Callable[[], object], rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best / files * 1e6


def stages(root: Path, files: int) -> None:
    from rmcode import api
    from rmcode.io import cache
    from rmcode.io.cache import Record
    from rmcode.io.repo import FileRef
    from rmcode.load import loader
    from rmcode.validate.pipeline import build_item
    from rmcode.validate.schema import validate_document

    paths = sorted((root / "participants").iterdir())[:files]
    names = [f"participants/{p.name}" for p in paths]
    gc.disable()
    contents = [p.read_bytes() for p in paths]
    lean = "positions" in loader.load_bytes.__code__.co_varnames  # main before issue 14 has no lean load

    def load(positions: bool) -> list[loader.Document]:
        if lean:
            return [loader.load_bytes(n, c, positions=positions) for n, c in zip(names, contents)]
        return [loader.load_bytes(n, c) for n, c in zip(names, contents)]

    docs = load(False)
    validate_document(docs[0], "participant")  # compiles the schema
    items = [build_item(d, "participant") for d in docs]
    records = {d.path: Record((1, 2, 3), "participant", item, tuple(own), d.digest[:16])
               for d, (item, own) in zip(docs, items)}
    frame = cache.dumps(records)
    refs = [FileRef(n, "participant") for n in names]
    stamps = [(1, 2, 3)] * len(refs)
    rows = [
        ("read", _best(files, lambda: [p.read_bytes() for p in paths])),
        ("compose (libyaml)", _best(files, lambda: [loader._Composer(c.decode()).get_single_node() for c in contents])),
        ("load_bytes as checked cold" + ("" if lean else " (= full)"), _best(files, lambda: load(False))),
        ("load_bytes with positions", _best(files, lambda: load(True))),
        ("schema (fast check)", _best(files, lambda: [validate_document(d, "participant") for d in docs])),
        ("build_item", _best(files, lambda: [build_item(d, "participant") for d in docs])),
        ("cache frame dumps", _best(files, lambda: cache.dumps(records))),
        ("cache frame loads (parent)", _best(files, lambda: cache.loads(frame))),
        ("whole task (_record_chunk)", _best(files, lambda: api._record_chunk(root, refs, stamps), rounds=3)),
    ]
    print(f"{api.__file__}: {len(paths)} profiles of {root}, load average {os.getloadavg()[0]:.2f}")
    for label, us in rows:
        print(f"  {label:34s} {us:7.1f} us/file")


def e2e(root: Path, trees: list[Path], rounds: int) -> None:
    results: dict[Path, list[tuple[float, float]]] = {tree: [] for tree in trees}
    for _ in range(rounds):
        for tree in trees:
            shutil.rmtree(root / ".git" / "rmcode-cache", ignore_errors=True)
            (root / "matches.yaml").unlink(missing_ok=True)
            os.sync()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([str(tree / ".venv" / "bin" / "rmcode"), "match", "--root", str(root), "--as-of",
                            "2026-03-02"], stdout=subprocess.DEVNULL, check=True)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            results[tree].append((wall, cpu))
            print(f"  {tree}: {wall:.2f} s wall, {cpu:.2f} s user+sys (load {os.getloadavg()[0]:.2f})", flush=True)
    (root / "matches.yaml").unlink(missing_ok=True)
    for tree, runs in results.items():
        print(f"{tree}: best wall {min(w for w, _ in runs):.2f} s, best CPU {min(c for _, c in runs):.2f} s, "
              f"mean CPU {sum(c for _, c in runs) / len(runs):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=("stages", "e2e"))
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("trees", nargs="*", type=Path)
    args = parser.parse_intermixed_args()
    if args.mode == "stages":
        stages(args.root, args.files)
    elif not args.trees:
        sys.exit("e2e: name the trees to compare")
    else:
        e2e(args.root, args.trees, args.rounds)


if __name__ == "__main__":
    main()
