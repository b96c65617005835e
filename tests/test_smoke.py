from pathlib import Path

from conftest import ProgramRepo, run


def test_mini_program_is_valid(program_repo: ProgramRepo) -> None:
    root = program_repo()
    result = run("validate", "--root", str(root))
    assert result.output == "ok: 7 files valid\n"
    assert result.exit_code == 0


def test_missing_program_exits_1(tmp_path: Path) -> None:
    result = run("validate", "--root", str(tmp_path))
    assert result.exit_code == 1
    assert "RM120 no program.yaml" in result.output
