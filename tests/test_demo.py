"""The demo program at the repository root is the default of every command and must stay valid."""

from __future__ import annotations

import os
from pathlib import Path

from conftest import run

ROOT = Path(__file__).resolve().parents[1]


def test_demo_validates_clean_as_the_default_root(monkeypatch: object) -> None:
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = run("validate", "--as-of", "2026-11-25")
    finally:
        os.chdir(cwd)
    assert result.output.startswith("ok: ") and result.output.endswith(" files valid\n")
    assert result.exit_code == 0


def test_demo_is_big_enough_to_show_every_feature() -> None:
    people = sorted((ROOT / "participants").glob("*.yaml"))
    assert len(people) >= 40
    assert len(list((ROOT / "checkins").rglob("*.yaml"))) >= 100
    assert len(list((ROOT / "surveys").rglob("*.yaml"))) >= 10


def test_every_shipped_yaml_starts_with_its_schema_line() -> None:
    for path in [ROOT / "program.yaml", ROOT / "matches.yaml", *ROOT.glob("participants/*.yaml"),
                 *ROOT.glob("checkins/*/*.yaml"), *ROOT.glob("surveys/*/*.yaml")]:
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        depth = len(path.relative_to(ROOT).parts) - 1
        assert first.startswith("# yaml-language-server: $schema=" + "../" * depth + "schemas/"), path
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target.is_file(), path
