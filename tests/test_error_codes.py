"""The catalogue of error codes (rmcode.errors.CATALOGUE): complete, emitted, documented."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from rmcode.errors import CATALOGUE, RETIRED, docs_anchor, heading_slug
from rmcode.formats.error_codes import with_catalogue

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "rmcode"
DOCS = ROOT / "docs"
CODE = re.compile(r"RM[0-9]{3}")


def emitted_codes() -> dict[str, list[str]]:
    """Every code written as a string in src/rmcode -> where; the catalogue itself left out."""
    found: dict[str, list[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip: set[int] = set()
        if path.name == "errors.py" and path.parent == SOURCE:
            for node in tree.body:
                if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) \
                        and node.target.id in ("CATALOGUE", "RETIRED"):
                    skip |= {id(n) for n in ast.walk(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip \
                    and CODE.fullmatch(node.value):
                found.setdefault(node.value, []).append(f"{path.relative_to(SOURCE)}:{node.lineno}")
    return found


def test_docs_validation_md_shows_the_catalogue() -> None:
    text = (DOCS / "validation.md").read_text(encoding="utf-8")
    assert text == with_catalogue(text), \
        "docs/validation.md is out of date with rmcode/errors.py: run python scripts/error_codes.py"


def test_every_code_the_source_writes_is_in_the_catalogue() -> None:
    unknown = {code: where for code, where in emitted_codes().items() if code not in CATALOGUE and code not in RETIRED}
    assert not unknown, f"add these codes to errors.CATALOGUE: {unknown}"


def test_every_catalogued_code_is_written_somewhere() -> None:
    unused = sorted(set(CATALOGUE) - set(emitted_codes()))
    assert not unused, f"no check emits these codes: move them to errors.RETIRED: {unused}"


def test_a_retired_code_is_not_catalogued() -> None:
    assert not set(RETIRED) & set(CATALOGUE)


def test_every_docs_anchor_is_a_heading() -> None:
    headings: dict[str, set[str]] = {}
    for page in DOCS.glob("*.md"):
        text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.MULTILINE | re.DOTALL)
        headings[page.name] = {heading_slug(h.replace("`", "")) for h in re.findall(r"^#+ (.+)$", text, re.MULTILINE)}
    broken = {code: docs_anchor(code) for code in CATALOGUE
              if docs_anchor(code).partition("#")[2] not in headings.get(docs_anchor(code).partition("#")[0], set())}
    assert not broken, f"anchors that name no heading in docs/: {broken}"


def test_codes_the_docs_mention_exist() -> None:
    mentioned = {code for page in DOCS.glob("*.md") for code in CODE.findall(page.read_text(encoding="utf-8"))}
    assert not mentioned - set(CATALOGUE) - set(RETIRED)


def test_heading_slug_follows_github() -> None:
    assert heading_slug("What is checked (nothing is written if anything fails)") == \
        "what-is-checked-nothing-is-written-if-anything-fails"
    assert heading_slug("RM1xx: safe loading and the repository") == "rm1xx-safe-loading-and-the-repository"
