"""Nothing suppressed can be worked back from the built site's pages.

test_privacy.py attacks the JSON API of random programs; this attacks what a reader sees:
random small program repositories are built into real sites (git, the CLI's build, MkDocs),
and every HTML page is read as text: tables, chart alt texts, sentences with totals ("N people
take part", "N groups ... are not shown"), the directory's cards and the pairs tables. From
those a reader bounds every small group they can name (a department or level someone made
public, a role): the total, minus the groups shown, minus what the other hidden groups surely
hold. No bound may pin a group of fewer than ``min_group_size`` people below that size, unless
the directory and the pairs tables alone (every count table taken away) already give it away:
that is what people chose to publish, not a failure of suppression.

Names carry quotes, ampersands and angle brackets, so every page is also checked for text
escaped twice and for each name shown exactly as typed.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI_PROGRAM, SCHEMA_LINE, commit_all, git, person, write_files
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from test_consistency import DOUBLE_ESCAPED
from test_privacy import _upper_bounds

from rmcode.api import site

DEPARTMENTS = ("Sales", "Legal", "IT", "HR", "Finance")
LEVELS = {1: "Associate", 2: "Senior associate", 4: "Director", 5: "Vice president"}
# names a careless template escapes twice or lets through: quotes, ampersands, brackets
NAME_PARTS = ("O'Neil", "Ann & Co", "Zoë", "<b>Bo</b>", "田中", "Dan \"D\"", "Eve")
EXAMPLES = int(os.environ.get("RMCODE_PAGE_ATTACK_EXAMPLES", "6"))  # one site build (~3 s) each

PERSON = st.tuples(st.sampled_from(["mentor", "mentee"]), st.sampled_from(["c1", "c2"]), st.sampled_from(DEPARTMENTS),
                   st.sampled_from([1, 2, 4, 5]), st.frozensets(st.sampled_from(["name", "department", "level"])),
                   st.booleans(), st.sampled_from(NAME_PARTS))


def _program(people: list[tuple[Any, ...]], k: int) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The files of a random program and, for the test only, the truth about each person."""
    program = (MINI_PROGRAM.replace("min_group_size: 3", f"min_group_size: {k}")
               .replace("public_fields: [name, title, department, skills_offered, skills_wanted, bio]",
                        "public_fields: [name, department, level]")
               .replace("    matching: open\n", "    matching: open\n  - id: c2\n    name: Cohort two\n"
                        "    registration: {opens: 2026-01-01, closes: 2026-01-31}\n"
                        "    start: 2026-02-01\n    end: 2026-06-30\n    matching: open\n"))
    files = {"program.yaml": program}
    truth, waiting = [], {"c1": ([], []),
                          "c2": ([], [])}  # type: list[dict[str, Any]], dict[str, tuple[list[str], list[str]]]
    for i, (role, cohort, department, level, public, paired, name) in enumerate(people):
        login = f"p{i:02d}"
        level = (level if level > 2 else level + 3) if role == "mentee" else (level if level <= 2 else level - 3)
        shown = "{" + ", ".join(f"{f}: public" for f in sorted(public)) + "}"
        files[f"participants/{login}.yaml"] = person(
            login, 1000 + i, role=role, level=level, cohort=cohort, department=json.dumps(department),
            name=json.dumps(f"{name} {i}"), visibility=shown,
            skills_offered="[generative-ai]" if role == "mentor" else None,
            skills_wanted="[generative-ai]" if role == "mentee" else None)
        truth.append({"role": role, "cohort": cohort, "department": department, "level": LEVELS[level],
                      "name": f"{name} {i}", "public": public})
        if paired:
            waiting[cohort][0 if role == "mentor" else 1].append(login)
    pairs = [(mentor, mentee, cohort) for cohort, (mentors, mentees) in sorted(waiting.items())
             for mentor, mentee in zip(mentors, mentees)]  # capacity 1: each person in one pair at most
    files["matches.yaml"] = SCHEMA_LINE.format("", "matches") + "pairs:\n" + "".join(
        f"  - {{id: {a}--{b}, cohort: {c}, mentor: {a}, mentee: {b}, status: active, matched: 2026-02-01}}\n"
        for a, b, c in pairs) if pairs else SCHEMA_LINE.format("", "matches") + "pairs: []\n"
    paired = {login for a, b, _ in pairs for login in (a, b)}
    waiting_people = [(f"p{i:02d}", p["cohort"]) for i, p in enumerate(truth) if f"p{i:02d}" not in paired]
    if waiting_people:  # everyone not in a pair waits for a match: the matching page counts them
        files["matches.yaml"] += "unmatched:\n" + "".join(
            f"  - {{login: {login}, cohort: {cohort}, reason: No match found.}}\n" for login, cohort in waiting_people)
    return files, truth


# --- reading the pages as a reader would ------------------------------------------------

class _Page(HTMLParser):
    """A page's article: its text, tables (caption and cell texts), alt texts and directory cards."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.alts: list[str] = []
        self.cards: list[dict[str, Any]] = []
        self._in: list[str] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._card: dict[str, Any] | None = None
        self._field: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag in ("script", "style", "svg"):
            self._in.append(tag)
        elif tag == "img" and a.get("alt") and "rm-theme-light" in classes:
            self.alts.append(a["alt"] or "")  # the dark drawing's alt text is the same sentence
        elif tag == "table":
            self.tables.append(("", []))
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "article" and "rm-person" in classes:
            self._card = {"name": "", "role": "", "cohort": "", "meta": []}
            self.cards.append(self._card)
        if self._card is not None:
            if tag == "h3":
                self._field = "name"
            elif "rm-badge" in classes:
                self._card["role"] = next(c[8:] for c in classes if c.startswith("rm-role-"))
                self._field = None
            elif tag == "p" and "rm-meta" in classes:
                self._card["meta"].append("")
                self._field = "meta"

    def handle_endtag(self, tag: str) -> None:
        if self._in and tag == self._in[-1]:
            self._in.pop()
        elif tag == "caption" and self._caption is not None:
            self.tables[-1] = (" ".join("".join(self._caption).split()), self.tables[-1][1])
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "article":
            self._card = None
        elif tag in ("h3", "p", "span"):
            if self._card is not None and tag == "span" and self._field is None and not self._card["cohort"]:
                self._field = "cohort"
            elif tag != "span":
                self._field = None

    def handle_data(self, data: str) -> None:
        if self._in:
            return
        self.text.append(data)
        for buffer in (self._cell, self._caption):
            if buffer is not None:
                buffer.append(data)
        if self._card is not None and self._field == "name":
            self._card["name"] += data
        elif self._card is not None and self._field == "cohort":
            self._card["cohort"] += data
        elif self._card is not None and self._field == "meta":
            self._card["meta"][-1] += data


def _read_site(out: Path) -> dict[str, _Page]:
    pages = {}
    for path in sorted(out.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        start, end = html.find("<article"), html.rfind("</article>")
        page = _Page()
        page.feed(html[start:end] if start >= 0 else html)
        pages[path.relative_to(out).as_posix()] = page
    return pages


def _count(cell: str) -> int | None:
    return int(cell) if re.fullmatch(r"\d+", cell) else None


def _published(pages: dict[str, _Page], groups: dict[str, set[str]]) -> dict[str, Any]:
    """Everything about group sizes a reader can take from the pages' text."""
    counts: dict[str, dict[str, list[tuple[str, int]]]] = {dim: {} for dim in groups}

    def note(label: str, n: int, where: str) -> None:
        for dim, names in groups.items():
            if label in names:
                counts[dim].setdefault(label, []).append((where, n))

    totals: set[int] = set()
    hidden_groups: dict[str, int] = {}
    for name, page in pages.items():
        text = " ".join(" ".join(page.text).split())
        totals |= {int(n) for n in re.findall(r"(?<!Fewer than )\b(\d+) (?:people take|person takes) part", text)}
        for dim in groups:  # "Participants by level ... 2 groups with fewer than 3 people are not shown"
            for section in text.split(f"Participants by {dim}")[1:]:
                section = re.split(r"Participants by \w+", section)[0]
                found = re.search(r"\b(\d+) groups? with fewer than", section)
                if found:
                    hidden_groups[dim] = int(found.group(1))
        for _caption, rows in page.tables:
            for row in rows:
                numbers = [n for n in map(_count, row[1:]) if n is not None]
                if row and len(numbers) == 1:
                    note(row[0], numbers[0], f"{name} table")
        for alt in page.alts:  # "Bar chart of participants by department: Sales 5, Legal 3."
            for label, n in re.findall(r"(?:: |, )([^:,]+?) (\d+)(?=, |\.$)", alt):
                note(label, int(n), f"{name} alt text")
    directory = pages["participants.html"]
    text = " ".join(" ".join(directory.text).split())
    unlisted = re.search(r"(\d+) (?:person has|people have) made nothing public", text)
    unlisted_unsaid = "People who made nothing public are counted but not listed" in text
    pairs = []
    for caption, rows in pages["pairs.html"].tables:
        if caption.startswith("Pairs of "):
            pairs += [(caption[len("Pairs of "):], row[1], row[2]) for row in rows[1:]]
    matching = " ".join(" ".join(pages["matching.html"].text).split())
    waiting = re.search(r"(?<!fewer than )\b(\d+) (?:people are|person is) waiting for a match", matching)
    return {"waiting": int(waiting.group(1)) if waiting else None,
            "waiting_hidden": "people are waiting for a match" in matching and not waiting,
            "counts": counts, "total": totals, "hidden_groups": hidden_groups, "cards": directory.cards,
            "unlisted": int(unlisted.group(1)) if unlisted else None if unlisted_unsaid else 0, "pairs": pairs}


def _card_value(card: dict[str, Any], dim: str) -> str | None:
    if dim == "role":
        return str(card["role"])
    for line in card["meta"]:
        line = " ".join(line.split())
        if dim == "level" and line.startswith("Level: "):
            return line[len("Level: "):].split(" · ")[0]
        if dim == "department" and not line.startswith(("Level: ", "Languages: ")):
            return line
    return None


def _attack(published: dict[str, Any], k: int, truth: dict[str, Counter[str]], *, tables: bool = True) -> set[str]:
    """Every small group a reader can pin below ``k`` (``tables=False``: with every count table
    and alt text taken away, what the directory and the pairs tables give away on their own)."""
    found: set[str] = set()
    if not published["total"]:
        return found  # no total, nothing to subtract from
    (total,) = published["total"]
    for dim, counts in published["counts"].items():
        shown = {g: seen[0][1] for g, seen in counts.items()} if tables else {}
        floors = Counter(v for v in (_card_value(c, dim) for c in published["cards"]) if v)
        if dim == "role":  # every listed pair has its own mentee and at least one mentor
            per_cohort = Counter(cohort for cohort, _, _ in published["pairs"])
            floors["mentee"] = max(floors["mentee"], sum(per_cohort.values()))
            floors["mentor"] = max(floors["mentor"], min(1, len(published["pairs"])))
        hidden = {g: n for g, n in floors.items() if g not in shown}
        unnamed = max(0, published["hidden_groups"].get(dim, 0) - len(hidden)) if tables else 0
        for group, bound in _upper_bounds(total, shown, hidden, unnamed).items():
            if 0 < truth[dim][group] < k and bound < k:
                found.add(f"{dim}: {group} is at most {bound} (truly {truth[dim][group]})")
    return found


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(PERSON, min_size=2, max_size=14), st.integers(2, 4))
def test_no_page_gives_a_suppressed_count_back(tmp_path_factory: pytest.TempPathFactory,
                                                people: list[tuple[Any, ...]], k: int) -> None:
    files, people_truth = _program(people, k)
    root = tmp_path_factory.mktemp("attack") / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write_files(root, files)
    commit_all(root)
    out = site.build(root, root.parent / "site-out").out
    pages = _read_site(out)
    truth = {dim: Counter(p[dim] for p in people_truth) for dim in ("department", "level", "role")}
    published = _published(pages, {dim: set(c) for dim, c in truth.items()})

    # every figure shown is true, agrees wherever it is shown, and no small group is shown
    # the number of people is shown where it is at least k, and nowhere else
    assert published["total"] == ({len(people_truth)} if len(people_truth) >= k else set())
    for dim, counts in published["counts"].items():
        for group, seen in counts.items():
            assert {n for _, n in seen} == {truth[dim][group]}, (dim, group, seen)
            assert truth[dim][group] >= k, f"{dim}: {group} ({truth[dim][group]}) shown in {seen[0][0]}"
    # the reader's facts are really read: the directory's cards and the pairs tables
    unlisted = len(people_truth) - len(published["cards"])
    assert published["unlisted"] == (None if unlisted and len(people_truth) < k else unlisted)
    assert len(published["pairs"]) == files["matches.yaml"].count("- {id:")
    # the people waiting for a match are counted like any group: said from k on, "fewer than k" below
    unmatched = len(people_truth) - 2 * len(published["pairs"])
    assert (published["waiting"], published["waiting_hidden"]) == (
        (None, True) if 0 < unmatched < k else (unmatched or None, False))
    leaks = _attack(published, k, truth) - _attack(published, k, truth, tables=False)
    assert leaks == set()

    # names with quotes, ampersands and brackets show as typed, and nothing is escaped twice
    text = {name: " ".join(" ".join(p.text).split()) for name, p in pages.items()}
    for name, page_text in text.items():
        assert not DOUBLE_ESCAPED.search(page_text), (name, DOUBLE_ESCAPED.search(page_text))
        assert not any(DOUBLE_ESCAPED.search(alt) for alt in pages[name].alts), name
    listed = {" ".join(c["name"].split()) for c in published["cards"]} - {"A mentor", "A mentee"}
    assert listed == {p["name"] for p in people_truth if "name" in p["public"]}
