#!/usr/bin/env python3
"""Write the catalogue of error codes (rmcode/errors.py) into docs/validation.md.

    python scripts/error_codes.py          # rewrite the generated section
    python scripts/error_codes.py --check  # exit 1 if the file is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

from rmcode.formats.error_codes import with_catalogue

DOC = Path(__file__).resolve().parents[1] / "docs" / "validation.md"


def main(argv: list[str]) -> int:
    text = DOC.read_text(encoding="utf-8")
    fresh = with_catalogue(text)
    if "--check" in argv:
        print("up to date" if fresh == text else f"{DOC} is out of date: run python scripts/error_codes.py")
        return 0 if fresh == text else 1
    DOC.write_text(fresh, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
