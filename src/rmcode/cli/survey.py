"""survey: answer one of the program's surveys; the answers are sealed before the file is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import click

from ..api.init import as_in_profile, pairs_of
from ..api.survey import (
    Answer,
    ProgramData,
    Question,
    Survey,
    answer_value,
    answered,
    answers_from_flags,
    describe,
    offered,
    refuse,
    response_data,
)
from ..layout import survey_path
from .init import DRY_RUN, FORCE, NO_INPUT, ON, _ask_login, _load, _today, _write
from .options import ROOT


def _pick_survey(data: ProgramData, login: str, wanted: str | None, interactive: bool) -> Survey:
    surveys = offered(data, login)
    if wanted is not None:
        survey = data.program.survey(wanted)
        if survey is None:
            known = ", ".join(s.id for s in data.program.surveys) or "none"
            raise click.BadParameter(f"{wanted[:60]!r} is not a survey of this program (surveys: {known})",
                                     param_hint="--survey")
        return survey
    if not surveys:
        raise refuse("program.yaml", "RM626", f"no survey of this program is for {login}",
                                  "surveys list the roles that answer them")
    if len(surveys) == 1 or not interactive:
        if len(surveys) > 1:
            raise click.UsageError("missing --survey (one of: " + ", ".join(s.id for s in surveys) + ")")
        return surveys[0]
    choice = click.prompt("Survey", type=click.Choice([s.id for s in surveys]), default=surveys[0].id)
    return next(s for s in surveys if s.id == choice)


def _reader(q: Question) -> Callable[[str], Answer | None]:
    """Answer text -> value, or UsageError so that click asks again."""
    def read(text: str) -> Answer | None:
        if not text.strip():
            if q.required:
                raise click.UsageError("an answer is required")
            return None
        try:
            return answer_value(q, text)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
    return read


def _ask_answers(survey: Survey, given: dict[str, Answer]) -> dict[str, Answer]:
    """Ask each question the flags did not answer; click repeats a question until the answer fits."""
    answers = dict(given)
    for q in survey.questions:
        if q.id not in answers:
            value = click.prompt(describe(q), default="", show_default=False, value_proc=_reader(q))
            if value is not None:
                answers[q.id] = value
    return answers


@click.command()
@ROOT
@click.option("--login", help="Your GitHub login (the file name).")
@click.option("--survey", "survey_id", help="Survey id from program.yaml; default: the one for your role.")
@click.option("--pair", help="The pair the answers are about; default: your pair, if you have one.")
@click.option("--answer", "answer_flags", multiple=True, metavar="ID=VALUE",
              help="An answer: question id, '=', then yes/no, a number, a choice or text; repeatable.")
@click.option("--date", help="Day you answered (YYYY-MM-DD); default: today.")
@ON
@NO_INPUT
@FORCE
@DRY_RUN
def survey(root: Path, login: str | None, survey_id: str | None, pair: str | None, answer_flags: tuple[str, ...],
           date: str | None, as_of: dt.datetime | None, no_input: bool, force: bool, dry_run: bool) -> None:
    """Answer a survey: surveys/<survey-id>/<login>.yaml, answers sealed for the program team.

    Asks each question of the survey (the flags may answer some or all of them), checks
    the answers against program.yaml, then encrypts them to the program's keys
    (sealing.recipients) before anything is written: only the program team can read
    them. A program without keys gets plain answers, and a note saying so.

    \b
    Example:
      rmcode survey                        # answer the questions
      rmcode survey --no-input --login octocat --survey closing \\
        --answer would-continue=yes --answer overall=4 --answer highlight="Honest feedback"
    """
    on, interactive = _today(as_of), not no_input
    data = _load(root)
    author = as_in_profile(data, _ask_login({"login": login}, interactive))
    chosen = _pick_survey(data, author, survey_id, interactive)
    try:
        given = answers_from_flags(chosen, answer_flags)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--answer") from None
    answers = _ask_answers(chosen, given) if interactive else given
    pairs = pairs_of(data, author)
    response = response_data(chosen.id, author, date or on.isoformat(), pair or (pairs[0] if pairs else None),
                             answers)
    rel = survey_path(chosen.id, author)
    if answered(root, rel) and not force and not dry_run:
        raise click.UsageError(f"{rel} already exists; pass --force to replace your answers")
    _write(root, rel, response, on, force, dry_run)


COMMANDS = (survey,)
