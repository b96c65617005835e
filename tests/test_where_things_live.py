"""README's "Where things live" table lists the packages of src/rmcode in the order of the dependency rule."""

from __future__ import annotations

import re
from pathlib import Path

from test_architecture import LAYERS, PACKAGE

README = Path(__file__).resolve().parents[1] / "README.md"


def _table_rows() -> list[tuple[str, ...]]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## Where things live\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [tuple(re.sub(r"(\.py|/)$", "", name) for name in re.findall(r"`([^`]+)`", row.split(" | ")[0]))
            for row in rows]


def test_the_readme_lists_every_package_in_layer_order() -> None:
    assert _table_rows() == [units for units in LAYERS if units not in (("rmcode",), ("__main__",))]


def test_every_listed_package_exists() -> None:
    for units in _table_rows():
        for unit in units:
            assert (PACKAGE / unit).is_dir() or (PACKAGE / f"{unit}.py").is_file(), unit
