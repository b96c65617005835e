"""Answering a survey: typed answers from text, the surveys a person may answer. Pure.

Messages about an answer never repeat it: answers are sealed, and an error message may end
up in a log.

``rmcode survey`` asks each question of a survey in program.yaml (or takes
``--answer ID=VALUE`` flags) and turns the text into the value the survey-response
schema and the answer rule expect: true/false for yes-no, a whole number within the
scale, one of the choices, or text. The whole ``answers`` mapping is sealed before the
file is written (see api.data_files.save).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..model import Participant, Program, Question, Survey
from ..model.json import Json

Answer = bool | int | str
YES = frozenset({"y", "yes", "true"})
NO = frozenset({"n", "no", "false"})
MAX_TEXT_CHARS = 4000  # the schema's maxLength for one answer


def answer_value(q: Question, text: str) -> Answer:
    """The value of one answer to ``q``, or ValueError saying what is expected."""
    value = text.strip()
    if q.type == "yes-no":
        if value.lower() in YES | NO:
            return value.lower() in YES
        raise ValueError(f"{q.id}: answer yes or no")
    if q.type == "scale":
        if value.lstrip("-").isdigit() and q.min <= int(value) <= q.max:
            return int(value)
        raise ValueError(f"{q.id}: answer a whole number from {q.min} to {q.max}")
    if q.type == "choice":
        if value in q.choices:
            return value
        raise ValueError(f"{q.id}: answer one of: {', '.join(q.choices)}")
    if len(value) > MAX_TEXT_CHARS:
        raise ValueError(f"{q.id}: the answer is {len(value):,} characters long, more than {MAX_TEXT_CHARS:,}")
    return value


def describe(q: Question) -> str:
    """The question as a prompt, with what an answer looks like."""
    shape = {"yes-no": "yes/no", "scale": f"{q.min} to {q.max}", "choice": "/".join(q.choices),
             "text": "free text"}[q.type]
    return f"{q.text} ({shape}{'' if q.required else ', optional'})"


def answers_from_flags(survey: Survey, given: Sequence[str]) -> dict[str, Answer]:
    """``ID=VALUE`` flag values as typed answers; ValueError names the first bad one."""
    out: dict[str, Answer] = {}
    for item in given:
        qid, sep, text = item.partition("=")
        q = survey.question(qid.strip())
        if not sep:
            raise ValueError("write QUESTION-ID=ANSWER")
        if q is None:
            raise ValueError(f"survey {survey.id} has no question {qid.strip()[:60]!r}; its questions: "
                             + ", ".join(x.id for x in survey.questions))
        if q.id in out:
            raise ValueError(f"{q.id} is answered twice")
        if text.strip():
            out[q.id] = answer_value(q, text)
    return out


def surveys_for(program: Program, person: Participant | None) -> list[Survey]:
    """The surveys a person's role may answer (all of them when the person is unknown)."""
    return [s for s in program.surveys if person is None or person.role in s.roles]


def response_data(survey: str, login: str, date: str, pair: str | None,
                  answers: Mapping[str, Answer]) -> dict[str, Json]:
    """A survey response as the schema orders it."""
    data: dict[str, Json] = {"survey": survey, "respondent": login, "date": date}
    if pair:
        data["pair"] = pair
    data["answers"] = dict(answers)
    return data
