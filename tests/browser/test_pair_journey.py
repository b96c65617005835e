"""A mentee's journey in headless Chromium on the built demo: home -> Pairs -> my pair -> "Log a session".

The mentee knows their pair id from the private "you have been matched" e-mail; the site never
prints it (it spells both logins) and finds the page from it in the browser.

The prefilled GitHub "new file" form is captured (the browser never leaves 127.0.0.1) and its
file is committed to a clone of the demo and validated. The browser's clock is set to the
day after the build: the buttons carry the reader's today, not the build's date.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from test_site_browser import ARGS, CHROMIUM, DEMO_AS_OF, REPO, _Quiet, _require_chromium

from rmcode import api
from rmcode.api import site
from rmcode.formats.ical import pair_token
from rmcode.site.people import public_name

pytestmark = pytest.mark.browser
TODAY = DEMO_AS_OF + dt.timedelta(days=1)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    _require_chromium()
    out = tmp_path_factory.mktemp("pair-journey") / "demo"
    site.build(REPO, out, DEMO_AS_OF)
    return out


@pytest.fixture(scope="module")
def base_url(demo: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(demo)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(demo: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def tab(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    page = browser.new_page()
    page.clock.set_fixed_time(dt.datetime.combine(TODAY, dt.time(10, 0)))
    github: list[str] = []

    def capture(route: Any) -> None:
        github.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<!doctype html><title>GitHub</title><p>new file")
    page.route("https://github.com/**", capture)
    yield page, github
    page.close()


def data_id() -> str:
    return api.load_program(REPO, DEMO_AS_OF).program.id


def _mentee() -> tuple[str, str, str]:
    """(pair id, mentee login, mentee's public name) of the first active demo pair whose mentee is named."""
    data = api.load_program(REPO, DEMO_AS_OF)
    people = data.by_login()
    for pair in sorted(data.pairs, key=lambda p: p.id):
        name = public_name(people.get(pair.mentee.lower()), data)
        if pair.status == "active" and name:
            return pair.id, pair.mentee, name
    raise AssertionError("the demo has no active pair with a named mentee")


def test_a_mentee_finds_their_pair_and_logs_a_session(tab: tuple[Any, list[str]], base_url: str,
                                                       tmp_path: Path) -> None:
    page, github = tab
    pair_id, login, name = _mentee()
    page.goto(f"{base_url}/index.html")
    page.get_by_role("article").get_by_role("link", name="Pairs and progress").click()
    page.wait_for_url("**/pairs.html")
    box = page.get_by_label("Find your pair by its id")
    box.fill("nobody--here")
    page.get_by_role("button", name="Open my pair's page").click()
    page.get_by_text("No pair with this id is listed here.").wait_for()
    box.fill(pair_id)
    page.get_by_role("button", name="Open my pair's page").click()
    page.wait_for_url(f"**/pairs/{pair_token(data_id(), pair_id)}.html#pair={pair_id}")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Your pair")
    assert page.locator(".rm-pair-id code").inner_text() == pair_id
    assert page.get_by_text(f"Mentee: {name}").count() == 1

    button = page.get_by_role("link", name=f"Log a session as {name}")
    query = parse_qs(urlsplit(button.get_attribute("href")).query)
    assert query == {"pair": [pair_id], "author": [login], "date": [TODAY.isoformat()]}
    button.click()
    page.wait_for_url("**/log-session.html?*")
    assert parse_qs(urlsplit(page.url).query)["date"] == [TODAY.isoformat()]

    page.go_back()
    page.wait_for_url(f"**/pairs/{pair_token(data_id(), pair_id)}.html#pair={pair_id}")
    page.locator("p", has_text=f"Log a session as {name}") \
        .get_by_role("link", name="or create the file on GitHub").click()
    page.wait_for_url("https://github.com/**")
    fields = parse_qs(urlsplit(github[-1]).query)
    filename, content = fields["filename"][0], fields["value"][0]
    assert filename == f"checkins/{pair_id}/{TODAY.isoformat()}-{login}.yaml"
    assert f"pair: {pair_id}\n" in content and f"author: {login}\n" in content
    assert f"date: '{TODAY.isoformat()}'\n" in content

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    (clone / filename).write_text(content, encoding="utf-8")
    result = api.validate(clone, TODAY)
    assert result.valid, [p.format_text() for p in result.problems]


def test_every_pair_page_is_linked_and_overdue_is_marked(tab: tuple[Any, list[str]], base_url: str,
                                                         demo: Path) -> None:
    page, _ = tab
    page.goto(f"{base_url}/pairs.html")
    links = page.eval_on_selector_all(".md-content td a", "els => els.map(e => e.getAttribute('href'))")
    assert sorted(links) == sorted(f"pairs/{p.stem}.html" for p in (demo / "pairs").glob("*.html"))
    data = api.load_program(REPO, DEMO_AS_OF)
    logins = [p.login for p in data.participants]
    for text in [p.read_text() for p in (demo / "pairs").glob("*.html")] + [(demo / "pairs.html").read_text()]:
        assert not [login for login in logins if login in text]  # no pair id, no login on any page
    assert len(links) == len([p for p in data.pairs if (p.proposed or p.matched or DEMO_AS_OF) <= DEMO_AS_OF])
    # a pair whose next session was due before the reader's today is highlighted as overdue
    overdue = 0
    for href in links:
        page.goto(f"{base_url}/{href}")
        due = page.locator(".rm-due")
        if due.count() and due.get_attribute("data-due") < TODAY.isoformat():
            assert "rm-overdue" in (due.get_attribute("class") or "") and "(overdue)" in due.inner_text()
            overdue += 1
    assert overdue >= 1
