"""Building the site with mkdocs: strict, offline, deterministic, private, and safe with hostile text."""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import commit_all, git, mini_files, write_files
from test_render import hostile_files

from rmcode import api
from rmcode.api import site
from rmcode.errors import BuildError
from rmcode.io.repo import read_keyring
from rmcode.validate.sealed import count_sealed, open_data

REPO = Path(__file__).resolve().parents[1]
DEMO_AS_OF = dt.date(2026, 11, 24)
DEMO_MARKERS = ("PRIVATE-CONCERN-MARKER", "PRIVATE-NOTE-MARKER", "PRIVATE-SURVEY-MARKER", "PRIVATE-BIO-MARKER")
RUN_AT = "2026-03-01T12:00:00+00:00"


def make_repo(base: Path, files: dict[str, str | None] | None = None) -> Path:
    base.mkdir(parents=True)
    git(base, "init", "-q", "-b", "main")
    content = {**mini_files(), **(files or {})}
    write_files(base, {k: v for k, v in content.items() if v is not None})
    commit_all(base, "program", RUN_AT)
    return base


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_repo(tmp_path_factory.mktemp("hostile") / "repo", hostile_files())
    return site.build(root, root / "site-out").out


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (REPO / "program.yaml").is_file():
        pytest.fail("the demo program is missing from the repository root")
    # built the way the publish job builds: with the program key (for the demo, the DEMO-ONLY key),
    # so sealed values are open while rendering and no private one may reach a page
    saved = os.environ.get("RMCODE_IDENTITY")
    os.environ["RMCODE_IDENTITY"] = str(REPO / "demo-only.key")
    try:
        return site.build(REPO, tmp_path_factory.mktemp("demo") / "out", DEMO_AS_OF).out
    finally:
        if saved is None:
            del os.environ["RMCODE_IDENTITY"]
        else:
            os.environ["RMCODE_IDENTITY"] = saved


class Page(HTMLParser):
    """What a browser would load, run or follow in one HTML file."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[tuple[str | None, str]] = []
        self.handlers: list[str] = []
        self.links: list[str] = []
        self.loads: list[str] = []
        self.ids: set[str] = set()
        self.tags: set[str] = set()
        self._in_script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.add(tag)
        self.handlers += [k for k in values if k.startswith("on")]
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "href" in values:
            self.links.append(values["href"])
        if tag == "link" and "href" in values:
            self.loads.append(values["href"])
        if "src" in values:
            self.loads.append(values["src"])
        if tag == "script":
            self._in_script = []
            self.scripts.append((values.get("src"), ""))

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            self._in_script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._in_script is not None:
            src, _ = self.scripts[-1]
            self.scripts[-1] = (src, "".join(self._in_script))
            self._in_script = None


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def test_build_writes_every_page(hostile_site: Path) -> None:
    assert sorted(p.name for p in html_files(hostile_site) if p.parent == hostile_site) == [
        "404.html", "dashboard.html", "downloads.html", "index.html", "join.html", "log-session.html",
        "matching.html", "pairs.html", "participants.html", "rules.html"]
    assert len([p for p in html_files(hostile_site) if p.parent.name == "pairs"]) == 2  # a page per pair
    assert (hostile_site / "search" / "search_index.json").is_file()


def test_hostile_text_is_not_live_in_the_built_html(hostile_site: Path) -> None:
    for path in html_files(hostile_site):
        page = parse(path)
        assert page.handlers == [], path
        assert not page.tags & {"iframe", "object", "embed"}, path
        for src, body in page.scripts:
            # 404.html: from the site root; pair pages: one folder down
            assert src is None or src.startswith(("assets/", "/assets/", "../assets/")), (path, src)
            assert "alert" not in body, path
        for url in page.links + page.loads:
            assert urlsplit(url.strip()).scheme.lower() in ("", "http", "https", "mailto"), (path, url)
        raw = path.read_text(encoding="utf-8")
        assert "{{" not in raw and "{%" not in raw and "{:" not in raw, path


def test_every_local_link_and_image_resolves(hostile_site: Path) -> None:
    pages = {p: parse(p) for p in html_files(hostile_site)}
    for path, page in pages.items():
        for url in page.links + page.loads:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                continue
            base = hostile_site if parts.path.startswith("/") else path.parent  # 404.html links from the root
            target = (base / unquote(parts.path.lstrip("/"))).resolve() if parts.path else path
            assert target.is_file(), (path.name, url)
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in pages[target].ids, (path.name, url)


def test_nothing_is_loaded_from_another_server(hostile_site: Path) -> None:
    for path in html_files(hostile_site):
        page = parse(path)
        assert [u for u in page.loads if urlsplit(u).scheme or u.startswith("//")] == [], path
    css = "".join(p.read_text(encoding="utf-8") for p in hostile_site.rglob("*.css"))
    assert "fonts.googleapis" not in css and "@import url(http" not in css


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    first, second = site.build(root, tmp_path / "one").out, site.build(root, tmp_path / "two").out
    listing = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert listing == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert [p for p in listing if (first / p).read_bytes() != (second / p).read_bytes()] == []


def test_rebuild_replaces_the_previous_output(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    out = site.build(root).out
    assert out == (root / "site-out").resolve()
    (out / "stale.html").write_text("old", encoding="utf-8")
    site.build(root)
    assert not (out / "stale.html").exists()


@pytest.mark.parametrize(("where", "message"), [
    (".", "contains the program; the build would delete it"),
    ("site/docs", "is inside the site's sources"),
    ("notes", "exists and was not made by rmcode build; the build empties its output folder"),
])
def test_build_refuses_an_output_folder_it_would_destroy(tmp_path: Path, where: str, message: str) -> None:
    root = make_repo(tmp_path / "repo", {"notes/keep.txt": "mine", "site/docs/extra.md": "# Extra\n"})
    with pytest.raises(BuildError) as caught:
        site.build(root, root / where)
    out = (root / where).resolve()
    assert str(caught.value) == f"{out}: RM804 {out} {message}\n    hint: pass an empty or new folder with --out"
    assert (root / "notes" / "keep.txt").is_file()


SITE_OVERRIDES = """\
site_name: Acme mentoring
theme:
  logo: assets/logo.svg
  palette: {primary: teal}
extra_css: [stylesheets/extra.css]
extra:
  rmcode: {repository: acme/mentoring, branch: trunk}
"""


def test_site_sources_add_pages_logo_css_and_settings(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {
        "site/mkdocs.yml": SITE_OVERRIDES, "site/docs/about.md": "# About us\n\nSee [the rules](rules.md).\n",
        "site/docs/assets/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        "site/docs/stylesheets/extra.css": "body {}\n"})
    out = site.build(root, tmp_path / "out").out
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "<title>Acme mentoring</title>" in index
    assert 'href="about.html"' in index and 'src="assets/logo.svg"' in index
    assert 'href="stylesheets/extra.css"' in index and 'data-md-color-primary="teal"' in index
    log = (out / "log-session.html").read_text(encoding="utf-8")
    assert "github&#46;com&#47;acme&#47;mentoring&#47;new&#47;trunk" in log


def test_theme_overrides_live_in_site(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {
        "site/mkdocs.yml": "theme: {custom_dir: overrides}\n",
        "site/overrides/main.html": '{% extends "base.html" %}{% block announce %}Sign-ups close Friday{% endblock %}'})
    out = site.build(root, tmp_path / "out").out
    assert "Sign-ups close Friday" in (out / "index.html").read_text(encoding="utf-8")


def test_theme_overrides_outside_site_are_refused(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"site/mkdocs.yml": "theme: {custom_dir: ../..}\n"})
    with pytest.raises(BuildError) as caught:
        site.build(root, tmp_path / "out")
    assert caught.value.problems[0].message == "theme.custom_dir ../.. is outside site/"


def test_repository_comes_from_the_github_remote(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    git(root, "remote", "add", "origin", "git@github.com:acme/from-remote.git")
    out = site.build(root, tmp_path / "out").out
    assert "acme&#47;from&#45;remote&#47;issues&#47;new" in (out / "log-session.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("settings", "message"), [
    ("plugins: [search, social]\n", "plugin 'social' is not allowed; allowed: search, tags"),
    ("extra_javascript: ['https://cdn.example/x.js']\n",
     "extra_javascript: https://cdn.example/x.js is remote; the site loads nothing from other servers"),
    ("theme: {font: {text: Roboto}}\n", "theme.font must stay false: web fonts come from Google's servers"),
    ("repo_url: https://github.com/acme/x\n", ("repo_url is not allowed: Material fetches repository facts from "
                                              "the GitHub API in every reader's browser; "
                                              "set extra.rmcode.repository instead")),
    ("extra: {rmcode: {repository: 'not a repo'}}\n",
     "extra.rmcode.repository must look like owner/name, not 'not a repo'"),
])
def test_settings_that_break_the_offline_site_are_refused(tmp_path: Path, settings: str, message: str) -> None:
    root = make_repo(tmp_path / "repo", {"site/mkdocs.yml": settings})
    with pytest.raises(BuildError) as caught:
        site.build(root, tmp_path / "out")
    assert [p.message for p in caught.value.problems] == [message]
    assert caught.value.problems[0].path == "site/mkdocs.yml"


def test_unreadable_site_settings_say_where(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"site/mkdocs.yml": "theme:\n  name: material\n   bad: [\n"})
    with pytest.raises(BuildError) as caught:
        site.build(root, tmp_path / "out")
    problem = caught.value.problems[0]
    assert (problem.path, problem.line, problem.code) == ("site/mkdocs.yml", 3, "RM100")


def test_a_source_page_may_not_replace_a_generated_one(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"site/docs/pairs.md": "# Mine\n"})
    with pytest.raises(BuildError) as caught:
        site.build(root, tmp_path / "out")
    assert caught.value.problems[0].message == "pairs.md would replace a page or file rmcode generates"


def test_a_broken_link_in_a_source_page_fails_the_strict_build(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"site/docs/about.md": "# About\n\n[gone](missing.md)\n"})
    with pytest.raises(BuildError) as caught:
        site.build(root, tmp_path / "out")
    assert any("missing.md" in p.message and p.code == "RM805" for p in caught.value.problems)


def test_invalid_program_data_stops_the_build(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {"participants/ana.yaml": "login: ana\n"})
    with pytest.raises(Exception) as caught:
        site.build(root, tmp_path / "out")
    assert "participants/ana.yaml" in str(caught.value)
    assert not (tmp_path / "out").exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[object, Path, int]]:
    root = make_repo(tmp_path / "repo")
    port = _free_port()
    srv, cleanup = site.make_server(root, "127.0.0.1", port)
    thread = threading.Thread(target=srv.serve, daemon=True)
    thread.start()
    yield srv, root, port
    srv.shutdown(wait=True)
    cleanup()


def test_serve_previews_the_site_and_rebuilds_from_the_program(server: tuple[object, Path, int]) -> None:
    srv, root, port = server
    page = _get(f"http://127.0.0.1:{port}/index.html")
    assert "<h1 id=\"mini-program\">Mini program" in page and "livereload" in page
    program = root / "program.yaml"
    program.write_text(program.read_text(encoding="utf-8").replace("name: Mini program", "name: Renamed program"),
                       encoding="utf-8")
    srv.builder()  # what the watcher calls on a change
    assert "<h1 id=\"renamed-program\">Renamed program" in _get(f"http://127.0.0.1:{port}/index.html")


def test_serve_keeps_the_last_good_site_when_a_file_breaks(server: tuple[object, Path, int],
                                                           caplog: pytest.LogCaptureFixture) -> None:
    srv, root, port = server
    (root / "participants" / "ben.yaml").write_text("login: ben\n", encoding="utf-8")
    with caplog.at_level("ERROR", logger="rmcode.site.build"):
        srv.builder()
    assert "The site was not rebuilt:\nparticipants/ben.yaml" in caplog.text
    assert "Mini program" in _get(f"http://127.0.0.1:{port}/index.html")


def _get(url: str) -> str:
    for _ in range(50):
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return str(response.read().decode("utf-8"))
        except urllib.error.URLError:
            threading.Event().wait(0.1)  # the server thread binds right after start
    raise AssertionError(f"no answer from {url}")


# --- the demo: privacy ------------------------------------------------------------------

def _published_text(out: Path) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in sorted(out.rglob("*")) if p.is_file()
            and p.suffix in (".html", ".json", ".csv", ".svg", ".xml", ".md", ".txt")
            and "schemas" not in p.parts}


def _private_values() -> dict[str, list[str]]:
    data = open_data(api.load_program(REPO, DEMO_AS_OF), read_keyring(REPO / "demo-only.key")).data
    assert not count_sealed(data)
    return {
        "self-identification": sorted({v for p in data.participants for v in p.self_identification.values()}),
        "avoid lists": sorted({x for p in data.participants for x in p.avoid}),
        "logins": sorted(p.login for p in data.participants),
        "check-in notes": sorted({c.notes for c in data.checkins if c.notes} | {c.concern_note for c in data.checkins
                                                                             if c.concern_note}
                                 | {c.next_steps for c in data.checkins if c.next_steps}),
        "end and unmatched reasons": sorted({p.end_reason for p in data.pairs if p.end_reason}
                                            | {u.reason for u in data.unmatched}),
        "free-text answers": sorted({str(v) for r in data.responses for k, v in r.answers.items()
                                     if (s := data.program.survey(r.survey)) and (q := s.question(k))
                                     and q.type == "text"}),
    }


def test_demo_site_publishes_no_private_value(demo_site: Path) -> None:
    published = _published_text(demo_site)
    private = _private_values()
    assert private["self-identification"] and private["avoid lists"] and private["check-in notes"]
    leaks = [(str(p.relative_to(demo_site)), m) for p, text in published.items() for m in DEMO_MARKERS if m in text]
    for kind, values in private.items():
        for value in values:
            pattern = re.compile(rf"(?<![\w-]){re.escape(value)}(?![\w-])")
            leaks += [(str(p.relative_to(demo_site)), f"{kind}: {value}") for p, text in published.items()
                      if pattern.search(text)]
    assert leaks == []


def test_demo_pause_reasons_and_bios_marked_private_stay_out(demo_site: Path) -> None:
    text = "".join(_published_text(demo_site).values())
    assert "Parental leave" not in text and "sabbatical" not in text
    assert "self_identification" not in text


def test_demo_directory_credits_mentors(demo_site: Path) -> None:
    page = (demo_site / "participants.html").read_text(encoding="utf-8")
    assert page.count('class="rm-credit"') >= 10
    data = api.load_program(REPO, DEMO_AS_OF)
    hidden = [p for p in data.participants if not any(v == "public" for v in p.visibility.values())]
    assert hidden and all(p.name not in page for p in hidden)


def test_demo_build_strict_and_complete(demo_site: Path) -> None:
    names = sorted(p.name for p in html_files(demo_site) if p.parent == demo_site)
    assert "faq.html" in names and len(names) == 11
    svgs = sorted(p.name for p in (demo_site / "charts").iterdir())
    assert "cohort-timeline.svg" in svgs and len([s for s in svgs if s.startswith("kpi-")]) >= 5


def test_site_module_is_the_only_writer(hostile_site: Path) -> None:
    assert (hostile_site / ".rmcode-build").read_text(encoding="utf-8").startswith("Built by rmcode build")

