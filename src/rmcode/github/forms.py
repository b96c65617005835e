"""The issue forms' choices from program.yaml, and the warnings `rmcode validate` adds about the repository. Pure.

The *Join* and *Log a session* issue forms list the program's cohorts, levels and skills
as dropdown options. ``updated_forms`` rewrites those option lists (and nothing else) from
program.yaml; ``stale_forms`` says which committed forms differ from what it would write.
``placeholder_warnings`` finds template text a new program has not replaced yet.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping

from ..errors import Problem, RmcodeError
from ..model import Program

_ID = re.compile(r"^[a-z][a-z0-9-]*$")
REGISTER_FORM = ".github/ISSUE_TEMPLATE/register.yml"
LOG_FORM = ".github/ISSUE_TEMPLATE/log-session.yml"


def set_form_options(text: str, field: str, options: list[str]) -> str:
    """Replace the ``options:`` list of the issue-form field with id ``field``, keeping everything else."""
    lines = text.split("\n")
    try:
        at = lines.index(f"    id: {field}")
        # the field's own options: stop at the next field so that another field's list is never taken
        head = next(i for i in range(at, len(lines)) if lines[i].strip() == "options:"
                    or (i > at and lines[i].startswith("  - type:")) or i == len(lines) - 1)
        if lines[head].strip() != "options:":
            raise ValueError(field)
    except (ValueError, StopIteration):
        raise _no_options("issue form", f"no options list for field '{field}'") from None
    indent = lines[head].index("options:") + 2
    end = head + 1
    while end < len(lines) and lines[end].startswith(" " * indent + "- "):
        end += 1
    items = [" " * indent + "- " + (o if _ID.match(o) else json.dumps(o)) for o in options]
    return "\n".join(lines[:head + 1] + items + lines[end:])


def _skills(program: Program) -> list[str]:
    return [s.id for s in program.skills]


def _cohorts(program: Program) -> list[str]:
    return [c.id for c in sorted(program.cohorts, key=lambda c: (c.registration_opens, c.id))]


def level_options(program: Program) -> list[str]:
    """'<number> - <name> (mentors|mentees)' for every level some role may have; the form reads the number."""
    out = []
    for level in program.levels:
        roles = [role for role, allowed in (
            ("mentors", program.mentor_max_level is None or level.level <= program.mentor_max_level),
            ("mentees", program.mentee_min_level is None or level.level >= program.mentee_min_level)) if allowed]
        if roles:
            out.append(f"{level.level} - {level.name} ({' and '.join(roles)})")
    return out


FORM_FIELDS: Mapping[str, Mapping[str, Callable[[Program], list[str]]]] = {
    REGISTER_FORM: {"cohort": _cohorts, "level": level_options, "skills_offered": _skills, "skills_wanted": _skills},
    LOG_FORM: {"topics": _skills},
}


def _no_options(path: str, message: str, hint: str = "") -> RmcodeError:
    """RM629: the issue forms rmcode fills in are not there (no form, or a form without its options list)."""
    return RmcodeError([Problem(path, 0, 0, "RM629", message, hint)])


def regenerated_forms(program: Program, texts: Mapping[str, str]) -> dict[str, str]:
    """``rmcode forms``: ``updated_forms`` for a repository that must hold rmcode's issue forms (RM629 if none)."""
    if not texts:
        raise _no_options(".github/ISSUE_TEMPLATE", "holds no issue forms of rmcode",
                          "run `rmcode init` in a new folder and copy its .github/ISSUE_TEMPLATE")
    return updated_forms(program, texts)


def updated_forms(program: Program, texts: Mapping[str, str]) -> dict[str, str]:
    """The forms in ``texts`` (path -> text) with their option lists generated from ``program``."""
    out = {}
    for path, text in texts.items():
        for field, options in FORM_FIELDS.get(path, {}).items():
            text = set_form_options(text, field, options(program))
        out[path] = text
    return out


def stale_forms(program: Program, texts: Mapping[str, str]) -> list[Problem]:
    """A warning per committed form whose choices do not follow program.yaml."""
    fresh = updated_forms(program, texts)
    return [Problem(path, 1, 1, "RM930", "the form's choices (cohorts, levels, skills) do not follow program.yaml",
                    "run `rmcode forms` and commit the result (the publish workflow proposes it as a pull request)",
                    severity="warning") for path, text in sorted(texts.items()) if fresh[path] != text]


# template text of `rmcode init` that a program owner is expected to replace
PLACEHOLDER_TEXT = ("Replace this text",)
_EXAMPLE_ADDRESS = re.compile(r"[\w.+-]+@(?:[\w-]+\.)*example\.(?:com|org|net)\b", re.IGNORECASE)


def placeholder_warnings(texts: Mapping[str, str]) -> list[Problem]:
    """A warning per line that still holds template text or an example.com address."""
    out = []
    for path, text in sorted(texts.items()):
        for number, line in enumerate(text.splitlines(), 1):
            found = [p for p in PLACEHOLDER_TEXT if p in line]
            address = _EXAMPLE_ADDRESS.search(line)
            if found:
                out.append(Problem(path, number, line.index(found[0]) + 1, "RM931",
                                   f"template text is still here: “{found[0]}…”",
                                   "write your program's own text", severity="warning"))
            if address:
                out.append(Problem(path, number, address.start() + 1, "RM932",
                                   f"{address.group(0)} is an example address", "give a real contact address",
                                   severity="warning"))
    return out
