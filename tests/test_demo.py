"""The demo program at the repository root is the default of every command and must stay valid."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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


def test_regenerating_the_demo_keeps_its_sealed_values_byte_for_byte(tmp_path: Path) -> None:
    """Sealing is randomised; make_demo keeps a value's earlier ciphertext while its plain text is unchanged."""
    data = ["program.yaml", "matches.yaml", "participants", "checkins", "surveys"]
    for name in data:
        source, target = ROOT / name, tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy(source, target)
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_demo.py"), str(tmp_path)], check=True,
                   capture_output=True)
    files = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.yaml"))
    assert files == sorted(p.relative_to(ROOT) for name in data for p in
                           ([ROOT / name] if name.endswith(".yaml") else (ROOT / name).rglob("*.yaml")))
    changed = [str(f) for f in files if (tmp_path / f).read_bytes() != (ROOT / f).read_bytes()]
    assert changed == []
    assert "-----BEGIN AGE ENCRYPTED FILE-----" in (tmp_path / "surveys/closing/yuki-sato.yaml").read_text()


def test_the_demo_key_is_labelled_demo_only_and_init_never_writes_one(tmp_path: Path) -> None:
    assert (ROOT / "demo-only.key").read_text().startswith("# DEMO ONLY.")
    result = run("init", str(tmp_path / "new"), "--no-input", "--name", "Acme mentoring", "--organisation", "Acme",
                 "--admin", "octocat", "--admin-id", "583231")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new" / "program.yaml").is_file() and not (tmp_path / "new" / "demo-only.key").exists()
    assert not [p for p in (tmp_path).rglob("*") if p.is_file() and "AGE-SECRET-KEY-" in p.read_text(errors="replace")]
