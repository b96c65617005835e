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
# Codes that checks in more than one module report (each code should have one check). A ratchet, like
# KNOWN in test_architecture.py: never add to it; remove a code once one module alone reports it.
SHARED: dict[str, set[str]] = {}


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


def reporting_modules() -> dict[str, set[str]]:
    """Code -> the modules that report it: as an argument of a call (``Problem(..., "RM301", ...)``,
    ``ctx.add``, ``refuse``) or a parameter's default; comparisons and filters only refer to a code."""
    found: dict[str, set[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            values = [*node.args, *(k.value for k in node.keywords)] if isinstance(node, ast.Call) else \
                [*node.defaults, *(d for d in node.kw_defaults if d)] if isinstance(node, ast.arguments) else []
            while any(isinstance(v, ast.IfExp) for v in values):  # "RM302" if ... else "RM303"
                values = [w for v in values for w in ((v.body, v.orelse) if isinstance(v, ast.IfExp) else (v,))]
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str) and CODE.fullmatch(value.value):
                    found.setdefault(value.value, set()).add(path.relative_to(SOURCE).as_posix())
    return found


def test_each_code_is_reported_by_one_module() -> None:
    reported = reporting_modules()
    assert set(reported) == set(CATALOGUE), "every catalogued code is reported somewhere, and only those"
    shared = {code: modules for code, modules in reported.items() if len(modules) > 1}
    new = {code: modules - SHARED.get(code, set()) for code, modules in shared.items()
           if not modules <= SHARED.get(code, set())}
    assert not new, f"codes reported by another module too: give the new check its own code: {new}"
    fixed = {code: modules - shared.get(code, set()) for code, modules in SHARED.items()
             if not modules <= shared.get(code, set())}
    assert not fixed, f"fixed, remove from SHARED: {fixed}"


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
