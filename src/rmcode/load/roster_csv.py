"""Reading an HR system's CSV export into roster rows. Pure: bytes and settings in, rows or problems out.

Every problem names the export's row and column (the CSV column, counted from 1) and the
CLI stops before anything is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypedDict

from ..errors import LoadError, Problem
from ..layout import LOGIN, login_key
from ..model.roster import Employee, employees_of

MAX_EXPORT_BYTES = 50 << 20  # 100,000 employees take about 15 MB; a larger file is not an HR export
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FIELDS = ("employee_id", "login", "name", "email", "level", "department", "manager_id", "location", "start_date")
REQUIRED = ("employee_id", "login", "level", "department")
SEALED_ALWAYS = ("email",)
# header names HR systems use for each field, compared without case, spaces or punctuation
ALIASES: Mapping[str, tuple[str, ...]] = {
    "employee_id": ("employee id", "employee number", "employee no", "emp id", "worker id", "personnel number",
                    "staff id", "staff number", "person id", "id"),
    "login": ("github login", "github", "github username", "github user", "github handle", "github account", "login"),
    "name": ("name", "full name", "employee name", "display name", "preferred name", "legal name"),
    "email": ("email", "e-mail", "work email", "email address", "business email", "work e-mail", "mail"),
    "level": ("level", "job level", "grade", "job grade", "band", "career level", "pay grade", "management level"),
    "department": ("department", "dept", "department name", "division", "org unit", "organisation unit",
                   "organization unit", "business unit"),
    "manager_id": ("manager id", "manager employee id", "manager employee number", "manager number",
                   "supervisor id", "line manager id", "reports to", "reports to id", "manager"),
    "location": ("location", "office", "site", "work location", "city", "office location"),
    "start_date": ("start date", "hire date", "date of joining", "joining date", "original hire date", "date hired"),
}


def _norm(header: str) -> str:
    return re.sub(r"[^0-9a-z]", "", header.casefold())


class RosterSection(TypedDict, total=False):
    """program.yaml's ``roster`` section as its schema holds it."""

    columns: dict[str, str]  # field -> export header
    ignore: list[str]
    grades: dict[str, int]  # grade text -> level number
    date_format: str


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """program.yaml's ``roster`` section: which export header holds which field."""

    columns: Mapping[str, str] = field(default_factory=dict)  # field -> header, overriding ALIASES
    ignore: frozenset[str] = frozenset()  # normalised headers to skip
    grades: Mapping[str, int] = field(default_factory=dict)  # export grade text -> level number
    date_format: str = "%Y-%m-%d"
    sealed: tuple[str, ...] = SEALED_ALWAYS  # fields kept out of roster.csv and sealed

    @classmethod
    def from_raw(cls, raw: RosterSection | None, sealed_extra: Sequence[str] = ()) -> ColumnMap:
        raw = raw or RosterSection()
        sealed = tuple(sorted(set(SEALED_ALWAYS) | {f for f in sealed_extra if f in FIELDS and f not in REQUIRED}))
        return cls(dict(raw.get("columns", {})), frozenset(_norm(x) for x in raw.get("ignore", ())),
                   {str(k): int(v) for k, v in raw.get("grades", {}).items()}, raw.get("date_format", "%Y-%m-%d"),
                   sealed)


@dataclass(frozen=True, slots=True)
class Export:
    """The rows of an export: plain roster rows, and the sealed fields per employee id."""

    employees: tuple[Employee, ...]
    sealed: Mapping[str, Mapping[str, str]]
    rows: Mapping[str, int]  # employee id -> row in the export, for problems found later


class _Problems:
    def __init__(self, path: str) -> None:
        self.path, self.out = path, []  # type: tuple[str, list[Problem]]

    def add(self, row: int, col: int, code: str, message: str, hint: str) -> None:
        self.out.append(Problem(self.path, row, col, code, f"row {row}, column {col}: {message}", hint))

    def stop(self) -> None:
        if self.out:
            raise LoadError(self.out)


def decode(path: str, content: bytes, limit: int = MAX_EXPORT_BYTES, encoding: str = "utf-8") -> str:
    """The export's text in ``encoding`` (a byte-order mark is dropped); LoadError at the first byte that is not
    (the size rule is the same for every encoding), or for an encoding Python does not know."""
    problems = _Problems(path)
    if len(content) > limit:
        row = content.count(b"\n", 0, limit) + 1
        problems.add(row, _column_at(content, limit), "RM410",
                     f"the file is larger than {limit >> 20} MB (it goes on past this point)",
                     "export only the columns the roster needs, or split the export by department")
        problems.stop()
    utf8 = encoding.lower().replace("_", "-") in ("utf-8", "utf8")
    try:
        return content.decode("utf-8-sig") if utf8 else content.decode(encoding).lstrip("\ufeff")
    except LookupError:
        problems.out.append(Problem(path, 0, 0, "RM411", f"unknown encoding {encoding!r}",
                                    "use a Python codec name such as utf-8, cp1252 or latin-1"))
    except UnicodeDecodeError as exc:
        row = content.count(b"\n", 0, exc.start) + 1
        problems.add(row, _column_at(content, exc.start), "RM411",
                     f"byte 0x{content[exc.start]:02x} is not {'UTF-8' if utf8 else encoding} text",
                     "export the file as UTF-8 (CSV UTF-8 in Excel), or pass --encoding, e.g. --encoding cp1252"
                     if utf8 else "check --encoding")
    problems.stop()
    raise AssertionError("unreachable")  # pragma: no cover


def _column_at(content: bytes, offset: int) -> int:
    """The CSV column (from 1) of a byte offset, counting the likeliest delimiter on its line."""
    start = content.rfind(b"\n", 0, offset) + 1
    before = content[start:offset]
    delimiter = max((b",", b";", b"\t"), key=lambda d: content[:4096].count(d))
    return before.count(delimiter) + 1


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon or tab: whichever splits the header line into the most fields (outside quotes)."""
    header = text.split("\n", 1)[0]
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def read_export(path: str, text: str, mapping: ColumnMap) -> Export:
    """Parse, map and check every row. LoadError lists each problem with its row and column.

    The rows are checked column by column (a column is one list, mapped with C-level
    functions), so that 100,000 rows take well under a second; only a bad cell costs more.
    """
    delimiter = sniff_delimiter(text)
    rows, lines = _csv_rows(path, text, delimiter)
    if not rows:
        raise LoadError([Problem(path, 1, 1, "RM412", "row 1, column 1: the file is empty",
                                 "export the roster with a header row")])
    columns = _columns(path, rows[0], mapping)
    problems = _Problems(path)
    width = len(rows[0])
    for number, row in zip(lines[1:], rows[1:]):
        if len(row) != width and "".join(row).strip():
            problems.add(number, min(len(row), width) + 1, "RM413", f"the row has {len(row)} fields, the header has "
                         f"{width}", f"quote fields that contain the delimiter {delimiter!r}")
    # blank lines (spreadsheets leave some at the end) are skipped
    kept = [i for i in range(1, len(rows)) if len(rows[i]) == width and "".join(rows[i]).strip()]
    numbers = [lines[i] for i in kept]
    if not kept and not problems.out:
        problems.add(2, 1, "RM412", "the file has a header but no employees",
                     "export every employee: an empty roster would mark everyone as having left")
    table = list(zip(*(rows[i] for i in kept))) or [()] * width
    cells = _Cells(table, columns, len(kept))
    ids, logins = cells.text("employee_id"), [x.removeprefix("@") for x in cells.text("login")]
    levels = _levels(cells.text("level"), mapping)
    starts = [_date_or_none(x, mapping.date_format) for x in cells.text("start_date")]
    bad = _BadCells(problems, numbers, columns)
    bad.report("employee_id", [i for i, x in enumerate(ids) if not x], lambda i: (
        "the employee id is empty", "every row needs an employee id"))
    bad.report("login", [i for i, x in enumerate(logins) if x and not LOGIN.match(x)], lambda i: (
        f"{logins[i][:40]!r} is not a GitHub login", "letters, digits and single hyphens, at most 39"))
    bad.report("level", [i for i, x in enumerate(levels) if x is None], lambda i: (
        f"level {cells.text('level')[i][:30]!r} is not a whole number",
        f"map it in program.yaml: roster: grades: {{{cells.text('level')[i][:30]!r}: 7}}"))
    bad.report("start_date", [i for i, x in enumerate(starts) if x is None], lambda i: (
        f"start date {cells.text('start_date')[i][:30]!r} does not match {mapping.date_format!r}",
        "set program.yaml roster: date_format, e.g. '%d.%m.%Y'"))
    first = dict(zip(reversed(ids), reversed(numbers)))  # id -> the first row that has it
    if len(first) < len(ids):
        for i, employee_id in enumerate(ids):
            if first[employee_id] != numbers[i]:
                problems.add(numbers[i], columns["employee_id"] + 1, "RM414", f"employee id {employee_id!r} is "
                             f"already on row {first[employee_id]}",
                             "each employee appears once; remove the duplicate row")
    sealed = _sealed_cells(ids, cells, mapping)
    # a sealed column never reaches roster.csv in plain text
    plain = {name: [""] * len(ids) if name in mapping.sealed else cells.text(name)
             for name in ("name", "location")}
    employees = employees_of(ids, logins, plain["name"], levels, cells.text("department"), cells.text("manager_id"),
                             plain["location"], [""] * len(ids) if "start_date" in mapping.sealed else starts,
                             [0] * len(ids))
    _check_logins(employees, numbers, columns, problems)
    _check_managers(employees, numbers, first, columns, problems)
    problems.stop()
    return Export(tuple(employees), sealed, first)


class _Cells:
    """The export's columns by field, stripped; a field without a column reads as empty cells."""

    def __init__(self, table: Sequence[Sequence[str]], columns: Mapping[str, int], count: int) -> None:
        self.table, self.columns, self.count = table, columns, count
        self.cache: dict[str, list[str]] = {}

    def text(self, name: str) -> list[str]:
        found = self.cache.get(name)
        if found is None:
            index = self.columns.get(name)
            found = self.cache[name] = [""] * self.count if index is None else list(map(str.strip, self.table[index]))
        return found


class _BadCells:
    def __init__(self, problems: _Problems, numbers: Sequence[int], columns: Mapping[str, int]) -> None:
        self.problems, self.numbers, self.columns = problems, numbers, columns

    def report(self, name: str, indexes: Sequence[int], say: Callable[[int], tuple[str, str]]) -> None:
        for i in indexes:
            message, hint = say(i)
            self.problems.add(self.numbers[i], self.columns[name] + 1, "RM419", message, hint)


def _sealed_cells(ids: Sequence[str], cells: _Cells, mapping: ColumnMap) -> dict[str, dict[str, str]]:
    """employee id -> its non-empty sealed fields."""
    sealed: dict[str, dict[str, str]] = {}
    for name in mapping.sealed:
        if name in cells.columns:
            for employee_id, value in zip(ids, cells.text(name)):
                if value:
                    sealed.setdefault(employee_id, {})[name] = value
    return sealed


def _levels(texts: list[str], mapping: ColumnMap) -> list[int | None]:
    if not mapping.grades:
        try:
            return list(map(int, texts))
        except ValueError:
            pass
    return [_level(x, mapping) for x in texts]


def _date_or_none(text: str, date_format: str) -> str | None:
    try:
        return _date(text, date_format) if text else ""
    except ValueError:
        return None


def _csv_rows(path: str, text: str, delimiter: str) -> tuple[list[list[str]], list[int]]:
    """The records and the line each starts on; a quoting error is a problem at its row and column."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    start = 1
    try:
        for row in reader:
            rows.append(row)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        line_text = text.splitlines()[start - 1] if start <= len(text.splitlines()) else ""
        column = _quote_column(line_text, delimiter)
        problems = _Problems(path)
        problems.add(start, column, "RM415", f"the CSV is malformed ({exc})",
                     'a field with a quote must be quoted and double its quotes: "say ""hi"""')
        problems.stop()
    return rows, lines


def _quote_column(line: str, delimiter: str) -> int:
    """The column of the first misplaced quote on a line (or of an unclosed one)."""
    column, in_quotes, at_start, after_quote = 1, False, True, False
    for char in line:
        if in_quotes:
            if char == '"':
                in_quotes, after_quote = False, True
            continue
        if after_quote and char not in (delimiter, '"'):
            return column
        if char == '"':
            if not at_start and not after_quote:
                return column
            in_quotes, after_quote = True, False
            at_start = False
            continue
        after_quote = False
        if char == delimiter:
            column, at_start = column + 1, True
        else:
            at_start = False
    return column


def _columns(path: str, header: Sequence[str], mapping: ColumnMap) -> dict[str, int]:
    """field -> column index, from program.yaml's mapping, else the common header names."""
    problems = _Problems(path)
    position = {_norm(h): i for i, h in reversed(list(enumerate(header)))}
    columns: dict[str, int] = {}
    for name, header_name in mapping.columns.items():
        if _norm(header_name) in position:
            columns[name] = position[_norm(header_name)]
        else:
            problems.add(1, len(header) + 1, "RM416", f"program.yaml maps {name} to the column {header_name!r}, "
                         "which the header does not have", "headers: " + ", ".join(repr(h) for h in header[:12]))
    for name in FIELDS:
        if name not in columns and name not in mapping.columns:
            found = next((position[_norm(a)] for a in ALIASES[name] if _norm(a) in position
                          and position[_norm(a)] not in columns.values()), None)
            if found is not None:
                columns[name] = found
    used = set(columns.values())
    for index, header_name in enumerate(header):
        if index not in used and _norm(header_name) not in mapping.ignore:
            problems.add(1, index + 1, "RM417", f"unknown column {header_name.strip()[:60]!r}",
                         "map it in program.yaml (roster: columns: FIELD: HEADER) or skip it "
                         "(roster: ignore: [HEADER])")
    for name in REQUIRED:
        if name not in columns and name not in mapping.columns:
            problems.add(1, 1, "RM418", f"no column for {name.replace('_', ' ')}",
                         f"name its header in program.yaml: roster: columns: {name}: HEADER")
    problems.stop()
    return columns


@functools.lru_cache(maxsize=65536)
def _date(text: str, date_format: str) -> str:
    """The ISO date of ``text`` (strptime is slow and an export repeats its dates: cached)."""
    if date_format == "%Y-%m-%d":
        if not _ISO_DATE.match(text):
            raise ValueError(text)
        return dt.date.fromisoformat(text).isoformat()
    return dt.datetime.strptime(text, date_format).date().isoformat()


def _level(text: str, mapping: ColumnMap) -> int | None:
    if text in mapping.grades:
        return mapping.grades[text]
    try:
        return int(text)
    except ValueError:
        return None


def _check_logins(employees: Sequence[Employee], numbers: Sequence[int], columns: Mapping[str, int],
                  problems: _Problems) -> None:
    seen: dict[str, int] = {}
    for e, number in zip(employees, numbers):
        if e.login:
            first = seen.setdefault(login_key(e.login), number)
            if first != number:
                problems.add(number, columns["login"] + 1, "RM414",
                             f"GitHub login {e.login!r} is already on row {first}",
                             "each login belongs to one employee")


def _check_managers(employees: Sequence[Employee], numbers: Sequence[int], rows: Mapping[str, int],
                    columns: Mapping[str, int], problems: _Problems) -> None:
    """Every manager id names an employee, and following managers always reaches the top."""
    if "manager_id" not in columns:
        return
    col = columns["manager_id"] + 1
    up = {e.employee_id: e.manager_id for e in employees if e.manager_id and e.manager_id != e.employee_id}
    for e, number in zip(employees, numbers):
        if e.manager_id and e.manager_id not in rows:
            problems.add(number, col, "RM421", f"manager id {e.manager_id!r} is not an employee id in the file",
                         "export the whole company, or leave the manager empty for people whose manager is outside it")
    done: set[str] = set()
    for start in sorted(up, key=lambda i: rows[i]):
        walk: dict[str, None] = {}
        node: str | None = start
        while node is not None and node not in done and node not in walk:
            walk[node] = None
            node = up.get(node)
        if node is not None and node in walk:
            ring = list(walk)[list(walk).index(node):]
            problems.add(rows[ring[0]], col, "RM422",
                         "managers form a cycle: " + " -> ".join([*ring, ring[0]]),
                         "someone's manager id is wrong; a chain of managers must end at the top")
        done.update(walk)
