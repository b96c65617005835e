"""io/git.py: the one git runner, on real repositories in tmp folders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import commit_all, write_files
from conftest import git as shell_git

from rmcode.io import git
from rmcode.io.git import GitError


def _repo(tmp_path: Path, files: dict[str, str] | None = None, date: str = "2026-03-01T12:00:00+00:00") -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    shell_git(root, "init", "-q", "-b", "main")
    if files is not None:
        write_files(root, files)
        commit_all(root, "first", date)
    return root


def test_run_returns_gits_output(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"a.txt": "hello\n"})
    assert git.run(root, "show", "HEAD:a.txt") == b"hello\n"
    assert git.run(root, "cat-file", "--batch-check", stdin=b"HEAD:a.txt\n").endswith(b" blob 6\n")


def test_run_raises_gits_last_line_of_complaint(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"a.txt": "hello\n"})
    with pytest.raises(GitError) as caught:
        git.run(root, "show", "HEAD:missing.txt")
    assert str(caught.value) == "fatal: path 'missing.txt' does not exist in 'HEAD'"


def test_run_outside_a_repository_says_so(tmp_path: Path) -> None:
    with pytest.raises(GitError, match=r"^fatal: not a git repository"):
        git.run(tmp_path, "rev-parse", "HEAD")


def test_run_without_git_on_path_says_git_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repo(tmp_path, {"a.txt": "x\n"})
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(GitError) as caught:
        git.run(root, "status")
    assert str(caught.value) == "git is not installed (or not on PATH)"
    assert git.output(root, "status") is None
    assert git.start(root, "status")() is None
    assert git.head_date(root) is None


def test_run_needs_a_command(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="no git command given"):
        git.run(tmp_path)


def test_arguments_are_never_read_by_a_shell(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"a.txt": "x\n"})
    planted = tmp_path / "planted"
    with pytest.raises(GitError):
        git.run(root, "show", f"HEAD:a.txt; touch {planted}")
    assert not planted.exists()


def test_output_and_start_answer_none_where_run_would_raise(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"a.txt": "x\n"})
    assert git.output(root, "show", "HEAD:nope") is None
    answer = git.start(root, "show", "HEAD:nope")
    assert answer() is None and answer() is None  # asked twice, one process
    assert git.start(root, "show", "HEAD:a.txt")() == b"x\n"


def test_head_date_is_the_committer_date(tmp_path: Path) -> None:
    assert git.head_date(_repo(tmp_path, {"a.txt": "x\n"}, date="2026-02-03T23:30:00+00:00")) == dt.date(2026, 2, 3)


def test_head_date_is_none_before_the_first_commit_and_outside_git(tmp_path: Path) -> None:
    assert git.head_date(_repo(tmp_path)) is None
    outside = tmp_path / "plain"
    outside.mkdir()
    assert git.head_date(outside) is None


def test_remote_url_reads_origin_or_none(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"a.txt": "x\n"})
    assert git.remote_url(root) is None
    shell_git(root, "remote", "add", "origin", "https://github.example/org/program.git")
    assert git.remote_url(root) == "https://github.example/org/program.git"


def test_at_head_tells_a_missing_file_from_a_missing_head(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"matches.yaml": "pairs: []\n"})
    assert git.at_head(root, "matches.yaml") == git.HeadFile(True, b"pairs: []\n")
    assert git.at_head(root, "other.yaml") == git.HeadFile(True, None)
    empty = tmp_path / "empty"
    empty.mkdir()
    shell_git(empty, "init", "-q")
    assert git.at_head(empty, "matches.yaml") == git.HeadFile(False, None)
    plain = tmp_path / "plain"
    plain.mkdir()
    assert git.at_head(plain, "matches.yaml") == git.HeadFile(False, None)
