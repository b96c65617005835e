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
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from importlib.resources.abc import Traversable
from pathlib import Path

import jinja2

from .. import __version__
from ..errors import SchemaError, refuse
from ..github.forms import FORM_FIELDS, updated_forms
from ..io.files import LINK_HINT, read_existing, write_data_file, write_tree
from ..io.package_data import package_tree, read_package_text
from ..layout import checkin_path, profile_path, survey_path
from ..load.loader import load_bytes
from ..model import Program, Source
from ..validate.schema import SCHEMA_NAMES, schema_text, validate_document

# also the data-file helpers the CLI's commands take from here (they moved to io/ and layout)
__all__ = ["LINK_HINT", "InitSettings", "checkin_path", "init_program", "profile_path", "read_existing", "refuse",
           "render_files", "survey_path", "target_path", "template_files", "write_data_file", "write_files"]

PACKAGE_DIR = "init/template"
RENAMES: Mapping[str, str] = {"github": ".github", "gitignore": ".gitignore",
                              "pre-commit-config.yaml": ".pre-commit-config.yaml"}
# the issue form links to this repository's own site; a new program's form links to its own
OWN_LOG_LINK = "[Log a session page](https://rmcode-dev.github.io/rmcode/log-session.html)"


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
    return package_tree(PACKAGE_DIR)


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
        text = read_package_text(source)
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
    return write_tree(root, files, force)


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
