"""Output formats of problems; GitHub workflow commands must be injection-proof."""

from __future__ import annotations

import json

from rmcode.errors import Problem
from rmcode.formats.problems import as_json, github, text


def test_text_lists_every_problem_with_hint_and_summary() -> None:
    problems = [Problem("a.yaml", 3, 5, "RM203", "level: expected a whole number, got \"x\"", "put a number"),
                Problem("b.yaml", 0, 0, "RM121", "symbolic links are not allowed")]
    assert text(problems, 9) == (
        'a.yaml:3:5: RM203 level: expected a whole number, got "x"\n    hint: put a number\n'
        "b.yaml: RM121 symbolic links are not allowed\n"
        "2 problems in 2 files (9 checked)\n")


def test_text_when_valid() -> None:
    assert text([], 4) == "ok: 4 files valid\n"


def test_github_escapes_data_and_properties() -> None:
    hostile = Problem("participants/a,b:c%.yaml", 2, 1, "RM2,0:1", "bad\r\n::error::owned 100%", "x\ny")
    assert github([hostile], 1) == (
        "::error file=participants/a%2Cb%3Ac%25.yaml,line=2,col=1,title=RM2%2C0%3A1::"
        "bad%0D%0A::error::owned 100%25 (hint: x%0Ay)\n"
        "1 problem in 1 file (1 checked)\n")


def test_github_annotates_ten_and_lists_the_rest_safely() -> None:
    problems = [Problem(f"p{i:02}.yaml", 1, 1, "RM203", f"m{i}\n::warning::x") for i in range(12)]
    lines = github(problems, 12).splitlines()
    assert [line.startswith("::error ") for line in lines[:10]] == [True] * 10
    assert lines[10] == "2 more problems are not annotated (GitHub shows 10):"
    assert lines[11] == "  - p10.yaml:1:1: RM203 m10%0A::warning::x"
    assert lines[12] == "  - p11.yaml:1:1: RM203 m11%0A::warning::x"
    assert lines[13] == "12 problems in 12 files (12 checked)"
    assert len(lines) == 14


def test_json_has_every_field() -> None:
    payload = json.loads(as_json([Problem("a.yaml", 1, 2, "RM100", "m", "h", "/x")], 3))
    assert payload == {"valid": False, "files": 3, "problems": [
        {"path": "a.yaml", "line": 1, "col": 2, "code": "RM100", "message": "m", "hint": "h", "pointer": "/x",
         "severity": "error"}]}
