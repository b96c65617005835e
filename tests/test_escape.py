"""Escaping of untrusted text for Markdown, HTML, URLs, code blocks and CSV."""

from __future__ import annotations

import html
import re
import string
from html.parser import HTMLParser

import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmcode.formats import escape

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "{: onclick=\"alert(1)\" }",
    "| a | b |\n|---|---|\n| c | d |",
    "{{ config }} {% raw %} {# c #}",
    "**bold** _it_ `code` ~~s~~ <http://evil.example>",
    "# heading\n- item\n1. item\n> quote",
    "José 田中 美咲 Zoë",
]
EXTENSIONS = ["attr_list", "tables", "md_in_html", "abbr", "admonition", "toc"]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _render(text: str) -> _Tags:
    parser = _Tags()
    parser.feed(markdown.markdown(text, extensions=EXTENSIONS))
    return parser


def test_md_text_turns_markup_into_character_references() -> None:
    assert escape.md_text("<b>{: x}</b>") == "&#60;b&#62;&#123;&#58; x&#125;&#60;&#47;b&#62;"


def test_md_text_keeps_letters_digits_spaces_and_non_ascii() -> None:
    assert escape.md_text("José 田中 42") == "José 田中 42"


def test_md_text_folds_whitespace_and_drops_bidi_overrides() -> None:
    assert escape.md_text("  a\n\n b\t\u202ec\x00 ") == "a b c"


@pytest.mark.parametrize("text", HOSTILE)
def test_md_text_renders_as_one_plain_paragraph(text: str) -> None:
    parsed = _render(escape.md_text(text))
    assert parsed.tags == ["p"]
    assert "".join(parsed.text) == escape.clean(text)


@given(st.text(max_size=200))
def test_md_text_is_inert_for_any_text(text: str) -> None:
    escaped = escape.md_text(text)
    assert html.unescape(escaped) == escape.clean(text)
    assert not set(re.sub(r"&#[0-9]+;", "", escaped)) & set(string.punctuation)
    assert set(_render(escaped).tags) <= {"p"}


def test_table_cell_cannot_end_the_cell() -> None:
    row = f"| {escape.table_cell('a | b')} | {escape.table_cell('c')} |"
    rendered = markdown.markdown(f"| x | y |\n|---|---|\n{row}", extensions=["tables"])
    assert "<td>a &#124; b</td>\n<td>c</td>" in rendered


def test_paragraphs_split_on_blank_lines() -> None:
    assert escape.paragraphs("one <b>\n\n  two\nlines\n\n\n") == ["one &#60;b&#62;", "two lines"]


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\u202escript:alert(1)",
    "java\tscript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
    "//evil.example/x", "/relative", "https://", "http:///path", "mailto:a@example.com", "https://a b.example/",
])
def test_safe_url_refuses_everything_but_http_urls_with_a_host(url: str) -> None:
    assert escape.safe_url(url) is None
    assert escape.href(url) is None


@pytest.mark.parametrize("url", ["https://example.com/a?b=c&d=e", "HTTP://EXAMPLE.COM", "http://localhost:8000/"])
def test_safe_url_keeps_http_and_https(url: str) -> None:
    assert escape.safe_url(url) == url


def test_href_escapes_the_url_for_an_attribute() -> None:
    assert escape.href('https://example.com/?q="x"&y=<1>') == (
        "https&#58;&#47;&#47;example&#46;com&#47;&#63;q&#61;&#34;x&#34;&#38;y&#61;&#60;1&#62;")


def test_url_query_and_path_percent_encode() -> None:
    assert escape.url_query("a b/c&d=é") == "a%20b%2Fc%26d%3D%C3%A9"
    assert escape.url_path("owner/my repo") == "owner/my%20repo"
    assert escape.url_query_email("a+b@example.com") == "a%2Bb@example.com"


def test_code_fence_outlasts_backticks_inside() -> None:
    assert escape.code_fence("a ```` b\n", "yaml") == "`````yaml\na ```` b\n`````"
    assert escape.code_fence("plain") == "```\nplain\n```"


@pytest.mark.parametrize(("value", "cell"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2", "'-2"), ("@cmd", "'@cmd"),
    ("plain", "plain"), (-2, "-2"), (0.5, "0.5"), (None, ""), (True, "true"),
])
def test_csv_cell_defuses_formulas(value: object, cell: str) -> None:
    assert escape.csv_cell(value) == cell


def test_joined_escapes_items_and_separator() -> None:
    assert escape.joined(["a<b", "c"], " · ") == "a&#60;b · c"
    assert escape.joined(["x", "y"], "; ") == "x&#59; y"


@pytest.mark.parametrize(("text", "inert"), [
    ("[Ana](https://evil.example)", "\\[Ana\\](https&#58;//evil.example)"),
    ("![x](http://e/x.png)", "!\\[x\\](http&#58;//e/x.png)"),
    ("see www.evil.example or WWW.x.org", "see www&#46;evil.example or WWW&#46;x.org"),
    ("<script>&amp; @org/team", "&lt;script&gt;&amp;amp; &#64;org/team"),
    ("*bold* _em_ `code` ~~s~~ a|b \\x", "\\*bold\\* \\_em\\_ \\`code\\` \\~\\~s\\~\\~ a\\|b \\\\x"),
    ("two\nlines\u202e", "two lines"),
    ("ana--cleo 0.85 Ana-María", "ana--cleo 0.85 Ana-María"),
    ("wants: Short video; 10:30", "wants: Short video; 10:30"),
    ("mailto:x xmpp:y ftp://z", "mailto&#58;x xmpp&#58;y ftp&#58;//z"),
])
def test_gfm_text_leaves_no_link_mention_html_or_markup(text: str, inert: str) -> None:
    assert escape.gfm_text(text) == inert


def test_gfm_text_shortens_to_the_limit() -> None:
    assert escape.gfm_text("abcdef", 4) == "abc…"
