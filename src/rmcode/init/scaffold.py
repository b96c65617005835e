"""`rmcode init`: a new program repository from the template shipped in rmcode/init/template/.

The template holds Jinja templates (``*.j2``) and plain files. Names that would be
hidden or mean something to Git in the package (``.github``, ``.gitignore``) are stored
without the dot (``github/``, ``gitignore``) so every packaging tool ships them.
``github/`` and ``site/docs/`` are copies of this repository's own files (a test keeps
them equal); the issue forms get the new program's cohorts and skills.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import jinja2

from .. import __version__, api
from ..api.keys import load_program_file
from ..api.roster import load_roster
from ..errors import LoadError, Problem, RmcodeError, SchemaError
from ..formats.person_yaml import PLAIN_IN_SEALED, fields_to_seal, render, seal_document
from ..github.authorize import CHECKIN_PATH, PROFILE_PATH, SURVEY_PATH
from ..github.forms import FORM_FIELDS, updated_forms
from ..io import package_data
from ..io.repo import discover
from ..load.loader import load_bytes
from ..model import Program, Source
from ..model.roster import HrRoster
from ..validate.pipeline import validate_documents
from ..validate.schema import SCHEMA_NAMES, schema_text, validate_document

PACKAGE_DIR = "init/template"
RENAMES: Mapping[str, str] = {"github": ".github", "gitignore": ".gitignore",
                              "pre-commit-config.yaml": ".pre-commit-config.yaml"}
# the issue form links to this repository's own site; a new program's form links to its own
OWN_LOG_LINK = "[Log a session page](https://rmcode-dev.github.io/rmcode/log-session.html)"
LINK_HINT = "replace the link with a real folder or file"


def refuse(path: object, code: str, message: str, hint: str = "") -> RmcodeError:
    """An error about one file or folder, printed as ``path: CODE message``."""
    return RmcodeError([Problem(str(path), 0, 0, code, message, hint)])


@dataclass(frozen=True, slots=True)
class InitSettings:
    """What a new program starts with; everything else is in the commented program.yaml."""

    program_id: str
    name: str
    organisation: str
    admin_login: str
    admin_id: int
    contact_name: str
    contact_email: str
    today: dt.date
    repository: str | None = None

    def context(self) -> dict[str, object]:
        opens = self.today
        closes = opens + dt.timedelta(days=27)
        start = closes + dt.timedelta(days=8)  # a week to propose and approve the pairs
        season = "spring" if start.month <= 6 else "autumn"
        return {**asdict(self), "version": __version__, "opens": opens.isoformat(), "closes": closes.isoformat(),
                "start": start.isoformat(), "end": (start + dt.timedelta(days=182)).isoformat(),
                "cohort_id": f"{start.year}-{season}", "cohort_name": f"{season.title()} {start.year}"}


def template_files() -> dict[str, Traversable]:
    """The shipped template: path inside rmcode/init/template -> file."""
    return package_data.tree(PACKAGE_DIR)


def target_path(rel: str) -> str:
    """Where a template file lands in the new repository (``github/x`` -> ``.github/x``, no ``.j2``)."""
    rel = rel.removesuffix(".j2")
    first, sep, rest = rel.partition("/")
    return RENAMES.get(first, first) + sep + rest


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)
    env.filters["q"] = lambda value: json.dumps(str(value), ensure_ascii=False)  # a JSON string is a YAML string
    return env


def render_files(settings: InitSettings) -> dict[str, str]:
    """Every file of the new repository: relative path -> text. Pure apart from reading package data."""
    env, context = _environment(), settings.context()
    files: dict[str, str] = {}
    for rel, source in template_files().items():
        text = source.read_text(encoding="utf-8")
        files[target_path(rel)] = env.from_string(text).render(context) if rel.endswith(".j2") else text
    files |= {f"schemas/{name}.schema.json": schema_text(name) for name in SCHEMA_NAMES}
    files["participants/.gitkeep"] = ""
    document = load_bytes("program.yaml", files["program.yaml"].encode("utf-8"))
    if not validate_document(document, "program"):  # else init_program reports the problems
        program = Program.from_raw(document.data, Source("program.yaml"))
        files |= updated_forms(program, {path: files[path] for path in FORM_FIELDS if path in files})
    log_form = ".github/ISSUE_TEMPLATE/log-session.yml"
    if log_form in files:
        files[log_form] = files[log_form].replace(OWN_LOG_LINK, _log_link(settings))
    files[".github/CODEOWNERS"] = _codeowners(settings)
    return dict(sorted(files.items()))


def _log_link(settings: InitSettings) -> str:
    """The new program's Log a session page on GitHub Pages, where the publish workflow puts the site."""
    if not settings.repository:
        return "Log a session page"
    owner, name = settings.repository.split("/", 1)
    return f"[Log a session page](https://{owner.lower()}.github.io/{name}/log-session.html)"


def _codeowners(settings: InitSettings) -> str:
    from ..github.codeowners import owners_text
    return owners_text([settings.admin_login])


def write_files(root: Path, files: Mapping[str, str], force: bool = False) -> list[str]:
    """Write ``files`` under ``root``; refuse a folder with anything in it unless ``force``."""
    if root.exists() and not root.is_dir():
        raise refuse(root, "RM622", "exists and is not a folder", "choose a new folder")
    if root.is_dir() and any(root.iterdir()) and not force:
        raise refuse(root, "RM622", "is not empty", "choose a new folder, or pass --force to write the template "
                     "into it (files of the template are replaced, others are kept)")
    for rel, text in files.items():
        path = root / rel
        if path.is_symlink():
            raise refuse(path, "RM621", "is a symbolic link; rmcode will not write through it", LINK_HINT)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return sorted(files)


def init_program(root: Path, settings: InitSettings, force: bool = False) -> list[str]:
    """Create a new program repository at ``root``; returns the files written.

    The result validates as it is (``rmcode validate``) and builds (``rmcode build``):
    settings the schema refuses (an id with spaces, an empty name...) raise SchemaError
    before anything is written.
    """
    files = render_files(settings)
    problems = validate_document(load_bytes("program.yaml", files["program.yaml"].encode("utf-8")), "program")
    if problems:
        raise SchemaError(problems)
    return write_files(root, files, force)


# --- rmcode register / rmcode log: one data file, validated before it is written ----------

KIND_OF_FOLDER: Mapping[str, str] = {"participants": "participant", "checkins": "checkin",
                                     "surveys": "survey-response"}


def profile_path(login: str) -> str:
    return f"participants/{login}.yaml"


def checkin_path(pair: str, date: str, author: str) -> str:
    return f"checkins/{pair}/{date}-{author}.yaml"


def survey_path(survey: str, login: str) -> str:
    return f"surveys/{survey}/{login}.yaml"


def read_existing(root: Path, rel: str) -> dict[str, Any] | None:
    """The data of an existing data file, None when there is none; RmcodeError when it cannot be read."""
    path = root / rel
    if not path.exists() and not path.is_symlink():
        return None
    if path.is_symlink() or not path.is_file():
        raise refuse(rel, "RM621", "is not a regular file", LINK_HINT)
    try:
        data = load_bytes(rel, path.read_bytes()).data
    except LoadError as exc:
        raise RmcodeError(exc.problems) from None
    if not isinstance(data, dict):
        raise refuse(rel, "RM624", "does not hold a mapping", "fix the file or ask a program admin")
    return data


def _roster(root: Path) -> HrRoster | None:
    """The program's HR roster, so a new profile is checked against it (a damaged one: validate says so)."""
    try:
        return load_roster(root)
    except LoadError:
        return None


def problems_in_context(root: Path, rel: str, text: str, as_of: dt.date) -> list[Problem]:
    """What `rmcode validate` would say about ``rel`` with content ``text``, among the repository's files."""
    return _in_context(root, rel, text, as_of)[0]


def _in_context(root: Path, rel: str, text: str, as_of: dt.date) -> tuple[list[Problem], Program | None]:
    kind = KIND_OF_FOLDER[rel.split("/", 1)[0]]
    doc = load_bytes(rel, text.encode("utf-8"))
    own = validate_document(doc, kind)
    if own:
        return own, None
    refs, _ = discover(root)
    good = {ref.path: (d, ref.schema) for ref, d, found in api.check_files(root, [r for r in refs if r.path != rel])
            if d is not None and not found}
    present = {ref.path.rsplit("/", 1)[-1][:-5].lower() for ref in refs if ref.schema == "participant"}
    roster = _roster(root)
    before = set(validate_documents(good, [], as_of, len(good), present, roster).problems)
    good[rel] = (doc, kind)
    if kind == "participant":
        present.add(rel.rsplit("/", 1)[-1][:-5].lower())
    result = validate_documents(good, [], as_of, len(good), present, roster)
    # a rule about two files (a login or github_id used twice) may report the other, older file:
    # everything the new file breaks counts, problems the repository already had do not
    problems = [p for p in result.problems if p.severity == "error" and (p.path == rel or p not in before)]
    return problems, result.data.program if result.data is not None else None


def write_data_file(root: Path, rel: str, text: str, force: bool = False) -> Path:
    """Write one profile, check-in or survey response below ``root``: never through a link, never outside its folder."""
    if not any(p.fullmatch(rel) for p in (PROFILE_PATH, CHECKIN_PATH, SURVEY_PATH)):
        raise refuse(repr(rel), "RM623", "is not a profile, check-in or survey path; refusing to write it")
    folder = root
    for part in rel.split("/")[:-1]:
        folder = folder / part
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise refuse(folder.relative_to(root), "RM621", "is not a real folder; rmcode will not write through it",
                         LINK_HINT)
        folder.mkdir(exist_ok=True)
    path = root / rel
    if path.is_symlink():
        raise refuse(rel, "RM621", "is a symbolic link; rmcode will not write through it", LINK_HINT)
    if path.exists() and not force:
        raise refuse(rel, "RM620", "already exists", "pass --force to replace it")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return path


def left_plain(root: Path, rel: str, data: Mapping[str, Any]) -> list[str]:
    """The fields of ``data`` that rmcode seals but that ``save`` wrote in plain text (the program lists no keys)."""
    program = load_program_file(root)
    return [] if program.sealing.keys else fields_to_seal(KIND_OF_FOLDER[rel.split("/", 1)[0]], data, program)


def save(root: Path, rel: str, data: Mapping[str, Any], as_of: dt.date, force: bool = False,
         dry_run: bool = False) -> str:
    """Render ``data`` for ``rel``, check it among the repository's files, write it; returns the text.

    Raises SchemaError with the problems of this file (nothing is written then), and
    RmcodeError when the file exists and ``force`` is not set.
    """
    if (root / rel).exists() and not force and not dry_run:
        raise refuse(rel, "RM620", "already exists", "pass --force to replace it")
    kind = KIND_OF_FOLDER[rel.split("/", 1)[0]]
    # checked in plain text (a sealed value can no longer show a rating out of range), then sealed
    problems, program = _in_context(root, rel, render(kind, data), as_of)
    problems = [p for p in problems if p.code != PLAIN_IN_SEALED]
    if problems:
        raise SchemaError(problems)
    if program is None:
        raise refuse("program.yaml", "RM627", "does not validate, so rmcode cannot tell what to seal",
                     "run `rmcode validate` and fix program.yaml first")
    text = render(kind, seal_document(kind, data, program))
    problems = validate_document(load_bytes(rel, text.encode("utf-8")), kind)
    if problems:
        raise SchemaError(problems)
    if not dry_run:
        write_data_file(root, rel, text, force)
    return text
