"""Every privacy sentence the site, the FAQ and the issue forms print is checked against what the code does.

CLAIMS is the table: where a sentence appears, its text, and a check that builds, writes or
validates something proving it. Two programs are built once for the module, both with
markers planted in every private value: one with program keys (sealing on) and one without.
``test_every_privacy_sentence_is_claimed`` scans the pages for sentences that talk about
privacy, so a new promise cannot be added without a check.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import MINI_PROGRAM, git, mini_files, person, run, write_files

from rmcode import api
from rmcode.api import site
from rmcode.errors import RmcodeError
from rmcode.github.issueform import form_file
from rmcode.model import Program as Model
from rmcode.report.public import suppress_cells
from rmcode.sealing import generate_identity, parse_identities, unseal
from rmcode.validate.sealed import DEFAULT_SEALED, sealed_fields

REPO = Path(__file__).resolve().parent.parent
SECRET, PUBLIC = generate_identity()
KEYS = parse_identities(SECRET)
AS_OF = "2026-03-03"
MARKS = {  # private value -> a marker planted in it
    "notes": "PLANTNOTES", "concern": "PLANTCONCERN", "survey_text": "PLANTSURVEY", "self_id": "plantselfid",
    "pause": "PLANTPAUSE", "bio": "PLANTBIO", "name": "PLANTNAME",
}
SEALING = f"sealing:\n  recipients:\n    - name: Amy (admin)\n      key: {PUBLIC}\n"


@dataclass(frozen=True)
class Program:
    root: Path
    site: Path
    keyed: bool

    def page(self, name: str) -> str:
        return (self.site / name).read_text(encoding="utf-8")

    def site_text(self) -> Iterator[tuple[Path, str]]:
        for path in sorted(self.site.rglob("*")):
            if path.is_file() and path.suffix in (".html", ".json", ".csv", ".svg", ".xml", ".txt"):
                yield path, html.unescape(path.read_text(encoding="utf-8", errors="replace"))


def _files(keyed: bool) -> dict[str, str]:
    files = mini_files()
    files["program.yaml"] = MINI_PROGRAM + (SEALING if keyed else "")
    files["site/mkdocs.yml"] = "extra:\n  rmcode:\n    repository: acme/mentoring\n"
    files["site/docs/faq.md"] = (REPO / "site/docs/faq.md").read_text(encoding="utf-8")
    # ana publishes her name and bio; cleo publishes nothing (her name and bio are markers)
    files["participants/ana.yaml"] = person("ana", 101, skills_offered="[generative-ai]", bio="Ana writes PUBLICBIO",
                                            visibility="{name: public, bio: public}")
    files["participants/cleo.yaml"] = person("cleo", 201, role="mentee", level=5, department="Finance",
                                             skills_wanted="[generative-ai]", name=MARKS["name"], bio=MARKS["bio"])
    files["participants/dan.yaml"] = person("dan", 202, role="mentee", level=4, skills_wanted="[short-video]",
                                            paused=f"{{until: 2026-12-01, reason: {MARKS['pause']}}}")
    files["checkins/ana--cleo/2026-02-10-ana.yaml"] = files["checkins/ana--cleo/2026-02-10-ana.yaml"].replace(
        "topics: [generative-ai]\nrating: 5\ngood_fit: true\n", "topics: [data-literacy]\n")
    return files


def _private_values(root: Path) -> None:
    """The private values, written with the real writers (sealed when the program has keys)."""
    for args in (
        ["log", "--login", "cleo", "--date", "2026-02-11", "--rating", "2", "--notes", MARKS["notes"],
         "--concern", MARKS["concern"]],
        ["survey", "--login", "ana", "--answer", "would-continue=yes", "--answer", f"highlight={MARKS['survey_text']}"],
        ["register", "--login", "ben", "--force", "--self-id", f"generation={MARKS['self_id']}"],
    ):
        result = run(*args[:1], "--root", str(root), "--as-of", AS_OF, "--no-input", *args[1:])
        assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def programs(tmp_path_factory: pytest.TempPathFactory) -> dict[bool, Program]:
    made = {}
    for keyed in (True, False):
        root = tmp_path_factory.mktemp("claims") / "repo"
        root.mkdir()
        git(root, "init", "-q", "-b", "main")
        write_files(root, _files(keyed))
        _private_values(root)
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "program")
        assert run("validate", "--root", str(root), "--as-of", AS_OF).exit_code == 0
        made[keyed] = Program(root, site.build(root, root.parent / "out", _day()).out, keyed)
    return made


def _day() -> dt.date:
    return dt.date.fromisoformat(AS_OF)


# --- the checks ----------------------------------------------------------------------------------

Check = Callable[[dict[bool, Program], Path], None]


def writers_seal_everything_named(programs: dict[bool, Program], tmp: Path) -> None:
    """In the keyed program the writers sealed every private value: the files hold only ciphertext that opens."""
    root = programs[True].root
    checkin = yaml.safe_load((root / "checkins/ana--cleo/2026-02-11-cleo.yaml").read_text(encoding="utf-8"))
    survey = yaml.safe_load((root / "surveys/closing/ana.yaml").read_text(encoding="utf-8"))
    profile = yaml.safe_load((root / "participants/ben.yaml").read_text(encoding="utf-8"))
    assert {f: unseal(checkin[f], KEYS) for f in ("rating", "notes", "concern")} == {
        "rating": 2, "notes": MARKS["notes"], "concern": {"level": "low", "note": MARKS["concern"]}}
    assert unseal(survey["answers"], KEYS) == {"would-continue": True, "highlight": MARKS["survey_text"]}
    assert unseal(profile["self_identification"], KEYS) == {"generation": MARKS["self_id"]}
    for path in root.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        assert not any(MARKS[k] in text for k in ("notes", "concern", "survey_text", "self_id")), path


def plain_text_in_a_sealed_field_is_refused(programs: dict[bool, Program], tmp: Path) -> None:
    """With keys, a plain rating cannot even be committed past validate (RM336)."""
    root = shutil.copytree(programs[True].root, tmp / "copy")
    path = root / "checkins/ana--cleo/2026-02-12-ana.yaml"
    path.write_text("pair: ana--cleo\ndate: 2026-02-12\nauthor: ana\nminutes: 45\nrating: 4\n", encoding="utf-8")
    result = run("validate", "--root", str(root), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert "RM336 rating is sealed in this program but holds plain text" in result.output


def rules_list_what_is_sealed(programs: dict[bool, Program], tmp: Path) -> None:
    """Every term the rules page names is a field sealed_fields seals (and the writers seal it, above)."""
    program = _program(programs[True])
    assert {"rating", "good_fit", "notes", "concern"} <= sealed_fields(program, "checkin")
    assert {"self_identification", "email"} <= sealed_fields(program, "participant")
    assert sealed_fields(program, "survey-response") == {"answers"}
    assert sealed_fields(program, "pair") == {"end_reason"}
    assert {"bio", "title", "location"} <= sealed_fields(program, "participant",
                                                         {"bio": "admins", "title": "admins", "location": "admins"})


def without_keys_values_are_plain(programs: dict[bool, Program], tmp: Path) -> None:
    root = programs[False].root
    checkin = yaml.safe_load((root / "checkins/ana--cleo/2026-02-11-cleo.yaml").read_text(encoding="utf-8"))
    assert (checkin["rating"], checkin["notes"]) == (2, MARKS["notes"])
    never_published(programs, tmp)


def never_published(programs: dict[bool, Program], tmp: Path) -> None:
    """No private value reaches any built file (pages, search index, exports, charts), keys or not."""
    for program in programs.values():
        for path, text in program.site_text():
            for mark in MARKS.values():
                assert mark not in text and mark.lower() not in text.lower(), (path, mark)


def only_public_fields_reach_the_site(programs: dict[bool, Program], tmp: Path) -> None:
    for program in programs.values():
        everything = "".join(text for _, text in program.site_text())
        assert "PUBLICBIO" in everything  # the positive control: what ana made public is there
        assert MARKS["bio"] not in everything and MARKS["name"] not in everything


def small_groups_are_hidden(programs: dict[bool, Program], tmp: Path) -> None:
    assert suppress_cells({"a": 1, "b": 7, "c": 9}, 3)["a"] is None
    report = (programs[False].site / "api/v1/report.json").read_text(encoding="utf-8")
    assert '"department"' in report and '"Finance"' not in report  # cleo is the only Finance person


def sessions_show_only_that_and_when(programs: dict[bool, Program], tmp: Path) -> None:
    pairs = html.unescape(programs[True].page("pairs.html"))
    assert "2026-02-11" in pairs  # the last session's date is shown, nothing of its content
    assert "data-literacy" not in pairs and "Data literacy" not in pairs  # the topic of ana's session
    never_published(programs, tmp)


def issue_forms_ask_for_nothing_sealed(programs: dict[bool, Program], tmp: Path) -> None:
    for form, kind in (("log-session.yml", "checkin"), ("register.yml", "participant")):
        for folder in (REPO / ".github/ISSUE_TEMPLATE", REPO / "src/rmcode/init/template/github/ISSUE_TEMPLATE"):
            ids = {item["id"] for item in yaml.safe_load((folder / form).read_text(encoding="utf-8"))["body"]
                   if "id" in item}
            assert not ids & DEFAULT_SEALED[kind], (folder, form)


def register_form_leaves_out_private_fields(programs: dict[bool, Program], tmp: Path) -> None:
    issue_forms_ask_for_nothing_sealed(programs, tmp)
    form = yaml.safe_load((REPO / ".github/ISSUE_TEMPLATE/register.yml").read_text(encoding="utf-8"))
    assert not {item.get("id") for item in form["body"]} & {"avoid", "paused", "email", "self_identification"}


def from_issue_refuses_sealed_values(programs: dict[bool, Program], tmp: Path) -> None:
    for kind, heading in (("log-session", "Notes"), ("register", "Self-identification"), ("register", "Work email")):
        with pytest.raises(RmcodeError) as caught:
            form_file(kind, f"### Name\n\nAna\n\n### {heading}\n\nsecret\n", "ana", 101,  # type: ignore[arg-type]
                      dt.date(2026, 1, 12))
        assert "RM609" in str(caught.value) and "secret" not in str(caught.value)


def the_page_form_seals_in_the_browser(programs: dict[bool, Program], tmp: Path) -> None:
    """The keyed page's form seals exactly the program's sealed fields to its keys with the vendored age
    code (tests/browser/test_log_form_browser.py drives it in Chromium); the page loads nothing remote."""
    page = programs[True].page("log-session.html")
    form = re.search(r'<div class="rm-log" id="log-form" hidden ([^>]*)>', page)
    assert form is not None
    attrs = {k: html.unescape(v) for k, v in re.findall(r'(data-[a-z-]+)="([^"]*)"', form.group(1))}
    assert attrs["data-recipients"] == f'["{PUBLIC}"]'
    assert attrs["data-sealed"] == '["concern", "good_fit", "notes", "rating"]'
    assert attrs["data-new-url"] == "https://github.com/acme/mentoring/new/main"
    assert '<script src="assets/rmcode/age.js"></script>' in page
    assert (programs[True].site / "assets/rmcode/age.js").stat().st_size > 50_000
    assert not re.search(r'<script[^>]+src="https?:', page)
    assert 'id="log-form"' not in programs[False].page("log-session.html")  # no keys: no form


def self_identification_only_in_counts(programs: dict[bool, Program], tmp: Path) -> None:
    never_published(programs, tmp)
    report = (programs[False].site / "api/v1/report.json").read_text(encoding="utf-8")
    assert "self_identification" not in report


def _program(program: Program) -> Model:
    return api.load_program(program.root, _day()).program


@dataclass(frozen=True)
class Claim:
    where: str  # a built page, or a file of this repository
    keyed: bool | None  # which program's page shows it; None: both / a file
    text: str
    check: Check


CLAIMS: tuple[Claim, ...] = (
    Claim("log-session.html", True, "Ratings, notes and concerns are sealed: encrypted to the program team's keys "
          "before they are written, so only the program team can read them.", writers_seal_everything_named),
    Claim("log-session.html", True, "Ratings, notes and concerns are sealed", plain_text_in_a_sealed_field_is_refused),
    Claim("log-session.html", False, "This program has no keys for sealing yet: ratings, notes and concerns are "
          "written as plain text, readable by everyone with access to the repository (never on this site).",
          without_keys_values_are_plain),
    Claim("log-session.html", None, "The site shows that a session took place and when.",
          sessions_show_only_that_and_when),
    Claim("log-session.html", True, "These answers are sealed here, in your browser: your rating, the "
          "first-session fit answer, notes, a concern.", the_page_form_seals_in_the_browser),
    Claim("log-session.html", True, "only the encrypted text goes to GitHub, where you propose the file as a pull "
          "request: nobody else, your partner included, can read them.", the_page_form_seals_in_the_browser),
    Claim("log-session.html", True, "This way cannot seal anything", issue_forms_ask_for_nothing_sealed),
    Claim("rules.html", None, "You decide, field by field, what appears on this site.",
          only_public_fields_reach_the_site),
    Claim("rules.html", None, "Everything else stays inside the program.", only_public_fields_reach_the_site),
    Claim("rules.html", None, "Free-text answers, session notes, concerns, self-identification answers and pause "
          "reasons are never published.", never_published),
    Claim("rules.html", True, "Sealed for the program team: session ratings, first-session fit answers, session "
          "notes, concerns, survey answers, self-identification answers, email addresses, reasons for ending a "
          "pair.", rules_list_what_is_sealed),
    Claim("rules.html", True, "They are encrypted to the program team's keys (Amy (admin)) before they are "
          "written, so other participants see only encrypted text in the repository.", writers_seal_everything_named),
    Claim("rules.html", True, "A bio, job title or location that a person marks admins is sealed too.",
          rules_list_what_is_sealed),
    Claim("rules.html", False, "This program has no keys for sealing yet: session ratings, notes, concerns, survey "
          "answers and self-identification answers are plain text in the repository, readable by everyone with "
          "access to it.", without_keys_values_are_plain),
    Claim("rules.html", None, "Numbers about groups smaller than 3 people are not shown.", small_groups_are_hidden),
    Claim("dashboard.html", None, "free-text answers are never published.", never_published),
    Claim("downloads.html", None, "The files contain only what the pages show: public fields, public names, and "
          "numbers about groups of at least 3 people.", only_public_fields_reach_the_site),
    Claim("pairs.html", None, "A person's name appears only if they made it public.",
          only_public_fields_reach_the_site),
    Claim("pairs.html", None, "What pairs talk about is never shown on this site.", sessions_show_only_that_and_when),
    Claim("participants.html", None, "Each person decides, field by field, what is public; this page shows only "
          "that.", only_public_fields_reach_the_site),
    Claim("faq.html", None, "Only the fields you mark public in your profile appear on this site.",
          only_public_fields_reach_the_site),
    Claim("faq.html", None, "Everything else stays in the program's repository, never on the site.",
          only_public_fields_reach_the_site),
    Claim("faq.html", None, "Answers to the optional self-identification questions are used only in counts for the "
          "program team, and never published here.", self_identification_only_in_counts),
    Claim("faq.html", None, "Session ratings, notes, concerns, survey answers, self-identification answers and "
          "your email are sealed once the program has set up its keys", writers_seal_everything_named),
    Claim("faq.html", None, "so other participants, your partner included, see only encrypted text.",
          writers_seal_everything_named),
    Claim("faq.html", None, "Until the program lists its keys, they are plain text in the repository, readable by "
          "everyone with access to it.", without_keys_values_are_plain),
    Claim("faq.html", None, "The issue forms never ask for them, because anyone who can read the repository can "
          "read an issue.", issue_forms_ask_for_nothing_sealed),
    Claim("faq.html", None, "A concern you note in a session log is sealed for the program team like your notes",
          writers_seal_everything_named),
    Claim(".github/ISSUE_TEMPLATE/log-session.yml", None, "this form does not ask for a rating, the first-session "
          "fit answer, notes or a concern: those are sealed for the program team.", issue_forms_ask_for_nothing_sealed),
    Claim(".github/ISSUE_TEMPLATE/log-session.yml", None, "The bot refuses an issue that contains them.",
          from_issue_refuses_sealed_values),
    Claim(".github/ISSUE_TEMPLATE/register.yml", None, "This form does not ask for your email or "
          "self-identification: they are sealed for the program team", issue_forms_ask_for_nothing_sealed),
    Claim(".github/ISSUE_TEMPLATE/register.yml", None, "the bot refuses an issue that contains them.",
          from_issue_refuses_sealed_values),
    Claim(".github/ISSUE_TEMPLATE/register.yml", None, "Some fields are not asked here because issues are readable "
          "by everyone with access to the repository: people you must not be paired with, a pause, your email and "
          "the optional self-identification used in aggregate reporting.", register_form_leaves_out_private_fields),
    Claim(".github/ISSUE_TEMPLATE/log-session.yml", None, "of the program's site, which encrypts them in your "
          "browser, or with rmcode log.", the_page_form_seals_in_the_browser),
    Claim("downloads.html", None, "pairs.csv Progress of every pair; names only where the person made them public.",
          only_public_fields_reach_the_site),
    Claim("downloads.html", None, "participation.csv Participants per department, level and role (small groups "
          "left out).", small_groups_are_hidden),
    Claim("downloads.html", None, "participants.csv The public directory: only the fields each person made public.",
          only_public_fields_reach_the_site),
    Claim("downloads.html", None, "participants.json: the public directory", only_public_fields_reach_the_site),
)


def _text_of(where: str, program: Program) -> str:
    """The readable text of a page or file, one space between words, entities decoded."""
    if where.startswith("."):
        raw = (REPO / where).read_text(encoding="utf-8")
        raw = " ".join(str(item.get("attributes", {}).get("value", "")) for item in yaml.safe_load(raw)["body"]
                       if item.get("type") == "markdown")
    else:
        raw = program.page(where)
        raw = raw[raw.index('<article'):raw.index('</article>')] if '<article' in raw else raw
        raw = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", raw, flags=re.DOTALL)
        raw = re.sub(r"<[^>]+>", "", raw)
    return " ".join(html.unescape(raw).replace("`", "").replace("**", "").split())


@pytest.mark.parametrize("claim", CLAIMS, ids=lambda c: f"{c.where}:{c.text[:40]}")
def test_the_claim_is_printed(claim: Claim, programs: dict[bool, Program]) -> None:
    for keyed in ((True, False) if claim.keyed is None else (claim.keyed,)):
        assert claim.text in _text_of(claim.where, programs[keyed]), keyed
    if claim.keyed is not None:  # a sentence for one case never shows in the other
        assert claim.text not in _text_of(claim.where, programs[not claim.keyed])


@pytest.mark.parametrize("check", sorted({c.check for c in CLAIMS}, key=lambda f: f.__name__),
                         ids=lambda f: f.__name__)
def test_the_claim_is_true(check: Check, programs: dict[bool, Program], tmp_path: Path) -> None:
    check(programs, tmp_path)


PRIVACY_WORDS = re.compile(r"\b(seal\w*|encrypt\w*|never|private|readable|public|publish\w*|visible|"
                           r"program team|only)\b", re.IGNORECASE)
PAGES = ("index.html", "rules.html", "participants.html", "pairs.html", "dashboard.html", "join.html",
         "log-session.html", "downloads.html", "faq.html", ".github/ISSUE_TEMPLATE/log-session.yml",
         ".github/ISSUE_TEMPLATE/register.yml")
# sentences with such words that promise nothing about who can read what
NOT_CLAIMS = (
    "Fill in the registration form", "Registration for", "Rename it to your GitHub login", "Only the fields marked",
    "Fill in the form and press the button.", "Fill in what you like; only the fields marked required are needed.",
    "Anyone who can read this repository can read this issue", "Edit this issue to correct a mistake",
    "Everything on this site is also available as data", "Only answers to yes/no, scale and choice questions",
    "Skill ids for", "The link appears here", "The form appears here", "The session form appears here",
    "The links appear here", "Give them on the Log a session page", "Your GitHub login and id are taken from",
    "One issue per session and per person", "(rmcode register --email", "Pairs already approved are never",
    "Some rules are never broken", "Fields that may be public", "what appears on this site",
    "They are encrypted to the program team's keys", "The program rules say which applies here",
    "This form needs JavaScript", "made nothing public", "This is the file GitHub receives", "Propose this file",
    "the Log a session form encrypt them", "In this page, sealed before it leaves your browser",
    "add a rating, notes or a concern with the form above", "counts as stalled, and the program team checks in",
    "Write to the program team",
)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z(])", text) if s.strip()]


@pytest.mark.parametrize("keyed", [True, False])
def test_every_privacy_sentence_is_claimed(keyed: bool, programs: dict[bool, Program]) -> None:
    claims = [c.text for c in CLAIMS if c.keyed in (None, keyed)]
    unclaimed = []
    for where in PAGES:
        for sentence in _sentences(_text_of(where, programs[keyed])):
            if PRIVACY_WORDS.search(sentence) and not any(c in sentence or sentence in c for c in claims) \
                    and not any(n in sentence for n in NOT_CLAIMS):
                unclaimed.append(f"{where}: {sentence}")
    assert unclaimed == [], "\n".join(unclaimed)

