"""Survey answers gathered per survey, question and role. Pure, and not yet fit to publish.

Yes-no questions give a yes share, scale questions a mean, both (and choice questions)
a distribution. Free text is never aggregated: it appears only in the private report.
What may be published of these (small groups suppressed) is decided in one place only,
rmcode.report.public.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from ..layout import login_key
from ..model import ProgramData, Question, Survey, SurveyResponse

ROLES = ("mentor", "mentee")
AnswerValue = bool | int | str


@dataclass(frozen=True, slots=True)
class Answer:
    role: str
    value: AnswerValue
    response: SurveyResponse


@dataclass(frozen=True, slots=True)
class QuestionAnswers:
    question: Question
    answers: tuple[Answer, ...]


@dataclass(frozen=True, slots=True)
class SurveyAnswers:
    survey: Survey
    roles: tuple[str, ...]  # the roles asked, in ROLES order
    responses: int
    questions: tuple[QuestionAnswers, ...]


def distribution(q: Question, values: Sequence[AnswerValue]) -> dict[str, int] | None:
    """Answers per possible value (every value, in the question's order); None for free text."""
    if q.type == "yes-no":
        keys: list[str] = ["yes", "no"]
        labels = ["yes" if v else "no" for v in values]
    elif q.type == "scale":
        keys = [str(v) for v in range(q.min, q.max + 1)]
        labels = [str(v) for v in values]
    elif q.type == "choice":
        keys, labels = list(q.choices), [str(v) for v in values]
    else:
        return None
    return {key: labels.count(key) for key in keys}


def yes_share(q: Question, values: Sequence[AnswerValue]) -> float | None:
    if q.type != "yes-no" or not values:
        return None
    return round(sum(int(v) for v in values if not isinstance(v, str)) / len(values), 4)


def mean(q: Question, values: Sequence[AnswerValue]) -> float | None:
    if q.type != "scale" or not values:
        return None
    return round(sum(int(v) for v in values if not isinstance(v, str)) / len(values), 4)


def gather_surveys(data: ProgramData, on: dt.date) -> list[SurveyAnswers]:
    """Every survey of the program with the answers given up to ``on`` by people in the program."""
    people = data.by_login()
    out = []
    for survey in data.program.surveys:
        responses = [(p.role, r) for r in data.responses if r.survey == survey.id and r.date <= on
                     and (p := people.get(login_key(r.respondent))) is not None]
        questions = tuple(QuestionAnswers(q, tuple(Answer(role, r.answers[q.id], r) for role, r in responses
                                                   if q.id in r.answers)) for q in survey.questions)
        out.append(SurveyAnswers(survey, tuple(role for role in ROLES if role in survey.roles), len(responses),
                                 questions))
    return out
