"""Cross-file rules: references, uniqueness, eligibility, windows. Pure functions over the domain.

The rules inside program.yaml alone are checked with that file (validate.check_program_rules).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import Problem
from ..layout import checkin_path, login_key, profile_path
from ..load.loader import Document
from ..model import (
    CLOSED_PAIR,
    OPEN_PAIR,
    CheckIn,
    Cohort,
    Pair,
    Participant,
    ProgramData,
    Survey,
    SurveyResponse,
)
from ..model.roster import ROSTER_PATH, invited
from .sealed import plain_sealed, sealed_items
from .suggest import suggest


class _Context:
    def __init__(self, data: ProgramData, docs: Mapping[str, Document], as_of: dt.date, present: set[str]) -> None:
        self.data, self.docs, self.as_of, self.present = data, docs, as_of, present
        self.program = data.program
        self.people = data.by_login()
        self.skill_ids = {s.id for s in self.program.skills}
        # lookups the rules repeat for every file, made once (the first of a duplicate id wins, as in Program.cohort)
        self.cohorts = {c.id: c for c in reversed(self.program.cohorts)}
        self.pairs = {p.id: p for p in data.pairs}
        self.levels = {x.level for x in self.program.levels}
        self.questions = {q for q, _ in self.program.working_style}
        self.out: list[Problem] = []

    def add(self, path: str, pointer: str, code: str, message: str, hint: str = "", key: bool = False) -> None:
        doc = self.docs.get(path)
        if doc is None:
            self.out.append(Problem(path, 1, 1, code, message, hint, pointer))
        else:
            self.out.append(doc.problem(pointer, code, message, hint, key=key))

    def warn(self, path: str, pointer: str, code: str, message: str, hint: str) -> None:
        self.add(path, pointer, code, message, hint)
        self.out[-1] = dataclasses.replace(self.out[-1], severity="warning")

    def known(self, login: str) -> bool:
        """A login counts as known if its file exists (even when that file has its own problems) or the
        HR roster lists it: a manager need not take part."""
        roster = self.data.roster
        return login_key(login) in self.people or login_key(login) in self.present or (
            roster is not None and roster.person(login) is not None)

    def invited(self, p: Participant) -> bool:
        """On the invite list, or matched by one of its roster queries."""
        roster = self.data.roster
        return p.key in self.program.invitees or (
            roster is not None and invited(self.program.invite_rules, roster.person(p.login), p.role))

    def skills(self, path: str, pointer: str, ids: tuple[str, ...]) -> None:
        if self.skill_ids.issuperset(ids):  # the common case, without a Python-level loop
            return
        for i, sid in enumerate(ids):
            if sid not in self.skill_ids:
                self.add(path, f"{pointer}/{i}", "RM305", f"unknown skill '{sid}'",
                         suggest(sid, self.skill_ids) or "use a skill id from program.yaml's skills")


def check_cross_file(data: ProgramData, docs: Mapping[str, Document], as_of: dt.date,
                     present: set[str]) -> list[Problem]:
    """Every rule that needs more than one file."""
    ctx = _Context(data, docs, as_of, present)
    _participants(ctx)
    _reporting_lines(ctx)
    _roster_facts(ctx)
    _pairs(ctx)
    _checkins(ctx)
    _responses(ctx)
    _sealing(ctx)
    return ctx.out


def _sealing(ctx: _Context) -> None:
    """Plain text in a sealed field: an error once the program has keys (RM336), else one warning (RM337)."""
    program = ctx.program
    if not program.sealing.recipients and not program.sealing.declared:
        # a program that has not set up sealing is told once it starts to (docs/sealing.md): a
        # warning on every program without keys would drown the first steps of a new program
        return
    plain = [(item, fields) for item in sealed_items(ctx.data) if (fields := plain_sealed(item, program))]
    if not program.sealing.recipients:
        if plain:
            count = sum(len(fields) for _, fields in plain)
            ctx.warn(program.source.path, "/sealing", "RM337", f"{count} value{'s' * (count != 1)} that rmcode seals "
                     f"(concerns, notes, ratings, survey answers, ...) {'are' if count != 1 else 'is'} plain text, "
                     "readable by everyone with access to the repository",
                     "run `rmcode keygen`, list the public key under sealing.recipients, then `rmcode seal --all`")
        return
    listed = len(program.sealing.recipients)
    others = [x for x in sealed_items(ctx.data) if x.sealed_to and x.sealed_to != {listed}]
    if others:
        counts = sorted({n for x in others for n in x.sealed_to} - {listed})
        ctx.warn(program.source.path, "/sealing/recipients", "RM339",
                 f"{len(others)} file{'s' * (len(others) != 1)} (e.g. {others[0].source.path}) hold values sealed to "
                 f"{' or '.join(map(str, counts))} recipient{'s' * (counts != [1])}, not to the {listed} listed here",
                 "run `rmcode rekey --identity KEY` to seal them to the current recipients (docs/sealing.md)")
    for item, fields in plain:
        path = item.source.path
        for name in fields:
            if isinstance(item, Pair):
                ctx.out.append(plain_problem(path, "", f"pair {item.id}: {name}", line=item.source.line))
            else:
                ctx.out.append(plain_problem(path, f"/{name}", name, ctx.docs.get(path)))


def plain_problem(path: str, pointer: str, name: str, doc: Document | None = None, line: int = 1) -> Problem:
    """RM336: the field ``name`` (at ``pointer`` in ``doc``) is sealed in this program but holds plain text.

    The one wording for validate and the pre-commit hook (``rmcode seal --check``); never the value.
    """
    problem = Problem(path, line, 1, "RM336", f"{name} is sealed in this program but holds plain text",
                      f"run `rmcode seal {path}`", pointer)
    return doc.locate(problem, key=False) if doc is not None and pointer else problem


def _participants(ctx: _Context) -> None:
    program = ctx.program
    for field, key in (("login", lambda p: p.key), ("github_id", lambda p: str(p.github_id))):
        groups: dict[str, list[Participant]] = defaultdict(list)
        for p in ctx.data.participants:
            groups[key(p)].append(p)
        for people in groups.values():
            for p in people[1:]:
                ctx.add(p.source.path, f"/{field}", "RM302" if field == "login" else "RM303",
                        f"{field} {getattr(p, field)} is already used by {people[0].source.path}",
                        "each person has one profile")
    for p in ctx.data.participants:
        path = p.source.path
        if path != profile_path(p.login):
            ctx.add(path, "/login", "RM301", f"login '{p.login}' does not match the file name",
                    f"rename the file to {profile_path(p.login)} or fix the login")
        cohort = ctx.cohorts.get(p.cohort)
        if cohort is None:
            ctx.add(path, "/cohort", "RM304", f"unknown cohort '{p.cohort}'",
                    suggest(p.cohort, [c.id for c in program.cohorts]) or "use a cohort id from program.yaml")
        elif not cohort.registration_opens <= p.registered <= cohort.registration_closes:
            ctx.add(path, "/registered", "RM317", f"registered {p.registered} is outside cohort {cohort.id}'s "
                    f"registration window ({cohort.registration_opens} to {cohort.registration_closes})",
                    "register for a cohort whose registration is open")
        if p.registered > ctx.as_of:
            ctx.add(path, "/registered", "RM317", f"registered {p.registered} is after the as-of date {ctx.as_of}",
                    "use today's date")
        if program.registration_mode == "invite-only" and not ctx.invited(p):
            ctx.add(path, "/login", "RM318", f"{p.login} is not on the invite list of this invite-only program",
                    "ask a program admin to add you to registration.invitees")
        if p.level not in ctx.levels:
            ctx.add(path, "/level", "RM319", f"unknown level {p.level}",
                    "use one of: " + ", ".join(f"{x.level} ({x.name})" for x in program.levels))
        _role_level(ctx, p)
        try:
            ZoneInfo(p.timezone)  # cached by zoneinfo after the first time
        except (ZoneInfoNotFoundError, ValueError):
            ctx.add(path, "/timezone", "RM320", f"unknown time zone '{p.timezone}'",
                    "use an IANA name such as Europe/Berlin")
        if p.manager is not None and not ctx.known(p.manager):
            ctx.add(path, "/manager", "RM306", f"manager '{p.manager}' has no profile",
                    suggest(login_key(p.manager), ctx.people) or "use the manager's login, or leave manager out")
        if p.manager is not None and login_key(p.manager) == p.key:
            ctx.add(path, "/manager", "RM307", "a person cannot be their own manager", "remove manager")
        if p.capacity is not None and p.capacity > program.capacity_max:
            ctx.add(path, "/capacity", "RM316",
                    f"capacity {p.capacity} is above the program's maximum of {program.capacity_max}",
                    f"use at most {program.capacity_max}")
        for qid in sorted(set(p.working_style) - ctx.questions) if p.working_style else ():
            ctx.add(path, f"/working_style/{qid}", "RM321", f"unknown working-style question '{qid}'",
                    suggest(qid, ctx.questions) or "use a question id from program.yaml's working_style", key=True)
        ctx.skills(path, "/skills_offered", p.skills_offered)
        ctx.skills(path, "/skills_wanted", p.skills_wanted)
        for i, slot in enumerate(p.availability):
            start, end = slot[4:].split("-")
            if end <= start:  # zero-padded HH:MM compares as text
                ctx.add(path, f"/availability/{i}", "RM335", f"slot '{slot}' ends before it starts",
                        "split a slot across midnight in two, e.g. 'mon 22:00-24:00' and 'tue 00:00-01:00'")
        for field in sorted(f for f, v in p.visibility.items()
                            if v == "public" and f not in program.privacy.public_fields):
            ctx.add(path, f"/visibility/{field}", "RM330", f"{field} may not be public in this program",
                    "use program or admins; program.yaml privacy.public_fields lists what may be public")


def _role_level(ctx: _Context, p: Participant) -> None:
    program = ctx.program
    if p.role == "mentor" and program.mentor_max_level is not None and p.level > program.mentor_max_level:
        ctx.add(p.source.path, "/level", "RM315", f"mentors must be at level {program.mentor_max_level} or below, "
                f"{p.login} is at {p.level}", "reverse mentors are junior colleagues; register as mentee instead")
    if p.role == "mentee" and program.mentee_min_level is not None and p.level < program.mentee_min_level:
        ctx.add(p.source.path, "/level", "RM315", f"mentees must be at level {program.mentee_min_level} or above, "
                f"{p.login} is at {p.level}", "senior leaders are the mentees; register as mentor instead")


def _reporting_lines(ctx: _Context) -> None:
    edges: dict[str, set[str]] = defaultdict(set)
    for p in ctx.data.participants:
        if p.manager and login_key(p.manager) != p.key:
            edges[p.key].add(login_key(p.manager))
    for component in _cycles(edges):
        # start the ring at its smallest login so the message is the same on every run
        start = component.index(min(component))
        ring = component[start:] + component[:start]
        person = ctx.people.get(ring[0])
        if person is not None:
            ctx.add(person.source.path, "/manager", "RM307",
                    "reporting lines form a cycle: " + " -> ".join(ring + [ring[0]]),
                    "someone's manager field is wrong; a chain of managers must end at the top")


def _roster_facts(ctx: _Context) -> None:
    """Level, department and manager as the HR roster has them: the roster is the source of truth."""
    roster = ctx.data.roster
    if roster is None:
        return
    for p in ctx.data.participants:
        e = roster.person(p.login)
        if e is None:
            ctx.warn(p.source.path, "/login", "RM342", f"{p.login} is not in the HR roster ({ROSTER_PATH})",
                     "they may have left the company, or HR has a different GitHub login for them")
            continue
        says = f"{ROSTER_PATH}:{e.line} (employee {e.employee_id}) says"
        if e.level is not None and p.level != e.level:
            ctx.add(p.source.path, "/level", "RM340", f"level {p.level} disagrees with the roster: {says} {e.level}",
                    f"use level: {e.level}, or ask HR to correct the roster")
        if e.department and p.department.strip().casefold() != e.department.casefold():
            ctx.add(p.source.path, "/department", "RM340", f"department {p.department!r} disagrees with the roster: "
                    f"{says} {e.department!r}", f"use department: {e.department}")
        manager = roster.manager_login(p.login)
        if p.manager is not None and manager is not None and login_key(p.manager) != login_key(manager):
            theirs = repr(manager) if manager else f"{e.manager_id} (who has no GitHub login)"
            ctx.add(p.source.path, "/manager", "RM340", f"manager {p.manager!r} disagrees with the roster: "
                    f"{says} {theirs}", f"use manager: {manager}" if manager else "leave manager out")


def _cycles(edges: Mapping[str, set[str]]) -> list[list[str]]:
    """The cycles of ``edges`` (person -> managers), each in edge order. With one manager each
    (a login is not duplicated), walking up every chain once finds them: networkx needs 0.1 s
    just to import."""
    if any(len(targets) > 1 for targets in edges.values()):
        import networkx as nx
        return [list(c) for c in nx.simple_cycles(nx.DiGraph([(a, b) for a in edges for b in edges[a]]))]
    up = {a: next(iter(targets)) for a, targets in edges.items()}
    done: set[str] = set()
    cycles = []
    for start in up:
        walk: dict[str, int] = {}  # the chain from start, in order
        node: str | None = start
        while node is not None and node not in done and node not in walk:
            walk[node] = len(walk)
            node = up.get(node)
        if node is not None and node in walk:  # the chain closed on itself
            cycles.append(list(walk)[walk[node]:])
        done.update(walk)
    return cycles


def _pairs(ctx: _Context) -> None:
    """Pair rules, each reported at the entry in matches.yaml that breaks it (file order)."""
    path = "matches.yaml"
    open_count: Counter[str] = Counter()
    mentee_open: Counter[str] = Counter()
    seen: set[str] = set()
    for i, pair in enumerate(sorted(ctx.data.pairs, key=lambda p: p.source.line)):
        ptr = f"/pairs/{i}"
        if pair.id in seen:
            ctx.add(path, f"{ptr}/id", "RM311", f"pair {pair.id} is listed twice", "keep one entry per pair")
        seen.add(pair.id)
        _pair_entry(ctx, pair, ptr)
        if pair.status in OPEN_PAIR:
            mentor, mentee = login_key(pair.mentor), login_key(pair.mentee)
            open_count[mentor] += 1
            mentee_open[mentee] += 1
            person = ctx.people.get(mentor)
            capacity = (person.capacity or ctx.program.capacity_default) if person else None
            if capacity is not None and open_count[mentor] == capacity + 1:
                ctx.add(path, f"{ptr}/mentor", "RM316",
                        f"{pair.mentor} has {_total(ctx, mentor, 'mentor')} open pairs, "
                        f"capacity is {capacity}", "end a pair or raise capacity in the profile")
            if mentee_open[mentee] == 2:
                ctx.add(path, f"{ptr}/mentee", "RM325", f"mentee {pair.mentee} is in {_total(ctx, mentee, 'mentee')} "
                        "open pairs", "a mentee has one mentor at a time")


def _total(ctx: _Context, login: str, role: str) -> int:
    return sum(1 for p in ctx.data.pairs if p.status in OPEN_PAIR and login_key(getattr(p, role)) == login)


def _pair_entry(ctx: _Context, pair: Pair, ptr: str) -> None:
    path = "matches.yaml"
    if pair.id != Pair.make_id(pair.mentor, pair.mentee):
        ctx.add(path, f"{ptr}/id", "RM310", f"pair id '{pair.id}' should be '{Pair.make_id(pair.mentor, pair.mentee)}'",
                "a pair id is mentor--mentee")
    if ctx.program.cohort(pair.cohort) is None:
        ctx.add(path, f"{ptr}/cohort", "RM304", f"unknown cohort '{pair.cohort}'",
                suggest(pair.cohort, [c.id for c in ctx.program.cohorts]) or "use a cohort id from program.yaml")
    people = []
    for role in ("mentor", "mentee"):
        login = getattr(pair, role)
        person = ctx.people.get(login_key(login))
        if person is None:
            if ctx.known(login) or pair.status in CLOSED_PAIR:
                continue  # a closed pair outlives its people: withdrawing never rewrites history
            # deleting one's own profile is how a participant withdraws, so this is a warning;
            # a typo reads the same, hence the suggestion
            typo = suggest(login_key(login), ctx.people)
            ctx.warn(path, f"{ptr}/{role}", "RM333", f"{role} '{login}' has no profile (withdrawn?): "
                     f"the {pair.status} pair {pair.id} ends", (f"{typo} " if typo else "")
                     + "`rmcode match` records the pair as ended")
            continue
        people.append(person)
        if person.role != role:
            ctx.add(path, f"{ptr}/{role}", "RM309", f"{login} is registered as {person.role}, not {role}",
                    "swap mentor and mentee or fix the profile's role")
        if person.cohort != pair.cohort:
            ctx.add(path, f"{ptr}/cohort", "RM304", f"{login} is in cohort {person.cohort}, the pair in {pair.cohort}",
                    "pairs are made within one cohort")
    if len(people) == 2 and people[0].role == "mentor" and people[1].role == "mentee":
        mentor, mentee = people
        if mentee.level - mentor.level < ctx.program.min_level_gap:
            ctx.add(path, f"{ptr}/mentee", "RM315", f"level gap {mentee.level - mentor.level} is below the minimum "
                    f"of {ctx.program.min_level_gap} ({mentor.login} at {mentor.level}, "
                    f"{mentee.login} at {mentee.level})",
                    "a reverse mentor must be junior to their mentee")


def _checkins(ctx: _Context) -> None:
    """Check-in rules. They run for every check-in (50,000 in a large program): what depends only
    on the pair is worked out once per pair, and a quick test lets through the check-ins that
    break no rule; the others go through the rules one by one, which explain each problem."""
    facts: dict[str, _PairFacts | None] = {}
    skill_ids = ctx.skill_ids
    seen: dict[tuple[str, str, str], str] = {}
    for c in ctx.data.checkins:
        # logins are case-insensitive: 2026-02-10-ANA.yaml beside 2026-02-10-ana.yaml is one session
        # logged twice (and a case-insensitive checkout would keep only one of them)
        day, author = c.date.isoformat(), login_key(c.author)
        session = (c.pair, day, author)
        if session in seen:
            ctx.add(c.source.path, "/author", "RM334", f"{seen[session]} already logs this session by {c.author}",
                    "keep one file per session and author")
        seen.setdefault(session, c.source.path)
        if c.pair in facts:
            known = facts[c.pair]
        else:
            pair = ctx.pairs.get(c.pair)
            known = facts[c.pair] = None if pair is None else _pair_facts(ctx, pair)
        if (known is not None and c.source.path == checkin_path(c.pair, day, c.author)
                and known.start <= c.date <= known.until and author in known.members
                and skill_ids.issuperset(c.topics)
                and (known.goal_ids is None or not c.goals or known.goal_ids.issuperset(g for g, _ in c.goals))):
            continue
        _checkin_rules(ctx, c, known)


def _checkin_rules(ctx: _Context, c: CheckIn, known: _PairFacts | None) -> None:
    path = c.source.path
    parts = path.split("/")
    if parts[1] != c.pair:
        ctx.add(path, "/pair", "RM312", f"check-in for pair {c.pair} is in folder checkins/{parts[1]}/",
                f"move it to checkins/{c.pair}/")
    expected = f"{c.date.isoformat()}-{c.author}.yaml"
    if parts[-1] != expected:
        ctx.add(path, "/date", "RM312", f"file name should be {expected}", "name check-ins <date>-<author>.yaml")
    if known is None:
        ctx.add(path, "/pair", "RM312", f"unknown pair '{c.pair}'",
                suggest(c.pair, ctx.pairs) or "use a pair id from matches.yaml")
        return
    pair, cohort = known.pair, known.cohort
    if login_key(c.author) not in known.members:
        ctx.add(path, "/author", "RM313", f"{c.author} is not in pair {pair.id}", "log sessions only for your own pair")
    if c.date > ctx.as_of:
        ctx.add(path, "/date", "RM314", f"date {c.date} is after the as-of date {ctx.as_of}",
                "log sessions after they happen")
    if cohort is not None and not cohort.start <= c.date <= cohort.end:
        ctx.add(path, "/date", "RM314", f"date {c.date} is outside cohort {cohort.id} ({cohort.start} to {cohort.end})",
                "check the date")
    if pair.status == "proposed":
        ctx.add(path, "/pair", "RM314", f"pair {pair.id} is only proposed, not yet approved",
                "log sessions once the pair is active")
    ctx.skills(path, "/topics", c.topics)
    goal_ids = known.goal_ids or set()
    for i, (goal, _) in enumerate(c.goals if known.goal_ids is not None else ()):
        if goal not in goal_ids:
            ctx.add(path, f"/goals/{i}/goal", "RM323", f"unknown goal '{goal}' for pair {pair.id}",
                    suggest(goal, goal_ids) or "use a goal id from the mentor's or mentee's profile")


class _PairFacts(NamedTuple):
    """What check-in rules need of a pair: people (lower case), cohort, goal ids (None when someone
    withdrew, taking their goals), the dates a check-in may have (in the cohort, to as-of, pair approved)."""
    pair: Pair
    members: tuple[str, str]
    cohort: Cohort | None
    goal_ids: set[str] | None
    start: dt.date
    until: dt.date


def _pair_facts(ctx: _Context, pair: Pair) -> _PairFacts:
    both = [ctx.people.get(login_key(login)) for login in (pair.mentor, pair.mentee)]
    goal_ids = None if None in both else {g.id for p in both if p is not None for g in p.goals}
    cohort = ctx.cohorts.get(pair.cohort)
    start = dt.date.max if pair.status == "proposed" else cohort.start if cohort else dt.date.min
    return _PairFacts(pair, (login_key(pair.mentor), login_key(pair.mentee)), cohort, goal_ids, start,
                      min(cohort.end, ctx.as_of) if cohort else ctx.as_of)


def _responses(ctx: _Context) -> None:
    pairs = {p.id: p for p in ctx.data.pairs}
    answered: dict[tuple[str, str], str] = {}
    for r in ctx.data.responses:
        path = r.source.path
        who = (r.survey, login_key(r.respondent))
        if who in answered:
            ctx.add(path, "/respondent", "RM334", f"{answered[who]} already holds {r.respondent}'s answers",
                    "keep one response per person and survey")
        answered.setdefault(who, path)
        _, folder, name = path.split("/")
        if folder != r.survey:
            ctx.add(path, "/survey", "RM322", f"response to {r.survey} is in folder surveys/{folder}/",
                    f"move it to surveys/{r.survey}/")
        if name != f"{r.respondent}.yaml":
            ctx.add(path, "/respondent", "RM322", "respondent does not match the file name",
                    f"name the file {r.respondent}.yaml")
        if not ctx.known(r.respondent):
            # answers of someone who withdrew stay part of the program's history
            typo = suggest(login_key(r.respondent), ctx.people)
            ctx.warn(path, "/respondent", "RM333", f"respondent '{r.respondent}' has no profile (withdrawn?)",
                     typo or "use your GitHub login; it needs a profile in participants/")
        if r.date > ctx.as_of:
            ctx.add(path, "/date", "RM314", f"date {r.date} is after the as-of date {ctx.as_of}",
                    "use the day you answered")
        if r.pair is not None:
            pair = pairs.get(r.pair)
            if pair is None:
                ctx.add(path, "/pair", "RM312", f"unknown pair '{r.pair}'",
                        suggest(r.pair, pairs) or "use a pair id from matches.yaml")
            elif login_key(r.respondent) not in (login_key(pair.mentor), login_key(pair.mentee)):
                ctx.add(path, "/pair", "RM313", f"{r.respondent} is not in pair {pair.id}",
                        "answer only for your own pair")
        survey = ctx.program.survey(r.survey)
        if survey is None:
            ctx.add(path, "/survey", "RM322", f"unknown survey '{r.survey}'",
                    suggest(r.survey, [s.id for s in ctx.program.surveys])
                    or "use a survey id from program.yaml's surveys")
            continue
        if "answers" not in r.sealed:  # sealed answers are checked where they are written and opened
            _answers(ctx, r, survey)


def _answers(ctx: _Context, r: SurveyResponse, survey: Survey) -> None:
    for qid, value in r.answers.items():
        q = survey.question(qid)
        ptr = f"/answers/{qid}"
        if q is None:
            ctx.add(r.source.path, ptr, "RM322", f"survey {survey.id} has no question '{qid}'",
                    suggest(qid, [x.id for x in survey.questions])
                    or f"use a question id of survey {survey.id} in program.yaml",
                    key=True)
        elif q.type == "yes-no" and not isinstance(value, bool):
            ctx.add(r.source.path, ptr, "RM331", f"{qid}: answer true or false",
                    "write true or false (YAML words like yes, no, on, off are read as text here)")
        elif q.type == "scale" and (isinstance(value, bool) or not isinstance(value, int)
                                    or not q.min <= value <= q.max):
            ctx.add(r.source.path, ptr, "RM331", f"{qid}: answer a whole number from {q.min} to {q.max}",
                    f"e.g. {qid}: {q.max}")
        elif q.type == "choice" and value not in q.choices:
            ctx.add(r.source.path, ptr, "RM331", f"{qid}: answer one of: {', '.join(q.choices)}",
                    f'e.g. {qid}: "{q.choices[0]}"' if q.choices else "")
        elif q.type == "text" and not isinstance(value, str):
            ctx.add(r.source.path, ptr, "RM331", f"{qid}: answer with text", "put the answer in quotes")
    for q in survey.questions:
        if q.required and q.id not in r.answers:
            ctx.add(r.source.path, "/answers", "RM331", f"missing answer to required question '{q.id}'", f"add {q.id}:")
