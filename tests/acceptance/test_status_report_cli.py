"""`rmcode status` and `rmcode report` end to end on real repositories."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import ProgramRepo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from test_progress import small_files
from test_report import SECRETS, secret_files

from rmcode.cli.progress import PRIVATE_WARNING, render_rich, report, status
from rmcode.errors import SchemaError
from rmcode.report.build import build_report


def invoke(command: object, *args: str) -> Result:
    return CliRunner().invoke(command, list(args))  # type: ignore[arg-type]


def test_status_plain_text(program_repo: ProgramRepo) -> None:
    root = program_repo(small_files(), date="2026-03-31T12:00:00+00:00")
    result = invoke(status, "--root", str(root))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Mini program (Example Corp), as of 2026-03-31\n"
        "\n"
        "KPIs (as of 2026-03-31)\n"
        "  Match rate  67%  ≥ 90%  not met\n"
        "\n"
        "Pairs: 3 (1 behind, 1 proposed, 1 ended-early)\n"
        "  PAIR       STATUS       SESSIONS  EXPECTED  PROGRESS  LAST        NEXT DUE\n"
        "  ana--cleo  behind       3/6       4         50%       2026-03-10  2026-03-24\n"
        "  eve--fay   proposed     0/6       0         0%        -           -\n"
        "  ben--dan   ended-early  1/6       3         17%       2026-02-12  -\n")


def test_status_as_of_an_earlier_date(program_repo: ProgramRepo) -> None:
    root = program_repo(small_files(), date="2026-03-31T12:00:00+00:00")
    result = invoke(status, "--root", str(root), "--as-of", "2026-03-01")
    assert result.stdout.splitlines()[5:] == [
        "Pairs: 3 (1 behind, 1 on-track, 1 proposed)",
        "  PAIR       STATUS    SESSIONS  EXPECTED  PROGRESS  LAST        NEXT DUE",
        "  ben--dan   behind    1/6       2         17%       2026-02-12  2026-02-26",
        "  ana--cleo  on-track  2/6       2         33%       2026-02-24  2026-03-10",
        "  eve--fay   proposed  0/6       0         0%        -           -"]


def test_status_in_a_terminal_has_bars_and_colours(program_repo: ProgramRepo) -> None:
    from rich.console import Console
    root = program_repo(small_files(), date="2026-03-31T12:00:00+00:00")
    from test_progress import load
    console = Console(file=io.StringIO(), force_terminal=True, width=120, color_system="standard")
    import datetime as dt
    render_rich(build_report(load(root), dt.date(2026, 3, 31)), console)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b[33mbehind" in text  # yellow
    assert "━" in text and " 50%" in text
    short = Console(file=io.StringIO(), force_terminal=True, width=120)
    render_rich(build_report(load(root), dt.date(2026, 3, 31)), short, limit=1)
    shown = short.file.getvalue()  # type: ignore[attr-defined]
    assert "ana--cleo" in shown and "eve--fay" not in shown
    assert "... and 2 more pairs: `rmcode status --all`, or pipe the output for plain text" in shown


def test_report_json_to_a_file(program_repo: ProgramRepo, tmp_path: Path) -> None:
    root = program_repo(secret_files(), date="2026-03-31T12:00:00+00:00")
    out = tmp_path / "report.json"
    result = invoke(report, "--root", str(root), "--format", "json", "--out", str(out))
    assert (result.exit_code, result.output) == (0, "")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["version"], data["as_of"], data["private"]) == (1, "2026-03-31", False)


def test_public_outputs_never_hold_private_text(program_repo: ProgramRepo) -> None:
    root = program_repo(secret_files(), date="2026-03-31T12:00:00+00:00")
    for fmt in ("md", "json", "csv"):
        result = invoke(report, "--root", str(root), "--format", fmt)
        assert result.exit_code == 0
        assert [s for s in SECRETS if s in result.output] == [], fmt
    status_text = invoke(status, "--root", str(root)).output
    assert [s for s in SECRETS if s in status_text] == []


def test_private_report_warns_and_lists_flags(program_repo: ProgramRepo) -> None:
    root = program_repo(secret_files(), date="2026-03-31T12:00:00+00:00")
    result = invoke(report, "--root", str(root), "--private", "--format", "csv")
    assert result.exit_code == 0
    assert result.stderr == PRIVATE_WARNING + "\n"
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert ["flags", "1", "kind", "concern"] in rows
    assert ["flags", "1", "message", "cleo raised a high concern on 2026-03-24: SECRET-CONCERN"] in rows


def test_report_is_byte_identical_for_the_same_commit(program_repo: ProgramRepo) -> None:
    root = program_repo(secret_files(), date="2026-03-31T12:00:00+00:00")
    for fmt in ("md", "json", "csv"):
        assert invoke(report, "--root", str(root), "--format", fmt).output == \
            invoke(report, "--root", str(root), "--format", fmt, "--as-of", "2026-03-31").output


def test_invalid_program_is_a_data_problem(program_repo: ProgramRepo) -> None:
    root = program_repo({"participants/ana.yaml": "login: ana\n"})
    result = invoke(report, "--root", str(root))
    assert result.exit_code == 1
    assert isinstance(result.exception, SchemaError)
    assert "participants/ana.yaml" in str(result.exception)


@pytest.mark.parametrize("args", [["--format", "pdf"], ["--as-of", "yesterday"]])
def test_usage_errors_exit_2(program_repo: ProgramRepo, args: list[str]) -> None:
    assert invoke(report, "--root", ".", *args).exit_code == 2


def test_unwritable_out_file_is_reported(program_repo: ProgramRepo, tmp_path: Path) -> None:
    root = program_repo(small_files(), date="2026-03-31T12:00:00+00:00")
    result = invoke(report, "--root", str(root), "--out", str(tmp_path / "missing" / "r.md"))
    assert result.exit_code == 1
    assert "Could not open file" in result.output and "No such file or directory" in result.output


def test_help_has_examples() -> None:
    for command in (status, report):
        assert "Example:\n    rmcode " in invoke(command, "--help").output
