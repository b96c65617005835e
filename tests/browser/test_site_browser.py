"""The built site in a real browser: Debian's Chromium, headless, driven by Playwright.

Every page loads without console errors, failed requests or requests to other hosts;
links and images work; search finds people; hostile text raises no dialog; axe-core
finds no serious or critical accessibility violation. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import pytest
from test_render import HOSTILE

from rmcode import api
from rmcode.api import site

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
DEMO_AS_OF = dt.date(2026, 11, 24)
ARTIFACTS = REPO / "test-artifacts"
pytestmark = pytest.mark.browser


def _missing(message: str) -> NoReturn:
    if os.environ.get("CI"):
        pytest.fail(message)  # CI must never pass by skipping the browser
    pytest.skip(message)


def _require_chromium() -> None:
    if not CHROMIUM.is_file():
        _missing(f"{CHROMIUM} is missing: install Debian's chromium (`apt-get install chromium`; .ci/run does)")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo site and the hostile-text site, built once per session side by side."""
    _require_chromium()
    from test_render import hostile_files  # tests/ is on sys.path (rootdir conftest)
    from test_site import make_repo

    base = tmp_path_factory.mktemp("browser-sites")
    site.build(REPO, base / "demo", DEMO_AS_OF)
    hostile = make_repo(tmp_path_factory.mktemp("hostile-src") / "repo", hostile_files())
    site.build(hostile, base / "hostile")
    return base


@pytest.fixture(scope="session")
def base_url(sites: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(sites)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser(sites: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@dataclass
class Watch:
    """Everything that went wrong while a page was open."""

    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return self.console + self.failed + self.outside + self.dialogs


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, Watch]]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    watch = Watch()

    def route(route: Any) -> None:
        host = urlsplit(route.request.url).hostname
        if host == "127.0.0.1" or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            watch.outside.append(f"request to another host: {route.request.url}")
            route.abort()

    context.route("**/*", route)
    tab = context.new_page()
    tab.on("console", lambda m: watch.console.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    tab.on("pageerror", lambda e: watch.console.append(f"page error: {e}"))
    # ERR_ABORTED is a request the browser cancelled itself (a navigation left the page while
    # its search worker was loading): not a broken resource, and racy; 404s are caught below
    tab.on("requestfailed", lambda r: None if "ERR_ABORTED" in str(r.failure)
           else watch.failed.append(f"failed: {r.url} {r.failure}"))
    tab.on("response", lambda r: watch.failed.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)

    def dialog(d: Any) -> None:
        watch.dialogs.append(f"dialog: {d.message}")
        d.dismiss()

    tab.on("dialog", dialog)
    yield tab, watch
    context.close()


def _pages(sites: Path, name: str) -> list[str]:
    return sorted(p.name for p in (sites / name).glob("*.html") if p.name != "404.html")


def _visit(tab: Any, url: str, wait_until: str = "networkidle") -> None:
    tab.goto(url, wait_until=wait_until)


BROKEN_IMAGES = "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
LOCAL_LINKS = ("Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"
               ".filter(h => h.startsWith(location.origin))")


def test_every_demo_page_loads_cleanly(page: tuple[Any, Watch], sites: Path, base_url: str) -> None:
    tab, watch = page
    checked: set[str] = set()
    for name in _pages(sites, "demo"):
        _visit(tab, f"{base_url}/demo/{name}")
        assert tab.evaluate(BROKEN_IMAGES) == [], name
        for link in tab.evaluate(LOCAL_LINKS):
            target = link.split("#")[0]
            if target not in checked:
                checked.add(target)
                assert tab.request.get(target).status == 200, (name, link)
    assert watch.problems() == []
    assert len(checked) > 20


def test_search_finds_a_participant_by_name(page: tuple[Any, Watch], base_url: str) -> None:
    data = api.load_program(REPO, DEMO_AS_OF)
    public = [p for p in data.participants if p.visibility_of("name", data.program.privacy.public_fields) == "public"
              and p.name.isascii()]
    person = min(public, key=lambda p: p.key)
    tab, watch = page
    _visit(tab, f"{base_url}/demo/index.html")
    tab.locator("label.md-search__icon, .md-search__input").first.click()
    tab.locator(".md-search__input").press_sequentially(person.name, delay=20)
    results = tab.locator(".md-search-result__item")
    results.first.wait_for()
    links = results.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert any("participants.html" in href for href in links), links
    assert person.name in results.first.inner_text()
    assert watch.problems() == []


def test_skill_filter_shows_only_people_with_that_skill(page: tuple[Any, Watch], base_url: str) -> None:
    tab, watch = page
    _visit(tab, f"{base_url}/demo/participants.html")
    total = tab.locator(".rm-person").count()
    skill = tab.locator("#rm-skill option").nth(1).get_attribute("value")
    tab.select_option("#rm-skill", skill)
    visible = tab.locator(".rm-person:visible")
    assert 0 < visible.count() < total
    for skills in visible.evaluate_all("els => els.map(e => e.dataset.skills)"):
        assert skill in skills.split(" ")
    assert tab.locator(".rm-count").inner_text() == f"{visible.count()} of {total} shown"
    assert watch.problems() == []


def test_hostile_text_raises_no_dialog_and_injects_nothing(page: tuple[Any, Watch], sites: Path,
                                                          base_url: str) -> None:
    tab, watch = page
    for name in _pages(sites, "hostile"):
        _visit(tab, f"{base_url}/hostile/{name}", "load")
        tab.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")  # chart tables too
        for element in tab.locator(".rm-card, .md-content td").all()[:12]:
            element.hover()  # for onmouseover-style payloads
        assert tab.locator("iframe, img[src='x'], .md-content svg[onload]").count() == 0, name
    # search results are rendered from the index as HTML: the hostile name must stay text there too
    tab.locator("label.md-search__icon, .md-search__input").first.click()
    tab.locator(".md-search__input").press_sequentially("Teaches", delay=20)
    result = tab.locator(".md-search-result__item a[href*='person-1']")
    result.wait_for()
    assert HOSTILE["name"] in result.inner_text()
    assert tab.locator(".md-search-result img, .md-search-result script, .md-search-result b").count() == 0
    result.click()  # the page opens with the search term highlighted
    tab.wait_for_load_state("networkidle")
    assert tab.locator(".md-content script, .md-content iframe").count() == 0
    assert watch.dialogs == [] and watch.problems() == []


SERIOUS = ("serious", "critical")


def test_no_serious_accessibility_violation(page: tuple[Any, Watch], sites: Path, base_url: str) -> None:
    try:  # ships axe-core's axe.min.js, so the scan runs offline
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        _missing("axe-playwright-python is missing: pip install -e '.[test]'")
    axe = Axe()
    tab, _ = page
    found = []
    for name in _pages(sites, "demo"):
        _visit(tab, f"{base_url}/demo/{name}", "load")
        violations = axe.run(tab).response["violations"]
        found += [f"{name}: {v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target']}"
                  for v in violations if v["impact"] in SERIOUS]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("name", ["index", "participants", "dashboard"])
def test_screenshots_for_the_record(page: tuple[Any, Watch], base_url: str, name: str) -> None:
    tab, watch = page
    _visit(tab, f"{base_url}/demo/{name}.html")
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"site-{name}.png"
    tab.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
    assert watch.problems() == []


# --- the dashboard people read: first screen, overflow, text size, light and dark -----------

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
MIN_TEXT_PX = 10
# elements with text smaller than 10 CSS px, visually hidden helpers aside (1 px boxes for screen readers)
SMALL_TEXT = """() => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest('script, style, svg.rm-spark')) continue;
    const box = el.getBoundingClientRect(), style = getComputedStyle(el);
    if (box.width <= 1 || box.height <= 1 || style.visibility === 'hidden' || !el.offsetParent) continue;
    if (parseFloat(style.fontSize) < MIN_PX) small.push(\
`${el.tagName}.${el.className}: ${style.fontSize} "${node.textContent.trim().slice(0, 30)}"`);
  }
  return small;
}""".replace("MIN_PX", str(MIN_TEXT_PX))
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth, out = [];
  if (document.documentElement.scrollWidth > width) out.push(`page ${document.documentElement.scrollWidth} > ${width}`);
  for (const el of document.querySelectorAll('.rm-figure img, .rm-chart, .rm-kpi, .rm-card')) {
    const box = el.getBoundingClientRect();
    if (!box.width) continue;
    const parent = el.parentElement.getBoundingClientRect();
    if (box.right > width + 0.5 || box.right > parent.right + 0.5) \
out.push(`${el.tagName}.${el.className} ends at ${box.right}`);
  }
  return out;
}"""
# the smallest text of each chart as shown: its SVG font size times the drawn width over the viewBox width
CHART_TEXT = """async () => {
  const out = [];
  for (const img of document.querySelectorAll('.rm-figure img')) {
    if (!img.offsetParent) continue;
    const svg = await (await fetch(img.src)).text();
    const view = parseFloat(svg.match(/viewBox="[-0-9.]+ [-0-9.]+ ([0-9.]+)/)[1]);
    const sizes = [...svg.matchAll(/font-size: ([0-9.]+)px/g)].map(m => parseFloat(m[1]));
    out.push([img.getAttribute('src'), Math.min(...sizes) * img.getBoundingClientRect().width / view]);
  }
  return out;
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", sorted(VIEWPORTS))
def test_dashboard_reads_at_a_glance(browser: Any, base_url: str, size: str, scheme: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS[size], color_scheme=scheme, service_workers="block")
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        _visit(tab, f"{base_url}/demo/dashboard.html")
        # the demo's palette follows the reader's setting: slate in dark mode
        assert tab.evaluate("document.body.dataset.mdColorScheme") == ("slate" if scheme == "dark" else "default")
        ARTIFACTS.mkdir(exist_ok=True)
        tab.screenshot(path=str(ARTIFACTS / f"dashboard-{size}-{scheme}.png"))
        cards = tab.locator(".rm-kpi")
        data = api.load_program(REPO, DEMO_AS_OF)
        assert cards.count() == len(data.program.kpis) > 0
        height = VIEWPORTS[size]["height"]
        below = [b for b in cards.evaluate_all("els => els.map(e => e.getBoundingClientRect().bottom)") if b > height]
        assert below == [], f"{len(below)} KPI cards below the first screen"
        # details on demand: every chart and its numbers are in the page (alt text, table)...
        more = tab.locator("details.rm-more")
        assert more.count() >= len(data.program.kpis)
        alts = tab.locator(".rm-figure img").evaluate_all("els => els.map(e => e.alt)")
        assert alts and all(alts) and len(alts) == 2 * tab.locator("details.rm-chart-data").count()
        if size == "phone":
            # ...but a phone shows one row per KPI or chart until the reader opens it
            assert more.evaluate_all("els => els.filter(e => e.open).length") == 0
            assert tab.locator(".rm-figure img:visible").count() == 0
            page_height = tab.evaluate("document.documentElement.scrollHeight")
            assert page_height < 3 * height, f"the phone dashboard is {page_height} px long"
            tab.screenshot(path=str(ARTIFACTS / f"dashboard-{size}-{scheme}-collapsed.png"), full_page=True)
            for summary in more.locator(":scope > summary").all():
                summary.click()
        assert more.evaluate_all("els => els.filter(e => !e.open).length") == 0
        # the chart drawn for this palette is the one shown, and it has its alt text
        shown = tab.locator(".rm-figure img:visible")
        assert shown.count() > 0
        theme = "rm-theme-dark" if scheme == "dark" else "rm-theme-light"
        assert set(shown.evaluate_all("els => els.map(e => e.className)")) == {theme}
        assert all(alt for alt in shown.evaluate_all("els => els.map(e => e.alt)"))
        # each chart's table is collapsed but in the page's text (and a screen reader can open it)
        tables = tab.locator("details.rm-chart-data")
        assert tables.count() == shown.count()
        assert tables.evaluate_all("els => els.filter(e => e.open).length") == 0
        assert "Week of" in tab.evaluate("document.querySelector('details.rm-chart-data table').textContent")
        assert tab.evaluate(OVERFLOW) == []
        assert tab.evaluate(SMALL_TEXT) == []
        small_charts = [(src, px) for src, px in tab.evaluate(CHART_TEXT) if px < MIN_TEXT_PX]
        assert small_charts == []
        tab.screenshot(path=str(ARTIFACTS / f"dashboard-{size}-{scheme}-full.png"), full_page=True)
        assert errors == []
    finally:
        context.close()


def test_a_kpi_card_opens_its_collapsed_details_on_a_phone(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS["phone"], service_workers="block")
    tab = context.new_page()
    try:
        _visit(tab, f"{base_url}/demo/index.html")  # the home page's headline cards link to the dashboard
        link = tab.locator(".rm-kpi-name a").first
        target = link.get_attribute("href").split("#")[1]
        link.click()
        tab.wait_for_function(f"document.getElementById('{target}') && document.getElementById('{target}').open")
        # the KPI's row is on screen, below the sticky header, with its chart shown
        header = tab.evaluate("document.querySelector('.md-header').getBoundingClientRect().bottom")
        top = tab.locator(f"#{target} > summary").bounding_box()["y"]
        assert header <= top < VIEWPORTS["phone"]["height"] / 2
        assert tab.locator(f"#{target} .rm-figure img:visible").count() == 1
        assert tab.locator("details.rm-more[open]").count() == 1  # the others stay collapsed
    finally:
        context.close()


@pytest.mark.parametrize("size", sorted(VIEWPORTS))
@pytest.mark.parametrize("name", ["index", "pairs", "participants", "matching", "log-session"])
def test_pages_fit_the_screen_with_readable_text(browser: Any, base_url: str, size: str, name: str) -> None:
    context = browser.new_context(viewport=VIEWPORTS[size], service_workers="block")
    tab = context.new_page()
    try:
        _visit(tab, f"{base_url}/demo/{name}.html")
        assert tab.evaluate(OVERFLOW) == []
        assert tab.evaluate(SMALL_TEXT) == []
        assert [(src, px) for src, px in tab.evaluate(CHART_TEXT) if px < MIN_TEXT_PX] == []
        if size == "phone":
            ARTIFACTS.mkdir(exist_ok=True)
            tab.screenshot(path=str(ARTIFACTS / f"site-{name}-phone.png"), full_page=True)
    finally:
        context.close()


def test_log_session_page_shows_the_file_path_as_typed(page: tuple[Any, Watch], base_url: str) -> None:
    tab, watch = page
    _visit(tab, f"{base_url}/demo/log-session.html")
    first = tab.locator(".md-content p code").first.inner_text()
    assert first.startswith("checkins/") and first.endswith(".yaml") and "&" not in first
    assert watch.problems() == []


_TEXT_OUTSIDE = """() => {
    const frame = document.documentElement.getBoundingClientRect();
    return [...document.querySelectorAll("text")].map(t => [t.textContent, t.getBoundingClientRect()])
        .filter(([, r]) => r.width && (r.left < frame.left - 1 || r.right > frame.right + 1
                                       || r.top < frame.top - 1 || r.bottom > frame.bottom + 1))
        .map(([text]) => text);
}"""


@pytest.mark.parametrize("name", ["demo", "hostile"])
def test_every_chart_text_lies_inside_its_drawing(page: tuple[Any, Watch], sites: Path, base_url: str,
                                                  name: str) -> None:
    """A title, label or value past the drawing's edge is cut off: "Average contribution of each crit"."""
    tab, _ = page
    charts = sorted((sites / name / "charts").glob("*.svg"))
    assert len(charts) >= 8  # both sites draw every kind of chart
    cut = {}
    for chart in charts:
        tab.goto(f"{base_url}/{name}/charts/{chart.name}")
        if outside := tab.evaluate(_TEXT_OUTSIDE):
            cut[chart.name] = outside
    assert not cut, cut
