#!/usr/bin/env python3
"""Write the demo program (rm-2026 at Northwind Group) into the repository root.

The demo is the embedded default that `rmcode build` shows, so it has to look real:
two cohorts, 49 people across departments, levels, time zones and languages, pairs with
score breakdowns, check-ins (on track, behind, stalled, ended) and survey answers.

Deterministic: fixed seed and iteration order, so running it again rewrites identical
files. Pure stdlib + PyYAML.  Usage: .venv/bin/python scripts/make_demo.py [ROOT]
"""

from __future__ import annotations

import random
import re
import sys
import textwrap
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from rmcode.load.loader import load_bytes
from rmcode.sealing import JsonValue, Keyring, SealError, is_sealed, parse_identities, seal, unseal
from rmcode.validate.sealed import Target, sealed_targets, value_at

Doc = dict[str, Any]
# The demo's values are sealed to a key whose secret is committed on purpose (demo-only.key): DEMO ONLY,
# so that tests and the demo site can open them. A real program never commits a key (docs/sealing.md).
DEMO_KEY = Path(__file__).resolve().parents[1] / "demo-only.key"


def demo_public() -> str:
    found = re.search(r"# public key: (age1\w+)", DEMO_KEY.read_text(encoding="utf-8"))
    assert found, f"{DEMO_KEY} has no '# public key:' line"
    return found[1]
SEED = 2026
REF_MONDAY = date(2026, 11, 2)  # availability is compared in this week
STR_TAG = "tag:yaml.org,2002:str"


class Dumper(yaml.SafeDumper):
    """Block style, indented lists, never anchors/aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _represent_str(dumper: Dumper, text: str) -> yaml.ScalarNode:
    if is_sealed(text):  # the armor of a sealed value, as rmcode seal writes it
        return dumper.represent_scalar(STR_TAG, text, style="|")
    # Double-quote anything a YAML reader could take for something else (dates, yes/no, ...).
    style = '"' if dumper.resolve(yaml.ScalarNode, text, (True, False)) != STR_TAG else None
    return dumper.represent_scalar(STR_TAG, text, style=style)


Dumper.add_representer(str, _represent_str)


def dump(data: Any) -> str:
    return yaml.dump(data, Dumper=Dumper, sort_keys=False, allow_unicode=True, width=92)


# --- program data ----------------------------------------------------------------------
# id, name, description, mentee learning goal "id: text", practice task used in next steps
SKILLS: list[tuple[str, str, str, str, str]] = [
    ("generative-ai", "Generative AI", "Using AI assistants to draft, summarise and analyse everyday work.",
     "ai-weekly: Use an AI assistant for real work every week", "draft the next team update with an AI assistant"),
    ("prompt-engineering", "Prompt engineering", "Writing prompts that give reliable, checkable answers.",
     "prompt-library: Build a small prompt library for my team", "rewrite three prompts with role, context and format"),
    ("short-video", "Short video",
     "Planning, filming and editing short vertical videos for internal and external channels.",
     "first-short: Publish a 60-second video about my area", "film a 60-second intro on a phone and edit it"),
    ("social-media", "Social media",
     "How people under 30 find, share and judge content on LinkedIn, TikTok and Instagram.",
     "own-voice-online: Post on LinkedIn in my own voice twice a month", "draft two LinkedIn posts and compare reach"),
    ("remote-collaboration", "Remote collaboration",
     "Async-first habits, chat etiquette and running hybrid meetings well.",
     "async-team: Replace one weekly meeting with an async update", "replace one status meeting with a written update"),
    ("data-literacy", "Data literacy", "Reading dashboards critically and asking good questions of data.",
     "read-dashboards: Read our sales dashboards without an analyst", "rebuild one dashboard question in a notebook"),
    ("no-code-automation", "No-code automation", "Automating routine work with low-code flows and spreadsheets.",
     "automate-one-task: Automate one recurring task of my office", "map one weekly task and automate its first step"),
    ("cybersecurity-hygiene", "Cybersecurity hygiene",
     "Passkeys, phishing, deepfakes and safe sharing for busy people.",
     "passkeys-everywhere: Move my accounts to passkeys", "switch two accounts to passkeys"),
    ("gen-z-workplace", "Gen Z at work", "What the newest generation expects from work, managers and employers.",
     "understand-gen-z: Understand what keeps Gen Z talent with us", "ask three new joiners what made them join"),
    ("inclusive-leadership", "Inclusive leadership", "Leading so that every voice is heard, in the room and online.",
     "inclusive-meetings: Run meetings where every voice is heard", "rotate the chair in the next staff meeting"),
    ("accessibility", "Accessibility", "Making documents, slides, videos and tools usable by everyone.",
     "accessible-slides: Make all my presentations accessible", "run the accessibility checker on the last deck"),
    ("open-source", "Open source", "How open-source communities work and why engineers care about them.",
     "open-source-basics: Explain our open-source policy to my team", "read one project's contributing guide"),
    ("cloud-basics", "Cloud basics", "The vocabulary and economics of cloud services, without the jargon.",
     "cloud-costs: Follow a cloud cost discussion without a translator",
     "read last month's cloud bill with the mentor"),
    ("agile-ways-of-working", "Agile ways of working", "Small batches, retrospectives and visible work.",
     "run-a-retro: Run a retrospective with my leadership team", "hold a 30-minute retro with the leadership team"),
]
SKILL_NAME = {s[0]: s[1] for s in SKILLS}
PRACTICE = {s[0]: s[4] for s in SKILLS}
LEARN_GOAL = {s[0]: tuple(s[3].split(": ", 1)) for s in SKILLS}
GROW_GOALS = [("exec-visibility", "Present my own work to a senior leadership audience"),
              ("strategic-view", "Understand how strategy decisions are made at the top"),
              ("cross-team-network", "Build a network outside my own department"),
              ("coaching-skills", "Practise coaching experienced colleagues"),
              ("business-acumen", "Read a P&L and understand what drives it"),
              ("career-plan", "Write a two-year career plan with a senior sponsor")]
DEPT_SKILLS = {
    "Engineering": ["cloud-basics", "open-source", "cybersecurity-hygiene", "generative-ai"],
    "Marketing": ["short-video", "social-media", "generative-ai", "accessibility"],
    "Sales": ["social-media", "no-code-automation", "remote-collaboration", "prompt-engineering"],
    "Finance": ["data-literacy", "no-code-automation", "prompt-engineering"],
    "People & Culture": ["inclusive-leadership", "gen-z-workplace", "accessibility", "remote-collaboration"],
    "Operations": ["no-code-automation", "data-literacy", "agile-ways-of-working"],
    "Customer Success": ["generative-ai", "remote-collaboration", "social-media", "accessibility"],
}
WANT_POOL = ["generative-ai"] * 4 + ["prompt-engineering", "short-video", "social-media"] * 2 + [
    s[0] for s in SKILLS if s[0] not in ("generative-ai", "prompt-engineering", "short-video", "social-media")]
QUESTIONS = [("async-first", "I prefer written, asynchronous updates to meetings."),
             ("structured", "I like sessions with a clear agenda and written follow-ups."),
             ("direct-feedback", "I prefer direct, candid feedback."),
             ("hands-on", "I learn best by trying things rather than reading about them.")]
WEIGHTS = {"skills": 0.35, "working_style": 0.2, "cross_department": 0.15, "timezone": 0.1,
           "availability": 0.15, "preferences": 0.05}
ZONES = {"BER": ("Europe/Berlin", "Berlin"), "NYC": ("America/New_York", "New York"),
         "SIN": ("Asia/Singapore", "Singapore"), "KOL": ("Asia/Kolkata", "Bengaluru"),
         "SAO": ("America/Sao_Paulo", "São Paulo"), "LON": ("Europe/London", "London"),
         "LAG": ("Africa/Lagos", "Lagos"), "TYO": ("Asia/Tokyo", "Tokyo"),
         "SYD": ("Australia/Sydney", "Sydney"), "LAX": ("America/Los_Angeles", "Los Angeles")}
COHORTS = {"A": "2026-autumn", "S": "2027-spring"}

# login | name | role | cohort | level | department | zone | languages | title | manager | gender
PEOPLE = """
stefan-hoffmann|Stefan Hoffmann|mentee|A|8|Engineering|BER|de en|Executive VP Engineering|-|m
ananya-iyer|Ananya Iyer|mentee|A|7|Engineering|KOL|en hi|VP Platform Engineering|stefan-hoffmann|w
rachel-goldberg|Rachel Goldberg|mentee|A|6|Engineering|NYC|en es|Director Cloud Infrastructure|ananya-iyer|w
catherine-moreau|Catherine Moreau|mentee|A|8|Marketing|LON|fr en|Executive VP Marketing and Brand|-|w
jose-martinez|José Martínez|mentee|A|7|Marketing|LAX|es en|VP Growth Marketing|catherine-moreau|m
hannah-schmidt|Hannah Schmidt|mentee|A|6|Marketing|BER|de en|Director Brand Communications|catherine-moreau|w
richard-hale|Richard Hale|mentee|A|8|Sales|NYC|en|Executive VP Global Sales|-|m
takeshi-yamamoto|Takeshi Yamamoto|mentee|A|7|Sales|TYO|ja en|VP Sales Asia Pacific|richard-hale|m
fernanda-ribeiro|Fernanda Ribeiro|mentee|A|7|Sales|SAO|pt es en|VP Sales Latin America|richard-hale|w
olivia-grant|Olivia Grant|mentee|A|6|Sales|SYD|en|Director Enterprise Accounts ANZ|takeshi-yamamoto|w
adebayo-adeyemi|Adebayo Adeyemi|mentee|A|8|Finance|LAG|en yo|Executive VP Finance|-|m
margaret-chen|Margaret Chen|mentee|A|6|Finance|SIN|en zh|Director Financial Planning|adebayo-adeyemi|w
philippe-laurent|Philippe Laurent|mentee|A|7|Finance|LON|fr en|VP Group Controlling|adebayo-adeyemi|m
susan-whitfield|Susan Whitfield|mentee|A|7|People & Culture|LON|en|VP People and Culture|-|w
rajesh-menon|Rajesh Menon|mentee|A|6|People & Culture|KOL|en hi ta|Director Talent Development|susan-whitfield|m
klaus-richter|Klaus Richter|mentee|A|8|Operations|BER|de en|Executive VP Operations|-|m
ingrid-larsen|Ingrid Larsen|mentee|A|6|Operations|LON|en no|Director Logistics Europe|klaus-richter|w
michael-brennan|Michael Brennan|mentee|A|7|Customer Success|LAX|en|VP Customer Success|-|m
kenji-watanabe|Kenji Watanabe|mentee|A|6|Customer Success|TYO|ja en|Director Customer Support Japan|michael-brennan|m
lukasz-nowak|Łukasz Nowak|mentor|A|3|Engineering|BER|pl en de|Senior Software Engineer|jonas-weber|m
jonas-weber|Jonas Weber|mentor|A|4|Engineering|BER|de en|Engineering Team Lead|rachel-goldberg|m
aarav-sharma|Aarav Sharma|mentor|A|2|Engineering|KOL|en hi|Software Engineer|ananya-iyer|m
mei-lin-tan|Mei Lin Tan|mentor|A|1|Engineering|SIN|en zh ms|Graduate Engineer, Data Platform|-|w
zoe-clarke|Zoë Clarke|mentor|A|2|Marketing|LON|en fr|Social Media Specialist|hannah-schmidt|x
lucas-oliveira|Lucas Oliveira|mentor|A|1|Marketing|SAO|pt en es|Short-Video Content Creator|jose-martinez|m
camille-dubois|Camille Dubois|mentor|A|3|Marketing|LON|fr en|Marketing Analyst|hannah-schmidt|w
yuki-sato|Yuki Sato|mentor|A|2|Sales|TYO|ja en|Inside Sales Representative|takeshi-yamamoto|w
beatriz-souza|Beatriz Souza|mentor|A|1|Sales|SAO|pt en|Sales Development Representative|fernanda-ribeiro|w
jack-wilson|Jack Wilson|mentor|A|3|Sales|SYD|en|Account Executive|olivia-grant|m
emily-carter|Emily Carter|mentor|A|4|Sales|NYC|en|Sales Operations Lead|-|w
chidi-okafor|Chidi Okafor|mentor|A|2|Finance|LAG|en ig|Financial Analyst|-|m
grace-liu|Grace Liu|mentor|A|3|Finance|SIN|en zh|Senior Financial Analyst|margaret-chen|w
aisha-bello|Aisha Bello|mentor|A|1|People & Culture|LAG|en ha fr|HR Associate|-|w
priya-nair|Priya Nair|mentor|A|2|People & Culture|KOL|en hi ml|Learning Experience Designer|rajesh-menon|w
misaki-tanaka|田中 美咲|mentor|A|3|Operations|TYO|ja en|Process Automation Specialist|-|w
marcus-johnson|Marcus Johnson|mentor|A|1|Customer Success|LAX|en es|Customer Support Specialist|noah-thompson|m
noah-thompson|Noah Thompson|mentor|A|4|Customer Success|LAX|en|Support Team Lead|michael-brennan|m
sabine-keller|Sabine Keller|mentee|S|7|Finance|BER|de en|VP Treasury|adebayo-adeyemi|w
daniel-kim|Daniel Kim|mentee|S|6|Engineering|LAX|en ko|Director Security Engineering|stefan-hoffmann|m
amara-nwosu|Amara Nwosu|mentee|S|6|Customer Success|LAG|en ig|Director Customer Experience EMEA|michael-brennan|w
hiroshi-kato|Hiroshi Kato|mentee|S|8|Operations|TYO|ja en|Executive VP Asia Pacific|-|m
isabel-fernandes|Isabel Fernandes|mentee|S|7|Marketing|SAO|pt es en|VP Marketing Latin America|catherine-moreau|w
william-foster|William Foster|mentee|S|6|Sales|LON|en|Director Channel Partners|richard-hale|m
sofia-ramirez|Sofía Ramírez|mentor|S|2|Marketing|NYC|es en|Community Manager|jose-martinez|w
kwame-mensah|Kwame Mensah|mentor|S|1|Engineering|LON|en tw|Junior Data Engineer|jonas-weber|m
ravi-patel|Ravi Patel|mentor|S|3|Finance|KOL|en hi gu|Senior Analyst, FP&A|margaret-chen|m
emma-johansson|Emma Johansson|mentor|S|2|People & Culture|BER|en sv de|Employer Brand Specialist|susan-whitfield|w
tunde-bakare|Tunde Bakare|mentor|S|3|Operations|LAG|en yo|Automation Engineer|ingrid-larsen|m
haruto-suzuki|Haruto Suzuki|mentor|S|1|Sales|TYO|ja en|Sales Associate|takeshi-yamamoto|m
"""
# Approved autumn pairs (mentor mentee); Zoë takes two mentees (capacity 2).
PAIRS = """
jonas-weber klaus-richter|emily-carter michael-brennan|noah-thompson jose-martinez
aarav-sharma rajesh-menon|priya-nair ananya-iyer|grace-liu olivia-grant|jack-wilson margaret-chen
yuki-sato kenji-watanabe|misaki-tanaka takeshi-yamamoto|mei-lin-tan hannah-schmidt
zoe-clarke susan-whitfield|zoe-clarke ingrid-larsen|camille-dubois philippe-laurent
chidi-okafor catherine-moreau|aisha-bello adebayo-adeyemi|lucas-oliveira fernanda-ribeiro
beatriz-souza rachel-goldberg|marcus-johnson richard-hale
"""
MUST_PAIR, BLOCK = ("kwame-mensah", "william-foster"), ("tunde-bakare", "amara-nwosu")
# Spring people who get a shared weekly slot, so that `rmcode match` has real options.
SPRING_LINKS = [MUST_PAIR, ("sofia-ramirez", "daniel-kim"), ("ravi-patel", "amara-nwosu"),
                ("emma-johansson", "sabine-keller"), ("haruto-suzuki", "hiroshi-kato")]
PREFER = {"susan-whitfield": ["zoe-clarke"], "aarav-sharma": ["rajesh-menon"], "sofia-ramirez": ["isabel-fernandes"],
          "emma-johansson": ["sabine-keller"], "hiroshi-kato": ["haruto-suzuki"]}
ENDED = "noah-thompson--jose-martinez"
STALLED = "aisha-bello--adebayo-adeyemi"
LOW_RATINGS, CONCERN, NO_SHOW = ("emily-carter--michael-brennan", "jack-wilson--margaret-chen",
                                 "yuki-sato--kenji-watanabe")
MENTOR_ONLY, NOTE_PAIR = "marcus-johnson--richard-hale", "priya-nair--ananya-iyer"
FIXED_DATES = {STALLED: ["2026-09-25", "2026-10-06"], ENDED: ["2026-09-29", "2026-10-13"],
               "beatriz-souza--rachel-goldberg": ["2026-10-13", "2026-11-10"],
               "misaki-tanaka--takeshi-yamamoto": ["2026-11-04"],
               "mei-lin-tan--hannah-schmidt": ["2026-10-01", "2026-11-12"]}
HOBBIES = ["Films cooking shorts at the weekend.", "Plays bass in a band that rehearses on Thursdays.",
           "Runs the monthly R&D lunch & learn.", "Volunteers as a coding coach for teenagers.",
           "Trains for a first half marathon.", "Streams board-game nights with friends abroad.",
           "Restores old film cameras.", "Hosts a small podcast about careers in tech."]
LEAD = ["Has led teams through three reorganisations and wants fresh eyes on the next one.",
        "Believes the best ideas in the company come from people who joined last year.",
        "Spends too much time in meetings and wants to learn how younger teams work async.",
        "Wants to understand how customers under 30 discover and judge the brand."]


def first_name(name: str) -> str:
    return name.split()[-1] if ord(name[0]) > 0x3000 else name.split()[0]  # 田中 美咲 -> 美咲


def phrase(skill: str) -> str:
    name = SKILL_NAME[skill]
    return name if name.startswith("Gen Z") else name[0].lower() + name[1:]  # mid-sentence form


def listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def taxonomy_order(ids: set[str]) -> list[str]:
    return [s[0] for s in SKILLS if s[0] in ids]


# --- availability ----------------------------------------------------------------------
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
SLOT = re.compile(r"(\w{3}) (\d\d):(\d\d)-(\d\d):(\d\d)")


def slot(day: int, start: int, end: int) -> str:
    return f"{DAYS[day]} {start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def convert(day: int, minute: int, src: str, dst: str) -> tuple[int, int]:
    """A local weekday/minute in zone src, as weekday/minute in zone dst (reference week)."""
    when = datetime.combine(REF_MONDAY + timedelta(days=day), time(minute // 60, minute % 60), ZoneInfo(src))
    there = when.astimezone(ZoneInfo(dst))
    return there.weekday(), there.hour * 60 + there.minute


def utc_spans(person: Doc) -> list[tuple[float, float]]:
    spans = []
    for text in person["availability"]:
        d, h1, m1, h2, m2 = SLOT.fullmatch(text).groups()  # type: ignore[union-attr]
        base = datetime.combine(REF_MONDAY + timedelta(days=DAYS.index(d)), time(), ZoneInfo(person["timezone"]))
        origin = base.timestamp() / 60
        spans.append((origin + int(h1) * 60 + int(m1), origin + int(h2) * 60 + int(m2)))
    return spans


def overlap_hours(a: Doc, b: Doc) -> float:
    week = 7 * 24 * 60
    return sum(max(0.0, min(e1, e2 + k) - max(s1, s2 + k)) for s1, e1 in utc_spans(a) for s2, e2 in utc_spans(b)
               for k in (-week, 0, week)) / 60


def link(rng: random.Random, mentee: Doc, mentor: Doc) -> None:
    """Give both a shared weekly slot: 2 h for the mentee, the same hours +-30 min for the mentor."""
    cands = [(d, h * 60) for d in range(5) for h in range(8, 17)]
    rng.shuffle(cands)
    used = {s[:3] for s in mentee["availability"] + mentor["availability"]}
    for d, m in cands:
        md, mm = convert(d, m, mentee["timezone"], mentor["timezone"])
        if md < 5 and 7 * 60 + 30 <= mm - 30 and mm + 150 <= 20 * 60 and {DAYS[d], DAYS[md]}.isdisjoint(used):
            mentee["availability"].append(slot(d, m, m + 120))
            mentor["availability"].append(slot(md, mm - 30, mm + 150))
            return
    raise ValueError(f"no shared slot for {mentor['login']} and {mentee['login']}")


def add_free_slots(rng: random.Random, person: Doc) -> None:
    free = [d for d in range(5) if DAYS[d] not in {s[:3] for s in person["availability"]}]
    for d in sorted(rng.sample(free, rng.randint(1, 2))):
        start = rng.randint(16, 32) * 30
        person["availability"].append(slot(d, start, start + rng.choice([60, 90, 120])))
    person["availability"].sort(key=lambda s: (DAYS.index(s[:3]), s[4:]))


# --- participants ----------------------------------------------------------------------
ORDER = ["login", "github_id", "name", "role", "cohort", "registered", "title", "level", "department", "manager",
         "location", "timezone", "languages", "skills_offered", "skills_wanted", "goals", "working_style",
         "availability", "capacity", "paused", "avoid", "prefer", "bio", "visibility", "self_identification"]
VISIBLE = ["name", "title", "level", "department", "manager", "location", "timezone", "languages",
           "skills_offered", "skills_wanted", "goals", "bio"]
GENERATIONS = {1: ["gen-z"], 2: ["gen-z"], 3: ["gen-z", "millennial"], 4: ["millennial"],
               6: ["millennial", "gen-x"], 7: ["gen-x"], 8: ["gen-x", "baby-boomer"]}
GENDERS = {"w": "woman", "m": "man", "x": "non-binary"}


def pair_list() -> list[tuple[str, str]]:
    return [(a, b) for item in PAIRS.replace("\n", "|").split("|") if item for a, b in [item.split()]]


def visibility(rng: random.Random, p: Doc) -> Doc | None:
    if p["login"] == "chidi-okafor":
        return None  # nothing set: every field stays at the default, program
    if p["login"] == "hiroshi-kato":
        return {f: "program" for f in VISIBLE if p.get(f)}
    public = {"name", "title", "department", "skills_offered" if p["role"] == "mentor" else "skills_wanted", "bio"}
    if rng.random() < 0.5:
        public.add("level")
    if rng.random() < 0.6:
        public |= {"location", "timezone", "languages"}
    if rng.random() < 0.3:
        public.add("goals")
    vis = {f: "public" for f in public}
    if p["login"] == "rajesh-menon" or rng.random() < 0.15:
        vis["bio"] = "program"
    if p.get("manager") and rng.random() < 0.25:
        vis["manager"] = "admins"
    return {f: vis[f] for f in VISIBLE if f in vis}


def _profile(rng: random.Random, row: list[str], github_id: int) -> Doc:
    login, name, role, co, level, dept, zone, langs, title, manager, gender = row
    opens = date(2026, 8, 17) if co == "A" else date(2026, 11, 3)  # spring: registered in November
    registered = opens + timedelta(days=rng.randint(0, 27 if co == "A" else 21))
    tz, city = ZONES[zone]
    return {"login": login, "github_id": github_id, "name": name, "role": role, "cohort": COHORTS[co],
            "registered": registered.isoformat(), "title": title, "level": int(level), "department": dept,
            "manager": None if manager == "-" else manager, "location": city, "timezone": tz,
            "languages": langs.split(), "availability": [], "_gender": gender}


def _assign_skills(rng: random.Random, people: dict[str, Doc]) -> None:
    """Mentees want 2-3 skills; a paired mentor offers most of their mentee's (one only for the ended pair)."""
    for p in people.values():
        if p["role"] == "mentee":
            wanted: set[str] = set()
            size = rng.choice([2, 3, 3])
            while len(wanted) < size:
                wanted.add(rng.choice(WANT_POOL))
            p["skills_wanted"] = taxonomy_order(wanted)
            p["goals"] = {"learn": [dict(zip(("id", "text"), LEARN_GOAL[s])) for s in p["skills_wanted"][:2]]}
    for login, p in people.items():
        if p["role"] == "mentor":
            offered = set(rng.sample(DEPT_SKILLS[p["department"]], 2))
            for mentee in (b for a, b in pair_list() + SPRING_LINKS if a == login):
                theirs: list[str] = people[mentee]["skills_wanted"]
                n = 1 if f"{login}--{mentee}" == ENDED else rng.randint(len(theirs) - 1, len(theirs))
                offered |= set(rng.sample(theirs, n))
            if rng.random() < 0.4:
                offered.add("gen-z-workplace")
            p["skills_offered"] = taxonomy_order(offered)
            p["goals"] = {"grow": [{"id": g, "text": t} for g, t in rng.sample(GROW_GOALS, 2)]}
        p["working_style"] = {q: rng.randint(1, 5) for q, _ in QUESTIONS}


def _describe(rng: random.Random, p: Doc) -> None:
    first, skills = first_name(p["name"]), [phrase(s) for s in p.get("skills_offered") or p["skills_wanted"]]
    if p["role"] == "mentor":
        article = "an" if p["title"][0] in "AEIOU" else "a"
        p["bio"] = (f"{first} works as {article} {p['title']} in {p['department']}, based in {p['location']}. "
                    f"{rng.choice(HOBBIES)} Happy to help with {listing(skills[:3])}.")
    else:
        p["bio"] = (f"{first} is {p['title']}, based in {p['location']}. {rng.choice(LEAD)} "
                    f"Wants to get hands-on with {listing(skills)}.")
    if p["login"] == "rajesh-menon":
        p["bio"] += " Planning a sabbatical next year; please keep that within the program. PRIVATE-BIO-MARKER"
    p["visibility"] = visibility(rng, p)
    if rng.random() < 0.5:
        p["self_identification"] = {"gender": GENDERS[p["_gender"]], "generation": rng.choice(GENERATIONS[p["level"]])}


def build_people(rng: random.Random) -> dict[str, Doc]:
    rows = [line.split("|") for line in PEOPLE.strip().splitlines()]
    ids = rng.sample(range(1_000_000, 160_000_000), len(rows))
    people = {row[0]: _profile(rng, row, gid) for row, gid in zip(rows, ids)}
    _assign_skills(rng, people)
    for mentor, mentee in pair_list() + SPRING_LINKS:
        link(rng, people[mentee], people[mentor])
    people["zoe-clarke"]["capacity"] = 2
    people["daniel-kim"]["avoid"] = ["emma-johansson"]
    people["isabel-fernandes"]["paused"] = {"until": "2027-01-15", "reason": "Parental leave until mid-January."}
    for login, prefs in PREFER.items():
        people[login]["prefer"] = prefs
    for p in people.values():
        add_free_slots(rng, p)
        _describe(rng, p)
    return {login: {k: p[k] for k in ORDER if p.get(k) is not None} for login, p in people.items()}


# --- matches ---------------------------------------------------------------------------
def utc_offset(person: Doc) -> float:
    offset = datetime.combine(REF_MONDAY, time(12), ZoneInfo(person["timezone"])).utcoffset()
    return offset.total_seconds() / 3600 if offset else 0.0


def score(mentor: Doc, mentee: Doc) -> tuple[float, Doc, str]:
    wanted = mentee["skills_wanted"]
    covered = [s for s in wanted if s in mentor["skills_offered"]]
    style_gap = sum(abs(mentor["working_style"][q] - mentee["working_style"][q]) for q, _ in QUESTIONS)
    tz_gap, hours = abs(utc_offset(mentor) - utc_offset(mentee)), overlap_hours(mentor, mentee)
    prefers = mentee["login"] in mentor.get("prefer", []) or mentor["login"] in mentee.get("prefer", [])
    cross = mentor["department"] != mentee["department"]
    values = {"skills": len(covered) / len(wanted), "working_style": 1 - style_gap / (4 * len(QUESTIONS)),
              "cross_department": float(cross), "timezone": max(0.0, 1 - tz_gap / 12),
              "availability": min(1.0, hours / 4), "preferences": float(prefers)}
    breakdown = {k: round(WEIGHTS[k] * v, 3) for k, v in values.items()}
    reason = (f"Covers {len(covered)} of {len(wanted)} wanted skills ({', '.join(covered)}); "
              f"{'different departments' if cross else 'same department'}; {hours:g} h weekly overlap; "
              f"{tz_gap:g} h apart" + ("; preferred partner" if prefers else "") + ".")
    return round(sum(breakdown.values()), 3), breakdown, reason


def build_matches(people: dict[str, Doc]) -> Doc:
    pairs = []
    for mentor, mentee in sorted(pair_list(), key=lambda p: f"{p[0]}--{p[1]}"):
        pid = f"{mentor}--{mentee}"
        total, breakdown, reason = score(people[mentor], people[mentee])
        pair: Doc = {"id": pid, "cohort": "2026-autumn", "mentor": mentor, "mentee": mentee,
                     "status": "ended" if pid == ENDED else "active", "proposed": "2026-09-15", "matched": "2026-09-21"}
        if pid == ENDED:
            pair["ended"] = "2026-11-02"
            pair["end_reason"] = ("Agreed together after two sessions: José wanted hands-on short-video coaching "
                                  "that Noah could not offer.")
        pairs.append(pair | {"score": total, "breakdown": breakdown, "reason": reason})
    unmatched = [
        {"login": "lukasz-nowak", "cohort": "2026-autumn", "reason": "The only unmatched mentee (stefan-hoffmann) is "
         "in the same management chain; every other mentee has a mentor."},
        {"login": "stefan-hoffmann", "cohort": "2026-autumn", "reason": "The only mentor with free capacity "
         "(lukasz-nowak) reports into the same management chain."}]
    return {"pairs": pairs, "unmatched": unmatched}


# --- check-ins -------------------------------------------------------------------------
MENTOR_NEXT = ["Prepare a hands-on {skill} example for {first}.", "Send {first} two short reads on {skill}.",
               "Bring a real {skill} case from my team for {first} to try."]
NOTES = ["Started ten minutes late; the rest was very focused.", "Good energy, we ran over slightly.",
         "Switched to a walking call this time, which worked well.", "The shared agenda doc helps a lot."]


def session_dates(rng: random.Random, pid: str) -> list[date]:
    if pid in FIXED_DATES:
        return [date.fromisoformat(d) for d in FIXED_DATES[pid]]
    first, out = date(2026, 9, 24) + timedelta(days=rng.randint(0, 3)), []
    skip = None if pid in (NO_SHOW, LOW_RATINGS, CONCERN) else rng.choice([None, None, 1, 2])  # one missed session
    for k in range(5):
        day = first + timedelta(days=14 * k + rng.randint(0 if k == 0 else -1, 2))
        day -= timedelta(days=max(0, day.weekday() - 4))  # weekend -> Friday
        if day <= date(2026, 11, 20) and k != skip:
            out.append(day)
    if pid == NO_SHOW:  # the third session is cancelled and held five days later
        out.insert(3, out[2] + timedelta(days=5))
    return out


def authors(rng: random.Random, pid: str, i: int) -> list[str]:
    if pid == MENTOR_ONLY:
        return ["mentor"]
    if pid == NO_SHOW and i == 2:
        return ["mentee"]
    if i == 0 or pid in (LOW_RATINGS, CONCERN):
        return ["mentor", "mentee"]
    r = rng.random()
    return ["mentor", "mentee"] if r < 0.6 else ["mentor"] if r < 0.8 else ["mentee"]


def progress(person: Doc, side: str, i: int) -> list[Doc]:
    goals = person["goals"]["learn" if side == "mentee" else "grow"]
    return [{"goal": g["id"], "progress": "started" if i == j else "achieved" if j == 0 and i >= 3 else "progressing"}
            for j, g in enumerate(goals) if j <= i]


def rating(rng: random.Random, pid: str, side: str, i: int, count: int) -> int:
    if pid == LOW_RATINGS and side == "mentee" and i >= count - 2:
        return 2  # two low ratings in a row: a flag in the private report
    return 3 if pid == ENDED else rng.choice([3, 4, 4, 5, 5, 5])


def _checkin(rng: random.Random, pid: str, side: str, people: tuple[Doc, Doc], session: Doc) -> Doc:
    """One author's file for one session; people is (author, partner)."""
    (who, other), i = people, session["index"]
    doc: Doc = {"pair": pid, "date": session["date"], "author": who["login"]}
    if pid == NO_SHOW and i == 2:
        return doc | {"held": False, "minutes": 0,
                      "notes": "Cancelled an hour before because of a customer escalation; moved to next week."}
    concern = pid == CONCERN and side == "mentor" and i == 2
    doc |= {"minutes": session["minutes"], "topics": session["topics"], "goals": progress(who, side, i),
            "rating": 3 if concern else rating(rng, pid, side, i, session["count"])}
    if session["first"]:
        doc["good_fit"] = not (pid == ENDED and side == "mentee")
    topic = session["topics"][0]
    doc["next_steps"] = (f"Before the next session: {PRACTICE[topic]}." if side == "mentee" else
                         rng.choice(MENTOR_NEXT).format(skill=phrase(topic), first=first_name(other["name"])))
    if pid == NOTE_PAIR and side == "mentee" and i == 0:
        doc["notes"] = "Shared context on the platform reorg with Priya in confidence. PRIVATE-NOTE-MARKER"
    elif rng.random() < 0.3 and not concern:
        doc["notes"] = rng.choice(NOTES)
    if concern:
        doc["concern"] = {"level": "high", "note": "Margaret has twice asked me for details of my own team's "
                          "restructuring, which I am not comfortable sharing. I would like advice from the program "
                          "team. PRIVATE-CONCERN-MARKER"}
    return doc


def build_checkins(rng: random.Random, people: dict[str, Doc], pairs: list[Doc]) -> dict[str, Doc]:
    files: dict[str, Doc] = {}
    for pair in pairs:
        pid, mentor, mentee = pair["id"], people[pair["mentor"]], people[pair["mentee"]]
        covered = [s for s in mentee["skills_wanted"] if s in mentor["skills_offered"]]
        seen: set[str] = set()
        dates = session_dates(rng, pid)
        for i, day in enumerate(dates):
            topics = [covered[i % len(covered)]]  # mostly what the mentee asked for
            extra = rng.choice(mentee["skills_wanted"] + mentor["skills_offered"])
            if rng.random() < 0.4 and extra not in topics:
                topics.append(extra)
            session = {"index": i, "count": len(dates), "date": day.isoformat(), "topics": topics,
                       "minutes": rng.choice([40, 45, 45, 45, 50, 60])}
            for side in authors(rng, pid, i):
                who, other = (mentor, mentee) if side == "mentor" else (mentee, mentor)
                session["first"] = who["login"] not in seen
                seen.add(who["login"])
                files[f"checkins/{pid}/{day}-{who['login']}.yaml"] = _checkin(rng, pid, side, (who, other), session)
    return files


# --- surveys ---------------------------------------------------------------------------
SUPPORT = ["A template for the mentoring agreement would help.", "Could the program suggest topics for session five?",
           "Finding a slot across time zones is hard; a scheduling tip would help.",
           "Our sessions keep moving because of quarter-end. PRIVATE-SURVEY-MARKER"]
HIGHLIGHTS = ["Building a first automation together in one session.", "Seeing how a leadership offsite is planned.",
              "Filming my first short video, terrible lighting and all.", "Honest feedback both ways."]


def build_surveys(rng: random.Random, people: dict[str, Doc], pairs: list[Doc]) -> dict[str, Doc]:
    behind = set(FIXED_DATES)
    pair_of: dict[str, str] = {}
    for p in pairs:
        if p["status"] == "active" and p["id"] not in (STALLED, MENTOR_ONLY):
            pair_of.setdefault(p["mentor"], p["id"])
            pair_of.setdefault(p["mentee"], p["id"])
    files: dict[str, Doc] = {}
    support = iter(SUPPORT[::-1])
    for login in sorted(rng.sample(sorted(pair_of), 20)):
        pid = pair_of[login]
        answers: Doc = {"session-value": 2 if pid == LOW_RATINGS and login == pid.split("--")[1] else rng.randint(3, 5),
                        "openness": rng.randint(3, 5), "on-track": pid not in behind}
        if rng.random() < 0.3:
            answers["support-needed"] = next(support, SUPPORT[0])
        day = date(2026, 11, 18) + timedelta(days=rng.randint(0, 5))
        files[f"surveys/pulse/{login}.yaml"] = {"survey": "pulse", "respondent": login, "date": day.isoformat(),
                                                "pair": pid, "answers": answers}
    closing = [("noah-thompson", False, 3, "some", "Learning how a VP plans a quarter, even if our goals differed."),
               ("jose-martinez", False, 2, "none", "An honest talk about what I actually need to learn.")]
    for login in sorted(rng.sample(sorted(k for k, v in pair_of.items() if v not in behind), 10)):
        keep = rng.random() < 0.85
        closing.append((login, keep, rng.randint(4, 5) if keep else 3, rng.choice(["some", "most"]),
                        rng.choice(HIGHLIGHTS)))
    for login, keep, overall, goals, highlight in closing:
        early = login in ENDED.split("--")
        day = date(2026, 11, 3) if early else date(2026, 11, 20) + timedelta(days=rng.randint(0, 4))
        files[f"surveys/closing/{login}.yaml"] = {
            "survey": "closing", "respondent": login, "date": day.isoformat(),
            "pair": ENDED if early else pair_of[login],
            "answers": {"would-continue": keep, "overall": overall, "goals-met": goals, "highlight": highlight}}
    return files


# --- program.yaml ----------------------------------------------------------------------
INTRO = """\
# The rules of Northwind Group's reverse mentoring program.
#
# This file is also the template for a new program: copy it (or run `rmcode init DIR`)
# and change the values. Every change is a pull request that an admin reviews, and
# `rmcode validate` checks this file and every profile, match, check-in and survey answer
# against it. Write dates as "YYYY-MM-DD" in quotes.
"""


def kpi(kid: str, name: str, metric: str, target: float, **params: Any) -> Doc:
    doc: Doc = {"id": kid, "name": name, "metric": metric, "target": target}
    if "direction" in params:
        doc["direction"] = params.pop("direction")
    return doc | ({"params": params} if params else {})


def question(qid: str, text: str, kind: str, required: bool = True, **extra: Any) -> Doc:
    return {"id": qid, "text": text, "type": kind} | ({"min": 1, "max": 5} if kind == "scale" else {}) | extra | {
        "required": required}


def cohort(cid: str, name: str, opens: str, closes: str, start: str, end: str, matching: str) -> Doc:
    return {"id": cid, "name": name, "registration": {"opens": opens, "closes": closes}, "start": start, "end": end,
            "matching": matching}


# (title, comment for the program owner, the section's keys)
PROGRAM_SECTIONS: list[tuple[str, str, Doc]] = [
    ("Identity", ("A short stable id (lowercase letters, digits, hyphens) and the texts shown on the site's "
     "home page."), {
        "id": "rm-2026", "name": "Northwind Reverse Mentoring", "organisation": "Northwind Group",
        "objective": "Senior leaders learn from junior colleagues: the digital skills, platforms and "
        "expectations of the newest generation at work. Junior colleagues gain visibility, a senior sponsor "
        "and a view of how the company is run, and under-represented employees get a direct line to the "
        "people who make decisions. Success: every leader changes at least one habit, every mentor gains "
        "an advocate.",
        "contact": {"name": "Talent Development team", "email": "reverse-mentoring@northwind.example",
                    "url": "https://intranet.northwind.example/reverse-mentoring"}}),
    ("Admins and registration", ("Admins review pull requests and may change any file. Give both the GitHub "
     "login and the numeric id (https://api.github.com/users/LOGIN): a renamed login cannot inherit rights. "
     "Registration 'open' lets anyone eligible add a profile; 'invite-only' also needs an 'invitees' list."), {
        "admins": [{"login": "lena-fischer", "github_id": 5819342},
                   {"login": "omar-haddad", "github_id": 7720431}],
        "registration": {"mode": "open"}}),
    ("Levels and eligibility", ("Job levels from most junior (lowest number) to most senior. Reverse mentoring: "
     "the mentor is at least min_level_gap levels below the mentee. Mentors take 'default' mentees unless "
     "their profile states a capacity (at most 'max')."), {
        "levels": [{"level": i + 1, "name": n} for i, n in enumerate(
            ["Associate", "Specialist", "Senior Specialist", "Team Lead", "Manager", "Director",
             "Vice President", "Executive VP"])],
        "eligibility": {"min_level_gap": 3, "mentor_max_level": 4, "mentee_min_level": 6,
                        "mentor_capacity": {"default": 1, "max": 3}}}),
    ("Cohorts", ("Each cohort has a registration window, a mentoring phase (start to end) and a matching "
     "switch: 'open' lets `rmcode match` propose pairs, 'closed' keeps the existing pairs only."), {
        "cohorts": [cohort("2026-autumn", "Autumn 2026", "2026-08-17", "2026-09-13", "2026-09-21",
                           "2027-03-19", "closed"),
                    cohort("2027-spring", "Spring 2027", "2026-11-02", "2027-01-31", "2027-02-15",
                           "2027-07-30", "open")]}),
    ("Commitment and milestones", ("What each pair commits to. A pair with no session for inactivity_days "
     "counts as stalled. Milestones are due 'day' days after the match, or 'at: end' of the cohort; a "
     "milestone with a survey is done when both partners answered it."), {
        "commitment": {"sessions": 8, "cadence_days": 14, "minutes": 45, "inactivity_days": 28},
        "milestones": [
            {"id": "agreement", "name": "Mentoring agreement: goals and ground rules written down", "day": 14},
            {"id": "midpoint", "name": "Midpoint pulse survey", "day": 60, "survey": "pulse"},
            {"id": "closing", "name": "Closing survey and celebration", "at": "end", "survey": "closing"}]}),
    ("Skills taxonomy", ("The skills mentors offer and mentees want. Profiles and check-ins use the ids; "
     "keep ids stable and change names and descriptions freely."), {
        "skills": [{"id": i, "name": n, "description": d} for i, n, d, _, _ in SKILLS]}),
    ("Working style", ("Statements everyone rates from 1 (disagree) to 5 (agree) in their profile; similar "
     "answers raise a pair's matching score."), {
        "working_style": [{"id": i, "text": t} for i, t in QUESTIONS]}),
    ("Matching", ("Weights of the soft criteria (normalised to sum 1) and the hard constraints `rmcode match` "
     "never breaks. must_pair fixes a pair in advance; blocks forbids one."), {
        "matching": {
            "weights": WEIGHTS,
            "constraints": {"shared_language": True, "min_availability_overlap_hours": 1,
                            "max_timezone_difference_hours": 9, "separate_management_chains": True},
            "must_pair": [{"mentor": MUST_PAIR[0], "mentee": MUST_PAIR[1]}],
            "blocks": [{"mentor": BLOCK[0], "mentee": BLOCK[1]}]}}),
    ("KPIs", ("Each KPI names a metric from rmcode's library (`rmcode metrics` lists them), a target and, "
     "if lower is better, direction: at-most. params pass options to the metric."), {
        "kpis": [
            kpi("match-rate", "Registered people matched", "match_rate", 0.9),
            kpi("sessions-per-pair", "Sessions held per pair", "sessions_per_pair", 4),
            kpi("on-track", "Pairs on track", "pairs_on_track_share", 0.75),
            kpi("mentoring-hours", "Mentoring hours", "mentoring_hours", 100),
            kpi("three-sessions", "Pairs with at least 3 sessions", "pairs_with_3_sessions_share", 0.7),
            kpi("mentee-rating", "Average session rating by mentees", "average_rating", 4.0, role="mentee"),
            kpi("first-session-fit", "Good fit after the first session", "first_session_fit_rate", 0.85),
            kpi("would-continue", "Would continue after the program", "would_continue_share", 0.8,
                survey="closing", question="would-continue"),
            kpi("skills-covered", "Wanted skills covered in sessions", "skills_covered_share", 0.6),
            kpi("early-closures", "Pairs ended early", "early_closure_rate", 0.1, direction="at-most")]}),
    ("Surveys", ("Answers live in surveys/<survey id>/<login>.yaml, keyed by question id: true/false for "
     "yes-no, a whole number for scale, one of the choices for choice, text for text. Free text is only "
     "ever shown in the private admin report."), {
        "surveys": [
            {"id": "pulse", "name": "Midpoint pulse", "roles": ["mentor", "mentee"], "questions": [
                question("session-value", "How valuable have your sessions been so far?", "scale"),
                question("openness", "How comfortable are you being open with your partner?", "scale"),
                question("on-track", "Are you on track to reach your goals by the end of the cohort?", "yes-no"),
                question("support-needed", "Anything the program team could help with?", "text", False)]},
            {"id": "closing", "name": "Closing survey", "roles": ["mentor", "mentee"], "questions": [
                question("would-continue", "Would you keep meeting your partner after the program?", "yes-no"),
                question("overall", "Overall, how valuable was the program for you?", "scale"),
                question("goals-met", "How many of your goals did you reach?", "choice",
                         choices=["none", "some", "most", "all"]),
                question("highlight", "What was the highlight for you?", "text", False)]}]}),
    ("Privacy", ("Aggregates about fewer than min_group_size people are suppressed. public_fields lists what "
     "a person may mark public in their profile's visibility; everything else never reaches the site. "
     "publish_every limits how often published aggregates change."), {
        "privacy": {"min_group_size": 5, "public_fields": [f for f in VISIBLE if f != "manager"],
                    "publish_every": "weekly"}}),
    ("Sealing", ("Concerns, notes, ratings, fit answers, survey answers, self-identification and email are "
     "encrypted (age) to these public keys before they touch disk; only their holders can read them. DEMO "
     "ONLY: this demo seals to a key whose secret is committed as demo-only.key so that anyone can try "
     "`rmcode report --private --identity demo-only.key`. A real program lists its admins' keys from "
     "`rmcode keygen` and never commits a secret."), {
        "sealing": {"recipients": [{"name": "Demo key (DEMO ONLY: its secret is demo-only.key)",
                                    "key": demo_public()}]}}),
]


def program_text() -> str:
    out = [INTRO]
    for title, comment, data in PROGRAM_SECTIONS:
        keep_code = re.sub(r"`[^`]*`", lambda m: m[0].replace(" ", "\xa0"), comment)  # never split `a command`
        lines = [f"# --- {title} " + "-" * (80 - len(title))] + textwrap.wrap(keep_code, 86)
        text = "".join(f"# {line}\n" if i else f"{line}\n" for i, line in enumerate(lines)).replace("\xa0", " ")
        out.append("\n" + text + dump(data))
    return "".join(out)


# --- output ----------------------------------------------------------------------------
def write(root: Path, rel: str, schema: str, body: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    header = f"# yaml-language-server: $schema={'../' * rel.count('/')}schemas/{schema}.schema.json\n"
    path.write_text(header + body, encoding="utf-8", newline="\n")


def clean(root: Path) -> None:
    """Remove earlier output so that renamed or dropped files do not linger."""
    for folder in ("participants", "checkins", "surveys"):
        for path in sorted((root / folder).rglob("*.yaml")):
            path.unlink()
        for sub in sorted((root / folder).glob("**/"), reverse=True):
            if sub != root / folder and not any(sub.iterdir()):
                sub.rmdir()


class Sealer:
    """Seals the demo's sealed fields; a value whose plain text did not change keeps its earlier
    ciphertext (sealing is randomised), so running the script again rewrites identical files."""

    def __init__(self, root: Path) -> None:
        self.keyring: Keyring = parse_identities(DEMO_KEY.read_text(encoding="utf-8"))
        self.public = demo_public()
        self.root = root

    def seal_doc(self, rel: str, schema: str, doc: Doc) -> Doc:
        previous = self._previous(rel)
        for target in sealed_targets(doc, schema, None):
            value = value_at(doc, target)
            old = value_at(previous, target) if previous is not None and self._has(previous, target) else None
            self._put(doc, target, old if old is not None and self._same(old, value) else seal(value, [self.public]))
        return doc

    def _previous(self, rel: str) -> Any:
        path = self.root / rel
        return load_bytes(rel, path.read_bytes(), max_bytes=None).data if path.is_file() else None

    @staticmethod
    def _has(data: Any, target: Target) -> bool:
        try:
            value_at(data, target)
        except (KeyError, IndexError, TypeError):
            return False
        return True

    def _same(self, old: Any, value: JsonValue) -> bool:
        try:
            return is_sealed(old) and unseal(old, self.keyring) == value
        except SealError:
            return False

    @staticmethod
    def _put(doc: Doc, target: Target, sealed: str) -> None:
        parent: Any = doc
        for part in target[:-1]:
            parent = parent[part]
        parent[target[-1]] = sealed


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
    rng = random.Random(SEED)
    people = build_people(rng)
    matches = build_matches(people)
    checkins = build_checkins(rng, people, matches["pairs"])
    surveys = build_surveys(rng, people, matches["pairs"])
    sealer = Sealer(root)  # reads the earlier files: before clean() removes them
    people = {login: sealer.seal_doc(f"participants/{login}.yaml", "participant", doc) for login, doc in people.items()}
    matches = sealer.seal_doc("matches.yaml", "matches", matches)
    checkins = {rel: sealer.seal_doc(rel, "checkin", doc) for rel, doc in checkins.items()}
    surveys = {rel: sealer.seal_doc(rel, "survey-response", doc) for rel, doc in surveys.items()}
    clean(root)
    write(root, "program.yaml", "program", program_text())
    for login, doc in people.items():
        write(root, f"participants/{login}.yaml", "participant", dump(doc))
    write(root, "matches.yaml", "matches", "# Pairs proposed by `rmcode match` and approved by review; sorted by id.\n"
          + dump(matches))
    for rel, doc in checkins.items():
        write(root, rel, "checkin", dump(doc))
    for rel, doc in surveys.items():
        write(root, rel, "survey-response", dump(doc))
    print(f"{len(people)} participants, {len(matches['pairs'])} pairs, {len(checkins)} check-ins, "
          f"{len(surveys)} survey responses written to {root}")


if __name__ == "__main__":
    main()
