"""Progress per pair: sessions, confirmation, expectations and every status transition, by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
from conftest import SCHEMA_LINE, ProgramRepo, person
from hypothesis import given, settings
from hypothesis import strategies as st

from rmcode import api
from rmcode.model import ProgramData
from rmcode.progress.pairs import (
    NEVER,
    STATUSES,
    MilestoneState,
    PairProgress,
    PairTable,
    progress_of,
    snapshot,
)

D = dt.date


def checkin(pair: str, day: str, author: str, minutes: int = 45, **extra: object) -> tuple[str, str]:
    """A check-in file (path, text); ``extra`` adds YAML lines (values written as given)."""
    body = f"pair: {pair}\ndate: {day}\nauthor: {author}\nminutes: {minutes}\n"
    body += "".join(f"{k}: {v}\n" for k, v in extra.items())
    return f"checkins/{pair}/{day}-{author}.yaml", SCHEMA_LINE.format("../../", "checkin") + body


def matches(*pairs: str) -> str:
    """matches.yaml from lines 'mentor mentee status matched [ended]'."""
    out = "pairs:\n"
    for line in pairs:
        mentor, mentee, status, matched, *ended = line.split()
        out += (f"  - id: {mentor}--{mentee}\n    cohort: c1\n    mentor: {mentor}\n    mentee: {mentee}\n"
                f"    status: {status}\n    proposed: 2026-01-25\n    matched: {matched}\n")
        out += f"    ended: {ended[0]}\n    end_reason: They agreed to stop.\n" if ended else ""
    return SCHEMA_LINE.format("", "matches") + out


def response(login: str, day: str, answers: dict[str, object], survey: str = "closing") -> tuple[str, str]:
    body = f"survey: {survey}\nrespondent: {login}\ndate: {day}\nanswers:\n"
    body += "".join(f"  {k}: {v}\n" for k, v in answers.items())
    return f"surveys/{survey}/{login}.yaml", SCHEMA_LINE.format("../../", "survey-response") + body


def small_files() -> dict[str, str | None]:
    """Six people, an active pair (ana--cleo), an ended one (ben--dan), a proposed one (eve--fay).

    ana--cleo: sessions 02-10 (both, 45/60 min), 02-24 (ana only), 03-10 (both, 30 min).
    ben--dan:  session 02-12 (both, 45 min); 02-26 logged by ben as not held; ended 03-15.
    """
    files: dict[str, str | None] = {
        "participants/ana.yaml": person("ana", 101, skills_offered="[generative-ai]",
                                        goals="{grow: [{id: g-ana, text: Present to leaders}]}"),
        "participants/ben.yaml": person("ben", 102, department="Legal", skills_offered="[short-video]",
                                        goals="{grow: [{id: g-ben, text: Build a network}]}"),
        "participants/cleo.yaml": person("cleo", 201, role="mentee", level=5, department="Finance",
                                         registered="2026-01-05", skills_wanted="[generative-ai]",
                                         goals="{learn: [{id: g-cleo, text: Use AI weekly}]}"),
        "participants/dan.yaml": person("dan", 202, role="mentee", level=4, registered="2026-01-12",
                                        skills_wanted="[short-video]", goals="{learn: [{id: g-dan, text: Film}]}"),
        "participants/eve.yaml": person("eve", 103, registered="2026-01-20"),
        "participants/fay.yaml": person("fay", 203, role="mentee", level=4, department="Legal",
                                        registered="2026-01-20"),
        "matches.yaml": matches("ana cleo active 2026-02-01", "ben dan ended 2026-02-01 2026-03-15",
                                "eve fay proposed 2026-02-01"),
        "checkins/ana--cleo/2026-02-10-ana.yaml": None,
    }
    for path, text in (
        checkin("ana--cleo", "2026-02-10", "ana", 45, rating=5, good_fit="true", topics="[generative-ai]"),
        checkin("ana--cleo", "2026-02-10", "cleo", 60, rating=4, good_fit="true", topics="[generative-ai]"),
        checkin("ana--cleo", "2026-02-24", "ana", 45, rating=4,
                goals="[{goal: g-ana, progress: progressing}, {goal: g-cleo, progress: started}]"),
        checkin("ana--cleo", "2026-03-10", "ana", 30, rating=3, topics="[data-literacy]"),
        checkin("ana--cleo", "2026-03-10", "cleo", 30, rating=2, goals="[{goal: g-cleo, progress: achieved}]"),
        checkin("ben--dan", "2026-02-12", "ben", 45, rating=2, good_fit="false",
                goals="[{goal: g-dan, progress: progressing}]"),
        checkin("ben--dan", "2026-02-12", "dan", 45, rating=3, good_fit="true"),
        checkin("ben--dan", "2026-02-26", "ben", 0, held="false"),
        response("ana", "2026-03-20", {"would-continue": "true", "overall": 5}),
        response("cleo", "2026-03-25", {"would-continue": "false", "overall": 3}),
        response("dan", "2026-03-20", {"would-continue": "true", "overall": 4}),
    ):
        files[path] = text
    return files


def load(root: Path, as_of: str = "2026-03-31") -> ProgramData:
    return api.load_program(root, D.fromisoformat(as_of))


def by_id(data: ProgramData, on: str) -> dict[str, PairProgress]:
    return {p.pair.id: p for p in progress_of(data, D.fromisoformat(on))}


def test_sessions_confirmed_by_both_sides_count_once(program_repo: ProgramRepo) -> None:
    p = by_id(load(program_repo(small_files())), "2026-03-31")["ana--cleo"]
    assert (p.sessions_held, p.sessions_confirmed, p.sessions_unconfirmed) == (3, 2, 1)
    assert p.minutes == 60 + 45 + 30  # the longer of two reports of one session
    assert p.last_session == D(2026, 3, 10)
    assert p.topics_covered == ("data-literacy", "generative-ai")
    assert (p.wanted_covered, p.wanted_total) == (1, 1)
    assert (p.rating_mentor, p.rating_mentee) == (4.0, 3.0)
    assert p.first_session_fit is True


def test_a_session_logged_as_not_held_is_no_session(program_repo: ProgramRepo) -> None:
    p = by_id(load(program_repo(small_files())), "2026-03-31")["ben--dan"]
    assert (p.sessions_held, p.sessions_confirmed, p.minutes) == (1, 1, 45)
    assert p.first_session_fit is False  # ben said no


# ana--cleo: matched 2026-02-01, cadence 14, 6 sessions, inactivity 28 (twice the cadence)
STATUS_TIMELINE = [
    ("2026-01-31", "proposed", 0, 0),  # proposed on 01-25, approved on 02-01
    ("2026-02-10", "on-track", 1, 0),  # day 9: nothing expected yet
    ("2026-02-15", "on-track", 1, 1),  # day 14: one expected, one held
    ("2026-03-01", "on-track", 2, 2),  # day 28: two expected, two held
    ("2026-03-15", "on-track", 3, 3),
    ("2026-03-29", "behind", 3, 4),  # day 56: four expected, three held
    ("2026-04-06", "behind", 3, 4),  # 27 days since 03-10
    ("2026-04-07", "stalled", 3, 4),  # 28 days since 03-10
    ("2026-07-15", "stalled", 3, 6),  # after the end: all six expected, silence counted up to the end
]


def test_status_transitions_of_an_active_pair(program_repo: ProgramRepo) -> None:
    data = load(program_repo(small_files()))
    for day, status, held, expected in STATUS_TIMELINE:
        p = by_id(data, day)["ana--cleo"]
        assert (day, p.status, p.sessions_held, p.sessions_expected) == (day, status, held, expected)


def test_next_due_and_days_without_session(program_repo: ProgramRepo) -> None:
    data = load(program_repo(small_files()))
    p = by_id(data, "2026-03-31")["ana--cleo"]
    assert (p.next_due, p.days_without_session) == (D(2026, 3, 24), 21)
    before = by_id(data, "2026-02-05")["ana--cleo"]
    assert (before.next_due, before.last_session, before.days_without_session) == (D(2026, 2, 15), None, 4)


def test_ended_pair_is_ended_early_from_its_end_date(program_repo: ProgramRepo) -> None:
    data = load(program_repo(small_files()))
    assert by_id(data, "2026-03-01")["ben--dan"].status == "behind"  # two expected, one held
    ended = by_id(data, "2026-03-15")["ben--dan"]
    assert (ended.status, ended.next_due, ended.sessions_expected) == ("ended-early", None, 3)


def test_pairs_proposed_after_the_as_of_date_are_left_out(program_repo: ProgramRepo) -> None:
    assert list(by_id(load(program_repo(small_files())), "2026-01-24")) == []


def test_proposed_pair_expects_nothing(program_repo: ProgramRepo) -> None:
    p = by_id(load(program_repo(small_files())), "2026-03-31")["eve--fay"]
    assert (p.status, p.sessions_expected, p.next_due, p.days_without_session) == ("proposed", 0, None, None)


def test_pair_with_all_sessions_is_completed(program_repo: ProgramRepo) -> None:
    files = small_files()
    for n, day in enumerate(["2026-02-03", "2026-02-10", "2026-02-17", "2026-02-24", "2026-03-03", "2026-03-10"]):
        path, text = checkin("ana--cleo", day, "cleo", 45)
        files[path] = text
    data = load(program_repo(files))
    assert by_id(data, "2026-03-05")["ana--cleo"].status == "on-track"  # 5 of 6
    done = by_id(data, "2026-03-10")["ana--cleo"]
    assert (done.status, done.sessions_held, done.progress, done.next_due) == ("completed", 6, 1.0, None)


def test_completed_status_in_matches_counts_from_its_end_date(program_repo: ProgramRepo) -> None:
    files = small_files()
    files["matches.yaml"] = matches("ana cleo completed 2026-02-01 2026-03-20", "ben dan active 2026-02-01")
    data = load(program_repo(files))
    assert by_id(data, "2026-03-19")["ana--cleo"].status == "on-track"
    assert by_id(data, "2026-03-20")["ana--cleo"].status == "completed"


def test_late_match_counts_from_the_match_date(program_repo: ProgramRepo) -> None:
    files = small_files()
    files["matches.yaml"] = matches("ana cleo active 2026-03-01", "ben dan active 2026-02-01")
    data = load(program_repo(files))
    p = by_id(data, "2026-03-29")["ana--cleo"]
    assert (p.status, p.sessions_expected) == ("on-track", 2)  # 28 days after 03-01


def test_milestones_due_and_done(program_repo: ProgramRepo) -> None:
    data = load(program_repo(small_files()))
    p = by_id(data, "2026-03-31")
    assert p["ana--cleo"].milestones == (
        MilestoneState("agreement", "Agree on goals", D(2026, 2, 15), True),  # a session by day 14
        MilestoneState("closing", "Closing survey", D(2026, 6, 30), True),  # ana and cleo answered
    )
    assert p["ben--dan"].milestones[1] == MilestoneState("closing", "Closing survey", D(2026, 6, 30), False)
    assert by_id(data, "2026-03-22")["ana--cleo"].milestones[1].done is False  # cleo answered on 03-25


def test_agreement_missed_without_an_early_session(program_repo: ProgramRepo) -> None:
    files = small_files()
    files["matches.yaml"] = matches("ana cleo active 2026-01-20", "ben dan active 2026-02-01")
    data = load(program_repo(files))
    # due 2026-02-03 (day 14 after the match), but the first session was on 02-10
    agreement = by_id(data, "2026-03-31")["ana--cleo"].milestones[0]
    assert (agreement.due, agreement.done) == (D(2026, 2, 3), False)


def _reference_status(start: int, end: int, approved: int, ended: int, early: bool, completed: bool,
                      committed: int, cadence: int, inactivity: int, dates: list[int], day: int) -> str:
    """docs/kpis.md's status table, one rule after the other, for one pair."""
    held = [d for d in dates if d <= day]
    frozen = min(day, ended)
    if frozen >= end:
        expected = committed
    else:
        expected = max(0, min(committed, (min(frozen, end) - start) // cadence))
    since = min(frozen, end) - max(max(held, default=start), start)
    if approved > day:
        return "proposed"
    if early and ended <= day:
        return "ended-early"
    if (completed and ended <= day) or len(held) >= committed:
        return "completed"
    if since >= inactivity:
        return "stalled"
    return "behind" if len(held) < expected else "on-track"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 15), st.integers(0, 30), st.integers(0, 45), st.sampled_from(
    ["active", "early", "completed"]), st.integers(1, 6), st.integers(1, 7), st.integers(1, 10),
    st.lists(st.integers(0, 60), max_size=8, unique=True)), min_size=1, max_size=8), st.integers(-5, 80))
def test_vectorised_status_matches_the_definition(pairs: list[tuple[int, int, int, str, int, int, int, list[int]]],
                                                  day: int) -> None:
    rows = []
    for approved, delay, length, kind, committed, cadence, inactivity, dates in pairs:
        start, end = max(approved, 10), max(approved, 10) + length
        ended = NEVER if kind == "active" else approved + delay
        rows.append((start, end, approved, ended, kind == "early", kind == "completed", committed, cadence,
                     inactivity, sorted(dates)))
    table = PairTable(*(np.asarray([r[i] for r in rows], dtype=np.int64 if i not in (4, 5) else bool)
                        for i in range(9)),
                      s_pair=np.asarray([i for i, r in enumerate(rows) for _ in r[9]], dtype=np.int64),
                      s_date=np.asarray([d for r in rows for d in r[9]], dtype=np.int64),
                      s_minutes=np.asarray([45 for r in rows for _ in r[9]], dtype=np.int64))
    got = [STATUSES[c] for c in snapshot(table, day).code]
    assert got == [_reference_status(*r[:9], list(r[9]), day) for r in rows]
