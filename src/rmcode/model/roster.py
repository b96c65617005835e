"""The HR roster: the company's own records of who is who. Pure functions over values.

The roster lives in two files at the root of a program repository:

``roster.csv``
    one row per employee, sorted by employee id, with the facts a program may read in plain
    text (id, GitHub login, name, level, department, manager's id, location, start date).
``roster.sealed.yaml``
    the columns the program seals (always the email address), as age-sealed values in
    buckets keyed by a hash of the employee id (see ``roster_seal``).

``rmcode roster import`` writes both (``roster_import``); ``validate``, ``register``, the
invite list and the management-chain rule read ``roster.csv`` through ``parse_roster``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ..errors import LoadError, Problem
from ..layout import login_key
from .documents import InviteQuery

ROSTER_PATH = "roster.csv"
SEALED_PATH = "roster.sealed.yaml"
# the plain columns of roster.csv, in file order
COLUMNS = ("employee_id", "login", "name", "level", "department", "manager_id", "location", "start_date")


_ID_OF, _LOGIN_OF = operator.itemgetter(0), operator.itemgetter(1)


class Employee(NamedTuple):
    """One row of the roster; ``line`` is its line in roster.csv (0 before it is written).

    A NamedTuple rather than a frozen dataclass: a roster has 100,000 rows, and a tuple is
    built about five times faster.
    """

    employee_id: str
    login: str = ""
    name: str = ""
    level: int | None = None
    department: str = ""
    manager_id: str = ""
    location: str = ""
    start_date: str = ""
    line: int = 0

    def row(self) -> list[str]:
        return [self.employee_id, self.login, self.name, "" if self.level is None else str(self.level),
                self.department, self.manager_id, self.location, self.start_date]


@dataclass(frozen=True, slots=True)
class HrRoster:
    """The employees by id, with lookups by lower-cased GitHub login."""

    employees: Mapping[str, Employee]
    by_login: Mapping[str, Employee]

    @classmethod
    def of(cls, employees: Iterable[Employee]) -> HrRoster:
        rows = list(employees)
        # C-level maps: the roster is read on every validate, 100,000 rows at a time
        by_login = dict(zip(map(login_key, map(_LOGIN_OF, rows)), rows))
        by_login.pop("", None)  # people without a GitHub login
        return cls(dict(zip(map(_ID_OF, rows), rows)), by_login)

    def person(self, login: str) -> Employee | None:
        return self.by_login.get(login_key(login))

    def manager_of(self, employee: Employee) -> Employee | None:
        return self.employees.get(employee.manager_id) if employee.manager_id else None

    def node(self, employee: Employee) -> str:
        """A person's name in a reporting graph: the login when there is one (as profiles say), else '#id'."""
        return login_key(employee.login) if employee.login else "#" + employee.employee_id

    def manager_login(self, login: str) -> str | None:
        """The GitHub login of a person's manager, '' when the manager has none, None when unknown."""
        employee = self.person(login)
        manager = self.manager_of(employee) if employee else None
        return None if manager is None else manager.login

    def reporting_edges(self) -> dict[str, str]:
        """person -> manager for everyone in the roster, as ``node`` names them."""
        out = {}
        for e in self.employees.values():
            manager = self.manager_of(e)
            if manager is not None and manager is not e:
                out[self.node(e)] = self.node(manager)
        return out


def render_roster(employees: Iterable[Employee]) -> bytes:
    """roster.csv: a header, then one row per employee sorted by id; UTF-8, LF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(e.row() for e in sorted(employees, key=lambda e: e.employee_id))
    return out.getvalue().encode("utf-8")


def parse_roster(content: bytes, path: str = ROSTER_PATH) -> HrRoster:
    """Read roster.csv as ``render_roster`` writes it; LoadError names the line of anything else."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        raise LoadError([Problem(path, line, 1, "RM420", "roster.csv is not UTF-8 text",
                                 "write it again with `rmcode roster import`")]) from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or tuple(header) != COLUMNS:
            raise _damaged(path, 1, 1, f"roster.csv must start with the header {','.join(COLUMNS)}")
        rows = [(row, reader.line_num) for row in reader]  # a row ends on line_num (a quoted name may span lines)
    except csv.Error as exc:
        raise _damaged(path, reader.line_num, 1, f"roster.csv is not valid CSV: {exc}") from exc
    starts = [2] + [end + 1 for _, end in rows[:-1]]
    for (row, _), line in zip(rows, starts):
        if len(row) != len(COLUMNS):
            raise _damaged(path, line, 1, f"roster.csv row has {len(row)} fields, not {len(COLUMNS)}")
    table = list(zip(*(row for row, _ in rows))) or [()] * len(COLUMNS)
    levels = [int(x) if x.isdigit() else None if not x else _bad_level(path, line, x)
              for x, line in zip(table[3], starts)]
    # column by column: 100,000 rows in a fraction of a second (validate reads the roster every run)
    return HrRoster.of(employees_of(*table[:3], levels, *table[4:], starts))


def employees_of(*columns: Sequence[str | int | None]) -> list[Employee]:
    """Employees from columns in field order, built by tuple.__new__ directly: Employee's own
    (Python) __new__ would cost a third of a second per 100,000 rows."""
    rows: list[Employee] = list(map(tuple.__new__, itertools.repeat(Employee), zip(*columns)))
    return rows


def _damaged(path: str, line: int, col: int, message: str) -> LoadError:
    return LoadError([Problem(path, line, col, "RM420", message, "write it again with `rmcode roster import`")])


def _bad_level(path: str, line: int, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise _damaged(path, line, 4, f"level {text[:20]!r} is not a whole number") from None


# --- what register can take from the roster -------------------------------------------------------

def prefill(roster: HrRoster | None, login: str) -> dict[str, int | str]:
    """Profile values the roster knows for ``login``: level, department and manager (a login).

    Empty when there is no roster or the person is not in it. The manager is left out when
    the roster's manager has no GitHub login (profiles name managers by login).
    """
    employee = roster.person(login) if roster else None
    if roster is None or employee is None:
        return {}
    out: dict[str, int | str] = {}
    if employee.level is not None:
        out["level"] = employee.level
    if employee.department:
        out["department"] = employee.department
    manager = roster.manager_login(login)
    if manager:
        out["manager"] = manager
    return out


# --- invitations from the roster ----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class InviteRule:
    """Who is invited: everyone in the roster matching all the given conditions (role: any if None)."""

    role: str | None = None
    min_level: int | None = None
    max_level: int | None = None
    departments: frozenset[str] = frozenset()  # casefolded
    locations: frozenset[str] = frozenset()  # casefolded

    @classmethod
    def from_raw(cls, raw: InviteQuery) -> InviteRule:
        level = raw.get("level", {})
        return cls(raw.get("role"), level.get("min"), level.get("max"),
                   frozenset(x.casefold() for x in raw.get("departments", ())),
                   frozenset(x.casefold() for x in raw.get("locations", ())))

    def admits(self, employee: Employee, role: str) -> bool:
        if self.role is not None and self.role != role:
            return False
        if self.min_level is not None and (employee.level is None or employee.level < self.min_level):
            return False
        if self.max_level is not None and (employee.level is None or employee.level > self.max_level):
            return False
        if self.departments and employee.department.casefold() not in self.departments:
            return False
        return not self.locations or employee.location.casefold() in self.locations


def invited(rules: Iterable[InviteRule], employee: Employee | None, role: str) -> bool:
    """Whether some rule admits this roster entry in this role."""
    return employee is not None and any(rule.admits(employee, role) for rule in rules)


def started(employee: Employee) -> dt.date | None:
    try:
        return dt.date.fromisoformat(employee.start_date) if employee.start_date else None
    except ValueError:
        return None
