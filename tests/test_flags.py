"""Flags for admins: each kind, its exact message and evidence (file and line)."""

from __future__ import annotations

import datetime as dt

from conftest import ProgramRepo
from test_progress import checkin, load, small_files

from rmcode.model import ProgramData, Source
from rmcode.progress.flags import Flag, find_flags
from rmcode.progress.pairs import pair_facts, progress_of

D = dt.date


def flags(data: ProgramData, on: str) -> list[Flag]:
    day = D.fromisoformat(on)
    facts = pair_facts(data)
    return find_flags(data, day, facts, progress_of(data, day, facts))


def src(path: str, line: int = 1) -> Source:
    return Source(path, line)


def test_flags_of_the_small_program(program_repo: ProgramRepo) -> None:
    data = load(program_repo(small_files()))
    assert flags(data, "2026-03-31") == [
        Flag("not-a-fit", "ben--dan", "ben", "ben marked the first session on 2026-02-12 as not a good fit",
             (src("checkins/ben--dan/2026-02-12-ben.yaml", 7),)),
        Flag("no-show", "ben--dan", "ben", "ben logged that the session of 2026-02-26 did not take place",
             (src("checkins/ben--dan/2026-02-26-ben.yaml", 6),)),
        Flag("inactive-soon", "ana--cleo", None, "21 days without a session; stalled after 28",
             (src("matches.yaml", 3), src("checkins/ana--cleo/2026-03-10-ana.yaml"),
              src("checkins/ana--cleo/2026-03-10-cleo.yaml"))),
        Flag("incomplete-profile", None, "eve", "profile incomplete for 70 days: no skills_offered, goals",
             (src("participants/eve.yaml"),)),
        Flag("incomplete-profile", None, "fay", "profile incomplete for 70 days: no skills_wanted, goals",
             (src("participants/fay.yaml"),)),
        Flag("unmatched", None, "ben", "unmatched for 16 days", (src("participants/ben.yaml"),)),
        Flag("unmatched", None, "dan", "unmatched for 16 days", (src("participants/dan.yaml"),)),
    ]


def test_stalled_pair_replaces_the_warning(program_repo: ProgramRepo) -> None:
    data = load(program_repo(small_files()))
    stalled = [f for f in flags(data, "2026-04-07") if f.pair == "ana--cleo"]
    assert [(f.kind, f.message) for f in stalled] == [("stalled", "no session for 28 days (the limit is 28)")]
    assert [f.kind for f in flags(data, "2026-03-30") if f.pair == "ana--cleo"] == []  # 20 days: no warning yet


def test_concern_is_quoted_with_its_file(program_repo: ProgramRepo) -> None:
    files = small_files()
    path, text = checkin("ana--cleo", "2026-03-24", "cleo", 45,
                         concern='{level: high, note: "My mentor keeps cancelling."}')
    files[path] = text
    found = [f for f in flags(load(program_repo(files)), "2026-03-31") if f.kind == "concern"]
    assert found == [Flag("concern", "ana--cleo", "cleo",
                          "cleo raised a high concern on 2026-03-24: My mentor keeps cancelling.", (src(path, 6),))]


def test_two_low_ratings_in_a_row(program_repo: ProgramRepo) -> None:
    files = small_files()
    path, text = checkin("ana--cleo", "2026-03-24", "cleo", 45, rating=1)
    files[path] = text
    found = [f for f in flags(load(program_repo(files)), "2026-03-31") if f.kind == "low-ratings"]
    assert found == [Flag("low-ratings", "ana--cleo", "cleo",
                          "cleo rated two sessions in a row 2 and 1 (2026-03-10 and 2026-03-24)",
                          (src("checkins/ana--cleo/2026-03-10-cleo.yaml", 6), src(path, 6)))]
    assert [f for f in flags(load(program_repo(small_files())), "2026-03-31") if f.kind == "low-ratings"] == []


def test_sessions_the_other_side_never_confirms(program_repo: ProgramRepo) -> None:
    files = small_files()
    for name in ("2026-02-10-cleo", "2026-03-10-cleo"):
        files[f"checkins/ana--cleo/{name}.yaml"] = None
    found = [f for f in flags(load(program_repo(files)), "2026-03-31") if f.kind == "unconfirmed"]
    assert found == [Flag("unconfirmed", "ana--cleo", "ana", "ana logged 3 sessions that cleo never confirmed",
                          tuple(src(f"checkins/ana--cleo/2026-0{d}-ana.yaml") for d in ("2-10", "2-24", "3-10")))]


def test_unmatched_counts_from_the_close_of_registration(program_repo: ProgramRepo) -> None:
    files = small_files()
    files["matches.yaml"] = None
    files.update({k: None for k in files if k.startswith("checkins/")})
    data = load(program_repo(files))
    # registration closed 01-31: 13 days later nobody is flagged yet, 14 days later everyone unpaused is
    assert [f for f in flags(data, "2026-02-13") if f.kind == "unmatched"] == []
    assert [f.login for f in flags(data, "2026-02-14") if f.kind == "unmatched"] == [
        "ana", "ben", "cleo", "dan", "eve", "fay"]


def test_paused_people_and_finished_cohorts_are_not_flagged(program_repo: ProgramRepo) -> None:
    files = small_files()
    files["matches.yaml"] = None
    files.update({k: None for k in files if k.startswith("checkins/")})
    files["participants/eve.yaml"] = (files["participants/eve.yaml"] or "") + "paused: {until: 2026-04-30}\n"
    data = load(program_repo(files))
    assert "eve" not in [f.login for f in flags(data, "2026-03-31") if f.kind == "unmatched"]
    assert flags(data, "2026-07-01") == []  # the cohort ended on 06-30
