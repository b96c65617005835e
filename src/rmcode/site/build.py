"""Build and serve the program site: generated docs + the owner's ``site/`` sources -> mkdocs-material.

The only site module that touches disk, git and mkdocs. ``build`` renders the program
(render.py), writes it into a temporary docs folder outside the repository, copies the
hand-written pages and assets from ``site/docs/``, merges ``site/mkdocs.yml`` over
rmcode's defaults (keeping the settings that keep the site offline and safe), and runs
mkdocs' own build in strict mode. ``serve`` does the same into a temporary folder and
rebuilds whenever the program or ``site/`` changes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import yaml

from ..errors import BuildError, LoadError, Problem, RmcodeError
from ..io.git import remote_url
from ..io.repo import read_keyring
from ..load.loader import Document, load_bytes
from ..model import ProgramData
from ..model.json import JsonObject
from ..report.build import build_report
from ..validate.sealed import open_with_key
from .config import MARKER, mkdocs_config, settings_from
from .render import NAV, SiteSettings, site_files

if TYPE_CHECKING:  # mkdocs is imported when a build runs
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer

SOURCES = "site"
DEFAULT_OUT = "site-out"
WATCHED = ("program.yaml", "matches.yaml", "participants", "checkins", "surveys", SOURCES)
log = logging.getLogger("rmcode.site.build")
# the program as it stood on a day, and that day (rmcode.api.load_as_of): passed in, since the
# site sits below the api that loads and validates
Load = Callable[[Path, dt.date], tuple[ProgramData, dt.date]]


@dataclass(frozen=True, slots=True)
class BuildResult:
    out: Path
    pages: int
    files: int
    seconds: float


def default_out(root: Path) -> Path:
    return root / DEFAULT_OUT


def build(root: Path, out: Path | None, day: Callable[[], dt.date], load: Load) -> BuildResult:
    """Build the site of the program at ``root`` as of ``day()`` into ``out`` (default ``ROOT/site-out``)."""
    started = time.monotonic()
    out = (out or default_out(root)).resolve()
    check_out(root, out)
    on = day()
    with tempfile.TemporaryDirectory(prefix="rmcode-site-") as tmp:
        config_file = generate(root, Path(tmp), on, load)
        # marked before mkdocs writes (its clean step keeps dot-files): a build that fails half-way,
        # e.g. on a broken link in strict mode, leaves a folder the next build may replace
        out.mkdir(parents=True, exist_ok=True)
        (out / MARKER).write_text("Built by rmcode build; rebuilding replaces everything in this folder.\n",
                                  encoding="utf-8")
        run_mkdocs(config_file, out, on)
    pages = sum(1 for _ in out.rglob("*.html"))
    files = sum(1 for p in out.rglob("*") if p.is_file())
    return BuildResult(out, pages, files, time.monotonic() - started)


def generate(root: Path, work: Path, day: dt.date, load: Load) -> Path:
    """Render the program and the owner's sources into ``work``; return the mkdocs.yml written there."""
    # the publish job gets the program key as RMCODE_IDENTITY: sealed ratings and answers then count
    # in the KPIs (small groups suppressed as always); without it they say "needs the program key"
    loaded, day = load(root, day)
    opened = open_with_key(loaded, read_keyring())
    data = opened.data
    doc = read_overrides(root)
    overrides: JsonObject = doc.data if doc is not None else {}  # read_overrides: a mapping
    settings = settings_from(overrides, remote_url(root))  # links the repository unless site/mkdocs.yml does
    files = site_files(data, build_report(data, day, private=False, opened=opened.opened), day, settings)
    docs = work / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    write_files(docs, files)
    extra = copy_sources(root / SOURCES / "docs", docs, files)
    config = mkdocs_config(data.program, overrides, NAV, extra, docs, root / SOURCES, doc)
    config_file = work / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return config_file


def write_files(base: Path, files: Mapping[PurePosixPath, str]) -> None:
    for rel, text in files.items():
        path = base.joinpath(*rel.parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")


def copy_sources(src: Path, docs: Path, generated: Mapping[PurePosixPath, str]) -> list[str]:
    """Copy ``site/docs`` into the docs folder; return its Markdown pages (for the nav)."""
    if not src.is_dir():
        return []
    problems, pages = [], []
    for path in sorted(p for p in src.rglob("*") if p.is_file() or p.is_symlink()):
        rel = PurePosixPath(path.relative_to(src).as_posix())
        where = f"{SOURCES}/docs/{rel}"
        if path.is_symlink():
            problems.append(Problem(where, 0, 0, "RM801", "symbolic links are not allowed in site/docs",
                                    "replace the link with the file itself"))
        elif rel in generated or rel.parts[0] in _RESERVED:
            problems.append(Problem(where, 0, 0, "RM802", f"{rel} would replace a page or file rmcode generates",
                                    "rename it; generated pages: " + ", ".join(sorted(str(g) for g in generated
                                                                                     if g.suffix == ".md"))))
        else:
            target = docs.joinpath(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            if rel.suffix == ".md":
                pages.append(str(rel))
    if problems:
        raise BuildError(problems)
    return pages


_RESERVED = frozenset({"charts", "api", "downloads", "search"})


def read_overrides(root: Path) -> Document | None:
    """``site/mkdocs.yml``, read strictly like every data file (positions kept for messages)."""
    path = root / SOURCES / "mkdocs.yml"
    if not path.is_file():
        return None
    try:
        doc = load_bytes(f"{SOURCES}/mkdocs.yml", path.read_bytes())
    except LoadError as exc:
        if [p.code for p in exc.problems] == ["RM107"]:
            return None  # empty, or comments only: nothing to override
        raise BuildError(exc.problems) from None
    if not isinstance(doc.data, dict):
        raise BuildError([Problem(f"{SOURCES}/mkdocs.yml", 1, 1, "RM803", "the site settings must be a mapping",
                                  "see docs/site.md for an example")])
    return doc


def check_out(root: Path, out: Path) -> None:
    """Refuse an output folder whose contents mkdocs' clean step would destroy."""
    resolved_root = root.resolve()
    problem = None
    if out == resolved_root or out in resolved_root.parents:
        problem = f"{out} contains the program; the build would delete it"
    elif (resolved_root / SOURCES).resolve() in (out, *out.parents):
        problem = f"{out} is inside the site's sources"
    elif out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        problem = f"{out} exists and was not made by rmcode build; the build empties its output folder"
    if problem:
        raise BuildError([Problem(str(out), 0, 0, "RM804", problem, "pass an empty or new folder with --out")])


@contextlib.contextmanager
def _build_env(day: dt.date) -> Iterator[None]:
    # mkdocs dates the sitemap with SOURCE_DATE_EPOCH: the as-of day makes two builds identical
    saved = {k: os.environ.get(k) for k in ("SOURCE_DATE_EPOCH", "NO_MKDOCS_2_WARNING")}
    epoch = int(dt.datetime.combine(day, dt.time(), dt.UTC).timestamp())
    # gzip stores the sitemap's mtime in 32 unsigned bits: clamp, or an as-of before 1970 or after 2106 crashes
    os.environ["SOURCE_DATE_EPOCH"] = str(min(max(epoch, 0), 2**32 - 1))
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_mkdocs(config_file: Path, out: Path, day: dt.date, serve_url: str | None = None) -> None:
    """mkdocs build --strict, turning its warnings into problems."""
    from jinja2 import TemplateError
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    collector = _Collector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        with _build_env(day):
            config = load_config(config_file=str(config_file), site_dir=str(out), strict=True)
            _as_text(config)
            mkdocs_build(config, serve_url=serve_url)
    except (MkDocsException, OSError) as exc:
        problems = collector.problems or [Problem(str(config_file.name), 0, 0, "RM805", f"mkdocs: {exc}")]
        raise BuildError(problems) from None
    except (TypeError, ValueError, LookupError, AttributeError, TemplateError) as exc:
        # mkdocs and the theme trust their settings: a value of the wrong type in site/mkdocs.yml
        # fails deep inside them (a template iterating over a number) instead of with a message
        raise BuildError([Problem(f"{SOURCES}/mkdocs.yml", 0, 0, "RM805",
                                  f"mkdocs could not build the site: {type(exc).__name__}: {exc}",
                                  "a setting probably has the wrong type; see docs/site.md")]) from None
    finally:
        logger.removeHandler(collector)


def _as_text(config: MkDocsConfig) -> None:
    """The program's name and organisation are text: Material prints them unescaped in the header,
    an aria-label, the meta description and the footer, so a quote or ``<`` would break the HTML."""
    from markupsafe import escape

    for key in ("site_name", "site_description", "copyright"):
        if isinstance(config.get(key), str):
            config[key] = escape(config[key])  # Markup: Material's own ``| e`` does not escape it twice


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.problems: list[Problem] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.problems.append(Problem("mkdocs", 0, 0, "RM805", record.getMessage().replace("\n", " "),
                                     "fix the page or setting it names; the build runs in strict mode"))


def serve(root: Path, host: str, port: int, day: Callable[[], dt.date], load: Load,
          open_browser: bool = False) -> None:
    """Preview the site with live reload until interrupted."""
    server, cleanup = make_server(root, host, port, day, load)
    try:
        server.serve(open_in_browser=open_browser)
    except KeyboardInterrupt:
        log.info("Shutting down...")
    finally:
        server.shutdown()
        cleanup()


def make_server(root: Path, host: str, port: int, day: Callable[[], dt.date],
                load: Load) -> tuple[LiveReloadServer, Callable[[], None]]:
    """A mkdocs LiveReloadServer that regenerates the program's pages (as of ``day()``) when its files change."""
    from mkdocs.livereload import LiveReloadServer

    work = Path(tempfile.mkdtemp(prefix="rmcode-serve-"))
    out = work / "site"
    url = f"http://{host}:{port}/"

    building = threading.Lock()  # the watcher and a direct call must not rebuild the same folder at once

    def rebuild() -> None:
        with building:
            on = day()
            run_mkdocs(generate(root, work, on, load), out, on, serve_url=url)

    def rebuild_or_explain() -> None:
        # a broken file while editing is normal: say what is wrong, keep serving the last good site
        try:
            rebuild()
        except RmcodeError as exc:
            log.error("The site was not rebuilt:\n%s", exc)

    rebuild()
    server = LiveReloadServer(builder=rebuild_or_explain, host=host, port=port, root=str(out))
    for name in WATCHED:
        if (root / name).exists():
            server.watch(str(root / name))
    return server, lambda: shutil.rmtree(work, ignore_errors=True)


__all__ = ["BuildResult", "SiteSettings", "build", "generate", "make_server", "serve"]
