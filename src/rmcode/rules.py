"""Cross-file rules: references, uniqueness, eligibility, windows. Pure functions over the domain."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import networkx as nx

from .errors import Problem
from .loader import Document
from .model import CheckIn, Pair, Participant, Program, ProgramData, SurveyResponse

METRIC_NAMES = frozenset({
    "registrations", "match_rate", "time_to_match_days", "sessions_per_pair", "pairs_on_track_share",
    "mentoring_hours", "pairs_with_3_sessions_share", "average_rating", "first_session_fit_rate",
    "would_continue_share", "skills_covered_share", "goal_progress_share", "participation_share",
    "early_closure_rate",
})
_OPEN_STATUSES = ("proposed", "active")


def _suggest(value: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(value, sorted(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def _dupes(values: Iterable[str]) -> list[str]:
    return sorted(v for v, n in Counter(values).items() if n > 1)


def check_program_rules(program: Program, doc: Document) -> list[Problem]:
    """Rules inside program.yaml that a schema cannot express."""
    out: list[Problem] = []
    raw = doc.data
    for name, key in (("cohorts", "id"), ("skills", "id"), ("levels", "level"), ("kpis", "id"), ("surveys", "id"),
                      ("milestones", "id"), ("admins", "github_id")):
        seen: set[str] = set()
        for i, entry in enumerate(raw.get(name, [])):  # file order, so the second occurrence is reported
            value = str(entry[key])
            if value in seen:
                out.append(doc.problem(f"/{name}/{i}/{key}", "RM324", f"{name}: '{value}' is listed twice",
                                       "ids must be unique"))
            seen.add(value)
    for i, c in enumerate(program.cohorts):
        if not c.registration_opens <= c.registration_closes:
            out.append(doc.problem(f"/cohorts/{i}/registration", "RM326", f"cohort {c.id}: registration closes before it opens",
                                   "swap opens and closes"))
        if not c.start <= c.end:
            out.append(doc.problem(f"/cohorts/{i}/end", "RM326", f"cohort {c.id}: ends before it starts", "check start and end"))
    if program.capacity_default > program.capacity_max:
        out.append(doc.problem("/eligibility/mentor_capacity", "RM316", "default capacity is above the maximum",
                               "lower default or raise max"))
    for i, m in enumerate(program.milestones):
        if (m.day is None) == (not m.at_end):
            out.append(doc.problem(f"/milestones/{i}", "RM327", f"milestone {m.id}: give either day or at: end",
                                   "e.g. day: 14"))
        if m.survey and program.survey(m.survey) is None:
            out.append(doc.problem(f"/milestones/{i}/survey", "RM322", f"milestone {m.id}: unknown survey '{m.survey}'",
                                   _suggest(m.survey, [s.id for s in program.surveys])))
    for i, k in enumerate(program.kpis):
        if k.metric not in METRIC_NAMES:
            out.append(doc.problem(f"/kpis/{i}/metric", "RM328", f"kpi {k.id}: unknown metric '{k.metric}'",
                                   _suggest(k.metric, METRIC_NAMES) or "use one of: " + ", ".join(sorted(METRIC_NAMES))))
    from .metrics import kpi_problems  # the metric library knows each metric's parameters
    out += [doc.problem(p.pointer, p.code, p.message, p.hint) for p in kpi_problems(program)]
    for i, survey in enumerate(program.surveys):
        for j, q in enumerate(survey.questions):
            if q.type == "choice" and len(q.choices) < 2:
                out.append(doc.problem(f"/surveys/{i}/questions/{j}", "RM329",
                                       f"question {q.id}: a choice question needs choices", "add choices: [...]"))
            if q.type == "scale" and q.min >= q.max:
                out.append(doc.problem(f"/surveys/{i}/questions/{j}", "RM329",
                                       f"question {q.id}: min must be below max", "e.g. min: 1, max: 5"))
    return out


class _Context:
    def __init__(self, data: ProgramData, docs: Mapping[str, Document], as_of: dt.date, present: set[str]) -> None:
        self.data, self.docs, self.as_of, self.present = data, docs, as_of, present
        self.program = data.program
        self.people = data.by_login()
        self.skill_ids = {s.id for s in self.program.skills}
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
        """A login counts as known if its file exists, even when that file has its own problems."""
        return login.lower() in self.people or login.lower() in self.present

    def skills(self, path: str, pointer: str, ids: Iterable[str]) -> None:
        for i, sid in enumerate(ids):
            if sid not in self.skill_ids:
                self.add(path, f"{pointer}/{i}", "RM305", f"unknown skill '{sid}'",
                         _suggest(sid, self.skill_ids) or "use a skill id from program.yaml's skills")


def check_cross_file(data: ProgramData, docs: Mapping[str, Document], as_of: dt.date, present: set[str]) -> list[Problem]:
    """Every rule that needs more than one file."""
    ctx = _Context(data, docs, as_of, present)
    _participants(ctx)
    _reporting_lines(ctx)
    _pairs(ctx)
    _checkins(ctx)
    _responses(ctx)
    return ctx.out


def _participants(ctx: _Context) -> None:
    program = ctx.program
    levels = {x.level for x in program.levels}
    for field, key in (("login", lambda p: p.key), ("github_id", lambda p: str(p.github_id))):
        groups: dict[str, list[Participant]] = defaultdict(list)
        for p in ctx.data.participants:
            groups[key(p)].append(p)
        for people in groups.values():
            for p in people[1:]:
                ctx.add(p.source.path, f"/{field}", "RM302" if field == "login" else "RM303",
                        f"{field} {getattr(p, field)} is already used by {people[0].source.path}", "each person has one profile")
    for p in ctx.data.participants:
        path = p.source.path
        if path != f"participants/{p.login}.yaml":
            ctx.add(path, "/login", "RM301", f"login '{p.login}' does not match the file name",
                    f"rename the file to participants/{p.login}.yaml or fix the login")
        cohort = program.cohort(p.cohort)
        if cohort is None:
            ctx.add(path, "/cohort", "RM304", f"unknown cohort '{p.cohort}'",
                    _suggest(p.cohort, [c.id for c in program.cohorts]) or "use a cohort id from program.yaml")
        elif not cohort.registration_opens <= p.registered <= cohort.registration_closes:
            ctx.add(path, "/registered", "RM317", f"registered {p.registered} is outside cohort {cohort.id}'s "
                    f"registration window ({cohort.registration_opens} to {cohort.registration_closes})",
                    "register for a cohort whose registration is open")
        if p.registered > ctx.as_of:
            ctx.add(path, "/registered", "RM317", f"registered {p.registered} is after the as-of date {ctx.as_of}",
                    "use today's date")
        if program.registration_mode == "invite-only" and p.key not in program.invitees:
            ctx.add(path, "/login", "RM318", f"{p.login} is not on the invite list of this invite-only program",
                    "ask a program admin to add you to registration.invitees")
        if p.level not in levels:
            ctx.add(path, "/level", "RM319", f"unknown level {p.level}",
                    "use one of: " + ", ".join(f"{x.level} ({x.name})" for x in program.levels))
        _role_level(ctx, p)
        try:
            ZoneInfo(p.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            ctx.add(path, "/timezone", "RM320", f"unknown time zone '{p.timezone}'", "use an IANA name such as Europe/Berlin")
        if p.manager is not None and not ctx.known(p.manager):
            ctx.add(path, "/manager", "RM306", f"manager '{p.manager}' has no profile",
                    _suggest(p.manager.lower(), ctx.people) or "use the manager's login, or leave manager out")
        if p.manager is not None and p.manager.lower() == p.key:
            ctx.add(path, "/manager", "RM307", "a person cannot be their own manager", "remove manager")
        if p.capacity is not None and p.capacity > program.capacity_max:
            ctx.add(path, "/capacity", "RM316", f"capacity {p.capacity} is above the program's maximum of {program.capacity_max}",
                    f"use at most {program.capacity_max}")
        questions = {q for q, _ in program.working_style}
        for qid in sorted(set(p.working_style) - questions):
            ctx.add(path, f"/working_style/{qid}", "RM321", f"unknown working-style question '{qid}'",
                    _suggest(qid, questions) or "use a question id from program.yaml's working_style", key=True)
        ctx.skills(path, "/skills_offered", p.skills_offered)
        ctx.skills(path, "/skills_wanted", p.skills_wanted)
        for field in sorted(f for f, v in p.visibility.items() if v == "public" and f not in program.privacy.public_fields):
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
    graph = nx.DiGraph()
    for p in ctx.data.participants:
        if p.manager and p.manager.lower() != p.key:
            graph.add_edge(p.key, p.manager.lower())
    for component in nx.simple_cycles(graph):
        # start the ring at its smallest login so the message is the same on every run
        start = component.index(min(component))
        ring = component[start:] + component[:start]
        person = ctx.people.get(ring[0])
        if person is not None:
            ctx.add(person.source.path, "/manager", "RM307",
                    "reporting lines form a cycle: " + " -> ".join(ring + [ring[0]]),
                    "someone's manager field is wrong; a chain of managers must end at the top")


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
        if pair.status in _OPEN_STATUSES:
            mentor, mentee = pair.mentor.lower(), pair.mentee.lower()
            open_count[mentor] += 1
            mentee_open[mentee] += 1
            person = ctx.people.get(mentor)
            capacity = (person.capacity or ctx.program.capacity_default) if person else None
            if capacity is not None and open_count[mentor] == capacity + 1:
                ctx.add(path, f"{ptr}/mentor", "RM316", f"{pair.mentor} has {_total(ctx, mentor, 'mentor')} open pairs, "
                        f"capacity is {capacity}", "end a pair or raise capacity in the profile")
            if mentee_open[mentee] == 2:
                ctx.add(path, f"{ptr}/mentee", "RM325", f"mentee {pair.mentee} is in {_total(ctx, mentee, 'mentee')} "
                        "open pairs", "a mentee has one mentor at a time")


def _total(ctx: _Context, login: str, role: str) -> int:
    return sum(1 for p in ctx.data.pairs if p.status in _OPEN_STATUSES and getattr(p, role).lower() == login)


def _pair_entry(ctx: _Context, pair: Pair, ptr: str) -> None:
    path = "matches.yaml"
    if pair.id != Pair.make_id(pair.mentor, pair.mentee):
        ctx.add(path, f"{ptr}/id", "RM310", f"pair id '{pair.id}' should be '{Pair.make_id(pair.mentor, pair.mentee)}'",
                "a pair id is mentor--mentee")
    if ctx.program.cohort(pair.cohort) is None:
        ctx.add(path, f"{ptr}/cohort", "RM304", f"unknown cohort '{pair.cohort}'",
                _suggest(pair.cohort, [c.id for c in ctx.program.cohorts]) or "use a cohort id from program.yaml")
    people = []
    for role in ("mentor", "mentee"):
        login = getattr(pair, role)
        person = ctx.people.get(login.lower())
        if person is None:
            if ctx.known(login) or pair.status in ("completed", "ended"):
                continue  # a closed pair outlives its people: withdrawing never rewrites history
            # deleting one's own profile is how a participant withdraws, so this is a warning;
            # a typo reads the same, hence the suggestion
            typo = _suggest(login.lower(), ctx.people)
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
                    f"of {ctx.program.min_level_gap} ({mentor.login} at {mentor.level}, {mentee.login} at {mentee.level})",
                    "a reverse mentor must be junior to their mentee")


def _checkins(ctx: _Context) -> None:
    pairs = {p.id: p for p in ctx.data.pairs}
    for c in ctx.data.checkins:
        path = c.source.path
        parts = path.split("/")
        if parts[1] != c.pair:
            ctx.add(path, "/pair", "RM312", f"check-in for pair {c.pair} is in folder checkins/{parts[1]}/",
                    f"move it to checkins/{c.pair}/")
        expected = f"{c.date.isoformat()}-{c.author}.yaml"
        if parts[-1] != expected:
            ctx.add(path, "/date", "RM312", f"file name should be {expected}", "name check-ins <date>-<author>.yaml")
        pair = pairs.get(c.pair)
        if pair is None:
            ctx.add(path, "/pair", "RM312", f"unknown pair '{c.pair}'", _suggest(c.pair, pairs) or "use a pair id from matches.yaml")
            continue
        if c.author.lower() not in (pair.mentor.lower(), pair.mentee.lower()):
            ctx.add(path, "/author", "RM313", f"{c.author} is not in pair {pair.id}", "log sessions only for your own pair")
        _checkin_dates(ctx, c, pair)
        ctx.skills(path, "/topics", c.topics)
        both = [ctx.people.get(login.lower()) for login in (pair.mentor, pair.mentee)]
        if None in both:
            continue  # someone withdrew: their goals went with their profile, the history stays
        goal_ids = {g.id for p in both if p is not None for g in p.goals}
        for i, (goal, _) in enumerate(c.goals):
            if goal not in goal_ids:
                ctx.add(path, f"/goals/{i}/goal", "RM323", f"unknown goal '{goal}' for pair {pair.id}",
                        _suggest(goal, goal_ids) or "use a goal id from the mentor's or mentee's profile")


def _checkin_dates(ctx: _Context, c: CheckIn, pair: Pair) -> None:
    cohort = ctx.program.cohort(pair.cohort)
    if c.date > ctx.as_of:
        ctx.add(c.source.path, "/date", "RM314", f"date {c.date} is after the as-of date {ctx.as_of}",
                "log sessions after they happen")
    if cohort is not None and not cohort.start <= c.date <= cohort.end:
        ctx.add(c.source.path, "/date", "RM314", f"date {c.date} is outside cohort {cohort.id} ({cohort.start} to {cohort.end})",
                "check the date")
    if pair.status == "proposed":
        ctx.add(c.source.path, "/pair", "RM314", f"pair {pair.id} is only proposed, not yet approved",
                "log sessions once the pair is active")


def _responses(ctx: _Context) -> None:
    pairs = {p.id: p for p in ctx.data.pairs}
    for r in ctx.data.responses:
        path = r.source.path
        _, folder, name = path.split("/")
        if folder != r.survey:
            ctx.add(path, "/survey", "RM322", f"response to {r.survey} is in folder surveys/{folder}/", f"move it to surveys/{r.survey}/")
        if name != f"{r.respondent}.yaml":
            ctx.add(path, "/respondent", "RM322", "respondent does not match the file name", f"name the file {r.respondent}.yaml")
        if not ctx.known(r.respondent):
            # answers of someone who withdrew stay part of the program's history
            typo = _suggest(r.respondent.lower(), ctx.people)
            ctx.warn(path, "/respondent", "RM333", f"respondent '{r.respondent}' has no profile (withdrawn?)",
                     typo or "use your GitHub login; it needs a profile in participants/")
        if r.date > ctx.as_of:
            ctx.add(path, "/date", "RM314", f"date {r.date} is after the as-of date {ctx.as_of}", "use the day you answered")
        if r.pair is not None:
            pair = pairs.get(r.pair)
            if pair is None:
                ctx.add(path, "/pair", "RM312", f"unknown pair '{r.pair}'", _suggest(r.pair, pairs) or "use a pair id from matches.yaml")
            elif r.respondent.lower() not in (pair.mentor.lower(), pair.mentee.lower()):
                ctx.add(path, "/pair", "RM313", f"{r.respondent} is not in pair {pair.id}", "answer only for your own pair")
        survey = ctx.program.survey(r.survey)
        if survey is None:
            ctx.add(path, "/survey", "RM322", f"unknown survey '{r.survey}'", _suggest(r.survey, [s.id for s in ctx.program.surveys]) or "use a survey id from program.yaml's surveys")
            continue
        _answers(ctx, r, survey)


def _answers(ctx: _Context, r: SurveyResponse, survey: object) -> None:
    from .model import Survey
    assert isinstance(survey, Survey)
    for qid, value in r.answers.items():
        q = survey.question(qid)
        ptr = f"/answers/{qid}"
        if q is None:
            ctx.add(r.source.path, ptr, "RM322", f"survey {survey.id} has no question '{qid}'",
                    _suggest(qid, [x.id for x in survey.questions]) or f"use a question id of survey {survey.id} in program.yaml",
                    key=True)
        elif q.type == "yes-no" and not isinstance(value, bool):
            ctx.add(r.source.path, ptr, "RM331", f"{qid}: answer true or false", "write true or false (YAML words like yes, no, on, off are read as text here)")
        elif q.type == "scale" and (isinstance(value, bool) or not isinstance(value, int) or not q.min <= value <= q.max):
            ctx.add(r.source.path, ptr, "RM331", f"{qid}: answer a whole number from {q.min} to {q.max}", f"e.g. {qid}: {q.max}")
        elif q.type == "choice" and value not in q.choices:
            ctx.add(r.source.path, ptr, "RM331", f"{qid}: answer one of: {', '.join(q.choices)}", f'e.g. {qid}: "{q.choices[0]}"' if q.choices else "")
        elif q.type == "text" and not isinstance(value, str):
            ctx.add(r.source.path, ptr, "RM331", f"{qid}: answer with text", "put the answer in quotes")
    for q in survey.questions:
        if q.required and q.id not in r.answers:
            ctx.add(r.source.path, "/answers", "RM331", f"missing answer to required question '{q.id}'", f"add {q.id}:")
