"""Opening many sealed values on every core (sealing.Unsealing) and while the program loads (api.report):
the same values and the same errors as opening them one by one, in any order, and no process left behind."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import time
from collections.abc import Iterable
from pathlib import Path

import pytest
from conftest import ProgramRepo, run
from test_seals import CHECKIN, PUBLIC, SECRET, block, with_recipients

from rmcode import api, sealing
from rmcode.api import report as api_report
from rmcode.io import cache
from rmcode.model import CheckIn
from rmcode.sealing import SealError, Unsealing
from rmcode.validate.sealed import open_data

AS_OF = dt.date(2026, 3, 1)


def _outcome(value: object) -> tuple[str, object]:
    return ("error", str(value)) if isinstance(value, SealError) else ("value", value)


@pytest.fixture(scope="module")
def texts() -> list[str]:
    """40 sealed values: ratings, one damaged, one sealed to another key, one free text."""
    values = [sealing.seal(i % 5 + 1, [PUBLIC]) for i in range(40)]
    values[7] = values[7][:80] + "A" + values[7][81:]
    values[20] = sealing.seal(1, [sealing.generate_identity()[1]])
    values[33] = sealing.seal({"note": "marker-note"}, [PUBLIC])
    return values


@pytest.fixture
def small_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers from 10 values on, 7 values a chunk: a test's few values take the path of 85,000."""
    monkeypatch.setattr(sealing, "PARALLEL_FROM", 10)
    monkeypatch.setattr(sealing, "_CHUNK", 7)


def test_values_opened_by_workers_are_those_opened_one_by_one(texts: list[str], small_pool: None) -> None:
    keyring = sealing.parse_identities(SECRET)
    one_by_one = [_outcome(v) for v in sealing.unseal_all(texts, keyring)]
    assert one_by_one[7][0] == one_by_one[20][0] == "error" and one_by_one[33] == ("value", {"note": "marker-note"})
    assert [_outcome(v) for v in sealing.unseal_many(texts, keyring)] == one_by_one
    with Unsealing(keyring) as opening:
        opening.add(texts[:25])  # started early: 25 values, 4 chunks
        assert multiprocessing.active_children(), "the workers start once PARALLEL_FROM values wait"
        opening.expect(reversed(texts))  # the other 15 start now
        assert [_outcome(opening.get(t)) for t in reversed(texts)] == one_by_one[::-1]
    assert not multiprocessing.active_children()


def test_values_added_but_not_asked_for_are_dropped_and_those_not_added_are_opened(texts: list[str],
                                                                                   small_pool: None) -> None:
    keyring = sealing.parse_identities(SECRET)
    one_by_one = [_outcome(v) for v in sealing.unseal_all(texts, keyring)]
    with Unsealing(keyring) as opening:
        opening.add(texts[:5])  # fewer than PARALLEL_FROM: waiting, nothing started
        assert not multiprocessing.active_children()
        opening.expect(texts[3:9])  # 6 values: opened here, one by one, when asked for
        assert [_outcome(opening.get(t)) for t in texts[3:9]] == one_by_one[3:9]
        assert not multiprocessing.active_children()
    with Unsealing(keyring) as opening:
        opening.add(texts)
        opening.expect(texts[30:])
        assert [_outcome(opening.get(t)) for t in texts[30:]] == one_by_one[30:]
        opening.close()  # what was started for the first 30 and never asked for is dropped
        assert not multiprocessing.active_children()


def _die(texts: list[str]) -> list[object]:
    Path(os.environ["RMCODE_TEST_DIED"]).touch()  # the parent asks whether a worker really ran
    os._exit(3)  # a worker killed while it opens (out of memory, a signal)


def test_when_a_worker_dies_the_values_are_opened_here(texts: list[str], small_pool: None, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    keyring = sealing.parse_identities(SECRET)
    one_by_one = [_outcome(v) for v in sealing.unseal_all(texts, keyring)]
    monkeypatch.setattr(sealing, "_unseal_chunk", _die)  # the forked workers inherit it
    monkeypatch.setenv("RMCODE_TEST_DIED", str(tmp_path / "died"))
    assert [_outcome(v) for v in sealing.unseal_many(texts, keyring)] == one_by_one
    assert (tmp_path / "died").exists(), "no worker ran: the test would not see the parent take over"
    assert not multiprocessing.active_children()


def test_an_error_between_adding_and_asking_leaves_no_process(texts: list[str], small_pool: None) -> None:
    with pytest.raises(RuntimeError), Unsealing(sealing.parse_identities(SECRET)) as opening:
        opening.add(texts)
        assert multiprocessing.active_children()
        raise RuntimeError("loading failed")
    assert not multiprocessing.active_children()


# --- the cache hands what it read to the next load, frame by frame to whoever asks ---------------------

def _checkin(day: int, rating: int, author: str = "ana") -> tuple[str, str]:
    return (f"checkins/ana--cleo/2026-02-{day:02d}-{author}.yaml",
            CHECKIN.replace("2026-02-10", f"2026-02-{day:02d}").replace("author: ana", f"author: {author}")
            + f"rating: {block(rating)}good_fit: {block(day % 2 == 0)}")


def _aged(root: Path, seconds: float = 60) -> None:
    """Every file written a minute ago: out of the cache's racy window (cache.RACY_NS)."""
    ns = time.time_ns() - int(seconds * 1e9)
    for path in root.rglob("*"):
        if ".git" not in path.parts:
            os.utime(path, ns=(ns, ns))


def _program(program_repo: ProgramRepo) -> Path:
    """16 check-ins with a sealed rating and fit answer (32 values) and one dated after AS_OF, cached."""
    files = dict(_checkin(day, day % 5 + 1) for day in range(11, 27))
    path, text = _checkin(27, 5)
    files[path.replace("02-27", "03-20")] = text.replace("2026-02-27", "2026-03-20")
    root = program_repo({"program.yaml": with_recipients(), "checkins/ana--cleo/2026-02-10-ana.yaml": None, **files})
    _aged(root)
    api.validate(root)  # writes the cache
    return root


def _key_file(root: Path, secret: str = SECRET) -> Path:
    path = root.parent / "program.key"
    path.write_text(secret + "\n", encoding="utf-8")
    return path


def test_the_cache_gives_each_frame_as_read(program_repo: ProgramRepo) -> None:
    root = _program(program_repo)
    dates: list[str] = []
    read = cache.load(root, each=lambda records: dates.extend(
        str(r.item.date) for r in records if isinstance(r.item, CheckIn)))
    assert sorted(dates) == [f"2026-02-{d}" for d in range(11, 27)] + ["2026-03-20"]
    assert cache.load(root) == read  # read again: the same entries


def test_report_opens_cached_values_while_loading_and_the_rest_after(program_repo: ProgramRepo,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root = _program(program_repo)
    path, text = _checkin(13, 2)
    (root / path).write_text(text, encoding="utf-8")  # changed after the cache was written: rating 4 -> 2
    _aged(root)
    monkeypatch.setattr(sealing, "PARALLEL_FROM", 4)
    monkeypatch.setattr(sealing, "_CHUNK", 3)
    added: list[str] = []
    asked: list[str] = []
    add, expect = Unsealing.add, Unsealing.expect

    def spy_add(self: Unsealing, texts: Iterable[str]) -> None:
        texts = list(texts)
        added.extend(texts)
        add(self, texts)

    def spy_expect(self: Unsealing, texts: Iterable[str]) -> None:
        texts = list(texts)
        asked.extend(texts)
        expect(self, texts)

    monkeypatch.setattr(Unsealing, "add", spy_add)
    monkeypatch.setattr(Unsealing, "expect", spy_expect)
    data, day, opened = api_report.load_opened(root, AS_OF, _key_file(root))
    assert not multiprocessing.active_children()
    early = set(added[:32])
    assert len(early) == 32 and len(asked) == 32  # from the cache: 16 check-ins, none dated after AS_OF
    assert len(set(asked) - early) == 2  # the changed file (sealed again: both values) was opened after loading
    monkeypatch.setattr(sealing, "PARALLEL_FROM", 10**9)  # the reference opens one by one, in this process
    reference = open_data(api.load_as_of(root, AS_OF)[0], sealing.parse_identities(SECRET))
    assert (data, opened, day) == (reference.data, reference.opened, AS_OF)
    assert [(c.date.day, c.rating, c.good_fit) for c in data.checkins] == [
        (d, 2 if d == 13 else d % 5 + 1, d % 2 == 0) for d in range(11, 27)]
    assert opened == 32


def test_report_with_a_key_that_opens_nothing_says_so_with_workers_too(program_repo: ProgramRepo,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    root = _program(program_repo)
    monkeypatch.setattr(sealing, "PARALLEL_FROM", 4)
    other = _key_file(root, sealing.generate_identity()[0])
    result = run("report", "--private", "--root", str(root), "--as-of", "2026-03-20", "--identity", str(other))
    assert result.exit_code == 1, result.output
    assert "the key given opens none of the 34 sealed values" in result.output
    assert "Traceback" not in result.output and not multiprocessing.active_children()
