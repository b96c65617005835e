"""The validation cache (cache.py, api.validate): never a stale result, always the same result as without it.

A file counts as unchanged while its size, mtime and inode are (like git's index); so does a
folder's list of entries. The tests set mtimes with ``os.utime`` so that being inside or outside
the racy window (cache.RACY_NS) never depends on how fast the machine is. The reference result
parses every file in full and applies the rules to those documents: no cache, nothing re-read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType

import networkx as nx
import pytest
from conftest import SCHEMA_LINE, ProgramRepo, person
from hypothesis import given
from hypothesis import strategies as st

import rmcode
from rmcode import api
from rmcode.io import cache
from rmcode.io.repo import discover
from rmcode.validate import rules
from rmcode.validate.pipeline import DIGEST_CHARS, Reread, Validation, validate_documents

AS_OF = dt.date(2026, 3, 1)
ANA = "participants/ana.yaml"
CHECKIN = "checkins/ana--cleo/2026-02-10-ana.yaml"

# problems deep inside documents, so that positions come from re-reading compacted files
NESTED = {
    ANA: person("ana", 101, skills_offered="[generative-ai, no-such-skill]",
                working_style="{structure: 3, tempo: 2}", goals="{grow: [{id: present, text: Present}]}"),
    CHECKIN: SCHEMA_LINE.format("../../", "checkin") + (
        "pair: ana--cleo\ndate: 2026-02-10\nauthor: ana\nminutes: 45\n"
        "topics:\n  - generative-ai\n  - knitting\n"
        "goals:\n  - {goal: present, progress: started}\n  - {goal: nope, progress: started}\n"),
    "checkins/ana--cleo/2026-02-24-cleo.yaml": SCHEMA_LINE.format("../../", "checkin") + (
        "pair: ana--cleo\ndate: 2026-02-24\nauthor: cleo\nminutes: 30\ntopics: [short-video, hula]\n"),
    "surveys/closing/cleo.yaml": SCHEMA_LINE.format("../../", "survey-response") + (
        "survey: closing\nrespondent: cleo\ndate: 2026-02-20\npair: ana--cleo\n"
        "answers:\n  would-continue: true\n  overal: 4\n"),
    "matches.yaml": SCHEMA_LINE.format("", "matches") + (
        "pairs:\n"
        "  - {id: ana--cleo, cohort: c1, mentor: ana, mentee: cleo, status: active, matched: 2026-02-01}\n"
        "  - id: ben--dan\n    cohort: c1\n    mentor: ben\n    mentee: dna\n    status: active\n"),
}


def reference(root: Path) -> Validation:
    """Validation the plain way: every document parsed in full, nothing cached or re-read."""
    refs, problems = discover(root)
    good = {}
    for ref in refs:
        _, doc, found = api.check_file(root, ref)
        problems += found
        if doc is not None and not found:
            good[ref.path] = (doc, ref.schema)
    present = {ref.path[13:-5].lower() for ref in refs if ref.schema == "participant"}
    return validate_documents(good, problems, AS_OF, len(refs), present)


def validated(root: Path) -> Validation:
    """``api.validate`` with the cache, checked against the reference and against running without it."""
    result = api.validate(root, AS_OF)
    assert result == reference(root)
    assert result == api.validate(root, AS_OF, use_cache=False)
    return result


def age(root: Path, *rels: str, seconds: float = 60) -> None:
    """Set the mtime of files and folders ``seconds`` in the past (negative: in the future)."""
    ns = time.time_ns() - int(seconds * 1e9)
    for rel in rels:
        os.utime(root / rel, ns=(ns, ns))


def age_everything(root: Path, seconds: float = 60) -> None:
    rels = [str(p.relative_to(root)) for p in root.rglob("*") if ".git" not in p.parts]
    age(root, *rels, seconds=seconds)


def same_stamp_edit(root: Path, rel: str, old: str, new: str) -> None:
    """Change a file's text in place, keeping its size, mtime and inode."""
    path = root / rel
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert len(old) == len(new) and old in text
    with open(path, "r+b") as handle:
        handle.write(text.replace(old, new).encode())
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)


def codes(result: Validation) -> set[tuple[str, str]]:
    return {(p.path, p.code) for p in result.problems}


def test_a_change_inside_the_racy_window_is_seen_though_size_mtime_and_inode_are_the_same(
        program_repo: ProgramRepo) -> None:
    root = program_repo()
    age(root, ANA, seconds=-5)  # written "now": within the window of the run that reads it
    assert validated(root).valid
    same_stamp_edit(root, ANA, "level: 1", "level: 9")
    assert (ANA, "RM319") in codes(validated(root))


def test_an_unchanged_stamp_outside_the_racy_window_reuses_the_cached_result(program_repo: ProgramRepo) -> None:
    # the contract, shown by breaking it on purpose: the file is not read again
    root = program_repo()
    age_everything(root)
    assert api.validate(root, AS_OF).valid
    same_stamp_edit(root, ANA, "level: 1", "level: 9")
    assert api.validate(root, AS_OF).valid
    assert (ANA, "RM319") in codes(api.validate(root, AS_OF, use_cache=False))


def test_a_change_after_the_racy_window_is_seen(program_repo: ProgramRepo) -> None:
    root = program_repo()
    age_everything(root, seconds=120)
    assert validated(root).valid
    path = root / ANA
    path.write_text(path.read_text(encoding="utf-8").replace("level: 1", "level: 9"), encoding="utf-8")
    age(root, ANA, seconds=60)  # still long ago: only the mtime tells
    assert (ANA, "RM319") in codes(validated(root))


def test_added_deleted_and_stray_files_are_seen_in_folders_listed_before(program_repo: ProgramRepo) -> None:
    root = program_repo()
    age_everything(root)  # every folder listing is trusted from now on
    assert validated(root).valid
    (root / "participants/eve.yaml").write_text(person("eve", 301, cohort="c9"), encoding="utf-8")
    assert ("participants/eve.yaml", "RM304") in codes(validated(root))
    (root / "participants/cleo.yaml").unlink()
    (root / "checkins/ana--cleo/notes.txt").write_text("stray", encoding="utf-8")
    after = codes(validated(root))
    assert {("matches.yaml", "RM333"), ("checkins/ana--cleo/notes.txt", "RM123")} <= after
    assert ("participants/eve.yaml", "RM304") in after
    (root / "checkins/ana--cleo/notes.txt").unlink()
    (root / "participants/eve.yaml").unlink()
    assert codes(validated(root)) == {("matches.yaml", "RM333")}


def test_a_cache_written_by_other_code_or_schemas_is_not_used(program_repo: ProgramRepo,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    root = program_repo()
    age_everything(root)
    api.validate(root, AS_OF)
    same_stamp_edit(root, ANA, "level: 1", "level: 9")
    monkeypatch.setattr(cache, "_key", lambda: "0123456789abcdef")  # as after an edit of rmcode or a schema
    assert (ANA, "RM319") in codes(api.validate(root, AS_OF))
    assert list((root / ".git" / "rmcode-cache").glob("validate-*.pickle")) == [cache.cache_path(root)]


def test_the_cache_key_covers_python_the_parsing_libraries_every_module_and_every_schema() -> None:
    inputs = cache.key_inputs()
    names = {name for name, _ in inputs}
    package = Path(rmcode.__file__).parent
    assert {p.name for p in package.glob("*.py")} | {p.name for p in (package / "schemas").iterdir()} <= names
    assert {"python", "PyYAML", "jsonschema", "fastjsonschema"} <= names
    for name in ("validate/pipeline.py", "participant.schema.json", "PyYAML"):
        i = next(i for i, (n, _) in enumerate(inputs) if n == name)
        changed = [*inputs[:i], (name, inputs[i][1] + b" "), *inputs[i + 1:]]
        assert cache.key_of(changed) != cache.key_of(inputs)


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def _torn_append(path: Path) -> None:
    with open(path, "ab") as handle:
        handle.write(b"rmc2\x00\x01")


@pytest.mark.parametrize("damage", [_truncate, _flip, _torn_append, lambda p: p.write_bytes(b"\x80\x05garbage"),
                                    lambda p: p.write_bytes(b"")],
                         ids=["truncated", "flipped", "torn", "garbage", "empty"])
def test_a_damaged_cache_is_ignored(program_repo: ProgramRepo, damage: Callable[[Path], None]) -> None:
    root = program_repo(NESTED)
    expected = reference(root)
    api.validate(root, AS_OF)
    damage(cache.cache_path(root))
    assert api.validate(root, AS_OF) == expected
    assert api.validate(root, AS_OF) == expected  # and the cache written again is good


@pytest.mark.parametrize("parallel", [False, True], ids=["one-process", "worker-processes"])
def test_results_are_the_same_with_and_without_the_cache_including_positions(
        program_repo: ProgramRepo, monkeypatch: pytest.MonkeyPatch, parallel: bool) -> None:
    if parallel:  # the path of large programs: workers send pickled cache frames back
        monkeypatch.setattr(api, "PARALLEL_MIN_FILES", 1)
        monkeypatch.setattr(api, "_CHUNK", 2)
    root = program_repo(NESTED)
    age_everything(root)
    expected = reference(root)
    where = {(p.path, p.pointer): (p.line, p.col) for p in expected.problems}
    assert where[(ANA, "/skills_offered/1")] == (13, 33)
    assert where[(ANA, "/working_style/tempo")] == (14, 31)
    assert where[(CHECKIN, "/topics/1")] == (8, 5)
    assert where[(CHECKIN, "/goals/1/goal")] == (11, 12)
    assert where[("surveys/closing/cleo.yaml", "/answers/overal")] == (8, 3)
    assert where[("matches.yaml", "/pairs/1/mentee")] == (7, 13)
    assert api.validate(root, AS_OF, use_cache=False) == expected
    assert api.validate(root, AS_OF) == expected  # cold: checked and cached
    assert api.validate(root, AS_OF) == expected  # warm: typed items from the cache, positions re-read
    (root / "checkins/ana--cleo/2026-02-24-cleo.yaml").unlink()
    assert validated(root).problems == tuple(p for p in expected.problems if "2026-02-24" not in p.path)


def test_small_changes_are_appended_and_the_cache_is_rewritten_once_they_pile_up(
        program_repo: ProgramRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    root = program_repo(NESTED)
    age_everything(root, seconds=120)
    validated(root)
    path = cache.cache_path(root)
    first = path.stat()
    (root / ANA).write_text((root / ANA).read_text(encoding="utf-8") + "bio: Hello\n", encoding="utf-8")
    age(root, ANA, seconds=60)
    validated(root)
    appended = path.stat()
    assert appended.st_ino == first.st_ino and appended.st_size > first.st_size
    monkeypatch.setattr(api, "_REWRITE_MIN", 0)
    monkeypatch.setattr(api, "_REWRITE_SHARE", 1000)
    (root / ANA).write_text((root / ANA).read_text(encoding="utf-8") + "location: Bonn\n", encoding="utf-8")
    age(root, ANA, seconds=30)
    validated(root)
    assert path.stat().st_ino != appended.st_ino


_GC_CHECK = """
import datetime as dt, gc, sys
from pathlib import Path
from rmcode import api
root, day = Path(sys.argv[1]), dt.date(2026, 3, 1)
for freeze_first in (False, True):  # status and report freeze the loaded program
    if freeze_first:
        gc.freeze()
    frozen = gc.get_freeze_count()
    api.validate(root, day)
    print(gc.isenabled(), gc.get_freeze_count() == frozen)
gc.disable()
api.validate(root, day)
print(gc.isenabled())
"""


def test_validation_leaves_the_garbage_collector_as_it_found_it(program_repo: ProgramRepo) -> None:
    # in a fresh interpreter: objects that earlier tests left frozen (status and report freeze
    # what they loaded) may die during the validation and lower the frozen count on their own
    root = program_repo()
    done = subprocess.run([sys.executable, "-c", _GC_CHECK, str(root)], capture_output=True, text=True,
                          check=False, timeout=300)
    assert (done.returncode, done.stdout, done.stderr) == (0, "True True\nTrue True\nFalse\n", "")


def test_a_file_changed_since_it_was_checked_gives_the_top_of_the_file_not_a_wrong_line() -> None:
    content = b"a: 1\nb:\n  - x\n"
    digest = hashlib.sha256(content).hexdigest()[:DIGEST_CHARS]
    valid = cache.Record((1, 1, 1), "checkin", (), (), digest)  # any item but None: the file was valid
    now = Reread({"f.yaml": valid}, lambda path: content)
    assert now["f.yaml"].where("/b/0") == (3, 5)
    changed = Reread({"f.yaml": valid}, lambda path: b"b: 1\na: 2\n")
    assert changed["f.yaml"].where("/a") == (1, 1)
    gone = Reread({"f.yaml": valid}, lambda path: None)
    assert gone["f.yaml"].where("/a") == (1, 1)
    assert Reread({"f.yaml": valid._replace(item=None, digest="")}, lambda path: content).get("f.yaml") is None


def test_every_mapping_field_of_a_cached_class_is_wrapped_again_on_loading() -> None:
    # a field annotated Mapping holds a read-only proxy, which travels as a dict: cache.WRAPPED must name it
    for cls in cache._PLANS:
        mappings = {f.name for f in dataclasses.fields(cls) if str(f.type).startswith("Mapping[")}
        assert cache.WRAPPED.get(cls, frozenset()) == mappings, cls.__name__


def test_records_and_their_read_only_mappings_come_back_from_the_cache_as_they_went_in() -> None:
    from rmcode.errors import Problem
    from rmcode.model import Source, SurveyResponse

    response = SurveyResponse("s", "ana", AS_OF, "ana--bo", MappingProxyType({"q": 3}), Source("surveys/s/ana.yaml"))
    records = {"surveys/s/ana.yaml": cache.Record((1, 2, 3), "survey-response", response, (), "ab"),
               "surveys/s/bo.yaml": cache.Record((4, 5, 6), "survey-response", None,
                                                 (Problem("surveys/s/bo.yaml", 2, 1, "RM300", "bad"),), "")}
    back = cache.loads(cache.dumps(records))
    assert back == records and all(type(r) is cache.Record for r in back.values())
    loaded = back["surveys/s/ana.yaml"].item
    assert isinstance(loaded, SurveyResponse) and type(loaded.answers) is MappingProxyType


def _ring(cycle: list[str]) -> tuple[str, ...]:
    start = cycle.index(min(cycle))
    return tuple(cycle[start:] + cycle[:start])


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.sampled_from("abcdefgh")))
def test_reporting_line_cycles_found_without_networkx_are_those_networkx_finds(managers: dict[str, str]) -> None:
    edges = {person: {manager} for person, manager in managers.items() if person != manager}
    graph = nx.DiGraph()
    graph.add_edges_from((a, b) for a, targets in edges.items() for b in targets)
    assert sorted(map(_ring, rules._cycles(edges))) == sorted(map(_ring, nx.simple_cycles(graph)))


def test_outside_git_the_cache_is_never_in_the_working_tree(tmp_path: Path) -> None:
    # a pickle in the working tree could come with a downloaded archive and run code when read
    root = tmp_path / "program"
    root.mkdir()
    path = cache.cache_path(root)
    assert root not in path.parents
    assert path.parent.parent == Path(os.environ["HOME"]) / ".cache" / "rmcode"
