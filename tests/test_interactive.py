"""rmcode register and rmcode log driven through a pseudo-terminal, as a person types: every bad
answer is refused at once with the reason, and the question comes again."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect
import yaml
from conftest import ProgramRepo

RMCODE = str(Path(sys.executable).with_name("rmcode"))


def _spawn(*args: str) -> pexpect.spawn:
    child = pexpect.spawn(RMCODE, list(args), encoding="utf-8", timeout=60, dimensions=(50, 200),
                          env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "TERM": "dumb", "TZ": "UTC"})
    return child


def _answer(child: pexpect.spawn, question: str, *tries: tuple[str, str]) -> None:
    """Answer ``question``: each (answer, error) pair is refused with that error and asked again."""
    child.expect_exact(question)
    for text, error in tries:
        child.sendline(text)
        if error:
            child.expect_exact(f"Error: {error}")
            child.expect_exact(question)


def test_register_reasks_each_bad_answer(program_repo: ProgramRepo) -> None:
    root = program_repo()
    child = _spawn("register", "--root", str(root), "--as-of", "2026-01-20")
    _answer(child, "Your GitHub login",
            ("eve example", ("'eve example' is not a GitHub login: letters, digits and single hyphens, no spaces, "
                            "at most 39 characters")), ("eve", ""))
    _answer(child, "Your numeric GitHub id", ("abc", "'abc' is not a whole number of at least 1"), ("301", ""))
    _answer(child, "Your name", ("Eve Example", ""))
    _answer(child, "Role:", ("boss", "boss is not one of: mentor, mentee"), ("mentee", ""))
    _answer(child, "Cohort (c1) [c1]", ("", ""))
    _answer(child, "Job level", ("2", "2 is not one of: 4, 5"), ("5", ""))
    _answer(child, "Department", ("Finance", ""))
    _answer(child, "Job title", ("CFO", ""))
    _answer(child, "Time zone (IANA name)",
            ("Berlin", ("'Berlin' is not a time zone: write an IANA name such as Europe/Berlin, America/New_York "
                       "or Asia/Kolkata")), ("Europe/Berlin", ""))
    _answer(child, "Languages you can mentor in",
            ("English", "english: write ISO 639-1 codes such as en, de, fr"), ("en", ""))
    _answer(child, "Skills you want to learn", ("cooking", ("cooking: not in the skills list; choose from "
                                                           "generative-ai (Generative AI), short-video (Short video), "
                                                           "data-literacy (Data literacy)")), ("short video", ""))
    _answer(child, "Weekly availability",
            ("Tuesday", ("'Tuesday' is not a day and a time range in your time zone, e.g. tue 09:00-11:00 or "
                        "Tuesday 9-11am")), ("Tuesday 9-11am; thu 2pm-3:30pm", ""))
    _answer(child, "A few sentences about you", ("", ""))
    _answer(child, "I like a fixed agenda.", ("7", "'7' is not a whole number from 1 to 5"), ("2", ""))
    _answer(child, "Fields to show on the public site",
            ("name, location", ("location: the program does not publish it; choose from name, title, department, "
                               "skills_offered, skills_wanted, bio or none")), ("name", ""))
    _answer(child, "Your goals", ("Use AI in board reports", ""))
    _answer(child, "Your work email", ("", ""))  # sealed fields, optional: Enter skips them
    _answer(child, "Self-identification for diversity reporting", ("", ""))
    child.expect_exact("wrote participants/eve.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    data = yaml.safe_load((root / "participants/eve.yaml").read_text())
    assert "email" not in data and "self_identification" not in data
    assert (data["role"], data["level"], data["timezone"], data["skills_wanted"], data["availability"],
            data["working_style"], data["visibility"]) == (
        "mentee", 5, "Europe/Berlin", ["short-video"], ["tue 09:00-11:00", "thu 14:00-15:30"], {"structure": 2},
        {"name": "public"})


def test_log_reasks_dates_numbers_and_yes_no(program_repo: ProgramRepo) -> None:
    root = program_repo()
    child = _spawn("log", "--root", str(root), "--as-of", "2026-03-03")
    _answer(child, "Your GitHub login", ("cleo", ""))
    _answer(child, "Pair", ("", ""))
    _answer(child, "Date of the session",
            ("next week", ("'next week' is not a date: write YYYY-MM-DD (e.g. 2026-11-24), today, yesterday, "
                          "24.11.2026 or 24 Nov 2026")),
            ("31.02.2026", "'31.02.2026' is not a day of the calendar"),
            ("2026-03-05", "2026-03-05 is in the future: log a session once it took place (today is 2026-03-03)"),
            ("2 Mar 2026", ""))
    _answer(child, "Did the session take place?", ("maybe", "'maybe': answer yes or no"), ("yes", ""))
    _answer(child, "Minutes", ("lots", "'lots' is not a whole number from 0 to 600"), ("50", ""))
    _answer(child, "Topics you covered", ("Generative AI", ""))
    _answer(child, "How useful was it", ("7", "'7' is not a whole number from 1 to 5"), ("4", ""))
    _answer(child, "Next steps you agreed", ("Try the assistant on one report", ""))
    _answer(child, "First session: is this pairing a good fit?", ("y", ""))
    child.expect_exact("wrote checkins/ana--cleo/2026-03-02-cleo.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    data = yaml.safe_load((root / "checkins/ana--cleo/2026-03-02-cleo.yaml").read_text())
    assert data == {"pair": "ana--cleo", "date": "2026-03-02", "author": "cleo", "minutes": 50,
                    "topics": ["generative-ai"], "rating": 4, "good_fit": True,
                    "next_steps": "Try the assistant on one report"}


def test_register_asks_for_email_and_self_identification_and_seals_them(program_repo: ProgramRepo) -> None:
    from conftest import MINI_PROGRAM, mini_files

    from rmcode.sealing import generate_identity, parse_identities, unseal

    secret, public = generate_identity()
    program = MINI_PROGRAM + f"sealing:\n  recipients:\n    - name: Amy (admin)\n      key: {public}\n"
    root = program_repo({**mini_files(), "program.yaml": program})
    child = _spawn("register", "--root", str(root), "--as-of", "2026-01-20", "--login", "eve", "--github-id", "301",
                   "--name", "Eve", "--role", "mentor", "--cohort", "c1", "--level", "1", "--department", "Sales",
                   "--timezone", "Europe/Berlin", "--languages", "en", "--goal", "Learn to coach")
    for question in ("Job title", "Skills you can teach", "Weekly availability", "A few sentences about you",
                     "I like a fixed agenda.", "Fields to show on the public site"):
        _answer(child, question, ("", ""))
    child.expect_exact("Your work email, for private reminders (optional, sealed: only the program team can read "
                       "it; Enter to skip)")
    _answer(child, "", ("eve at example", "'eve at example' is not an e-mail address"),
            ("eve.planted@example.com", ""))
    child.expect_exact("Self-identification for diversity reporting")
    _answer(child, "e.g. generation=gen-z",
            ("Gen Z", ("'Gen Z': write QUESTION=ANSWER, the question in lower case letters, digits and hyphens "
                       "(e.g. generation=gen-z)")),
            ("generation=gen-z; gender=woman", ""))
    child.expect_exact("wrote participants/eve.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = (root / "participants/eve.yaml").read_text()
    assert "planted" not in text and "gen-z" not in text  # only ciphertext on disk
    data = yaml.safe_load(text)
    keys = parse_identities(secret)
    assert unseal(data["email"], keys) == "eve.planted@example.com"
    assert unseal(data["self_identification"], keys) == {"generation": "gen-z", "gender": "woman"}
