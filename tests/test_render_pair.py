"""Pair pages: reachable by id, names only where public, goals with ids, milestones, log links."""

from __future__ import annotations

import datetime as dt
from pathlib import Path, PurePosixPath

from conftest import ProgramRepo, person

from rmcode import api
from rmcode.formats.ical import pair_token
from rmcode.report.build import build_report
from rmcode.site.render import SiteSettings, site_files

ON = dt.date(2026, 3, 1)
GOALS = "{learn: [{id: learn-ai, text: Use AI for reports}], grow: [{id: grow-sponsor, text: Sponsor a junior}]}"


def _files(root: Path) -> dict[PurePosixPath, str]:
    data = api.load_program(root, ON)
    return site_files(data, build_report(data, ON), ON, SiteSettings(repository="corp/mentoring"))


def test_a_pair_whose_partners_made_nothing_public_has_a_page_without_names(program_repo: ProgramRepo) -> None:
    files = _files(program_repo())
    token = pair_token("mini", "ana--cleo")
    page = files[PurePosixPath(f"pairs/{token}.md")]
    assert "Mentor: the mentor (name not public)" in page and "Mentee: the mentee (name not public)" in page
    assert f'<div class="rm-pair" data-token="{token}" data-program="mini">' in page
    assert f'href="pairs/{token}.html"' in files[PurePosixPath("pairs.md")]
    assert PurePosixPath(f"calendar/{token}.ics") in files and PurePosixPath("calendar/program.ics") in files
    # logins (the pair id spells them), names, time zones and availability reach no file of the site
    for path, text in files.items():
        if path.parts[0] not in ("assets", "downloads"):
            for secret in ("ana--cleo", "Ana", "Cleo", "Europe/Berlin", "RRULE", "TZID"):
                assert secret not in text, (path, secret)


def test_the_page_shows_public_goals_milestones_and_the_log_buttons(program_repo: ProgramRepo) -> None:
    cleo = person("cleo", 201, role="mentee", level=5, department="Finance", skills_wanted="[generative-ai]",
                  goals=GOALS, name="Cleo Cruz", visibility="{name: public, goals: public}")
    program = (Path(__file__).parent / "conftest.py").read_text().split('MINI_PROGRAM = """\\\n')[1].split('"""')[0]
    program = program.replace("public_fields: [name,", "public_fields: [name, goals,")
    files = _files(program_repo({"participants/cleo.yaml": cleo, "program.yaml": program}))
    page = files[PurePosixPath(f"pairs/{pair_token('mini', 'ana--cleo')}.md")]
    assert "Mentee: Cleo Cruz" in page and "Ana" not in page
    assert "<tr><td><code>learn&#45;ai</code></td><td>Use AI for reports</td></tr>" in page
    # milestones as rmcode.progress.pairs counts them: 14 days after the match, and the cohort's end
    assert ("<tr><td>Agree on goals</td><td><code>agreement</code></td><td>2026&#45;02&#45;15</td><td>yes</td></tr>"
            in page)
    assert ("<tr><td>Closing survey</td><td><code>closing</code></td><td>2026&#45;06&#45;30</td><td>not yet</td></tr>"
            in page)
    # the next session was due 14 days after the last one (2026-02-10): overdue on 2026-03-01
    assert '<span class="rm-due rm-overdue" data-due="2026&#45;02&#45;24">2026&#45;02&#45;24 (overdue)</span>' in page
    assert "1 of 6 committed" in page
    assert ('<a class="md-button md-button--primary rm-log" data-role="mentee" href="../log-session.html">'
            'Log a session as Cleo Cruz</a>') in page
    assert 'data-github="https&#58;&#47;&#47;github&#46;com&#47;corp&#47;mentoring&#47;new&#47;main"' in page
    assert "pair&#58; rmcode&#45;pair&#45;id&#92;n" in page  # the template the browser fills in (JSON)
