"""Sending what rmcode.reach.notify plans: e-mail by SMTP, announcements to Slack or Teams webhooks.

The I/O edge of ``rmcode notify``. Three guarantees:

* **once**: every delivery is recorded in a sent-log before the next one starts (append,
  flush, fsync), so a rerun on the same day, or a run after a crash, never sends a
  message twice. A delivery that was started but whose outcome was never recorded (the
  process died mid-send) is reported as *uncertain* and not resent unless asked.
* **private**: the sent-log holds no personal data: each entry is a SHA-256 digest of the
  program id and the message key, the channel and the day. It lives outside the
  repository (by default ``$XDG_STATE_HOME/rmcode/<program-id>/sent.jsonl``; CI keeps it
  in a cache), and rmcode refuses a sent-log inside the repository's folder. Addresses
  come from sealed values, opened only in memory.
* **reported**: a server that fails is retried (``attempts`` times, waiting longer each
  time); what still fails is listed, the others are sent, and the exit code says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Literal

from ..errors import Problem, RmcodeError
from ..layout import login_key
from ..model.message import Message
from ..sealing import Keyring, SealError, is_sealed, unseal

Outcome = Literal["sent", "would-send", "already-sent", "uncertain", "failed", "no-address", "not-configured"]
WEBHOOK_ENV: Mapping[str, str] = {"slack": "RMCODE_SLACK_WEBHOOK", "teams": "RMCODE_TEAMS_WEBHOOK"}
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class DeliveryError(Exception):
    """One attempt failed; the message says how (never a password or an address)."""


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    security: Literal["starttls", "ssl", "none"] = "starttls"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmtpSettings | None:
        """RMCODE_SMTP_HOST, _PORT, _FROM, _USER, _PASSWORD, _SECURITY (starttls, ssl or none)."""
        host = env.get("RMCODE_SMTP_HOST", "").strip()
        if not host:
            return None
        security = env.get("RMCODE_SMTP_SECURITY", "starttls").strip().lower()
        if security not in ("starttls", "ssl", "none"):
            raise _env_error("RMCODE_SMTP_SECURITY", f"is {security!r}", "use starttls, ssl or none")
        port_text = env.get("RMCODE_SMTP_PORT", "465" if security == "ssl" else "587").strip()
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise _env_error("RMCODE_SMTP_PORT", f"is {port_text!r}", "give a port number such as 587")
        sender = env.get("RMCODE_SMTP_FROM", "").strip()
        if "@" not in sender:
            raise _env_error("RMCODE_SMTP_FROM", "is not an e-mail address", "the address reminders come from")
        return cls(host, int(port_text), sender, env.get("RMCODE_SMTP_USER") or None,
                   env.get("RMCODE_SMTP_PASSWORD") or None, security)  # type: ignore[arg-type]


def _env_error(name: str, what: str, hint: str) -> RmcodeError:
    return RmcodeError([Problem(f"${name}", 0, 0, "RM901", f"{name} {what}", hint)])


def webhooks_from_env(env: Mapping[str, str]) -> dict[str, str]:
    """Configured chat webhooks (name -> URL): https, or http to this machine (for tests)."""
    out = {}
    for name, var in WEBHOOK_ENV.items():
        url = env.get(var, "").strip()
        if not url:
            continue
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme != "https" and not (parsed.scheme == "http" and parsed.hostname in _LOCAL_HOSTS):
            raise _env_error(var, "is not an https URL", "paste the incoming webhook URL of the channel")
        out[name] = url
    return out


def send_email(settings: SmtpSettings, to: str, subject: str, body: str, message_id: str,
               attachment: tuple[str, bytes] | None = None, timeout: float = 30.0) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = settings.sender, to, subject
    msg["Message-ID"] = f"<{message_id}@rmcode>"
    msg["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    msg.set_content(body)
    if attachment is not None:
        msg.add_attachment(attachment[1], maintype="text", subtype="calendar", filename=attachment[0])
    try:
        if settings.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port, timeout=timeout,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=timeout)
        with client:
            if settings.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.user and settings.password:
                client.login(settings.user, settings.password)
            client.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"SMTP server {settings.host}:{settings.port}: {_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        error = exc.smtp_error
        text = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
        return f"{exc.smtp_code} {text[:200]}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "the recipient was refused"
    return f"{type(exc).__name__}: {str(exc)[:200]}"


def webhook_payload(name: str, subject: str, body: str) -> bytes:
    if name == "teams":
        card = {"@type": "MessageCard", "@context": "https://schema.org/extensions", "summary": subject,
                "title": subject, "text": body}
        return json.dumps(card).encode()
    return json.dumps({"text": f"*{subject}*\n{body}"}).encode()


def post_webhook(name: str, url: str, subject: str, body: str, timeout: float = 30.0) -> None:
    request = urllib.request.Request(url, data=webhook_payload(name, subject, body), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # the scheme was checked
            response.read()
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"{name} webhook: HTTP {exc.code}") from None
    except (OSError, urllib.error.URLError) as exc:
        # never print the URL: a webhook URL is its own secret
        raise DeliveryError(f"{name} webhook: {type(exc).__name__}") from None


@dataclass
class SentLog:
    """Append-only JSON lines: {"id": digest, "state": sending|sent|failed, "channel", "on"}."""

    path: Path
    program: str
    states: dict[str, str] = field(default_factory=dict)

    @classmethod
    def open(cls, path: Path, program: str) -> SentLog:
        log = cls(path, program)
        if path.exists():
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                try:
                    entry = json.loads(line)
                    log.states[str(entry["id"])] = str(entry["state"])
                except (ValueError, KeyError, TypeError):
                    raise RmcodeError([Problem(str(path), number, 1, "RM902", "the sent-log line is damaged",
                                               "an interrupted write leaves at most the last line damaged: "
                                               "remove that line")]) from None
        return log

    def digest(self, key: str) -> str:
        return hashlib.sha256(f"{self.program}\n{key}".encode()).hexdigest()

    def state(self, key: str) -> str | None:
        return self.states.get(self.digest(key))

    def record(self, key: str, state: str, channel: str, on: dt.date) -> None:
        digest = self.digest(key)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"id": digest, "state": state, "channel": channel, "on": on.isoformat()}) + "\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line.encode())
            os.fsync(fd)  # on disk before the next message goes out
        finally:
            os.close(fd)
        self.states[digest] = state


def default_log_path(program_id: str, env: Mapping[str, str]) -> Path:
    if env.get("RMCODE_SENT_LOG"):
        return Path(env["RMCODE_SENT_LOG"])
    state = Path(env.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return state / "rmcode" / program_id / "sent.jsonl"


def check_log_path(path: Path, root: Path) -> None:
    """The sent-log must not land in the repository, where it could be committed."""
    resolved, repo = path.resolve(), root.resolve()
    if resolved == repo or repo in resolved.parents:
        raise RmcodeError([Problem(str(path), 0, 0, "RM903", "the sent-log is inside the program repository",
                                   "keep it outside (the default is $XDG_STATE_HOME/rmcode/<program-id>/): "
                                   "a file in the repository could be committed and published")])


@dataclass(frozen=True, slots=True)
class Delivery:
    key: str
    channel: str  # "email" or a webhook name
    to: str
    subject: str
    outcome: Outcome
    detail: str = ""


Send = Callable[[], None]


def _with_retries(send: Send, attempts: int, wait: float, sleep: Callable[[float], None]) -> str:
    """'' when sent, else the last failure."""
    last = ""
    for attempt in range(attempts):
        try:
            send()
            return ""
        except DeliveryError as exc:
            last = str(exc)
            if attempt + 1 < attempts:
                sleep(wait * (2 ** attempt))
    return f"{last} (after {attempts} attempt{'s' * (attempts != 1)})"


@dataclass
class Deliverer:
    """Sends planned messages once each, through the sent-log."""

    log: SentLog
    on: dt.date
    addresses: Mapping[str, str]
    smtp: SmtpSettings | None
    webhooks: Mapping[str, str]
    attempts: int = 3
    wait: float = 2.0
    resend_uncertain: bool = False
    sleep: Callable[[float], None] = time.sleep

    def targets(self, message: Message) -> Iterator[tuple[str, str]]:
        """(channel, log key) of each delivery of a message."""
        if message.channel == "email":
            yield "email", message.key
        else:
            for name in sorted(self.webhooks) or ["webhook"]:
                yield name, f"{message.key}@{name}"

    def deliver(self, messages: Sequence[Message], dry_run: bool = False) -> list[Delivery]:
        out = []
        for message in messages:
            for channel, key in self.targets(message):
                out.append(self._one(message, channel, key, dry_run))
        return out

    def _sender(self, m: Message, channel: str, key: str) -> tuple[Send | None, tuple[Outcome, str] | None]:
        """How to send one delivery, or why it cannot be sent."""
        if channel == "email":
            address = self.addresses.get(login_key(m.to))
            if address is None:
                return None, ("no-address", "no sealed e-mail address for this person")
            settings = self.smtp
            if settings is None:
                return None, ("not-configured", "set RMCODE_SMTP_HOST and RMCODE_SMTP_FROM")
            return (lambda: send_email(settings, address, m.subject, m.body, self.log.digest(key)[:32],
                                       m.attachment)), None
        url = self.webhooks.get(channel)
        if url is None:
            return None, ("not-configured", "set RMCODE_SLACK_WEBHOOK or RMCODE_TEAMS_WEBHOOK")
        return (lambda: post_webhook(channel, url, m.subject, m.body)), None

    def _one(self, m: Message, channel: str, key: str, dry_run: bool) -> Delivery:
        def done(outcome: Outcome, detail: str = "") -> Delivery:
            return Delivery(key, channel, m.to, m.subject, outcome, detail)
        state = self.log.state(key)
        if state == "sent":
            return done("already-sent")
        if state == "sending" and not self.resend_uncertain:
            return done("uncertain", "an earlier run stopped while sending it; not resent "
                                     "(--resend-uncertain sends it again)")
        send, missing = self._sender(m, channel, key)
        if dry_run:
            return done("would-send", missing[1] if missing else "")
        if send is None:
            assert missing is not None
            return done(*missing)
        self.log.record(key, "sending", channel, self.on)
        failure = _with_retries(send, self.attempts, self.wait, self.sleep)
        self.log.record(key, "failed" if failure else "sent", channel, self.on)
        return done("failed", failure) if failure else done("sent")


def open_addresses(sealed: Mapping[str, tuple[str, object]], keyring: Keyring) -> tuple[dict[str, str], list[Problem]]:
    """Login -> address from sealed values ({login: (where, value)}); a plain address is refused, not used."""
    out: dict[str, str] = {}
    problems = []
    for login, (where, value) in sorted(sealed.items()):
        if not is_sealed(value):
            problems.append(Problem(where, 0, 0, "RM905", f"the e-mail address of {login} is not sealed",
                                    "addresses are never stored in plain text: seal it with `rmcode seal`"))
            continue
        try:
            address = unseal(str(value), keyring)
        except SealError as exc:
            problems.append(Problem(where, 0, 0, "RM906", f"the e-mail address of {login} cannot be opened: {exc}"))
            continue
        if not isinstance(address, str) or "@" not in address:
            problems.append(Problem(where, 0, 0, "RM907", f"the sealed e-mail address of {login} is not an address"))
            continue
        out[login_key(login)] = address
    return out, problems
