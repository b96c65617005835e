#!/usr/bin/env python3
"""Benchmark `rmcode status` and `rmcode report --format json` on a large synthetic program.

Writes a program of 10,000 participants (5,000 pairs) and 50,000 check-ins into a
folder (default benchmarks/out/report, git-ignored), then times each command end to
end in a fresh process, and separately the pure ``build_report`` on loaded data.
Results are recorded in docs/performance-report.md.

Usage: .venv/bin/python benchmarks/bench_report.py [--out DIR] [--people N] [--checkins N] [--runs N] [--reuse]
       [--no-bytecode]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_validate import bytecode_env

AS_OF = "2026-06-15"
DEPARTMENTS = ["Engineering", "Marketing", "Sales", "Finance", "People", "Operations", "Legal", "Support"]
SKILLS = ["generative-ai", "short-video", "data-literacy", "social-media", "cloud-basics", "accessibility"]
PROGRAM = """\
id: bench
name: Benchmark program
organisation: Example Corp
objective: Junior colleagues mentor senior leaders.
contact: {name: People team, email: people@example.com}
admins: [{login: admin-amy, github_id: 1}]
registration: {mode: open}
levels: [{level: 1, name: Associate}, {level: 2, name: Senior associate}, {level: 3, name: Manager},
         {level: 4, name: Director}, {level: 5, name: Vice president}]
eligibility: {min_level_gap: 2, mentor_max_level: 2, mentee_min_level: 4, mentor_capacity: {default: 1, max: 2}}
cohorts:
  - {id: c1, name: Cohort one, registration: {opens: "2026-01-01", closes: "2026-01-31"},
     start: "2026-02-01", end: "2026-07-31", matching: closed}
commitment: {sessions: 12, cadence_days: 14, minutes: 45}
milestones:
  - {id: agreement, name: Agree on goals, day: 14}
  - {id: pulse, name: Pulse survey, day: 60, survey: pulse}
skills: [SKILLS]
matching:
  weights: {skills: 0.5, working_style: 0.1, cross_department: 0.2, timezone: 0.1, availability: 0.1, preferences: 0}
kpis:
  - {id: match-rate, name: Match rate, metric: match_rate, target: 0.9}
  - {id: registrations, name: Registrations, metric: registrations, target: 5000}
  - {id: time-to-match, name: Days to match, metric: time_to_match_days, target: 21, direction: at-most}
  - {id: sessions, name: Sessions per pair, metric: sessions_per_pair, target: 4}
  - {id: on-track, name: On track, metric: pairs_on_track_share, target: 0.75}
  - {id: hours, name: Hours, metric: mentoring_hours, target: 10000}
  - {id: three, name: Three sessions, metric: pairs_with_3_sessions_share, target: 0.7}
  - {id: rating, name: Mentee rating, metric: average_rating, target: 4, params: {role: mentee}}
  - {id: fit, name: First-session fit, metric: first_session_fit_rate, target: 0.85}
  - {id: continue, name: Would continue, metric: would_continue_share, target: 0.8,
     params: {survey: pulse, question: would-continue}}
  - {id: skills, name: Skills covered, metric: skills_covered_share, target: 0.6}
  - {id: goals, name: Goal progress, metric: goal_progress_share, target: 0.5}
  - {id: departments, name: Departments on both sides, metric: participation_share, target: 1,
     params: {field: department}}
  - {id: early, name: Ended early, metric: early_closure_rate, target: 0.1, direction: at-most}
surveys:
  - id: pulse
    name: Pulse
    questions:
      - {id: would-continue, text: Would you continue?, type: yes-no}
      - {id: value, text: How valuable?, type: scale, min: 1, max: 5}
      - {id: note, text: Anything else?, type: text}
privacy: {min_group_size: 5, public_fields: [name, department], publish_every: weekly}
""".replace("[SKILLS]", "[" + ", ".join(f"{{id: {s}, name: {s}}}" for s in SKILLS) + "]")


def _person(login: str, gid: int, role: str, rng: random.Random) -> str:
    level = rng.choice([1, 2]) if role == "mentor" else rng.choice([4, 5])
    skills = rng.sample(SKILLS, 2)
    field = "skills_offered" if role == "mentor" else "skills_wanted"
    kind = "grow" if role == "mentor" else "learn"
    ident = f"self_identification: {{gender: {rng.choice(['woman', 'man', 'non-binary'])}}}\n" if gid % 2 else ""
    return (f"login: {login}\ngithub_id: {gid}\nname: {login}\nrole: {role}\ncohort: c1\n"
            f"registered: \"2026-01-{rng.randint(1, 31):02d}\"\nlevel: {level}\ndepartment: {rng.choice(DEPARTMENTS)}\n"
            f"timezone: Europe/Berlin\nlanguages: [en]\n{field}: [{', '.join(skills)}]\n"
            f"goals: {{{kind}: [{{id: g-{login}, text: A goal}}]}}\navailability: [\"tue 09:00-11:00\"]\n{ident}")


def _checkin(pair: str, author: str, day: dt.date, goal: str, rng: random.Random) -> str:
    return (f"pair: {pair}\ndate: \"{day}\"\nauthor: {author}\nminutes: {rng.choice([30, 45, 60])}\n"
            f"topics: [{rng.choice(SKILLS)}]\nrating: {rng.choice([3, 4, 4, 5, 5])}\n"
            f"goals: [{{goal: {goal}, progress: {rng.choice(['started', 'progressing', 'achieved'])}}}]\n"
            + ("good_fit: true\n" if day.day <= 14 and day.month == 2 else ""))


def generate(root: Path, people: int, checkins: int) -> None:
    """A valid program with ``people`` participants and about ``checkins`` check-ins."""
    rng = random.Random(4)
    if root.exists():
        shutil.rmtree(root)
    (root / "participants").mkdir(parents=True)
    (root / "program.yaml").write_text(PROGRAM, encoding="utf-8")
    pairs = people // 2
    lines = ["pairs:"]
    for i in range(pairs):
        mentor, mentee = f"mentor-{i:05d}", f"mentee-{i:05d}"
        (root / "participants" / f"{mentor}.yaml").write_text(_person(mentor, 10 + 2 * i, "mentor", rng))
        (root / "participants" / f"{mentee}.yaml").write_text(_person(mentee, 11 + 2 * i, "mentee", rng))
        status = "ended" if i % 40 == 0 else "active"
        lines.append(f"  - {{id: {mentor}--{mentee}, cohort: c1, mentor: {mentor}, mentee: {mentee}, "
                     f"status: {status}, matched: \"2026-02-01\""
                     + (", ended: \"2026-04-01\"}" if status == "ended" else "}"))
    (root / "matches.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    per_pair = checkins // pairs  # both sides log each session
    start = dt.date(2026, 2, 3)
    for i in range(pairs):
        mentor, mentee = f"mentor-{i:05d}", f"mentee-{i:05d}"
        pid = f"{mentor}--{mentee}"
        folder = root / "checkins" / pid
        folder.mkdir(parents=True)
        for n in range(per_pair):
            author = (mentor, mentee)[n % 2]
            day = start + dt.timedelta(days=14 * (n // 2) + rng.randint(0, 3) * (n % 2 == 0))
            goal = f"g-{author}"
            (folder / f"{day}-{author}.yaml").write_text(_checkin(pid, author, day, goal, rng), encoding="utf-8")
    survey = root / "surveys" / "pulse"
    survey.mkdir(parents=True)
    for i in range(0, people, 3):
        login = f"{('mentor', 'mentee')[i % 2]}-{i // 2:05d}"
        survey.joinpath(f"{login}.yaml").write_text(
            f"survey: pulse\nrespondent: {login}\ndate: \"2026-04-{1 + i % 28:02d}\"\nanswers:\n"
            f"  would-continue: {str(i % 7 != 0).lower()}\n  value: {1 + i % 5}\n  note: text {i}\n", encoding="utf-8")


def _time(cmd: list[str], runs: int, env: dict[str, str]) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
        out.append(time.perf_counter() - start)
    return out


def _in_process(root: Path, runs: int) -> dict[str, float]:
    """Each phase on its own, best of ``runs``: where the end-to-end time goes."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    start = time.perf_counter()
    from rmcode import api
    from rmcode.cli.progress import render_plain
    from rmcode.formats.report import render_json
    from rmcode.report.build import build_report
    phases = {"import rmcode (api, report, commands)": time.perf_counter() - start}
    day = dt.date.fromisoformat(AS_OF)
    start = time.perf_counter()
    data = api.load_program(root, day)
    phases["api.load_program"] = time.perf_counter() - start
    gc.freeze()  # as the commands do
    best: dict[str, float] = {}
    for _ in range(runs):
        start = time.perf_counter()
        report = build_report(data, day)
        middle = time.perf_counter()
        render_json(report)
        after_json = time.perf_counter()
        render_plain(report)
        for name, took in (("build_report", middle - start), ("render_json", after_json - middle),
                           ("render_plain (status)", time.perf_counter() - after_json)):
            best[name] = min(best.get(name, took), took)
    return phases | best


# `rmcode status` may not be registered in cli.py yet on a branch; this shim registers it.
SHIM = ("import sys; from rmcode.cli import cli, main; from rmcode.cli import progress; "
        "[cli.add_command(c) for c in (progress.status, progress.report) if c.name not in cli.commands]; "
        "main(sys.argv[1:])")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out" / "report")
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--checkins", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep an existing generated program")
    parser.add_argument("--no-bytecode", action="store_true", help="compile rmcode's modules on every run")
    args = parser.parse_args()
    if not (args.reuse and (args.out / "program.yaml").exists()):
        start = time.perf_counter()
        generate(args.out, args.people, args.checkins)
        print(f"generated {args.people:,} people, {args.checkins:,} check-ins in {time.perf_counter() - start:.1f} s")
    # bytecode caches as for an installed rmcode, or none at all with --no-bytecode
    env = bytecode_env(not args.no_bytecode)
    base = [sys.executable, "-c", SHIM]
    # one untimed run fills the validation cache (files written less than 2 s before it would not be trusted)
    time.sleep(2.5)
    subprocess.run([sys.executable, "-m", "rmcode", "validate", "--root", str(args.out), "--as-of", AS_OF],
                   check=False, stdout=subprocess.DEVNULL, env=env)
    print(f"load average {os.getloadavg()[0]:.2f} before")
    for name, extra in (("status", ["status"]), ("report --format json", ["report", "--format", "json"])):
        times = _time(base + extra + ["--root", str(args.out), "--as-of", AS_OF], args.runs, env)
        print(f"rmcode {name}: best {min(times):.2f} s, runs {', '.join(f'{t:.2f}' for t in times)}")
    for name, took in _in_process(args.out, args.runs).items():
        print(f"  {name}: {took:.2f} s")
    print(f"load average {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
