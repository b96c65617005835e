#!/usr/bin/env python3
"""Time opening every sealed value of bench_sealed.py's program, alone: ``sealing.unseal_many``
(on every core) and one core's cost per value, with this tree's rmcode or another (``--tree``).

The values are read straight from the files (the armor blocks), so no validation runs: this is
the part of ``rmcode report --private --identity KEY`` that the key adds. Wall and CPU seconds
(user + system of this process and of the workers), so a loaded machine shows in the wall only.

Usage: .venv/bin/python benchmarks/bench_opening.py [--tree /path/to/other/tree] [--sample N]
(run benchmarks/bench_sealed.py once first: it writes the program and the key).
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import time
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
ARMOR = re.compile(r"-----BEGIN AGE ENCRYPTED FILE-----\n(?:[ ]*[A-Za-z0-9+/=]+\n)+"
                   r"[ ]*-----END AGE ENCRYPTED FILE-----")


def cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, help="a source tree (holding src/rmcode) to time instead of this one")
    parser.add_argument("--sample", type=int, default=3000, help="values for the one-core cost per value")
    args = parser.parse_args()
    if args.tree:
        sys.path.insert(0, str(args.tree / "src"))
    from rmcode import sealing

    texts = []
    for folder in ("participants", "checkins", "surveys"):
        for path in sorted((OUT / "sealed-sealed" / folder).rglob("*.yaml")):
            texts += ["\n".join(line.strip() for line in m[0].split("\n")) + "\n"
                      for m in ARMOR.finditer(path.read_text(encoding="utf-8"))]
    keyring = sealing.parse_identities((OUT / "sealed-benchmark.key").read_text(encoding="utf-8"))
    print(f"rmcode from {Path(sealing.__file__).parents[2]}; {len(texts):,} sealed values; "
          f"load average {os.getloadavg()[0]:.2f}")
    start, used = time.process_time(), None
    sample = sealing.unseal_all(texts[:args.sample], keyring)
    assert not any(isinstance(v, sealing.SealError) for v in sample)
    print(f"one core: {(time.process_time() - start) / len(sample) * 1e6:.0f} µs of CPU per value")
    used, start = cpu(), time.perf_counter()
    values = sealing.unseal_many(texts, keyring)
    wall, spent = time.perf_counter() - start, cpu() - used
    assert not any(isinstance(v, sealing.SealError) for v in values), "the key did not open every value"
    print(f"unseal_many: {wall:.2f} s wall, {spent:.2f} s CPU (all processes), {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
