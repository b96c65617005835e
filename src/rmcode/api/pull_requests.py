"""The program's pull requests and issues: check-pr, pr-summary, from-issue, codeowners and nudge as functions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import SchemaError, refuse
from ..github.authorize import Decision, Verdict
from ..github.codeowners import PATH as CODEOWNERS_PATH
from ..github.codeowners import render_codeowners
from ..github.issueform import FORM_KINDS, MAX_BODY_CHARS, SCHEMA_OF, FormFile, FormKind, form_file
from ..github.pr_summary import VERDICT_FORMATS, problems_md
from ..io.files import read_existing, refuse_link, write_data_file
from ..io.worktree import read_head, read_regular_text, write_text_atomic
from ..model import ProgramData
from ..progress.nudge import RENDERERS as NUDGE_RENDERERS
from ..progress.nudge import Nudge, build_nudge
from ..validate.sealed import sealed_fields
from . import load_as_of, validate, validate_overlaid
from .pr import GitError, summarize_pr
from .pr import check_pr as _check_pr
from .roster import roster_prefill

__all__ = ["CODEOWNERS_PATH", "FORM_KINDS", "NUDGE_RENDERERS", "VERDICT_FORMATS", "Decision", "FormKind", "GitError",
           "Verdict", "check_pr", "codeowners_text", "committed_codeowners", "issue_file", "nudge", "problems_md",
           "read_issue_body", "save_issue_file", "summarize_pr", "write_codeowners"]


def check_pr(root: Path, base: str, head: str, author_id: int, author: str | None = None,
             fail_on: Decision = "needs-admin", via: str | None = None) -> Verdict:
    """May the author with ``author_id`` make the change ``base...head``? Reads git, runs nothing (GitError)."""
    return _check_pr(root, base, head, author_id, author, fail_on, via)


def read_issue_body(path: Path) -> str:
    """An issue body saved by the workflow; OSError when unreadable, RmcodeError when it is not UTF-8."""
    content = read_head(path, MAX_BODY_CHARS * 4 + 1)
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        raise refuse(path, "RM608", "is not valid UTF-8", "save the issue body as UTF-8") from None


def issue_file(root: Path, kind: FormKind, body: str, author: str, author_id: int, day: dt.date) -> FormFile:
    """The profile or check-in file an issue form's answers make, checked among the repository's files.

    Refused field by field when an answer is invalid (RmcodeError), and with the repository's
    problems it would bring (SchemaError: a github_id another profile has, a pair that does not
    exist), as ``register`` and ``log`` refuse them, when ``day`` is the date it is checked on.
    """
    made = form_file(kind, body, author, author_id, day, lambda rel: read_existing(root, rel),
                     _sealed_by(root, SCHEMA_OF[kind]), roster_prefill(root, author))
    problems, _ = validate_overlaid(root, made.path, made.text.encode("utf-8"), day)
    if problems:
        raise SchemaError(problems)
    return made


def save_issue_file(root: Path, made: FormFile) -> None:
    write_data_file(root, made.path, made.text, force=True)


def _sealed_by(root: Path, kind: str) -> frozenset[str]:
    """What the program at ``root`` seals in a file of ``kind``; the default set if it does not validate."""
    data = validate(root).data
    return sealed_fields(data.program if data is not None else None, kind)


def codeowners_text(root: Path, as_of: dt.date | None) -> str:
    """.github/CODEOWNERS as program.yaml's admins say, even when the committed one is out of date."""
    return render_codeowners(_program_ignoring_codeowners(root, as_of))


def committed_codeowners(root: Path) -> str:
    """The CODEOWNERS file on disk; "" when there is none (or it is a link)."""
    return read_regular_text(root / CODEOWNERS_PATH)


def write_codeowners(root: Path, text: str) -> None:
    """Replace .github/CODEOWNERS atomically; never through a symbolic link."""
    target = root / CODEOWNERS_PATH
    refuse_link(target, CODEOWNERS_PATH)
    write_text_atomic(target, text)


def _program_ignoring_codeowners(root: Path, as_of: dt.date | None) -> ProgramData:
    """The program, even when the committed CODEOWNERS is out of date (this command repairs it)."""
    result = validate(root, as_of)
    problems = tuple(p for p in result.problems if p.path != CODEOWNERS_PATH)
    if result.data is None or any(p.severity == "error" for p in problems):
        raise SchemaError(problems)
    return result.data


def nudge(root: Path, as_of: dt.date | None) -> Nudge:
    """Pairs behind or stalled and profiles incomplete or unmatched, counted (naming nobody)."""
    data, day = load_as_of(root, as_of)
    return build_nudge(data, day)
