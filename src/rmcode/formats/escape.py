"""Escaping of untrusted text for each context the site writes it into.

Participant files are written by anyone who can open a pull request, so every string
from them is hostile until escaped. Generated pages are Markdown that Python-Markdown
turns into HTML, which means one string passes through several parsers: Markdown
inline syntax (emphasis, links, autolinks), extensions such as ``attr_list``
(``{: onclick=...}``), tables (``|``), raw HTML, and whatever a program owner adds to
``site/mkdocs.yml`` (macro plugins read ``{{ ... }}``). Rather than escaping for each
parser, :func:`md_text` turns every ASCII character that is not a letter, digit or space
into a numeric character reference. No Markdown, HTML or template parser gives meaning
to ``&#60;`` or ``&#123;``, while the browser shows the original character, and the
result is valid in HTML text and in quoted attribute values alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, urlsplit

from ..load.text import INVISIBLE as _INVISIBLE
from ..load.text import clean

ALLOWED_SCHEMES = frozenset({"http", "https"})
_SAFE_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ")
_ENTITIES = {n: f"&#{n};" for n in range(0x80) if chr(n) not in _SAFE_ASCII}
_CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def md_text(text: str) -> str:
    """Text safe in Markdown, in HTML text and in a quoted HTML attribute value.

    >>> md_text("<b>{: x}</b>")
    '&#60;b&#62;&#123;&#58; x&#125;&#60;&#47;b&#62;'
    """
    return _entities(clean(text))


def _entities(text: str) -> str:
    return text.translate(_ENTITIES)


# one translation table: &, <, >, @ as references; \ ` * _ [ ] | ~ backslash-escaped
_GFM = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "&#64;"} | {c: f"\\{c}" for c in "\\`*_[]|~"})
# what GitHub turns into a link without any markup: scheme://..., mailto:/xmpp: and www.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9+.-]):(?=/)|(?<=mailto):|(?<=xmpp):|(?<=\bwww)\.")


def gfm_text(text: object, limit: int | None = None) -> str:
    """``text`` as inert GitHub Markdown (pull request and issue bodies, job summaries).

    One line, at most ``limit`` characters. No HTML (``<``, ``&``), no mentions (``@``),
    no links, images, emphasis, code or table cells (``[ ] * _ ` | ~`` backslash-escaped),
    and no autolinks: GitHub links ``https://…`` and ``www.…`` in plain text, so ``:`` and
    the dot after ``www`` are written as character references. Digits, letters, dots and
    hyphens stay as typed, so numbers and ids read the same in the raw text.

    >>> gfm_text("[Ana](https://evil.example) @team")
    '\\[Ana\\](https&#58;//evil.example) &#64;team'
    """
    value = clean(str(text))
    if limit is not None and len(value) > limit:
        value = value[:limit - 1] + "…"
    value = value.translate(_GFM)
    return _AUTOLINK.sub(lambda m: f"&#{ord(m.group())};", value)


def table_cell(text: str) -> str:
    """Text for a Markdown table cell: one line, ``|`` cannot end the cell."""
    return md_text(text)  # md_text already writes | as &#124; and folds newlines


def paragraphs(text: str) -> list[str]:
    """Escaped paragraphs of a multi-line text (blank lines separate paragraphs)."""
    return [md_text(p) for p in re.split(r"\n\s*\n", _INVISIBLE.sub("", text)) if p.strip()]


def safe_url(url: str) -> str | None:
    """``url`` if it is an absolute http(s) URL with a host, else None (``javascript:`` and friends)."""
    candidate = _INVISIBLE.sub("", url).strip()
    if any(c.isspace() for c in candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not parts.hostname:
        return None
    return candidate


def href(url: str) -> str | None:
    """An http(s) URL escaped for an ``href``/``src`` attribute, or None when the URL is not allowed."""
    checked = safe_url(url)
    return None if checked is None else md_text(checked)


def url_query(value: str) -> str:
    """A value for a URL query string (everything but unreserved characters percent-encoded)."""
    return quote(value, safe="")


def url_query_email(address: str) -> str:
    """An e-mail address for a ``mailto:`` link: percent-encoded except ``@``."""
    return quote(clean(address), safe="@")


def url_path(value: str) -> str:
    """A path for a URL: each segment percent-encoded, slashes kept."""
    return quote(value, safe="/")


def code_fence(text: str, lang: str = "") -> str:
    """A fenced code block whose fence is longer than any backtick run inside ``text``."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = _INVISIBLE.sub("", text).rstrip("\n")
    return f"{fence}{lang}\n{body}\n{fence}"


def csv_cell(value: object) -> str:
    """A CSV value that spreadsheets will not run as a formula (OWASP CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    if isinstance(value, (int, float)):
        return text
    return "'" + text if text.startswith(_CSV_TRIGGERS) else text


def joined(items: Iterable[str], sep: str = ", ") -> str:
    """Escaped items joined by an (escaped) separator."""
    return _entities(sep).join(md_text(i) for i in items)
