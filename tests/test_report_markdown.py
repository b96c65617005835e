"""`rmcode report --format md` writes participant text through the one GitHub-safe escaper
(formats.escape.gfm_text): tables keep their columns, and no name, answer or note becomes a
live link, image, mention or HTML. Parsed with markdown-it (CommonMark with GFM tables)."""

from __future__ import annotations

import json
import re
import textwrap

from conftest import MINI_PROGRAM, SCHEMA_LINE, ProgramRepo, run
from markdown_it import MarkdownIt

HOSTILE = "[Ana](https://evil.example) <img src=x onerror=alert(1)> a | b @team **bold** www.evil.example"

ANSWER = json.dumps(HOSTILE + "\n| x | y |\n\n<script>")  # YAML's double-quoted strings are JSON's


def _report(program_repo: ProgramRepo, *args: str) -> str:
    program = MINI_PROGRAM.replace("name: Mini program", f"name: {HOSTILE!r}").replace(
        "organisation: Example Corp", f"organisation: {HOSTILE!r}")
    response = SCHEMA_LINE.format("../../", "survey-response") + textwrap.dedent(f"""\
        survey: closing
        respondent: cleo
        date: 2026-02-20
        pair: ana--cleo
        answers:
          highlight: {ANSWER}
        """)
    root = program_repo({"program.yaml": program, "surveys/closing/cleo.yaml": response})
    result = run("report", "--root", str(root), "--format", "md", "--as-of", "2026-03-01", *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_hostile_text_stays_inert_and_tables_keep_their_columns(program_repo: ProgramRepo) -> None:
    for args in ((), ("--private",)):
        text = _report(program_repo, *args)
        html = MarkdownIt("js-default").render(text)
        assert "<a " not in html and "<img" not in html and "<strong>" not in html, args
        assert not re.search(r"https?://|www\.|(?<![&#\w])@team", text), args  # nothing GitHub autolinks
        tables = rows = cells = 0
        columns: int | None = None
        for token in MarkdownIt("js-default").parse(text):
            if token.type == "table_open":
                tables, columns = tables + 1, None
            elif token.type == "tr_open":
                rows, cells = rows + 1, 0
            elif token.type in ("th_open", "td_open"):
                cells += 1
            elif token.type == "tr_close":
                columns = cells if columns is None else columns
                assert cells == columns, (args, cells, columns)
        assert tables and rows
        # every line of a table is a row of it: an unescaped | or a newline in a cell would add cells or lines
        for line in text.splitlines():
            if line.startswith("|"):
                assert line.endswith("|")
    private = _report(program_repo, "--private")
    assert ("| cleo | \\[Ana\\](https&#58;//evil.example) &lt;img src=x onerror=alert(1)&gt; a \\| b &#64;team "
            "\\*\\*bold\\*\\* www&#46;evil.example \\| x \\| y \\| &lt;script&gt; |\n") in private  # one line, one cell
    assert private.count("https&#58;//evil.example") == 3  # the program's name and organisation, the answer
