"""Same repository + same --as-of => the same bytes: matches.yaml, reports, site.

Not only twice in one process: also in another folder and in a fresh interpreter with a
different PYTHONHASHSEED, which changes the iteration order of every set and dict built
from strings, so an unsorted set anywhere shows up here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SCHEMA_LINE, commit_all, git, mini_files, person, run, write_files

AS_OF = "2026-04-15"
CHECKIN = SCHEMA_LINE.format("../../", "checkin")
SURVEY = SCHEMA_LINE.format("../../", "survey-response")
# one command per output a program publishes or reviews; each runs with --root and --as-of
COMMANDS: dict[str, list[str]] = {
    "matches.yaml": ["match", "--dry-run", "--format", "json"],
    "match diff": ["match", "--diff", "--format", "md"],
    "report.json": ["report", "--format", "json"],
    "report.csv": ["report", "--format", "csv"],
    "report.md": ["report", "--format", "md"],
    "private.md": ["report", "--private", "--format", "md"],
    "status": ["status"],
    "nudge": ["nudge", "--format", "json"],
    "validate": ["validate", "--format", "json"],
}
# runs the commands in a fresh interpreter; prints {name: [exit code, output]} as JSON
CHILD = textwrap.dedent("""\
    import json, sys
    from click.testing import CliRunner
    from rmcode.cli import cli
    root, as_of, commands = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    out = {}
    for name, args in commands.items():
        result = CliRunner().invoke(cli, [args[0], "--root", root, "--as-of", as_of, *args[1:]])
        out[name] = [result.exit_code, result.output]
    print(json.dumps(out))
    """)


def _checkin(pair: str, day: str, author: str, rating: int) -> str:
    return CHECKIN + f"pair: {pair}\ndate: {day}\nauthor: {author}\nminutes: 45\nrating: {rating}\n" \
                     "topics: [generative-ai, short-video]\n"


def _answer(login: str, pair: str, yes: bool, overall: int) -> str:
    return SURVEY + f"survey: closing\nrespondent: {login}\ndate: 2026-04-01\npair: {pair}\n" \
                    f"answers: {{would-continue: {str(yes).lower()}, overall: {overall}, highlight: 'Text {login}'}}\n"


def program_files() -> dict[str, str | None]:
    """Ties everywhere: identical mentors and mentees, so only the tie-break decides; plus sessions and surveys."""
    files: dict[str, str | None] = dict(mini_files())
    for i, login in enumerate(["zoe", "Amy", "kim", "eli", "Ola"]):
        files[f"participants/{login}.yaml"] = person(login, 300 + i, skills_offered="[generative-ai, short-video]",
                                                     department=["Sales", "Legal"][i % 2], name=f'"Ünï {login} <b>"')
    for i, login in enumerate(["Yan", "abe", "max", "Bea"]):
        files[f"participants/{login}.yaml"] = person(login, 400 + i, role="mentee", level=5, department="Finance",
                                                     skills_wanted="[generative-ai]", manager=None)
    for day, rating in (("2026-02-10", 5), ("2026-02-24", 4), ("2026-03-10", 2), ("2026-03-24", 1)):
        for author in ("ana", "cleo"):
            files[f"checkins/ana--cleo/{day}-{author}.yaml"] = _checkin("ana--cleo", day, author, rating)
    files["surveys/closing/ana.yaml"] = _answer("ana", "ana--cleo", True, 5)
    files["surveys/closing/cleo.yaml"] = _answer("cleo", "ana--cleo", False, 3)
    return files


@pytest.fixture(scope="module")
def repos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """Two copies of one program in different folders (conftest's HOME guard is per test: set it here too)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
        for key, value in {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
                           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com"}.items():
            patch.setenv(key, value)
        roots = []
        for name in ("first", "second-ñ copy"):
            root = tmp_path_factory.mktemp("determinism") / name
            root.mkdir()
            git(root, "init", "-q", "-b", "main")
            write_files(root, {k: v for k, v in program_files().items() if v is not None})
            commit_all(root, "program", "2026-04-15T23:30:00-05:00")  # the committer's day, not UTC's
            roots.append(root)
        yield roots[0], roots[1]


def _outputs(root: Path) -> dict[str, tuple[int, str]]:
    results = {name: run(args[0], "--root", str(root), "--as-of", AS_OF, *args[1:]) for name, args in COMMANDS.items()}
    return {name: (r.exit_code, r.output) for name, r in results.items()}


def _in_child(root: Path, seed: str) -> dict[str, tuple[int, str]]:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run([sys.executable, "-c", CHILD, str(root), AS_OF, json.dumps(COMMANDS)], env=env,
                          capture_output=True, text=True, check=True, timeout=300)
    return {name: (code, output) for name, (code, output) in json.loads(done.stdout).items()}


def test_every_output_is_valid_and_not_empty(repos: tuple[Path, Path]) -> None:
    outputs = _outputs(repos[0])
    assert {name: code for name, (code, _) in outputs.items()} == dict.fromkeys(COMMANDS, 0)
    assert json.loads(outputs["matches.yaml"][1])["pairs"] == 6  # 5 proposed among equals, 1 active


def test_outputs_are_identical_in_another_folder_and_across_hash_seeds(repos: tuple[Path, Path]) -> None:
    here = _outputs(repos[0])
    assert _outputs(repos[0]) == here
    assert _outputs(repos[1]) == here
    for seed in ("1", "4242"):
        assert _in_child(repos[1], seed) == here, seed


def test_match_writes_the_same_bytes_every_time(repos: tuple[Path, Path], tmp_path: Path) -> None:
    written = []
    for root in repos:
        copy = tmp_path / root.name
        shutil.copytree(root, copy)
        assert run("match", "--root", str(copy), "--as-of", AS_OF).exit_code == 0
        first = (copy / "matches.yaml").read_bytes()
        assert run("match", "--root", str(copy), "--as-of", AS_OF).exit_code == 0  # re-running changes nothing
        assert (copy / "matches.yaml").read_bytes() == first
        written.append(first)
    assert written[0] == written[1]
    assert b"  - id: Amy--abe\n" in written[0] and b"  - id: eli--Bea\n" in written[0]  # ties: by login


def test_the_default_as_of_is_the_head_commit_day_in_the_committers_time_zone(repos: tuple[Path, Path]) -> None:
    # committed 2026-04-15 23:30 at UTC-5 (2026-04-16 in UTC): the day is the committer's
    default = run("report", "--root", str(repos[0]), "--format", "json")
    explicit = run("report", "--root", str(repos[0]), "--format", "json", "--as-of", AS_OF)
    assert (default.exit_code, default.output) == (0, explicit.output)


def _tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_two_builds_in_two_folders_and_interpreters_are_byte_identical(repos: tuple[Path, Path],
                                                                       tmp_path: Path) -> None:
    first, second = tmp_path / "site-1", tmp_path / "site-2"
    assert run("build", "--root", str(repos[0]), "--out", str(first), "--as-of", AS_OF).exit_code == 0
    env = {**os.environ, "PYTHONHASHSEED": "99"}
    subprocess.run([sys.executable, "-m", "rmcode", "build", "--root", str(repos[1]), "--out", str(second),
                    "--as-of", AS_OF], env=env, capture_output=True, check=True, timeout=300)
    one, two = _tree(first), _tree(second)
    assert sorted(one) == sorted(two)
    assert [path for path in one if one[path] != two[path]] == []
