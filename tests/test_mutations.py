"""Property: no mutation of a valid program, however hostile, gets past `rmcode validate` as a crash.

Random edits of the mini program (a key deleted, a value's type changed, control and unicode text
inserted, bytes truncated, a line duplicated, a file replaced by random bytes, files renamed or
deleted) must always end in exit 0 or 1, with at least one RM problem line when 1, and never in a
traceback or "An unexpected error has occurred" (exit 3).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from conftest import ProgramRepo, mini_files, run
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

AS_OF = "2026-03-01"
PATHS = sorted(mini_files())
PROBLEM_LINE = re.compile(r"^.*?: RM\d{3} \S", re.MULTILINE)
SUMMARY = re.compile(r"(ok: \d+ files? valid|\d+ problems? in \d+ files? \(\d+ checked\))( \(\d+ warnings?\))?\n\Z")
KEY_LINE = re.compile(rb"^(\s*(?:- )?)([A-Za-z_][\w-]*):(.*)$")

Files = dict[str, bytes]
Mutation = Callable[[Files], None]

# hostile values for the loader and the schema, then plausible ones that reach the cross-file rules
VALUES = [b"[]", b"{}", b"0", b"-1", b"1.5", b"true", b"no", b"on", b"~", b"null", b'""', b"'0755'", b"0755",
          b"12:30", b"2026-13-45", b"0000-01-01", b"[1, [2, {a: b}]]", b"{a: [1, 2]}", b"!!str 5", b"*alias",
          b"&anchor x", b"x" * 300, b"|\n  block", b"'unterminated", b"\xff\xfe", b"\xe2\x80\xae\xe2\x80\x8b",
          b"ana", b"Ben", b"cleo", b"zed", b"c1", b"c2", b"ana--cleo", b"ben--dan", b"mentor", b"mentee", b"active",
          b"proposed", b"ended", b"1", b"5", b"101", b"2026-01-01", b"2026-02-29", b"2026-03-02", b"2027-01-01",
          b"[generative-ai]", b"[cooking]", b"Europe/Nowhere", b"[en, en]"]


def _lines(files: Files, path: str) -> list[bytes]:
    return files[path].split(b"\n")


def _delete_key(path: str, index: int) -> Mutation:
    def apply(files: Files) -> None:
        if path in files:
            keys = [i for i, line in enumerate(_lines(files, path)) if KEY_LINE.match(line)]
            if keys:
                lines = _lines(files, path)
                del lines[keys[index % len(keys)]]
                files[path] = b"\n".join(lines)
    return apply


def _change_value(path: str, index: int, value: bytes) -> Mutation:
    def apply(files: Files) -> None:
        if path in files:
            lines = _lines(files, path)
            keys = [i for i, line in enumerate(lines) if KEY_LINE.match(line)]
            if keys:
                i = keys[index % len(keys)]
                match = KEY_LINE.match(lines[i])
                assert match is not None
                lines[i] = match.group(1) + match.group(2) + b": " + value
                files[path] = b"\n".join(lines)
    return apply


def _insert_text(path: str, position: int, text: str) -> Mutation:
    def apply(files: Files) -> None:
        if path in files:
            content = files[path]
            at = position % (len(content) + 1)
            files[path] = content[:at] + text.encode("utf-8", "surrogatepass") + content[at:]
    return apply


def _truncate(path: str, size: int) -> Mutation:
    def apply(files: Files) -> None:
        if path in files:
            files[path] = files[path][:size % (len(files[path]) + 1)]
    return apply


def _duplicate_line(path: str, index: int) -> Mutation:
    def apply(files: Files) -> None:
        if path in files:
            lines = _lines(files, path)
            i = index % len(lines)
            lines.insert(i, lines[i])
            files[path] = b"\n".join(lines)
    return apply


def _random_bytes(path: str, content: bytes) -> Mutation:
    def apply(files: Files) -> None:
        if path in files:
            files[path] = content
    return apply


def _rename(path: str, name: str) -> Mutation:
    def apply(files: Files) -> None:
        if path in files:
            folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
            files[folder + name] = files.pop(path)
    return apply


def _delete(path: str) -> Mutation:
    def apply(files: Files) -> None:
        files.pop(path, None)
    return apply


paths = st.sampled_from(PATHS)
positions = st.integers(min_value=0, max_value=10_000)
file_names = st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), min_size=1, max_size=40)
mutations = st.one_of(
    st.builds(_delete_key, paths, positions),
    # twice: changed values are what reach the cross-file rules
    st.builds(_change_value, paths, positions, st.sampled_from(VALUES)),
    st.builds(_change_value, paths, positions, st.sampled_from(VALUES)),
    st.builds(_insert_text, paths, positions, st.text(min_size=1, max_size=20)),
    st.builds(_truncate, paths, st.integers(min_value=1, max_value=10_000)),
    st.builds(_duplicate_line, paths, positions),
    st.builds(_random_bytes, paths, st.binary(min_size=1, max_size=200)),
    st.builds(_rename, paths, st.one_of(file_names.map(lambda n: n + "_" if n in (".", "..") else n),
                                        file_names.map(lambda n: n.replace(".", "") + ".yaml"),
                                        st.sampled_from(["Ana.yaml", "x.yml", "ben.yaml", "ana--dan", "README.md"]))),
    st.builds(_delete, paths),
)


@settings(max_examples=100, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(mutations, min_size=1, max_size=3))
def test_mutated_program_never_crashes(program_repo: ProgramRepo, tmp_path: Path, changes: list[Mutation]) -> None:
    base = _base(program_repo, tmp_path)
    files = {path: (base / path).read_bytes() for path in PATHS}
    for change in changes:
        change(files)
    root = Path(tempfile.mkdtemp(dir=tmp_path))
    shutil.copytree(base / ".git", root / ".git")
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(content)

    result = run("validate", "--root", str(root), "--as-of", AS_OF)

    event(f"exit {result.exit_code}")
    for code in sorted(set(re.findall(r": (RM\d{3}) ", result.output))):
        event(code)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert "unexpected error" not in result.output
    assert SUMMARY.search(result.output), result.output
    if result.exit_code == 1:
        assert PROBLEM_LINE.search(result.output), result.output
    else:  # valid: warnings may come first, never an error
        assert result.output.splitlines()[-1].startswith("ok: "), result.output
        assert all(word == "warning:" for word in re.findall(r": RM\d{3} (\S+)", result.output)), result.output


_BASES: dict[Path, Path] = {}


def _base(program_repo: ProgramRepo, tmp_path: Path) -> Path:
    """One committed mini program per test (tmp_path is shared by its examples), copied for every example."""
    if tmp_path not in _BASES:
        _BASES[tmp_path] = program_repo()
    return _BASES[tmp_path]


def test_unmutated_copy_is_valid(program_repo: ProgramRepo, tmp_path: Path) -> None:
    # the property is only meaningful if the starting point is valid
    base = program_repo()
    copy = tmp_path / "copy"
    shutil.copytree(base, copy)
    assert run("validate", "--root", str(copy), "--as-of", AS_OF).output == "ok: 7 files valid\n"
