"""One line of untrusted text, safe to print: the cleaning every later stage starts from."""

from __future__ import annotations

import re

# C0/C1 controls and the bidirectional overrides that can make text read differently
# from what it is ("Trojan Source"); zero-width joiners stay, scripts such as Arabic need them.
INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")


def clean(text: str) -> str:
    """One line of text: control and bidi-override characters removed, whitespace collapsed."""
    return _SPACE.sub(" ", INVISIBLE.sub("", text)).strip()
