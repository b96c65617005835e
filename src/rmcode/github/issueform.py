"""GitHub issue-form bodies -> profile and check-in data. Pure: text in, data or problems out.

GitHub renders a submitted form as Markdown: one ``### <label>`` heading per field, a
blank line, the answer, a blank line; ``_No response_`` for an empty optional field,
``a, b`` for a multi-select dropdown and ``- [X] item`` lines for checkboxes. The
labels equal the schema titles (tests/test_workflows.py holds the forms to that), so
this module maps them back to field ids through the JSON Schemas.

The body is hostile input. Identity (login, numeric id, date of registration) never
comes from it; every answer is checked against the schema before it names a file.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from ..errors import Problem, RmcodeError
from ..formats.person_yaml import render
from ..layout import checkin_path, is_login, profile_path
from ..load.loader import load_bytes
from ..model.json import Json, JsonMapping
from ..validate.schema import load_schema, validate_document
from ..validate.sealed import DEFAULT_SEALED

FormKind = Literal["register", "log-session"]
FORM_KINDS: tuple[FormKind, ...] = ("register", "log-session")
SCHEMA_OF: Mapping[FormKind, str] = {"register": "participant", "log-session": "checkin"}
# fields a form may never set: they come from the GitHub event
FROM_EVENT: Mapping[FormKind, frozenset[str]] = {
    "register": frozenset({"login", "github_id", "registered"}), "log-session": frozenset({"author"})}
MAX_BODY_CHARS = 200_000  # GitHub caps issue bodies at 65,536 characters
MAX_ANSWER_CHARS = 20_000
NO_RESPONSE = "_No response_"
FORM = "issue form"
SEALED_HINT: Mapping[FormKind, str] = {
    "register": "delete it from the issue (edit it), then add it with `rmcode register`, which encrypts it",
    "log-session": "delete it from the issue (edit it), then give it on the site's Log a session page or with "
                   "`rmcode log`: both encrypt it before it is written"}
_HEADING = re.compile(r"^### (.+?)\s*$")
_CHECKBOX = re.compile(r"^- \[( |x|X)\] (.*)$")
_BIDI = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


@dataclass(frozen=True, slots=True)
class FormFile:
    """What a form turns into: the file's path (relative to the root), its text and data."""

    path: str
    text: str
    data: JsonMapping


def _fail(message: str, hint: str = "", code: str = "RM600") -> RmcodeError:
    return RmcodeError([Problem(FORM, 0, 0, code, message, hint)])


def parse_body(body: str, fields: Collection[str]) -> dict[str, str]:
    """``### Label`` sections -> {label: answer}; empty answers are "".

    Only headings in ``fields`` start a section: any other heading stays part of the
    answer above it (people write Markdown in a bio). A field heading that appears twice
    is refused, since it cannot be told which one the person meant.
    """
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        heading = _HEADING.match(line)
        label = heading.group(1) if heading else None
        if label in sections:
            raise _fail(f"the form has the section '{label}' twice",
                        "answers must not contain lines that start with '### '", "RM601")
        if label is not None and label in fields:
            current = sections.setdefault(label, [])
        elif current is not None:
            current.append(line)
    return {label: _answer("\n".join(lines)) for label, lines in sections.items()}


def _answer(text: str) -> str:
    text = text.strip("\n").rstrip()
    return "" if text.strip() == NO_RESPONSE else text


def checked(answer: str) -> list[str] | None:
    """The ticked items of a checkbox answer, or None if the answer is not a checkbox list."""
    lines = [line for line in answer.split("\n") if line.strip()]
    matches = [_CHECKBOX.match(line.strip()) for line in lines]
    if not lines or not all(matches):
        return None
    return [m.group(2).strip() for m in matches if m and m.group(1) != " "]


# --- answer converters: text -> value, or ValueError with a message for the person ----

def _one_line(text: str) -> str:
    if "\n" in text:
        raise ValueError("must be a single line")
    return text.strip()


def _text(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().split("\n"))


def _whole_number(text: str) -> int:
    value = text.strip()
    if not re.fullmatch(r"[0-9]{1,6}", value):
        raise ValueError(f"'{value[:40]}' is not a whole number")
    return int(value)


def _level(text: str) -> int:
    """A level as the form lists it ("6 - Director (mentees)") or as a bare number."""
    found = re.match(r"\s*([0-9]{1,6})(?:\s+-\s.*)?\s*$", text)
    if not found:
        raise ValueError(f"'{text.strip()[:40]}' is not a level number")
    return int(found.group(1))


def _yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value not in ("yes", "no"):
        raise ValueError(f"answer yes or no, not '{value[:40]}'")
    return value == "yes"


def _items(text: str) -> list[str]:
    ticked = checked(text)
    if ticked is not None:
        return ticked
    return [item.strip() for item in re.split(r"[,\n]", text) if item.strip()]


def _languages(text: str) -> list[str]:
    return [code.lower() for code in re.split(r"[\s,;]+", text.strip()) if code]


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.split("\n") if line.strip()]


def _availability(text: str) -> list[str]:
    return [line.lower() for line in _lines(text)]


def _goal_progress(text: str) -> list[dict[str, str]]:
    result = []
    for line in _lines(text):
        goal, sep, progress = line.partition(":")
        if not sep:
            raise ValueError(f"write 'goal-id: progress', not '{line[:60]}'")
        result.append({"goal": goal.strip(), "progress": progress.strip().lower()})
    return result


def _public(text: str) -> dict[str, str]:
    return {field: "public" for field in _items(text)}


Converter = Callable[[str], Json]
CONVERTERS: Mapping[FormKind, Mapping[str, Converter]] = {
    "register": {
        "name": _one_line, "role": _one_line, "cohort": _one_line, "title": _one_line, "level": _level,
        "department": _one_line, "manager": _one_line, "location": _one_line, "timezone": _one_line,
        "languages": _languages, "skills_offered": _items, "skills_wanted": _items, "goals": _lines,
        "availability": _availability, "capacity": _whole_number, "prefer": _items, "bio": _text,
        "visibility": _public,
    },
    "log-session": {
        "pair": _one_line, "date": _one_line, "held": _yes_no, "minutes": _whole_number, "topics": _items,
        "goals": _goal_progress, "next_steps": _text,
    },
}


def labels(kind: FormKind) -> dict[str, str]:
    """Form label -> field id, for every field the schema titles (the forms use those titles)."""
    props = load_schema(SCHEMA_OF[kind])["properties"]
    return {str(spec["title"]): field for field, spec in props.items() if "title" in spec}


def form_values(kind: FormKind, body: str, sealed: Collection[str] | None = None) -> dict[str, Json]:
    """The answers of a ``kind`` form as schema values; empty answers are left out."""
    values, problems = _convert(kind, body, sealed)
    if problems:
        raise RmcodeError(problems)
    return values


def _convert(kind: FormKind, body: str,
             sealed: Collection[str] | None = None) -> tuple[dict[str, Json], list[Problem]]:
    if len(body) > MAX_BODY_CHARS:
        raise _fail(f"the issue is {len(body):,} characters long, more than {MAX_BODY_CHARS:,}",
                    "shorten the answers", "RM602")
    by_label, converters = labels(kind), CONVERTERS[kind]
    sections = parse_body(body, by_label)
    if not sections:
        raise _fail("this issue is not a filled-in form (no '### ' sections)",
                    "open the issue with the form from the New issue page", "RM603")
    problems: list[Problem] = []
    values: dict[str, Json] = {}
    for label, answer in sections.items():
        field = by_label[label]
        if field in FROM_EVENT[kind]:
            problems.append(Problem(FORM, 0, 0, "RM604", f"{label}: the form may not set this field",
                                    "it is taken from your GitHub account"))
        elif answer and field in (DEFAULT_SEALED[SCHEMA_OF[kind]] if sealed is None else sealed):
            # the answer itself is never repeated: the workflow posts these messages in public
            problems.append(Problem(FORM, 0, 0, "RM609", f"{label}: this answer is sealed for the program team, "
                                    "and an issue is readable by everyone with access to the repository",
                                    SEALED_HINT[kind], f"/{field}"))
        elif field in converters and answer:
            try:
                values[field] = converters[field](_clean(answer))
            except ValueError as exc:
                problems.append(Problem(FORM, 0, 0, "RM605", f"{label}: {exc}", _describe(kind, field), f"/{field}"))
    return values, problems


def _clean(answer: str) -> str:
    if len(answer) > MAX_ANSWER_CHARS:
        raise ValueError(f"the answer is {len(answer):,} characters long, more than {MAX_ANSWER_CHARS:,}")
    for char in answer:
        if char in _BIDI or (unicodedata.category(char) == "Cc" and char not in "\n\t"):
            raise ValueError(f"contains the control character U+{ord(char):04X}")
    return answer.replace("\t", " ")


def _describe(kind: FormKind, field: str) -> str:
    return str(load_schema(SCHEMA_OF[kind])["properties"].get(field, {}).get("description", ""))


def slug(text: str, taken: set[str]) -> str:
    """A goal id from its text: lower-case words joined by '-', unique among ``taken``."""
    base = re.sub(r"[^a-z0-9]+", "-", text.lower())[:40].strip("-") or "goal"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    taken.add(candidate)
    return candidate


def profile_data(values: JsonMapping, login: str, github_id: int, registered: dt.date,
                 existing: JsonMapping | None = None) -> dict[str, Json]:
    """A participant's profile from form answers; identity from the event, not the form.

    Fields the form does not ask (pauses, avoid lists, self-identification, working
    style) are kept from an existing profile, and so are the ids of goals whose text did
    not change, so check-ins that mention them stay valid.
    """
    before: JsonMapping = existing or {}
    data = dict(before)
    for field in CONVERTERS["register"]:
        data.pop(field, None)
    data.update({k: v for k, v in values.items() if k not in ("goals", "visibility")})
    data.update(login=login, github_id=github_id)
    data.setdefault("registered", registered.isoformat())
    texts = values.get("goals", [])  # the goals converter gives a list of texts
    goals = goals_from_texts([t for t in texts if isinstance(t, str)] if isinstance(texts, list) else [],
                             data.get("role"), before.get("goals"))
    if goals:
        data["goals"] = goals
    visibility = _visibility(values.get("visibility", {}), before.get("visibility"))
    if visibility:
        data["visibility"] = visibility
    return data


def goals_from_texts(texts: Sequence[str], role: Json, old: Json) -> dict[str, list[dict[str, str]]]:
    """Goals for a profile: under ``grow`` for mentors, ``learn`` for mentees; ids kept for unchanged texts.

    ``old`` is the ``goals`` of the profile as it was (``{learn: [{id, text}], grow: [...]}``), if any.
    """
    if not texts:
        return {}
    sides = old.values() if isinstance(old, Mapping) else ()
    known = {g.get("text"): g.get("id") for side in sides if isinstance(side, list)
             for g in side if isinstance(g, dict)}
    taken = {str(i) for i in known.values() if i}
    goals = [{"id": str(known[t]) if known.get(t) else slug(t, taken), "text": t} for t in texts]
    return {"grow" if role == "mentor" else "learn": goals}


def _visibility(public: Json, old: Json) -> dict[str, Json]:
    """The fields the form marks public, over what the profile said of the others (admins stays admins)."""
    kept = {f: v for f, v in (old or {}).items() if v != "public"} if isinstance(old, Mapping) else {}
    return {**kept, **(public if isinstance(public, Mapping) else {})}


def checkin_data(values: JsonMapping, author: str) -> dict[str, Json]:
    """A check-in from form answers; the author is the issue's author."""
    return {**values, "author": author}


def form_file(kind: FormKind, body: str, author: str, author_id: int, today: dt.date,
              existing: Callable[[str], JsonMapping | None] = lambda path: None,
              sealed: Collection[str] | None = None, facts: JsonMapping | None = None) -> FormFile:
    """Turn an issue body into the file it asks for; RmcodeError lists every problem.

    ``existing(path)`` gives the data of a file already in the repository (or None);
    ``sealed`` the fields the program seals (default: rmcode's default set), which a body
    must not hold: issues are public. ``facts`` are the HR roster's level, department and
    manager for the author, which fill the answers the form left empty.
    The path is built only from the author's login and values the schema accepted, so
    it always lies in participants/ or checkins/<pair>/.
    """
    if not is_login(author) or author_id < 1:
        raise _fail(f"'{author[:60]}' (id {author_id}) is not a GitHub account", code="RM606")
    values, problems = _convert(kind, body, sealed)
    if kind == "register":
        path = profile_path(author)
        old = existing(path)
        if old is not None and old.get("github_id") != author_id:
            raise _fail(f"{path} belongs to another GitHub account",
                        "a login that was renamed and re-claimed cannot take over a profile; ask a program admin",
                        "RM607")
        data = profile_data({**(facts or {}), **values}, author, author_id, today, old)
    else:
        data = checkin_data(values, author)
    failed = {p.pointer for p in problems}
    problems += [p for p in _schema_problems(kind, data) if p.pointer not in failed]
    if problems:
        raise RmcodeError(problems)
    if kind == "log-session":
        path = checkin_path(str(data["pair"]), str(data["date"]), author)  # text: the schema checked them
    return FormFile(path, render(SCHEMA_OF[kind], data), data)


def _schema_problems(kind: FormKind, data: JsonMapping) -> list[Problem]:
    name = SCHEMA_OF[kind]
    doc = load_bytes(FORM, render(name, data).encode("utf-8"))
    titles = {field: label for label, field in labels(kind).items()}
    return [_form_problem(p, titles) for p in validate_document(doc, name)]


def _form_problem(p: Problem, titles: Mapping[str, str]) -> Problem:
    """A schema problem worded by the form's labels instead of the file's keys."""
    if p.code == "RM201":
        missing = p.message.rsplit("'", 2)[-2]
        hint = p.hint.split(" - ", 1)[1] if " - " in p.hint else ""
        return Problem(FORM, 0, 0, p.code, f"{titles.get(missing, missing)}: an answer is required", hint,
                       f"/{missing}")
    tokens = p.pointer.split("/")
    field, last = (tokens[1], tokens[-1]) if len(tokens) > 1 else ("", "")
    message = p.message[len(last) + 2:] if last and p.message.startswith(f"{last}: ") else p.message
    if last != field:
        message = f"{last}: {message}" if last and not last.isdigit() else message
    return Problem(FORM, 0, 0, p.code, f"{titles.get(field, field or 'form')}: {message}", p.hint, p.pointer)
