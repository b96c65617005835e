"""rmcode notify against a real SMTP server (aiosmtpd) and a real HTTP server, both on 127.0.0.1."""

from __future__ import annotations

import http.server
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import icalendar
import pytest
from aiosmtpd.controller import Controller
from conftest import MINI_PROGRAM, ProgramRepo, person, run

from rmcode.formats.ical import pair_token
from rmcode.sealing import generate_identity, seal

GOALS = "{learn: [{id: g1, text: Learn it}], grow: [{id: g2, text: Grow}]}"
SITE = "https://mentoring.example.org"
# matched on the day the cohort starts; no session yet; complete profiles (so only the match is news)
FILES = {
    "participants/ana.yaml": person("ana", 101, skills_offered="[generative-ai]", goals=GOALS, name="Ana Alves"),
    "participants/ben.yaml": person("ben", 102, department="Legal", skills_offered="[short-video]", goals=GOALS),
    "participants/cleo.yaml": person("cleo", 201, role="mentee", level=5, department="Finance",
                                     skills_wanted="[generative-ai]", goals=GOALS, name="Cleo Cruz"),
    "participants/dan.yaml": person("dan", 202, role="mentee", level=4, skills_wanted="[short-video]", goals=GOALS),
    "checkins/ana--cleo/2026-02-10-ana.yaml": None,
}
ADDRESSES = {"ana": "ana.alves@corp.example", "cleo": "cleo.cruz@corp.example"}


@dataclass
class Smtp:
    port: int
    received: list[Any] = field(default_factory=list)
    refuse: int = 0  # answer 451 to this many messages first

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 try again later"
        self.received.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    handler = Smtp(_free_port())
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


@dataclass
class Hooks:
    url: str
    posts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    fail: int = 0


@pytest.fixture
def hooks() -> Iterator[Hooks]:
    state = Hooks("")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if state.fail > 0:
                state.fail -= 1
                self.send_response(500)
            else:
                state.posts.append((self.path, body))
                self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


@dataclass
class Setup:
    root: Path
    identity: Path
    addresses: Path
    log: Path

    def notify(self, *args: str) -> Any:
        return run("notify", "--root", str(self.root), "--as-of", "2026-02-03", "--identity", str(self.identity),
                   "--addresses", str(self.addresses), "--sent-log", str(self.log), "--site-url", SITE,
                   "--retry-wait", "0", *args)


@pytest.fixture
def setup(program_repo: ProgramRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp: Smtp,
          hooks: Hooks) -> Setup:
    secret, public = generate_identity()
    keys = tmp_path / "secrets"
    keys.mkdir()
    (keys / "key.txt").write_text(secret + "\n")
    sealed = {login: seal(address, [public]) for login, address in ADDRESSES.items()}
    (keys / "addresses.yaml").write_text("".join(
        f"{login}: |\n" + "".join(f"  {line}\n" for line in text.splitlines()) for login, text in sealed.items()))
    for key, value in {"RMCODE_SMTP_HOST": "127.0.0.1", "RMCODE_SMTP_PORT": str(smtp.port),
                       "RMCODE_SMTP_SECURITY": "none", "RMCODE_SMTP_FROM": "mentoring@corp.example",
                       "RMCODE_SLACK_WEBHOOK": f"{hooks.url}/slack",
                       "RMCODE_TEAMS_WEBHOOK": f"{hooks.url}/teams"}.items():
        monkeypatch.setenv(key, value)
    return Setup(program_repo(FILES), keys / "key.txt", keys / "addresses.yaml", tmp_path / "state" / "sent.jsonl")


def _mails(smtp: Smtp) -> list[tuple[str, str, str]]:
    out = []
    for envelope in smtp.received:
        msg = message_from_bytes(envelope.content, policy=policy.default)
        body = msg.get_body(("plain",))
        assert body is not None
        out.append((envelope.rcpt_tos[0], str(msg["Subject"]), body.get_content().replace("\r\n", "\n")))
    return sorted(out)


def _invites(smtp: Smtp) -> list[icalendar.Calendar]:
    found = []
    for envelope in smtp.received:
        msg = message_from_bytes(envelope.content, policy=policy.default)
        found += [icalendar.Calendar.from_ical(part.get_content()) for part in msg.iter_attachments()
                  if part.get_content_type() == "text/calendar"]
    return found


def test_each_message_goes_out_exactly_once(setup: Setup, smtp: Smtp, hooks: Hooks) -> None:
    result = setup.notify()
    assert result.exit_code == 0, result.output
    assert result.output == "6 sent\n"
    mails = _mails(smtp)
    assert [(to, subject) for to, subject, _ in mails] == [
        ("ana.alves@corp.example", "Mini program: you have been matched"),
        ("cleo.cruz@corp.example", "Mini program: you have been matched")]
    page = f"{SITE}/pairs/{pair_token('mini', 'ana--cleo')}.html#pair=ana--cleo"
    assert ("your mentee is Cleo Cruz.\nYour pair id is ana--cleo. The pair's page has the milestones, a calendar "
            f"of your sessions and the button to log a session: {page}\n") in mails[0][2]
    assert "your mentor is Ana Alves." in mails[1][2]
    # each gets the session series: every 14 days at the first time both are free, in the mentee's zone
    for invite in _invites(smtp):
        series = [e for e in invite.walk("VEVENT") if "RRULE" in e]
        assert [(str(e["DTSTART"].dt), e["DTSTART"].params["TZID"]) for e in series] == [
            ("2026-02-03 09:00:00+01:00", "Europe/Berlin")]
        assert str(series[0]["SUMMARY"]) == "Mentoring session: Ana Alves and Cleo Cruz"
    assert len(_invites(smtp)) == 2
    assert sorted((path, body["text"].split("\n")[0]) for path, body in hooks.posts if path == "/slack") == [
        ("/slack", "*Cohort one starts*"), ("/slack", "*Cohort one: match results published*")]
    assert sorted(body["title"] for path, body in hooks.posts if path == "/teams") == [
        "Cohort one starts", "Cohort one: match results published"]
    announced = json.dumps([body for _, body in hooks.posts])
    assert "(1 pairs)" in announced and not any(w in announced for w in ("Ana", "Cleo", "ana", "cleo"))

    again = setup.notify()
    assert again.exit_code == 0 and again.output == "6 already sent\n"
    assert len(smtp.received) == 2 and len(hooks.posts) == 4


def test_the_sent_log_holds_no_personal_data(setup: Setup) -> None:
    setup.notify()
    text = setup.log.read_text()
    assert len(text.splitlines()) == 12  # "sending" then "sent" for each of 6 deliveries
    entries = [json.loads(line) for line in text.splitlines()]
    assert {tuple(sorted(e)) for e in entries} == {("channel", "id", "on", "state")}
    assert {e["channel"] for e in entries} == {"email", "slack", "teams"}
    assert all(len(e["id"]) == 64 and int(e["id"], 16) >= 0 for e in entries)  # digests, nothing readable
    for word in ("ana", "cleo", "Ana", "Cleo", "corp.example", "matched"):
        assert word not in text
    assert oct(setup.log.stat().st_mode & 0o777) == "0o600"


def test_dry_run_prints_every_message_and_sends_nothing(setup: Setup, smtp: Smtp, hooks: Hooks) -> None:
    result = setup.notify("--dry-run")
    assert result.exit_code == 0
    assert result.output.count("--- to: ") == 6
    assert "--- to: ana\nsubject: Mini program: you have been matched\n\nHello Ana Alves,\n" in result.output
    assert "--- to: slack webhook\nsubject: Cohort one starts\n" in result.output
    assert result.output.endswith("6 would send\n")
    assert smtp.received == [] and hooks.posts == [] and not setup.log.exists()


def test_a_failing_server_is_retried_then_succeeds(setup: Setup, smtp: Smtp, hooks: Hooks) -> None:
    smtp.refuse, hooks.fail = 2, 2
    result = setup.notify("--attempts", "3")
    assert result.exit_code == 0 and result.output == "6 sent\n"
    assert len(smtp.received) == 2 and len(hooks.posts) == 4


def test_a_server_that_stays_down_is_reported_and_nothing_is_lost(setup: Setup, smtp: Smtp, hooks: Hooks,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RMCODE_SMTP_PORT", str(_free_port()))  # nothing listens there
    result = run("notify", "--root", str(setup.root), "--as-of", "2026-02-03", "--identity", str(setup.identity),
                 "--addresses", str(setup.addresses), "--sent-log", str(setup.log), "--retry-wait", "0",
                 "--attempts", "2")
    assert result.exit_code == 1, result.output
    assert "FAILED: email to ana: Mini program: you have been matched (SMTP server 127.0.0.1:" in result.output
    assert "(after 2 attempts)" in result.output
    assert result.output.endswith("4 sent, 2 FAILED\n")
    assert "ana.alves" not in result.output  # addresses are never printed
    monkeypatch.setenv("RMCODE_SMTP_PORT", str(smtp.port))
    retry = setup.notify()
    assert retry.exit_code == 0 and retry.output == "2 sent, 4 already sent\n"
    assert len(smtp.received) == 2 and len(hooks.posts) == 4


def test_an_interrupted_send_is_not_repeated(setup: Setup, smtp: Smtp) -> None:
    import datetime as dt

    from rmcode.io.delivery import SentLog

    SentLog.open(setup.log, "mini").record("matched:ana--cleo:ana", "sending", "email", dt.date(2026, 2, 3))
    result = setup.notify()
    assert result.exit_code == 0
    assert "UNCERTAIN: email to ana: Mini program: you have been matched (an earlier run stopped while sending it" \
        in result.output
    assert [to for to, _, _ in _mails(smtp)] == ["cleo.cruz@corp.example"]
    setup.notify("--resend-uncertain")
    assert [to for to, _, _ in _mails(smtp)] == ["ana.alves@corp.example", "cleo.cruz@corp.example"]


def test_plain_addresses_are_refused_and_the_log_stays_outside_the_repo(setup: Setup, smtp: Smtp) -> None:
    setup.addresses.write_text("ana: ana.alves@corp.example\ncleo:" + setup.addresses.read_text().split("cleo:")[1])
    result = setup.notify()
    assert "RM905 the e-mail address of ana is not sealed" in result.output
    assert "no address: email to ana: Mini program: you have been matched" in result.output
    assert [to for to, _, _ in _mails(smtp)] == ["cleo.cruz@corp.example"]
    inside = run("notify", "--root", str(setup.root), "--as-of", "2026-02-03", "--sent-log",
                 str(setup.root / "sent.jsonl"))
    assert inside.exit_code == 1 and "RM903 the sent-log is inside the program repository" in inside.output


def test_the_public_issue_names_nobody_the_private_mail_does(setup: Setup, smtp: Smtp) -> None:
    late = "2026-03-20"  # the pair has been silent since the match
    mail = run("notify", "--root", str(setup.root), "--as-of", late, "--identity", str(setup.identity),
               "--addresses", str(setup.addresses), "--sent-log", str(setup.log), "--site-url", SITE)
    assert mail.exit_code == 0
    subjects = sorted(s for _, s, _ in _mails(smtp))
    assert "Mini program: no session for 47 days" in subjects
    issue = run("nudge", "--root", str(setup.root), "--as-of", late).output
    assert "- Stalled pairs (no session for 28 days or more): 1" in issue
    for word in ("ana", "cleo", "Ana", "Cleo", "corp.example", "@"):
        assert word not in issue


def test_addresses_come_from_sealed_profiles(program_repo: ProgramRepo, tmp_path: Path, smtp: Smtp,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    secret, public = generate_identity()
    key = tmp_path / "key.txt"
    key.write_text(secret + "\n")
    program = MINI_PROGRAM + f"sealing:\n  recipients:\n    - name: Amy (admin)\n      key: {public}\n"

    def sealed_email(address: str) -> str:
        return "|\n" + "".join(f"  {line}\n" for line in seal(address, [public]).splitlines())
    files = {**FILES, "program.yaml": program,
             "participants/ana.yaml": FILES["participants/ana.yaml"] + "email: " + sealed_email(ADDRESSES["ana"]),
             "participants/cleo.yaml": FILES["participants/cleo.yaml"] + "email: " + sealed_email(ADDRESSES["cleo"])}
    root = program_repo(files)
    assert run("validate", "--root", str(root), "--as-of", "2026-02-03").exit_code == 0
    for name, value in {"RMCODE_SMTP_HOST": "127.0.0.1", "RMCODE_SMTP_PORT": str(smtp.port),
                        "RMCODE_SMTP_SECURITY": "none", "RMCODE_SMTP_FROM": "mentoring@corp.example",
                        "RMCODE_IDENTITY": str(key)}.items():
        monkeypatch.setenv(name, value)
    result = run("notify", "--root", str(root), "--as-of", "2026-02-03", "--sent-log", str(tmp_path / "log"))
    assert "2 sent" in result.output
    assert [to for to, _, _ in _mails(smtp)] == ["ana.alves@corp.example", "cleo.cruz@corp.example"]
    for path in (root / "participants").iterdir():
        assert "corp.example" not in path.read_text()  # never in the repository in plain text
