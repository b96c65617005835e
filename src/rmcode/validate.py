"""The validate stage: loaded documents -> typed domain objects and a list of problems."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .errors import Problem
from .loader import Document
from .model import (
    CheckIn,
    Pair,
    Participant,
    Program,
    ProgramData,
    Source,
    SurveyResponse,
    Unmatched,
)
from .rules import check_cross_file, check_program_rules


@dataclass(frozen=True, slots=True)
class Validation:
    """The outcome of validation: the typed data (None when the program itself is unusable) and problems."""

    data: ProgramData | None
    problems: tuple[Problem, ...]
    files: int

    @property
    def valid(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def validate_documents(valid: Mapping[str, tuple[Document, str]], earlier: Iterable[Problem],
                       as_of: dt.date, files: int, present: set[str]) -> Validation:
    """Build the domain from schema-valid documents, then apply the cross-file rules.

    ``valid`` maps a path to a document that passed its schema, and the schema name;
    documents that failed are left out, so cross-file rules never see malformed data.
    ``earlier`` are the load and schema problems; ``present`` the logins that have a
    profile file (valid or not), so a broken profile is not also reported as missing.
    """
    problems = list(earlier)
    good = {path: doc for path, (doc, _) in sorted(valid.items())}
    program_doc = good.get("program.yaml")
    if program_doc is None:
        return Validation(None, tuple(sorted(set(problems))), files)
    program = Program.from_raw(program_doc.data, Source("program.yaml"))
    problems += check_program_rules(program, program_doc)
    data = _build(program, good)
    problems += check_cross_file(data, good, as_of, present)
    return Validation(data, tuple(sorted(set(problems))), files)


def _build(program: Program, good: Mapping[str, Document]) -> ProgramData:
    def items(prefix: str, make: Callable[[Any, Source], Any]) -> list[Any]:
        return [make(doc.data, Source(path)) for path, doc in good.items() if path.startswith(prefix)]

    matches = good.get("matches.yaml")
    pairs: list[Pair] = []
    unmatched: list[Unmatched] = []
    if matches is not None:
        pairs = [Pair.from_raw(raw, Source("matches.yaml", matches.where(f"/pairs/{i}")[0]))
                 for i, raw in enumerate(matches.data["pairs"])]
        unmatched = [Unmatched(u["login"], u.get("cohort", ""), u["reason"]) for u in matches.data.get("unmatched", [])]
    return ProgramData(
        program=program,
        participants=tuple(sorted(items("participants/", Participant.from_raw), key=lambda p: p.key)),
        pairs=tuple(sorted(pairs, key=lambda p: p.id)),
        unmatched=tuple(unmatched),
        checkins=tuple(sorted((CheckIn.from_raw(doc.data, Source(path), doc.top_level_lines())
                               for path, doc in good.items() if path.startswith("checkins/")),
                              key=lambda c: (c.pair, c.date, c.author))),
        responses=tuple(sorted(items("surveys/", SurveyResponse.from_raw),
                               key=lambda r: (r.survey, r.respondent.lower()))),
    )
