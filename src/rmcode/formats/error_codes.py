"""The catalogue of error codes (``errors.CATALOGUE``) as the Markdown section of docs/validation.md.

``scripts/error_codes.py`` writes it into the file between the two marker lines;
tests/test_error_codes.py keeps the file equal to what this renders.
"""

from __future__ import annotations

from ..errors import CATALOGUE, GROUPS, RETIRED

BEGIN = "<!-- error codes: generated from rmcode/errors.py by scripts/error_codes.py; do not edit -->"
END = "<!-- end of generated error codes -->"
PAGE = "validation.md"


def _more(anchor: str) -> str:
    page = anchor.partition("#")[0]
    return f"[{page}]({anchor})" if anchor and page != PAGE else ""


def render_catalogue() -> str:
    """Every code, by group: one table each, and the retired codes; the markers included."""
    lines = [BEGIN]
    for digit, heading in GROUPS.items():
        lines += ["", f"### {heading}", "", "| code | problem | more |", "|---|---|---|"]
        lines += [f"| {code} | {entry.title} | {_more(entry.anchor)} |"
                  for code, entry in sorted(CATALOGUE.items()) if code[2] == digit]
    lines += ["", "Retired codes, never reused: "
              + "; ".join(f"{code} ({why})" for code, why in sorted(RETIRED.items())) + ".", "", END]
    return "\n".join(lines) + "\n"


def with_catalogue(document: str) -> str:
    """``document`` (docs/validation.md) with the section between the markers rendered afresh."""
    head, begin, rest = document.partition(BEGIN)
    _, end, tail = rest.partition(END + "\n")
    if not begin or not end:
        raise ValueError(f"{PAGE} lacks the marker lines {BEGIN!r} and {END!r}")
    return head + render_catalogue() + tail
