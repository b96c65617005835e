"""The sent-log of `rmcode notify`, opened for a run (the log itself lives in io.delivery)."""

from __future__ import annotations

from pathlib import Path

from .delivery import SentLog


def open_sent_log(path: Path, program_id: str) -> SentLog:
    """The sent-log at ``path`` for the program ``program_id``, created when missing."""
    return SentLog.open(path, program_id)
