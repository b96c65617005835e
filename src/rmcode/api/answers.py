"""What `rmcode register` and `log` are told (flags, prompts, an existing file) as the data of the file they write.

An answer is either data for the file (``Json``) or a day (``dt.date``: "2 Mar 2026" or
"yesterday" typed at the prompt is read as a day, so that it can be checked against today).
The data files hold a day as its ISO text (the schemas' ``format: date``, e.g. ``"2026-03-02"``).
`file_data` is the one place where answers become that data: the prompts hold ``Answer``,
everything after `file_data` (the commands' own edits, ``save``) holds ``Json``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TypeAlias

from ..model.json import Json

__all__ = ["Answer", "Answers", "file_data", "file_value"]

# a value from a flag, a file or an answer: data for the file, or a day (written as its ISO text)
Answer: TypeAlias = "Json | dt.date"
Answers: TypeAlias = "Mapping[str, Answer]"


def file_value(answer: Answer) -> Json:
    """``answer`` as the file holds it: a day as YYYY-MM-DD, anything else as it is."""
    return answer.isoformat() if isinstance(answer, dt.date) else answer


def file_data(answers: Answers) -> dict[str, Json]:
    """The answers as the file's data, in their order: days as ISO text (see `file_value`)."""
    return {key: file_value(value) for key, value in answers.items()}
