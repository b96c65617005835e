"""The validate stage: loaded documents -> typed domain objects and a list of problems.

Each schema-valid file becomes one *item* on its own (``build_item``), so items can be cached
per file; ``validate_items`` then assembles the program and applies the cross-file rules.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from ..errors import LoadError, Problem
from ..io.cache import DIGEST_CHARS, Record
from ..layout import login_key
from ..load.loader import Document, load_bytes
from ..model import (
    CheckIn,
    Item,
    MatchesItem,
    Pair,
    Participant,
    Program,
    ProgramData,
    Source,
    SurveyResponse,
    Unmatched,
)
from ..model.roster import HrRoster
from .kpis import kpi_problems
from .rules import check_cross_file
from .suggest import suggest

Reader = Callable[[str], bytes | None]


@dataclass(frozen=True, slots=True)
class Validation:
    """The outcome of validation: the typed data (None when the program itself is unusable) and problems."""

    data: ProgramData | None
    problems: tuple[Problem, ...]
    files: int

    @property
    def valid(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def _matches(doc: Document) -> MatchesItem:
    pairs = tuple(Pair.from_raw(raw, Source("matches.yaml", line)) for raw, line in zip(doc.data["pairs"],
                                                                                      doc.item_lines("pairs")))
    return pairs, tuple(Unmatched(u["login"], u.get("cohort", ""), u["reason"]) for u in doc.data.get("unmatched", []))


BUILDERS: Mapping[str, Callable[[Document], Item]] = {
    "program": lambda doc: Program.from_raw(doc.data, Source(doc.path)),
    "matches": _matches,
    "participant": lambda doc: Participant.from_raw(doc.data, Source(doc.path)),
    "checkin": lambda doc: CheckIn.from_raw(doc.data, Source(doc.path), doc.top_level_lines()),
    "survey-response": lambda doc: SurveyResponse.from_raw(doc.data, Source(doc.path)),
}


def build_item(doc: Document, schema: str) -> tuple[Item, list[Problem]]:
    """The domain object of one schema-valid document, and the problems only that file can show.

    Those are program.yaml's own rules (duplicate ids, windows, KPIs): they need nothing but the file.
    """
    item = BUILDERS[schema](doc)
    if isinstance(item, Program):
        return item, check_program_rules(item, doc)
    return item, []


def check_program_rules(program: Program, doc: Document) -> list[Problem]:
    """Rules inside program.yaml that a schema cannot express."""
    out: list[Problem] = []
    raw = doc.data
    for name, key in (("cohorts", "id"), ("skills", "id"), ("levels", "level"), ("kpis", "id"), ("surveys", "id"),
                      ("milestones", "id"), ("admins", "github_id")):
        seen: set[str] = set()
        for i, entry in enumerate(raw.get(name, [])):  # file order, so the second occurrence is reported
            value = str(entry[key])
            if value in seen:
                out.append(doc.problem(f"/{name}/{i}/{key}", "RM324", f"{name}: '{value}' is listed twice",
                                       "ids must be unique"))
            seen.add(value)
    for i, c in enumerate(program.cohorts):
        if not c.registration_opens <= c.registration_closes:
            out.append(doc.problem(f"/cohorts/{i}/registration", "RM326",
                                   f"cohort {c.id}: registration closes before it opens",
                                   "swap opens and closes"))
        if not c.start <= c.end:
            out.append(doc.problem(f"/cohorts/{i}/end", "RM326", f"cohort {c.id}: ends before it starts",
                                   "check start and end"))
    if program.capacity_default > program.capacity_max:
        out.append(doc.problem("/eligibility/mentor_capacity", "RM344", "default capacity is above the maximum",
                               "lower default or raise max"))
    for i, m in enumerate(program.milestones):
        if (m.day is None) == (not m.at_end):
            out.append(doc.problem(f"/milestones/{i}", "RM327", f"milestone {m.id}: give either day or at: end",
                                   "e.g. day: 14"))
        if m.survey and program.survey(m.survey) is None:
            out.append(doc.problem(f"/milestones/{i}/survey", "RM345", f"milestone {m.id}: unknown survey '{m.survey}'",
                                   suggest(m.survey, [s.id for s in program.surveys])))
    out += [doc.problem(p.pointer, p.code, p.message, p.hint) for p in kpi_problems(program)]
    for i, survey in enumerate(program.surveys):
        for j, q in enumerate(survey.questions):
            if q.type == "choice" and len(q.choices) < 2:
                out.append(doc.problem(f"/surveys/{i}/questions/{j}", "RM329",
                                       f"question {q.id}: a choice question needs choices", "add choices: [...]"))
            if q.type == "scale" and q.min >= q.max:
                out.append(doc.problem(f"/surveys/{i}/questions/{j}", "RM329",
                                       f"question {q.id}: min must be below max", "e.g. min: 1, max: 5"))
    return out


def validate_documents(valid: Mapping[str, tuple[Document, str]], earlier: Iterable[Problem],
                       as_of: dt.date, files: int, present: set[str], roster: HrRoster | None = None) -> Validation:
    """Build the domain from schema-valid documents, then apply the cross-file rules.

    ``valid`` maps a path to a document that passed its schema, and the schema name;
    documents that failed are left out, so cross-file rules never see malformed data.
    ``earlier`` are the load and schema problems; ``present`` the logins that have a
    profile file (valid or not), so a broken profile is not also reported as missing.
    """
    problems = list(earlier)
    items: dict[str, Item] = {}
    for path, (doc, schema) in valid.items():
        items[path], found = build_item(doc, schema)
        problems += found
    return validate_items(items, problems, as_of, files, present, {path: doc for path, (doc, _) in valid.items()},
                          roster)


def validate_items(items: Mapping[str, Item], earlier: Iterable[Problem], as_of: dt.date, files: int,
                   present: set[str], docs: Mapping[str, Document], roster: HrRoster | None = None) -> Validation:
    """Assemble the program from per-file items and apply the cross-file rules.

    ``docs`` gives the document of a path when a problem needs its exact position (see ``Reread``);
    ``roster`` is the HR roster (roster.csv) where the program has one.
    """
    problems = list(earlier)
    program = items.get("program.yaml")
    if not isinstance(program, Program):
        return Validation(None, tuple(sorted(set(problems))), files)
    data = dataclasses.replace(_assemble(program, items), roster=roster)
    problems += check_cross_file(data, docs, as_of, present)
    return Validation(data, tuple(sorted(set(problems))), files)


def validate_overlaid(items: Mapping[str, Item], docs: Mapping[str, Document], doc: Document, schema: str,
                      as_of: dt.date, present: set[str],
                      roster: HrRoster | None = None) -> tuple[list[Problem], Program | None]:
    """The errors a schema-valid new file brings into a repository, and the program it is checked in.

    ``items`` and ``docs`` are the repository's other files (the new file's path left out),
    ``present`` the logins with a profile file. The new document is laid over them and the
    cross-file rules run before and after: a rule about two files (a login or github_id used
    twice) may report the other, older file, so everything the new file breaks counts, and
    problems the repository already had do not.
    """
    before = set(validate_items(items, [], as_of, len(items), present, docs, roster).problems)
    item, _ = build_item(doc, schema)
    if schema == "participant":
        present = present | {login_key(doc.path.rsplit("/", 1)[-1][:-5])}
    result = validate_items({**items, doc.path: item}, [], as_of, len(items) + 1, present,
                            _Overlaid(docs, doc), roster)
    problems = [p for p in result.problems if p.severity == "error" and (p.path == doc.path or p not in before)]
    return problems, result.data.program if result.data is not None else None


class _Overlaid(Mapping[str, Document]):
    """The repository's documents with one more laid over them."""

    def __init__(self, docs: Mapping[str, Document], doc: Document) -> None:
        self._docs, self._doc = docs, doc

    def __getitem__(self, path: str) -> Document:
        return self._doc if path == self._doc.path else self._docs[path]

    def __iter__(self) -> Iterator[str]:
        yield self._doc.path
        yield from (path for path in self._docs if path != self._doc.path)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _assemble(program: Program, items: Mapping[str, Item]) -> ProgramData:
    participants: list[Participant] = []
    checkins: list[CheckIn] = []
    responses: list[SurveyResponse] = []
    # path order first, so that equal sort keys keep the same order on every run
    for path in sorted(items):
        item = items[path]
        if isinstance(item, CheckIn):
            checkins.append(item)
        elif isinstance(item, Participant):
            participants.append(item)
        elif isinstance(item, SurveyResponse):
            responses.append(item)
    pairs, unmatched = _matches_of(items.get("matches.yaml"))
    return ProgramData(
        program=program,
        participants=tuple(sorted(participants, key=lambda p: p.key)),
        pairs=tuple(sorted(pairs, key=lambda p: p.id)),
        unmatched=unmatched,
        checkins=tuple(sorted(checkins, key=lambda c: (c.pair, c.date, c.author))),
        responses=tuple(sorted(responses, key=lambda r: (r.survey, login_key(r.respondent)))),
    )


def _matches_of(item: Item | None) -> MatchesItem:
    return item if isinstance(item, tuple) else ((), ())


class Reread(Mapping[str, Document]):
    """Documents parsed again on demand, for the exact position of a cross-file problem.

    The cache keeps typed items, not the files' text: only a file that has a cross-file
    problem is read again. When the file changed since it was checked (its digest differs;
    the next run checks it again), positions fall back to the top of the file.
    """

    def __init__(self, records: Mapping[str, Record], read: Reader) -> None:
        self._records, self._read = records, read
        self._docs: dict[str, Document] = {}

    def __getitem__(self, path: str) -> Document:
        doc = self._docs.get(path)
        if doc is None:
            record = self._records[path]
            if record.item is None:
                raise KeyError(path)  # only valid documents, as the rules expect
            doc = self._docs[path] = self._parse(path, record.digest)
        return doc

    def _parse(self, path: str, digest: str) -> Document:
        content = self._read(path)
        if content is not None and hashlib.sha256(content).hexdigest()[:DIGEST_CHARS] == digest:
            try:
                return load_bytes(path, content, max_bytes=len(content))
            except LoadError:
                pass
        return Document(path, None, digest)

    def __iter__(self) -> Iterator[str]:
        return (path for path, record in self._records.items() if record.item is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)
