"""A synthetic program repository of any size, for benchmarks (deterministic for a seed).

    python benchmarks/synthetic.py OUT_DIR --participants 10000 --checkins 50000
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import subprocess
from pathlib import Path

SKILLS = [f"skill-{i:02}" for i in range(30)]
DEPARTMENTS = ["Sales", "Finance", "Legal", "Engineering", "Marketing", "Operations", "HR", "Support"]
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Singapore", "Asia/Kolkata", "Europe/London", "Asia/Tokyo"]
DAYS = ["mon", "tue", "wed", "thu", "fri"]

PROGRAM = """\
# yaml-language-server: $schema=schemas/program.schema.json
id: synthetic
name: Synthetic program
organisation: Benchmark Corp
objective: A large program for measuring rmcode.
contact: {{name: People team, email: people@example.com}}
admins:
  - {{login: admin-one, github_id: 1}}
registration: {{mode: open}}
levels:
{levels}
eligibility:
  min_level_gap: 3
  mentor_max_level: 4
  mentee_min_level: 6
  mentor_capacity: {{default: 1, max: 3}}
cohorts:
  - id: big
    name: Big cohort
    registration: {{opens: 2026-01-01, closes: 2026-02-15}}
    start: 2026-02-16
    end: 2026-12-18
    matching: open
commitment: {{sessions: 8, cadence_days: 14, minutes: 45}}
milestones:
  - {{id: agreement, name: Agree on goals, day: 14}}
skills:
{skills}
working_style:
  - {{id: structure, text: I like a fixed agenda.}}
  - {{id: async, text: I prefer written updates.}}
matching:
  weights: {{skills: 0.35, working_style: 0.2, cross_department: 0.15, timezone: 0.1, availability: 0.15, \
preferences: 0.05}}
  constraints: {{shared_language: true, min_availability_overlap_hours: 1, separate_management_chains: true}}
kpis:
  - {{id: match-rate, name: Match rate, metric: match_rate, target: 0.9}}
  - {{id: sessions, name: Sessions per pair, metric: sessions_per_pair, target: 4}}
surveys:
  - id: closing
    name: Closing survey
    questions:
      - {{id: would-continue, text: Would you continue?, type: yes-no}}
privacy:
  min_group_size: 5
  public_fields: [name, title, department, skills_offered, skills_wanted, bio]
"""


def person(rng: random.Random, i: int, role: str) -> str:
    level = rng.randint(1, 3) if role == "mentor" else rng.randint(6, 8)
    skills = rng.sample(SKILLS, 3)
    slots = sorted({f'"{d} {h:02}:00-{h + 2:02}:00"' for d, h in ((rng.choice(DAYS),
                                                                   rng.randint(8, 15)) for _ in range(3))})
    field = "skills_offered" if role == "mentor" else "skills_wanted"
    return f"""# yaml-language-server: $schema=../schemas/participant.schema.json
login: user-{i:05}
github_id: {100000 + i}
name: User {i}
role: {role}
cohort: big
registered: 2026-01-{rng.randint(1, 28):02}
title: Title {i}
level: {level}
department: {rng.choice(DEPARTMENTS)}
location: City {i % 50}
timezone: {rng.choice(ZONES)}
languages: [en{", de" if rng.random() < 0.3 else ""}]
{field}: [{", ".join(skills)}]
working_style: {{structure: {rng.randint(1, 5)}, async: {rng.randint(1, 5)}}}
availability: [{", ".join(slots)}]
bio: Bio of user {i}, who works on things and likes them.
visibility: {{name: public, department: public, {field}: public}}
"""


def checkin(pair: str, author: str, day: dt.date, rng: random.Random) -> str:
    return f"""# yaml-language-server: $schema=../../schemas/checkin.schema.json
pair: {pair}
date: {day.isoformat()}
author: {author}
minutes: {rng.choice([30, 45, 60])}
topics: [{rng.choice(SKILLS)}]
rating: {rng.randint(2, 5)}
next_steps: Try the next thing.
"""


def generate(out: Path, participants: int, checkins: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    levels = "\n".join(f"  - {{level: {n}, name: Level {n}}}" for n in range(1, 9))
    skills = "\n".join(f"  - {{id: {s}, name: Skill {s[-2:]}}}" for s in SKILLS)
    (out / "participants").mkdir(parents=True, exist_ok=True)
    (out / "program.yaml").write_text(PROGRAM.format(levels=levels, skills=skills))
    half = participants // 2
    for i in range(participants):
        (out / "participants" / f"user-{i:05}.yaml").write_text(person(rng, i, "mentor" if i < half else "mentee"))
    pairs = [(f"user-{i:05}", f"user-{half + i:05}") for i in range(half)]
    lines = ["# yaml-language-server: $schema=schemas/matches.schema.json", "pairs:"]
    for mentor, mentee in sorted(pairs, key=lambda p: f"{p[0]}--{p[1]}"):
        lines += [f"  - id: {mentor}--{mentee}", "    cohort: big", f"    mentor: {mentor}", f"    mentee: {mentee}",
                  "    status: active", "    matched: 2026-02-16"]
    (out / "matches.yaml").write_text("\n".join(lines) + "\n")
    start = dt.date(2026, 2, 17)
    for n in range(checkins):
        mentor, mentee = pairs[n % len(pairs)]
        day = start + dt.timedelta(days=14 * (n // len(pairs)) + rng.randint(0, 3))
        author = mentor if n % 2 else mentee
        folder = out / "checkins" / f"{mentor}--{mentee}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{day.isoformat()}-{author}.yaml").write_text(checkin(f"{mentor}--{mentee}", author, day, rng))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--participants", type=int, default=10000)
    parser.add_argument("--checkins", type=int, default=50000)
    args = parser.parse_args()
    generate(args.out, args.participants, args.checkins)
    subprocess.run(["git", "init", "-q", str(args.out)], check=True)


if __name__ == "__main__":
    main()
