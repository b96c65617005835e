"""Writers seal before anything touches disk: rmcode register, log and survey with a keyed program,
and from-issue refusing sealed values. Real age encryption; markers planted in every sealed
value must appear in no written file, no output and no error message, and open with the key."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import MINI_PROGRAM, ProgramRepo, mini_files, run

from rmcode.cli.survey import survey
from rmcode.errors import RmcodeError
from rmcode.github.issueform import form_file
from rmcode.sealing import generate_identity, is_sealed, parse_identities, unseal

MARK = "PLANTED-7f3a"  # in every sealed value; must never be readable anywhere
SECRET, PUBLIC = generate_identity()
KEYS = parse_identities(SECRET)
KEYED_PROGRAM = MINI_PROGRAM + f"sealing:\n  recipients:\n    - name: Amy (admin)\n      key: {PUBLIC}\n"


@pytest.fixture
def keyed(program_repo: ProgramRepo) -> Path:
    """The mini program with a program key; its one check-in carries no sealed field."""
    files: dict[str, str | bytes | None] = {**mini_files(), "program.yaml": KEYED_PROGRAM}
    files["checkins/ana--cleo/2026-02-10-ana.yaml"] = str(files["checkins/ana--cleo/2026-02-10-ana.yaml"]).replace(
        "rating: 5\ngood_fit: true\n", "")
    return program_repo(files)


def _data(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded


def _no_marker_anywhere(root: Path, *outputs: str) -> None:
    for path in root.rglob("*"):
        if path.is_file() and ".git" not in path.parts:
            assert MARK not in path.read_text(encoding="utf-8", errors="replace"), path
    for text in outputs:
        assert MARK not in text


def _age_decrypt(armor: str, tmp_path: Path) -> str:
    """Debian's age opens what rmcode sealed (the admins' everyday tool)."""
    identity = tmp_path / "key.txt"
    identity.write_text(SECRET + "\n", encoding="utf-8")
    out = subprocess.run(["age", "--decrypt", "-i", str(identity)], input=armor, capture_output=True, text=True,
                         check=True)
    return out.stdout


def test_log_seals_rating_fit_notes_and_concern(keyed: Path, tmp_path: Path) -> None:
    result = run("log", "--root", str(keyed), "--as-of", "2026-03-03", "--no-input", "--login", "ana",
                 "--rating", "4", "--not-a-fit", "--notes", f"notes {MARK}", "--concern", f"concern {MARK}",
                 "--concern-level", "high", "--next-steps", "Try the assistant")
    assert result.output == "wrote checkins/ana--cleo/2026-03-03-ana.yaml\n"
    path = keyed / "checkins/ana--cleo/2026-03-03-ana.yaml"
    data = _data(path)
    sealed = {k: v for k, v in data.items() if is_sealed(v)}
    assert sorted(sealed) == ["concern", "good_fit", "notes", "rating"]
    assert {k: unseal(v, KEYS) for k, v in sealed.items()} == {
        "rating": 4, "good_fit": False, "notes": f"notes {MARK}",
        "concern": {"level": "high", "note": f"concern {MARK}"}}
    assert data["next_steps"] == "Try the assistant"  # not sealed by this program
    assert "rating: |\n  -----BEGIN AGE ENCRYPTED FILE-----\n" in path.read_text(encoding="utf-8")
    assert _age_decrypt(data["notes"], tmp_path) == f'"notes {MARK}"'
    validated = run("validate", "--root", str(keyed), "--as-of", "2026-03-03")
    assert validated.exit_code == 0, validated.output
    _no_marker_anywhere(keyed, result.output, validated.output)


def test_log_checks_plain_values_before_sealing(keyed: Path) -> None:
    result = run("log", "--root", str(keyed), "--as-of", "2026-03-03", "--no-input", "--login", "ana",
                 "--pair", "ana--cleo", "--date", "2026-07-30", "--notes", f"notes {MARK}")
    assert result.exit_code == 1
    assert "RM314 date 2026-07-30 is after the as-of date 2026-03-03" in result.output
    assert not (keyed / "checkins/ana--cleo/2026-07-30-ana.yaml").exists()
    _no_marker_anywhere(keyed, result.output)


def test_register_seals_email_and_self_identification(keyed: Path) -> None:
    result = run("register", "--root", str(keyed), "--as-of", "2026-01-20", "--no-input", "--login", "eve",
                 "--github-id", "301", "--name", "Eve", "--role", "mentor", "--cohort", "c1", "--level", "1",
                 "--department", "Sales", "--timezone", "Europe/Berlin", "--languages", "en",
                 "--email", "eve.planted-7f3a@example.com", "--self-id", f"generation={MARK}")
    assert result.output == "wrote participants/eve.yaml\n"
    data = _data(keyed / "participants/eve.yaml")
    assert unseal(data["email"], KEYS) == "eve.planted-7f3a@example.com"
    assert unseal(data["self_identification"], KEYS) == {"generation": MARK}
    assert data["name"] == "Eve"
    assert "planted-7f3a" not in (keyed / "participants/eve.yaml").read_text(encoding="utf-8").lower()
    _no_marker_anywhere(keyed, result.output)


def test_register_without_program_keys_writes_plain(program_repo: ProgramRepo) -> None:
    root = program_repo()
    result = run("register", "--root", str(root), "--as-of", "2026-01-20", "--no-input", "--login", "eve",
                 "--github-id", "301", "--name", "Eve", "--role", "mentor", "--cohort", "c1", "--level", "1",
                 "--department", "Sales", "--timezone", "Europe/Berlin", "--languages", "en",
                 "--self-id", "generation=gen-z")
    assert result.exit_code == 0, result.output
    assert _data(root / "participants/eve.yaml")["self_identification"] == {"generation": "gen-z"}
    assert result.stderr == ("note: self_identification is plain text, readable by everyone with access to the "
                             "repository: this program lists no keys to seal with (sealing.recipients in "
                             "program.yaml)\n")
    assert run("validate", "--root", str(root), "--as-of", "2026-03-03").output == "ok: 8 files valid\n"


def test_survey_from_flags_seals_the_answers(keyed: Path, tmp_path: Path) -> None:
    result = run("survey", "--root", str(keyed), "--as-of", "2026-03-03", "--no-input", "--login", "cleo",
                 "--answer", "would-continue=yes", "--answer", "overall=4", "--answer", f"highlight={MARK}")
    assert result.output == "wrote surveys/closing/cleo.yaml\n"
    data = _data(keyed / "surveys/closing/cleo.yaml")
    assert {k: v for k, v in data.items() if k != "answers"} == {
        "survey": "closing", "respondent": "cleo", "date": "2026-03-03", "pair": "ana--cleo"}
    assert unseal(data["answers"], KEYS) == {"highlight": MARK, "overall": 4, "would-continue": True}
    assert _age_decrypt(data["answers"], tmp_path) == f'{{"highlight":"{MARK}","overall":4,"would-continue":true}}'
    assert run("validate", "--root", str(keyed), "--as-of", "2026-03-03").exit_code == 0
    _no_marker_anywhere(keyed, result.output)


def test_survey_asks_each_question_until_the_answer_fits(keyed: Path) -> None:
    typed = ["maybe", "yes", "9", "3", f"my {MARK}"]
    result = CliRunner().invoke(survey, ["--root", str(keyed), "--as-of", "2026-03-03", "--login", "dan"],
                                input="\n".join(typed) + "\n")
    assert result.exit_code == 0, result.output
    assert "Would you continue? (yes/no, optional): maybe\nError: would-continue: answer yes or no\n" in result.output
    assert "Overall (1 to 5, optional): 9\nError: overall: answer a whole number from 1 to 5\n" in result.output
    data = _data(keyed / "surveys/closing/dan.yaml")
    assert "pair" not in data  # dan has no pair
    assert unseal(data["answers"], KEYS) == {"would-continue": True, "overall": 3, "highlight": f"my {MARK}"}


@pytest.mark.parametrize(("answer", "message"), [
    ("overall=9", "overall: answer a whole number from 1 to 5"),
    ("would-continue=perhaps", "would-continue: answer yes or no"),
    ("nope=1", "survey closing has no question 'nope'; its questions: would-continue, overall, highlight"),
    ("overall", "write QUESTION-ID=ANSWER"),
])
def test_survey_refuses_bad_answers_without_repeating_them(keyed: Path, answer: str, message: str) -> None:
    result = run("survey", "--root", str(keyed), "--as-of", "2026-03-03", "--no-input", "--login", "cleo",
                 "--survey", "closing", "--answer", answer)
    assert result.exit_code == 2
    assert f"Error: Invalid value for --answer: {message}\n" in result.output
    assert not (keyed / "surveys/closing/cleo.yaml").exists()


def test_survey_refuses_an_unknown_survey_and_an_existing_answer(keyed: Path) -> None:
    args = ["survey", "--root", str(keyed), "--as-of", "2026-03-03", "--no-input", "--login", "cleo"]
    assert "'pulse' is not a survey of this program (surveys: closing)" in run(*args, "--survey", "pulse").output
    assert run(*args, "--answer", "overall=2").exit_code == 0
    again = run(*args, "--answer", "overall=5")
    assert again.exit_code == 2
    assert "surveys/closing/cleo.yaml already exists; pass --force to replace your answers" in again.output
    assert run(*args, "--answer", "overall=5", "--force").exit_code == 0
    assert unseal(_data(keyed / "surveys/closing/cleo.yaml")["answers"], KEYS) == {"overall": 5}


# --- from-issue: an issue is public, so a body holding a sealed value is refused -------------------

LOG_BODY = "### Pair id\n\nana--cleo\n\n### Date\n\n2026-02-24\n\n### Minutes\n\n45\n\n"


@pytest.mark.parametrize(("kind", "heading", "label"), [
    ("log-session", "Rating", "Rating"), ("log-session", "Good fit?", "Good fit?"),
    ("log-session", "Notes", "Notes"), ("log-session", "Concern", "Concern"),
    ("register", "Self-identification", "Self-identification"), ("register", "Work email", "Work email"),
])
def test_from_issue_refuses_sealed_values(kind: str, heading: str, label: str) -> None:
    body = (LOG_BODY if kind == "log-session" else "### Name\n\nAna\n\n") + f"### {heading}\n\n{MARK}\n"
    with pytest.raises(RmcodeError) as caught:
        form_file(kind, body, "ana", 101, dt.date(2026, 1, 12))  # type: ignore[arg-type]
    message = str(caught.value)
    assert f"issue form: RM609 {label}: this answer is sealed for the program team, and an issue is readable " \
           "by everyone with access to the repository" in message
    assert MARK not in message


def test_from_issue_accepts_an_empty_sealed_answer_from_an_old_form() -> None:
    made = form_file("log-session", LOG_BODY + "### Rating\n\n_No response_\n", "ana", 101, dt.date(2026, 1, 12))
    assert "rating" not in made.data


def test_from_issue_cli_refuses_what_the_program_seals(keyed: Path, tmp_path: Path) -> None:
    extra = KEYED_PROGRAM + "  fields:\n    checkin: [next_steps]\n"
    (keyed / "program.yaml").write_text(extra, encoding="utf-8")
    issue = tmp_path / "issue.md"
    issue.write_text(LOG_BODY + f"### Next steps\n\n{MARK}\n", encoding="utf-8")
    result = run("from-issue", "--root", str(keyed), "--issue-file", str(issue), "--kind", "log-session",
                 "--author", "ana", "--author-id", "101")
    assert result.exit_code == 1
    assert "issue form: RM609 Next steps: this answer is sealed for the program team" in result.output
    _no_marker_anywhere(keyed, result.output)
