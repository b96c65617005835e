"""`rmcode build` and `rmcode serve` from the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import run

from rmcode.cli.site import build, serve
from rmcode.errors import BuildError, SchemaError


def test_build_writes_the_site_and_says_how_to_open_it(program_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = program_repo()
    out = tmp_path / "public"
    result = CliRunner().invoke(build, ["--root", str(root), "--out", str(out), "--as-of", "2026-03-01"],
                                catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output.startswith("Built 11 pages (")
    assert f" files) into {out} in " in result.output
    assert result.output.endswith(f"Open {out / 'index.html'} in a browser, "
                                  "or run `rmcode serve` for a live preview.\n")
    assert (out / "index.html").is_file() and (out / "dashboard.html").is_file()


def test_build_defaults_to_site_out_in_the_root(program_repo: Callable[..., Path]) -> None:
    root = program_repo()
    result = CliRunner().invoke(build, ["--root", str(root)], catch_exceptions=False)
    assert result.exit_code == 0
    assert (root / "site-out" / "index.html").is_file()


@pytest.mark.parametrize("command", [build, serve])
def test_help_has_an_example(command: object) -> None:
    result = CliRunner().invoke(command, ["--help"])  # type: ignore[arg-type]
    assert result.exit_code == 0
    assert "  Example:\n    rmcode " in result.output


def test_bad_date_is_a_usage_error(program_repo: Callable[..., Path]) -> None:
    result = CliRunner().invoke(build, ["--root", str(program_repo()), "--as-of", "March"])
    assert result.exit_code == 2
    assert "Invalid value for '--as-of'" in result.output


def test_invalid_program_raises_its_problems(program_repo: Callable[..., Path]) -> None:
    root = program_repo({"participants/ana.yaml": "login: ana\n"})
    with pytest.raises(SchemaError) as caught:
        CliRunner().invoke(build, ["--root", str(root)], catch_exceptions=False)
    assert "participants/ana.yaml" in str(caught.value)


def test_refused_output_folder_raises_a_build_error(program_repo: Callable[..., Path]) -> None:
    root = program_repo()
    with pytest.raises(BuildError, match="RM804"):
        CliRunner().invoke(build, ["--root", str(root), "--out", str(root)], catch_exceptions=False)


def test_rmcode_build_exit_codes_through_main(program_repo: Callable[..., Path], tmp_path: Path) -> None:
    root = program_repo()
    assert run("build", "--root", str(root), "--out", str(tmp_path / "out")).exit_code == 0
    broken = run("build", "--root", str(program_repo({"participants/ana.yaml": "login: ana\n"})))
    assert broken.exit_code == 1 and "participants/ana.yaml" in broken.output
    assert run("build", "--root", str(root), "--out", str(root)).exit_code == 1
    assert run("build", "--as-of", "soon").exit_code == 2
