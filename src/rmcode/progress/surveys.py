"""Survey answers aggregated per question and per role, with small groups suppressed. Pure.

Yes-no questions give a yes share, scale questions a mean, both (and choice questions)
a distribution. Free text is never aggregated: it appears only in the private report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from ..model import ProgramData, Question, SurveyResponse
from ..report.privacy import suppress_cells

Answer = tuple[str, bool | int | str, SurveyResponse]  # (role, answer, response)
ROLES = ("mentor", "mentee")


def _distribution(q: Question, values: Sequence[bool | int | str]) -> dict[str, int] | None:
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


def _stats(q: Question, values: Sequence[bool | int | str], hidden: bool) -> dict[str, Any]:
    empty = hidden or not values
    numbers = [int(v) for v in values if not isinstance(v, str)]
    return {
        "responses": len(values),
        "suppressed": hidden,
        "yes_share": None if empty or q.type != "yes-no" else round(sum(numbers) / len(values), 4),
        "mean": None if empty or q.type != "scale" else round(sum(numbers) / len(values), 4),
        "distribution": None if empty else _distribution(q, values),
    }


def _question(q: Question, answers: Sequence[Answer], roles: Sequence[str], k: int, private: bool) -> dict[str, Any]:
    values = [a for _, a, _ in answers]
    overall_hidden = 0 < len(values) < k
    per_role = {role: [a for r, a, _ in answers if r == role] for role in roles}
    # the roles add up to the overall count, so one hidden role would be total minus the other
    shown = suppress_cells({role: len(v) for role, v in per_role.items()}, k)
    out = {"id": q.id, "text": q.text, "type": q.type, **_stats(q, values, overall_hidden),
           "by_role": {role: _stats(q, v, overall_hidden or shown[role] is None) for role, v in per_role.items()}}
    if private and q.type == "text":
        out["answers"] = [{"login": r.respondent, "text": str(a), "path": r.source.path}
                          for _, a, r in sorted(answers, key=lambda x: x[2].respondent.lower())]
    return out


def aggregate_surveys(data: ProgramData, on: dt.date, k: int, private: bool = False) -> list[dict[str, Any]]:
    """Every survey of the program with the answers given up to ``on``."""
    people = data.by_login()
    out = []
    for survey in data.program.surveys:
        responses = [(p.role, r) for r in data.responses if r.survey == survey.id and r.date <= on
                     and (p := people.get(r.respondent.lower())) is not None]
        roles = [role for role in ROLES if role in survey.roles]
        questions = [_question(q, [(role, r.answers[q.id], r) for role, r in responses if q.id in r.answers],
                               roles, k, private) for q in survey.questions]
        out.append({"id": survey.id, "name": survey.name, "responses": len(responses), "questions": questions})
    return out
