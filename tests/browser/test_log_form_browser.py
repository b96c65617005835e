"""The Log a session form in a real browser (Debian's Chromium, headless, via Playwright).

A keyed program's site is built once for the module. The form is filled in as a person
would, sealed in the page with the vendored age implementation, and the GitHub new-file
page it opens is intercepted (nothing leaves the machine): the file in its query must
pass `rmcode validate`, open with the test's key to exactly what was typed, and hold no
plain text of a sealed field. Every request the page makes is watched.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from conftest import MINI_PROGRAM, git, mini_files, person, run, write_files
from test_site_browser import ARGS, ARTIFACTS, CHROMIUM, _missing, _Quiet, _require_chromium

from rmcode.api import site
from rmcode.load.loader import load_bytes
from rmcode.sealing import generate_identity, is_sealed, parse_identities, unseal

pytestmark = pytest.mark.browser
MARK = "PLANTED-b41c"
SECRET, PUBLIC = generate_identity()
SECOND_SECRET, SECOND_PUBLIC = generate_identity()
AS_OF = dt.date(2026, 3, 3)
REPOSITORY = "acme/mentoring"
KEYED = MINI_PROGRAM + ("sealing:\n  recipients:\n"
                        f"    - name: Amy (admin)\n      key: {PUBLIC}\n"
                        f"    - name: Publish job\n      key: {SECOND_PUBLIC}\n")


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("log-form") / "repo"
    root.mkdir()
    files = {**mini_files(), "program.yaml": KEYED,
             "site/mkdocs.yml": f"extra:\n  rmcode:\n    repository: {REPOSITORY}\n"}
    files["participants/cleo.yaml"] = person("cleo", 201, role="mentee", level=5, department="Finance",
                                             skills_wanted="[generative-ai]",
                                             goals="{learn: [{id: use-ai-weekly, text: Use AI weekly}]}")
    files["checkins/ana--cleo/2026-02-10-ana.yaml"] = files["checkins/ana--cleo/2026-02-10-ana.yaml"].replace(
        "rating: 5\ngood_fit: true\n", "")
    git(root, "init", "-q", "-b", "main")
    write_files(root, files)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "program")
    return root


@pytest.fixture(scope="module")
def base_url(program: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _require_chromium()
    out = site.build(program, tmp_path_factory.mktemp("log-form-site") / "out", AS_OF).out
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(base_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Tab:
    """A page whose every request is recorded; GitHub's new-file page is answered locally."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1100, "height": 900}, service_workers="block")
        self.requests: list[str] = []
        self.github: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)

    def _route(self, route: Any) -> None:
        url = route.request.url
        self.requests.append(url)
        host = urlsplit(url).hostname
        if host == "127.0.0.1":
            route.continue_()
        elif host == "github.com":
            self.github.append(url)
            route.fulfill(status=200, content_type="text/html", body="<title>GitHub (stand-in)</title>")
        else:
            route.abort()

    def outside(self) -> list[str]:
        return [u for u in self.requests if urlsplit(u).hostname not in ("127.0.0.1", "github.com")]


@pytest.fixture
def tab(browser: Any) -> Iterator[Tab]:
    made = Tab(browser)
    yield made
    made.context.close()


def _open_on_github(tab: Tab) -> tuple[str, str, str]:
    """Press the form's button and the link; return (new-file page, filename, value) GitHub received."""
    page = tab.page
    page.click("button[type=submit]")
    page.wait_for_selector(".rm-log-result:not([hidden])")
    with page.expect_popup() as popup:
        page.click(".rm-log-open")
    popup.value.wait_for_load_state()
    assert len(tab.github) == 1, tab.github
    url = urlsplit(tab.github[0])
    query = parse_qs(url.query, strict_parsing=True)
    return f"{url.scheme}://{url.netloc}{url.path}", query["filename"][0], query["value"][0]


def test_the_form_seals_what_was_typed_and_github_gets_only_ciphertext(
        tab: Tab, base_url: str, program: Path) -> None:
    page = tab.page
    page.goto(f"{base_url}/log-session.html?pair=ana--cleo&author=cleo&date=2026-03-02")
    notes = f"{MARK} notes: \"quoted\", é, 🙂\nsecond line with: a colon"
    page.fill("#rm-minutes", "50")
    page.check("input[name=topics][value=generative-ai]")
    page.fill("#rm-goals", "use-ai-weekly: Started")
    page.select_option("#rm-rating", "2")
    page.select_option("#rm-good-fit", "no")
    page.fill("#rm-next-steps", "Try the assistant on Monday: yes")
    page.fill("#rm-notes", notes)
    page.fill("#rm-concern", f"{MARK} concern")
    page.select_option("#rm-concern-level", "high")
    new_page, filename, value = _open_on_github(tab)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "site-log-form.png"), full_page=True)

    assert new_page == f"https://github.com/{REPOSITORY}/new/main"
    assert filename == "checkins/ana--cleo/2026-03-02-cleo.yaml"
    assert MARK not in value and MARK not in tab.github[0]
    assert all(MARK not in u and quote(MARK) not in u for u in tab.requests)
    assert tab.outside() == [] and tab.errors == []

    data = load_bytes(filename, value.encode("utf-8")).data
    assert {k: v for k, v in data.items() if not is_sealed(v)} == {
        "pair": "ana--cleo", "date": "2026-03-02", "author": "cleo", "minutes": 50, "topics": ["generative-ai"],
        "goals": [{"goal": "use-ai-weekly", "progress": "started"}], "next_steps": "Try the assistant on Monday: yes"}
    for secret in (SECRET, SECOND_SECRET):  # every recipient can open every value
        keys = parse_identities(secret)
        assert {k: unseal(v, keys) for k, v in data.items() if is_sealed(v)} == {
            "rating": 2, "good_fit": False, "notes": notes, "concern": {"level": "high", "note": f"{MARK} concern"}}

    (program / filename).parent.mkdir(parents=True, exist_ok=True)
    (program / filename).write_text(value, encoding="utf-8")
    try:
        result = run("validate", "--root", str(program), "--as-of", AS_OF.isoformat())
        assert (result.exit_code, result.output) == (0, "ok: 8 files valid\n")
    finally:
        (program / filename).unlink()


def test_a_short_log_has_no_sealed_field_and_validates(tab: Tab, base_url: str, program: Path) -> None:
    page = tab.page
    page.goto(f"{base_url}/log-session.html?pair=ana--cleo&author=ana&date=2026-03-01")
    page.uncheck("#rm-held")
    page.fill("#rm-minutes", "0")
    _, filename, value = _open_on_github(tab)
    assert value == ("# yaml-language-server: $schema=../../schemas/checkin.schema.json\n"
                     'pair: "ana--cleo"\ndate: "2026-03-01"\nauthor: "ana"\nheld: false\nminutes: 0\n')
    (program / filename).write_text(value, encoding="utf-8")
    try:
        assert run("validate", "--root", str(program), "--as-of", AS_OF.isoformat()).exit_code == 0
    finally:
        (program / filename).unlink()


def test_prefill_ignores_values_the_fields_refuse(tab: Tab, base_url: str) -> None:
    page = tab.page
    hostile = quote('"><img src=x onerror=alert(1)>--x')
    page.goto(f"{base_url}/log-session.html?pair={hostile}&author=a%20b&date=2026-13-45")
    assert page.input_value("#rm-pair") == ""
    assert page.input_value("#rm-author") == ""
    assert page.input_value("#rm-date") == dt.date.today().isoformat()
    assert page.locator("img[src=x]").count() == 0
    page.click("button[type=submit]")
    assert page.locator(".rm-log-error").inner_text().startswith("Pair id: ")
    assert page.locator(".rm-log-result").is_hidden()
    assert tab.github == [] and tab.errors == []


def test_a_bad_goal_line_is_explained_and_nothing_is_made(tab: Tab, base_url: str) -> None:
    page = tab.page
    page.goto(f"{base_url}/log-session.html?pair=ana--cleo&author=ana")
    page.fill("#rm-goals", f"{MARK} done")
    page.click("button[type=submit]")
    assert page.locator(".rm-log-error").inner_text() == (
        f"Goal progress: write 'goal-id: started', 'progressing' or 'achieved', not '{MARK} done'")
    assert page.locator(".rm-log-result").is_hidden()
    assert tab.github == []


def test_the_form_page_has_no_serious_accessibility_violation(tab: Tab, base_url: str) -> None:
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        _missing("axe-playwright-python is missing: pip install -e '.[test]'")
    tab.page.goto(f"{base_url}/log-session.html?pair=ana--cleo&author=ana")
    tab.page.click("button[type=submit]")
    tab.page.wait_for_selector(".rm-log-result:not([hidden])")
    violations = Axe().run(tab.page).response["violations"]
    assert [f"{v['id']}: {v['help']} at {v['nodes'][0]['target']}" for v in violations
            if v["impact"] in ("serious", "critical")] == []
