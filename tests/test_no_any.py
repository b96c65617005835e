"""Types that carry meaning (issue 9, STYLE.md section 6): no ``typing.Any`` outside the YAML loader.

Read from the source with ``ast`` (no import of rmcode). A use is the name ``Any`` (``Any``,
``typing.Any``, ``t.Any``, ``from typing import Any as A`` and later ``A``) in code or in a
string annotation (``x: "dict[str, Any]"``, a string ``TypeAlias``); prose in docstrings and
messages is not code and does not count.

``load/loader.py`` builds plain data from YAML nodes of any shape: it may use ``Any``
(``Document.data``), and every other module types that data (``model.json``, ``model.documents``).

``python tests/test_no_any.py`` prints each use.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "rmcode"
ALLOWED = {"load/loader.py"}  # the YAML loader: values of any shape, before anything is known of them
TYPING_MODULES = {"typing", "typing_extensions"}


def any_uses(source: str) -> list[tuple[int, str]]:
    """(line, what) for every use of typing.Any in ``source``."""
    tree = ast.parse(source)
    names = {"Any"}  # the bare name, and whatever it is imported as
    modules = set(TYPING_MODULES)  # names under which a typing module is bound
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in TYPING_MODULES:
            for alias in node.names:
                if alias.name == "Any":
                    names.add(alias.asname or "Any")
                    found.append((node.lineno, f"from {node.module} import Any"))
        elif isinstance(node, ast.Import):
            modules |= {alias.asname or alias.name for alias in node.names if alias.name in TYPING_MODULES}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in names:
            found.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute) and node.attr == "Any" and isinstance(node.value, ast.Name) \
                and node.value.id in modules:
            found.append((node.lineno, f"{node.value.id}.Any"))
    for line, text in _type_strings(tree):
        try:
            inner = ast.parse(text.strip(), mode="eval")
        except SyntaxError:
            continue
        found += [(line, f"{n.id} in {text!r}") for n in ast.walk(inner) if isinstance(n, ast.Name) and n.id in names]
        found += [(line, f"{n.value.id}.Any in {text!r}") for n in ast.walk(inner)
                  if isinstance(n, ast.Attribute) and n.attr == "Any" and isinstance(n.value, ast.Name)
                  and n.value.id in modules]
    return sorted(set(found))


def _type_strings(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """String constants where a type is written: in annotations, and as the value of a TypeAlias."""
    roots: list[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            roots += [a.annotation for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs,
                                             node.args.vararg, node.args.kwarg) if a and a.annotation]
            roots += [node.returns] if node.returns else []
        elif isinstance(node, ast.AnnAssign):
            roots.append(node.annotation)
            alias = node.annotation
            if node.value is not None and (isinstance(alias, ast.Name) and alias.id == "TypeAlias"
                                           or isinstance(alias, ast.Attribute) and alias.attr == "TypeAlias"):
                roots.append(node.value)
    for root in roots:
        for node in ast.walk(root):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield node.lineno, node.value


def uses_by_module() -> dict[str, list[tuple[int, str]]]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        uses = any_uses(path.read_text(encoding="utf-8"))
        if uses and rel not in ALLOWED:
            found[rel] = uses
    return found


def _explain(found: dict[str, list[tuple[int, str]]]) -> str:
    return "\n".join(f"  {rel}:{line}: {what}" for rel in sorted(found) for line, what in found[rel])


def test_no_module_uses_any_outside_the_loader() -> None:
    found = uses_by_module()
    assert not found, ("typing.Any outside load/loader.py; use the model's types, model.json (JsonValue, Json), "
                       "a TypedDict, or object with isinstance:\n" + _explain(found))


def test_the_loader_is_still_where_the_exemption_points() -> None:
    # a moved loader would leave the exemption pointing at nothing, and its Any would fail the first test
    assert all((PACKAGE / rel).is_file() for rel in ALLOWED)


def test_every_way_of_writing_any_is_found() -> None:
    source = '''
"""Any prose in a docstring is not code."""
import typing
import typing as t
from typing import Any
from typing import Any as Whatever
from typing_extensions import TypeAlias

x: Any = 1
def f(a: "dict[str, Any]", *rest: Whatever) -> typing.Any: ...
def g(b: "list[t.Any]") -> None: ...
Alias: TypeAlias = "Any | None"
message = "Any problem is reported with its line"
'''
    lines = [line for line, _ in any_uses(source)]
    assert lines == [5, 6, 9, 10, 10, 10, 11, 12]
    clean = 'from typing import TypeAlias\n"""Any prose."""\nJson: TypeAlias = "None | str | list[Json]"\n'
    assert any_uses(clean) == []


if __name__ == "__main__":
    everything = uses_by_module()
    for rel, uses in everything.items():
        for line, what in uses:
            print(f"{rel}:{line}: {what}", file=sys.stderr)
    print(f"{sum(map(len, everything.values()))} uses in {len(everything)} modules", file=sys.stderr)
