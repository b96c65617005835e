"""Calendars: a pair's session series in the mentee's zone across a DST change, the program's dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
from conftest import ProgramRepo, person, run

from rmcode.formats.ical import pair_token

BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")
# the mentee lives in Berlin (free Tuesdays 15:00-17:00), the mentor in New York (09:00-11:00 there):
# the same hours while both zones keep winter time
PEOPLE = {
    "participants/ana.yaml": person("ana", 101, skills_offered="[generative-ai]", timezone="America/New_York",
                                    availability='["tue 09:00-11:00"]'),
    "participants/cleo.yaml": person("cleo", 201, role="mentee", level=5, department="Finance",
                                     skills_wanted="[generative-ai]",
                                     availability='["mon 08:00-09:00", "tue 15:00-17:00"]'),
    "checkins/ana--cleo/2026-02-10-ana.yaml": None,
}


def _calendars(root: Path, out: Path, *args: str) -> dict[str, icalendar.Calendar]:
    result = run("calendar", "--root", str(root), "--as-of", "2026-02-02", "--out", str(out), *args)
    assert result.exit_code == 0, result.output
    return {p.name: icalendar.Calendar.from_ical(p.read_bytes()) for p in sorted(out.iterdir())}


def test_the_series_keeps_the_mentees_wall_clock_across_daylight_saving(program_repo: ProgramRepo,
                                                                        tmp_path: Path) -> None:
    cal = _calendars(program_repo(PEOPLE), tmp_path / "cal")["ana--cleo.ics"]
    series = [e for e in cal.walk("VEVENT") if "RRULE" in e]
    assert len(series) == 1
    assert series[0]["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    starts = [e["DTSTART"].dt for e in recurring_ical_events.of(cal).between(dt.date(2026, 1, 1), dt.date(2027, 1, 1))
              if "Mentoring session" in str(e["SUMMARY"])]
    # every 14 days from the first Tuesday of the cohort (2026-02-01) to its end (2026-06-30)
    expected_days = [dt.date(2026, 2, 3) + dt.timedelta(days=14 * i) for i in range(11)]
    assert [s.date() for s in starts] == expected_days
    assert {(s.hour, s.minute) for s in starts} == {(15, 0)}
    assert {str(s.tzinfo) for s in starts} == {"Europe/Berlin"}
    utc = [s.astimezone(dt.UTC).hour for s in starts]
    # Berlin switches to summer time on 2026-03-29: 14:00 UTC before, 13:00 UTC after
    assert utc == [14] * 4 + [13] * 7
    # for the New York mentor the meeting is an hour later on 2026-03-17 only: the US is on summer
    # time from 2026-03-08, Berlin from 2026-03-29
    assert [s.astimezone(NEW_YORK).hour for s in starts] == [9, 9, 9, 10] + [9] * 7
    assert all(e["DTEND"].dt - e["DTSTART"].dt == dt.timedelta(minutes=45)
               for e in recurring_ical_events.of(cal).between(dt.date(2026, 1, 1), dt.date(2027, 1, 1))
               if "Mentoring session" in str(e["SUMMARY"]))


def test_the_pair_calendar_holds_the_milestones_as_the_progress_counts_them(program_repo: ProgramRepo,
                                                                           tmp_path: Path) -> None:
    cal = _calendars(program_repo(PEOPLE), tmp_path / "cal")["ana--cleo.ics"]
    milestones = sorted((str(e["SUMMARY"]), e["DTSTART"].dt) for e in cal.walk("VEVENT") if "RRULE" not in e)
    assert milestones == [("Milestone due: Agree on goals", dt.date(2026, 2, 15)),
                          ("Milestone due: Closing survey", dt.date(2026, 6, 30))]
    status = run("report", "--root", str(program_repo(PEOPLE)), "--as-of", "2026-02-02", "--format", "json")
    assert '"due": "2026-02-15"' in status.output and '"due": "2026-06-30"' in status.output


def test_the_program_calendar_lists_every_date(program_repo: ProgramRepo, tmp_path: Path) -> None:
    cal = _calendars(program_repo(PEOPLE), tmp_path / "cal")["program.ics"]
    events = [(str(e["SUMMARY"]), e["DTSTART"].dt, e["DTEND"].dt) for e in cal.walk("VEVENT")]
    assert events == [
        ("Cohort one: registration open", dt.date(2026, 1, 1), dt.date(2026, 2, 1)),
        ("Cohort one starts", dt.date(2026, 2, 1), dt.date(2026, 2, 2)),
        ("Cohort one ends", dt.date(2026, 6, 30), dt.date(2026, 7, 1)),
        ("Cohort one: milestone due: Agree on goals", dt.date(2026, 2, 15), dt.date(2026, 2, 16)),
        ("Cohort one: survey due: Closing survey", dt.date(2026, 6, 30), dt.date(2026, 7, 1)),
    ]
    assert next(str(e["UID"]) for e in cal.walk("VEVENT")) == "c1.registration@mini.rmcode"


def test_output_is_byte_identical_and_names_nobody_private(program_repo: ProgramRepo, tmp_path: Path) -> None:
    root = program_repo(PEOPLE)
    first, second = tmp_path / "a", tmp_path / "b"
    _calendars(root, first)
    _calendars(root, second)
    assert sorted(p.name for p in first.iterdir()) == ["ana--cleo.ics", "program.ics"]
    for p in first.iterdir():
        assert p.read_bytes() == (second / p.name).read_bytes()
    text = (first / "ana--cleo.ics").read_text()
    # the file is the pair's own (it tells when they are free): it names them; the UID does not spell logins
    assert "SUMMARY:Mentoring session: Ana and Cleo" in text
    assert f"UID:{pair_token('mini', 'ana--cleo')}.sessions@mini.rmcode" in text
    assert "DTSTAMP:20260202T000000Z" in text


def test_one_pair_to_stdout_and_unknown_pairs(program_repo: ProgramRepo) -> None:
    root = program_repo(PEOPLE)
    result = run("calendar", "--root", str(root), "--as-of", "2026-02-02", "--pair", "ana--cleo", "--out", "-")
    assert result.exit_code == 0
    assert result.output.count("BEGIN:VCALENDAR") == 1 \
        and f"UID:{pair_token('mini', 'ana--cleo')}.sessions@mini.rmcode" in result.output
    bad = run("calendar", "--root", str(root), "--pair", "nobody--here", "--out", "-")
    assert bad.exit_code == 1
    assert "matches.yaml: RM910 no pair 'nobody--here'" in bad.output + str(bad.stderr_bytes or b"", "utf-8")


def test_help_has_an_example() -> None:
    for command in ("calendar", "notify"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Example:" in result.output
