"""A message for one person or for the program's announcement channels: planned by rmcode.reach.notify,
sent by rmcode.io.delivery (which must not import reach: it sits lower)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Channel = Literal["email", "announce"]


@dataclass(frozen=True, slots=True)
class Message:
    key: str  # names the event, not the day: the sent-log sends each key once
    channel: Channel
    to: str  # a login for email; "announcements" for the chat webhooks
    subject: str
    body: str
    attachment: tuple[str, bytes] | None = None  # (file name, content): the pair's session series
