"""Answering a survey (`rmcode survey`): which surveys a person is offered, answers as typed and as data."""

from __future__ import annotations

from pathlib import Path

from ..errors import refuse
from ..io.worktree import exists
from ..layout import login_key
from ..load.survey_form import (
    Answer,
    answer_value,
    answers_from_flags,
    describe,
    response_data,
    surveys_for,
)
from ..model import ProgramData, Question, Survey

__all__ = ["Answer", "ProgramData", "Question", "Survey", "answer_value", "answered", "answers_from_flags",
           "describe", "offered", "refuse", "response_data"]


def offered(data: ProgramData, login: str) -> list[Survey]:
    """The surveys of the program that ``login`` (by role) is asked to answer."""
    return surveys_for(data.program, data.by_login().get(login_key(login)))


def answered(root: Path, rel: str) -> bool:
    """Whether the response file ``rel`` exists already."""
    return exists(root / rel)
