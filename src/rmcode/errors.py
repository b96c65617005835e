"""Problems found in a program's files, and the one exception type that carries them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with the data, pointing at where it is.

    Ordering is by path, line, column, code, so a sorted list reads file by file.
    """

    path: str
    line: int
    col: int
    code: str
    message: str
    hint: str = ""
    pointer: str = ""
    severity: Severity = "error"

    def _headline(self) -> str:
        where = f"{self.path}:{self.line}:{self.col}" if self.line else self.path
        message = f"warning: {self.message}" if self.severity == "warning" else self.message
        return f"{where}: {self.code} {message}" if where else f"{self.code} {message}"

    def format_text(self) -> str:
        """The problem and, on its own line, the hint."""
        return f"{self._headline()}\n    hint: {self.hint}" if self.hint else self._headline()

    def one_line(self) -> str:
        """The problem with its hint in parentheses, for logs that keep one line per problem."""
        return self._headline() + (f" (hint: {self.hint})" if self.hint else "")


class RmcodeError(Exception):
    """Bad data or configuration; the CLI prints the problems and exits 1."""

    def __init__(self, problems: Iterable[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("", 0, 0, "RM000", problems)]
        self.problems = sorted(problems)
        super().__init__("\n".join(p.format_text() for p in self.problems))


class LoadError(RmcodeError):
    """A file could not be read or parsed safely."""


class SchemaError(RmcodeError):
    """A document does not match its JSON Schema or a cross-file rule."""


class MatchError(RmcodeError):
    """Matching could not run."""


class BuildError(RmcodeError):
    """The site could not be built."""
