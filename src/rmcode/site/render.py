"""Render the program into the site's sources: Markdown pages, SVG charts and data files.

Pure: ``site_files(data, report, as_of, settings)`` returns ``{PurePosixPath: text}``;
site.py writes it to disk and runs mkdocs. The output is plain Markdown (with a little
inline HTML), SVG and JSON, so the site generator could be swapped.

Escaping is on by default, for every value: the environment's ``finalize`` turns each
printed string into :func:`escape.md_text` markup (inert in Markdown, HTML text and HTML
attributes), and ``autoescape`` catches anything that slips past it. Templates print
trusted markup only through the filters below, which escape their inputs themselves.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

import jinja2
from markupsafe import Markup

from ..formats import escape
from ..io.package_data import asset_text
from ..model import ProgramData
from ..report.model import Report
from . import data as render_data
from . import join as render_join
from . import pages as render_pages
from . import pair as render_pair
from .charts import Chart, dark_path, draw_all
from .config import SiteSettings
from .contexts import DownloadsContext, LogSessionPage
from .logform import log_form

__all__ = ["NAV", "PAGES", "SiteSettings", "environment", "render_page", "site_files"]

Context = Mapping[str, object]  # a page's template values (each page has its TypedDict)
Builder = Callable[[ProgramData, Report, dt.date, SiteSettings], tuple[Context, list[Chart]]]
ASSETS = ("rmcode.css", "rmcode.js", "log-form.js", "age.js", "age.LICENSE.txt")
_SAFE_PATH = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")


def _plain(fn: Callable[[ProgramData, Report, dt.date], tuple[Context, list[Chart]]]) -> Builder:
    return lambda data, report, on, _settings: fn(data, report, on)


def _no_charts(fn: Callable[[ProgramData, Report, dt.date, SiteSettings], Context]) -> Builder:
    return lambda data, report, on, settings: (fn(data, report, on, settings), [])


def _downloads(data: ProgramData, report: Report, on: dt.date, settings: SiteSettings) -> DownloadsContext:
    return {"program": data.program, "files": render_data.DOWNLOADS, "api": render_data.API,
            "schemas": render_data.SCHEMA_NAMES, "as_of": on.isoformat()}


def _log_session(data: ProgramData, report: Report, on: dt.date, settings: SiteSettings) -> LogSessionPage:
    return {**render_join.log_session(data, report, on, settings), "form": log_form(data.program, settings)}


@dataclass(frozen=True, slots=True)
class Page:
    """A generated page. Its numbers are as of the publication date, unless ``live``: a page
    about what to do today (join, log a session) is as of the build date."""

    path: str
    title: str
    template: str
    build: Builder
    live: bool = False


PAGES: tuple[Page, ...] = (
    Page("index.md", "Home", "index.md.j2", _plain(render_pages.home)),
    Page("rules.md", "Program rules", "rules.md.j2", _plain(render_pages.rules)),
    Page("participants.md", "Participants", "participants.md.j2", _plain(render_pages.participants)),
    Page("pairs.md", "Pairs and progress", "pairs.md.j2", _plain(render_pages.pairs)),
    Page("dashboard.md", "KPI dashboard", "dashboard.md.j2", _plain(render_pages.dashboard)),
    Page("matching.md", "Matching explained", "matching.md.j2", _plain(render_pages.matching)),
    Page("join.md", "Join", "join.md.j2", _no_charts(render_join.join), live=True),
    Page("log-session.md", "Log a session", "log-session.md.j2", _no_charts(_log_session), live=True),
    Page("downloads.md", "Downloads", "downloads.md.j2", _no_charts(_downloads)),
)
NAV: tuple[tuple[str, str], ...] = tuple((p.title, p.path) for p in PAGES)


def _finalize(value: object) -> object:
    """Every ``{{ value }}``: markup passes, numbers print as is, text is escaped, None is a template bug."""
    if isinstance(value, Markup):
        return value
    if isinstance(value, bool) or value is None:
        raise TypeError(f"refusing to print {value!r}: test it in the template instead")
    if isinstance(value, (int, float)):
        return Markup(str(value))
    return Markup(escape.md_text(str(value)))


def _link(text: str, url: str | None) -> Markup:
    """An external link when the URL is http(s); only the text otherwise."""
    target = escape.href(url) if url else None
    label = escape.md_text(text)
    return Markup(f'<a href="{target}">{label}</a>' if target else label)


def _mailto(email: str) -> Markup:
    address = escape.md_text(email)
    return Markup(f'<a href="mailto:{escape.md_text(escape.url_query_email(email))}">{address}</a>')


def _path(value: str) -> Markup:
    """A path inside the site, printed as is; only for paths rmcode itself makes."""
    if not _SAFE_PATH.fullmatch(value):
        raise ValueError(f"not a safe site path: {value!r}")
    return Markup(value)


def _paragraphs(text: str) -> Markup:
    return Markup("".join(f"<p>{p}</p>" for p in escape.paragraphs(text)))


def _joined(items: Iterable[str], sep: str = ", ") -> Markup:
    return Markup(escape.joined(items, sep))


def _dark(path: str) -> Markup:
    return _path(dark_path(path))


def _code(text: str, lang: str = "") -> Markup:
    return Markup(escape.code_fence(text, lang))


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("rmcode", "site/templates"), autoescape=True, undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, finalize=_finalize)
    env.filters.update({"link": _link, "paragraphs": _paragraphs, "joined": _joined, "code": _code,
                        "mailto": _mailto, "path": _path,
                        "dark": _dark,
                        "md": lambda text: Markup(escape.md_text(str(text)))})
    return env


def render_page(env: jinja2.Environment, page: Page, context: Context) -> str:
    return env.get_template(page.template).render(page_title=page.title, nav=NAV, **context)


def site_files(data: ProgramData, report: Report, as_of: dt.date,
               settings: SiteSettings | None = None) -> dict[PurePosixPath, str]:
    """Every generated file of the site's docs folder: pages, charts, data files, rmcode's assets.

    Every number comes from ``report`` and from the program as it stood on the report's
    publication date (``aggregates_as_of``), and every page says which date that is.
    """
    env = environment()
    settings = settings or SiteSettings()
    figures = report.aggregates_as_of
    published = data.on(figures) if figures < as_of else data
    dates = {"figures": figures.isoformat(), "built": as_of.isoformat(), "every": data.program.privacy.publish_every}
    files: dict[PurePosixPath, str] = {}
    charts: dict[str, Chart] = {}
    for page in PAGES:
        context, page_charts = page.build(data if page.live else published, report,
                                          as_of if page.live else figures, settings)
        files[PurePosixPath(page.path)] = render_page(env, page, {"dates": dates, **context})
        charts |= {c.path: c for c in page_charts}
    files |= {PurePosixPath(path): svg for path, svg in draw_all([charts[p] for p in sorted(charts)]).items()}
    files |= {PurePosixPath(path): text for path, text in render_data.data_files(published, report).items()}
    files |= render_pair.pair_files(published, report, figures, settings,
                                    lambda template, title, context: env.get_template(
        template).render(page_title=title, nav=NAV, dates=dates, **context))
    files |= {PurePosixPath("assets/rmcode", name): asset_text(name) for name in ASSETS}
    return dict(sorted(files.items()))
