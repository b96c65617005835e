"""What changed between two rosters, as a Markdown summary for the pull request. Pure.

The summary names people by employee id, login and name (all plain in roster.csv); it never
shows a sealed field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..layout import login_key
from ..model import OPEN_PAIR, Pair
from ..model.roster import Employee
from .escape import gfm_text

_FACTS = 8  # an Employee's fields before ``line``


@dataclass(frozen=True, slots=True)
class Change:
    employee: Employee
    details: str


@dataclass(frozen=True, slots=True)
class Changes:
    joined: tuple[Change, ...]
    left: tuple[Change, ...]
    moved: tuple[Change, ...]
    promoted: tuple[Change, ...]
    updated: tuple[Change, ...]  # level down, name, login, location, start date
    sealed_changed: int  # employees whose sealed fields changed (counted, never shown)
    leaver_pairs: tuple[Pair, ...]  # open pairs with someone who left: to end

    @property
    def empty(self) -> bool:
        return not (self.joined or self.left or self.moved or self.promoted or self.updated or self.sealed_changed)


def compare(old: Mapping[str, Employee], new: Mapping[str, Employee], pairs: Sequence[Pair] = (),
            sealed_changed: int = 0) -> Changes:
    """Joined, left, moved (department or manager), promoted (level up), other updates; and leavers' open pairs."""
    # details of people who joined or left are written when shown (a first import joins everyone)
    joined = tuple(Change(new[i], "") for i in sorted(set(new) - set(old)))
    left = tuple(Change(old[i], "") for i in sorted(set(old) - set(new)))
    moved, promoted, updated = [], [], []
    for i in sorted(i for i in set(old) & set(new) if old[i][:_FACTS] != new[i][:_FACTS]):
        a, b = old[i], new[i]
        move = [f"{what} {_show(x)} → {_show(y)}" for what, x, y in
                (("department", a.department, b.department), ("manager", a.manager_id, b.manager_id)) if x != y]
        if move:
            moved.append(Change(b, "; ".join(move)))
        if a.level is not None and b.level is not None and b.level > a.level:
            promoted.append(Change(b, f"level {a.level} → {b.level}"))
        other = [f"{what} {_show(x)} → {_show(y)}" for what, x, y in
                 (("level", a.level, b.level), ("login", a.login, b.login), ("name", a.name, b.name),
                  ("location", a.location, b.location), ("start date", a.start_date, b.start_date))
                 if x != y and not (what == "level" and promoted and promoted[-1].employee is b)]
        if other:
            updated.append(Change(b, "; ".join(other)))
    gone = {login_key(c.employee.login) for c in left if c.employee.login}
    ending = tuple(p for p in pairs if p.status in OPEN_PAIR and ({login_key(p.mentor), login_key(p.mentee)} & gone))
    return Changes(joined, left, tuple(moved), tuple(promoted), tuple(updated), sealed_changed, ending)


def _show(value: object) -> str:
    return "(none)" if value in (None, "") else str(value)


def _facts(e: Employee) -> str:
    return ", ".join(x for x in (e.department, f"level {e.level}" if e.level is not None else "") if x)


def _who(e: Employee) -> str:
    # a login in a code span: an @mention would notify every person an import touches
    login = f" (`{e.login}`)" if e.login else ""  # logins are letters, digits and hyphens: checked on import
    return gfm_text(f"{e.employee_id} {e.name}".strip()) + login


def summary(changes: Changes, total: int, limit: int = 200) -> str:
    """The Markdown summary: a headline, then one section per kind of change (at most ``limit`` lines each)."""
    counts = [(len(changes.joined), "joined"), (len(changes.left), "left"), (len(changes.moved), "moved"),
              (len(changes.promoted), "promoted"), (len(changes.updated), "updated")]
    head = ", ".join(f"{n} {what}" for n, what in counts if n) or "no changes"
    out = [f"## Roster import: {head}", "", f"The roster now lists {total:,} employees."]
    if changes.sealed_changed:
        out.append(f"Sealed fields (such as email) changed for {changes.sealed_changed:,} employees.")
    for title, items in (("Joined", changes.joined), ("Left", changes.left), ("Moved", changes.moved),
                         ("Promoted", changes.promoted), ("Other updates", changes.updated)):
        if items:
            out += ["", f"### {title} ({len(items):,})", ""]
            out += [f"- {_who(c.employee)}: {gfm_text(c.details or _facts(c.employee))}" for c in items[:limit]]
            if len(items) > limit:
                out.append(f"- … and {len(items) - limit:,} more")
    if changes.leaver_pairs:
        out += ["", f"### Open pairs to end ({len(changes.leaver_pairs)})", "",
                "Someone in these pairs is no longer in the roster; an admin ends each pair in matches.yaml:", ""]
        out += [f"- `{p.id}` (`{p.mentor}` and `{p.mentee}`, {p.status})"
                for p in changes.leaver_pairs]
    return "\n".join(out) + "\n"
