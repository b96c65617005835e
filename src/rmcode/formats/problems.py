"""How problems are printed: plain text, GitHub workflow commands, JSON."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Literal

from ..errors import Problem

Format = Literal["text", "github", "json"]
GITHUB_MAX_ANNOTATIONS = 10  # GitHub shows at most 10 error annotations per step


def _summary(problems: Sequence[Problem], files: int) -> str:
    errors = [p for p in problems if p.severity == "error"]
    warnings = len(problems) - len(errors)
    noted = f" ({warnings} warning{'s' * (warnings != 1)})" if warnings else ""
    if not errors:
        return f"ok: {files} files valid{noted}"
    paths = len({p.path for p in errors})
    return (f"{len(errors)} problem{'s' * (len(errors) != 1)} in {paths} file{'s' * (paths != 1)} "
            f"({files} checked){noted}")


def text(problems: Sequence[Problem], files: int) -> str:
    lines = [p.format_text() for p in problems]
    return "\n".join([*lines, _summary(problems, files)]) + "\n"


def _escape_data(value: str) -> str:
    # https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(problems: Sequence[Problem], files: int) -> str:
    """Workflow commands for the first ten problems, escaped so no user text can start a command."""
    lines = []
    for p in problems[:GITHUB_MAX_ANNOTATIONS]:
        props = [f"file={_escape_property(p.path)}"]
        if p.line:
            props += [f"line={p.line}", f"col={p.col}"]
        props.append(f"title={_escape_property(p.code)}")
        body = p.message + (f" (hint: {p.hint})" if p.hint else "")
        lines.append(f"::{p.severity} {','.join(props)}::{_escape_data(body)}")
    rest = problems[GITHUB_MAX_ANNOTATIONS:]
    if rest:
        lines.append(f"{len(rest)} more problems are not annotated (GitHub shows {GITHUB_MAX_ANNOTATIONS}):")
        # a leading "  - " keeps these lines from ever being read as workflow commands
        lines += [f"  - {_escape_data(p.one_line())}" for p in rest]
    lines.append(_summary(problems, files))
    return "\n".join(lines) + "\n"


def as_json(problems: Sequence[Problem], files: int) -> str:
    payload = {
        "valid": not any(p.severity == "error" for p in problems),
        "files": files,
        "problems": [{"path": p.path, "line": p.line, "col": p.col, "code": p.code, "message": p.message,
                      "hint": p.hint, "pointer": p.pointer, "severity": p.severity} for p in problems],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


REPORTER_BY_NAME: Mapping[str, Callable[[Sequence[Problem], int], str]] = {
    "text": text, "github": github, "json": as_json,
}
