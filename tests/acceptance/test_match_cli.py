"""`rmcode match` end to end on real git repositories: writing, stability, --diff, errors."""

from __future__ import annotations

import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import SCHEMA_LINE, ProgramRepo, commit_all, git, person

from rmcode.cli.match import impact, match
from rmcode.errors import RmcodeError
from rmcode.match import optimality

AS_OF = "2026-03-01"
BEN_DAN = ("covers 1 of 1 skill Dan wants: Short video; both free Tue mornings; different departments (Legal, Sales); "
           "same time zone")
MATCHES_AFTER = SCHEMA_LINE.format("", "matches") + textwrap.dedent(f"""\
    pairs:
      - id: ana--cleo
        cohort: c1
        mentor: ana
        mentee: cleo
        status: active
        matched: 2026-02-01
      - id: ben--dan
        cohort: c1
        mentor: ben
        mentee: dan
        status: proposed
        proposed: 2026-03-01
        score: 0.95
        breakdown:
          skills: 0.5
          working_style: 0.05
          cross_department: 0.2
          timezone: 0.1
          availability: 0.1
          preferences: 0.0
        reason: "{BEN_DAN}"
    """)


# one mentee (dan) and one mentor with room (ben): big = 10,000 x 1 + 1, plus the score 0.95
CERTIFIED = "optimal (certified) in c1: 1 cell checked (1 eligible), 1 round; primal total 19,501 = dual bound 19,501"


CERTIFIED_MD = ("Optimal (certified): an LP-duality bound equal to the proposal's total, checked over every eligible "
                "mentee–mentor cell.")


def rm_match(root: Path, *args: str) -> Result:
    """The command as the CLI runs it: RmcodeError becomes exit 1 with its problems on stderr."""
    result = CliRunner().invoke(match, ["--root", str(root), *args])
    if isinstance(result.exception, RmcodeError):
        result.stderr_bytes = str(result.exception).encode()
        result.exit_code = 1
    elif result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def test_match_writes_the_proposal_and_reports_it(program_repo: ProgramRepo) -> None:
    root = program_repo()
    result = rm_match(root)
    assert result.exit_code == 0
    assert result.output == f"cohorts matched: c1\n1 pair proposed (mean score 0.9500), 0 unmatched\n{CERTIFIED}\n" \
        f"  ben--dan  0.9500  {BEN_DAN}\nwrote matches.yaml (2 pairs, 0 unmatched in all cohorts)\n"
    assert (root / "matches.yaml").read_text() == MATCHES_AFTER


def test_rerunning_after_commit_changes_no_byte(program_repo: ProgramRepo) -> None:
    root = program_repo()
    rm_match(root)
    commit_all(root, "proposal", "2026-03-08T12:00:00+00:00")
    assert rm_match(root).exit_code == 0
    assert git(root, "status", "--porcelain") == ""
    assert (root / "matches.yaml").read_text() == MATCHES_AFTER  # the first proposal day is kept


def test_dry_run_writes_nothing(program_repo: ProgramRepo) -> None:
    root = program_repo()
    result = rm_match(root, "--dry-run", "--format", "json")
    assert result.exit_code == 0
    assert '"written": null' in result.output
    assert git(root, "status", "--porcelain") == ""


def test_diff_compares_with_the_committed_file_as_the_workflow_does(program_repo: ProgramRepo) -> None:
    root = program_repo()
    rm_match(root)  # the workflow writes first, then describes the change
    result = rm_match(root, "--diff", "--format", "md")
    assert result.exit_code == 0
    assert result.output == textwrap.dedent(f"""\
        ## Proposed matches

        1 pair added, 0 removed, 0 changed.

        |  | committed | proposed | change |
        |---|---|---|---|
        | pairs | 1 | 2 | +1 |
        | mean score | – | 0.9500 | – |
        | unmatched | 0 | 0 | +0 |

        in c1: 1 pair proposed, 0 unmatched

        {CERTIFIED_MD}

        | cohort | cells checked | eligible | rounds | primal total | dual bound |
        |---|---|---|---|---|---|
        | c1 | 1 | 1 | 1 | 19,501 | 19,501 |

        ### Added (1)

        | pair | cohort | score | why |
        |---|---|---|---|
        | ben--dan | c1 | 0.9500 | {BEN_DAN} |
        """)
    commit_all(root)
    assert rm_match(root, "--diff").output == \
        "pairs 2 -> 2; mean score 0.9500 -> 0.9500 (+0.0000); unmatched 0 -> 0\n" \
        f"in c1: 1 pair proposed, 0 unmatched\n{CERTIFIED}\nno change to matches.yaml\n"


def test_a_weight_change_shows_as_changed_scores(program_repo: ProgramRepo) -> None:
    root = program_repo()
    rm_match(root)
    commit_all(root)
    program = (root / "program.yaml").read_text().replace("preferences: 0}", "preferences: 0.25}")
    (root / "program.yaml").write_text(program)
    result = rm_match(root, "--diff")
    assert result.output.splitlines()[:5] == [
        "pairs 2 -> 2; mean score 0.9500 -> 0.7600 (-0.1900); unmatched 0 -> 0", "in c1: 1 pair proposed, 0 unmatched",
        "optimal (certified) in c1: 1 cell checked (1 eligible), 1 round; primal total 17,601 = dual bound 17,601",
        "changed (1):",
        "  ~ ben--dan  c1  0.9500 -> 0.7600 (-0.1900)"]


def test_a_participant_who_leaves_frees_the_partner(program_repo: ProgramRepo) -> None:
    root = program_repo()
    rm_match(root)
    commit_all(root)
    (root / "participants/dan.yaml").unlink()  # the proposed pair ben--dan now points at nobody
    result = rm_match(root)
    assert result.exit_code == 0
    assert "0 pairs proposed" in result.output
    assert "  ben  c1  no mentees in cohort c1" not in result.output
    assert "  ben  c1  the only eligible mentee is matched with another mentor" in result.output
    assert "ben--dan" not in (root / "matches.yaml").read_text()


def test_invalid_data_exits_1_with_the_problem(program_repo: ProgramRepo) -> None:
    root = program_repo({"participants/dan.yaml": person("dan", 202, role="mentee", level=4,
                                                         skills_wanted="[knitting]")})
    result = rm_match(root)
    assert result.exit_code == 1
    assert "participants/dan.yaml:13:17: RM305 unknown skill 'knitting'" in result.stderr
    assert git(root, "status", "--porcelain") == ""


def test_a_pin_that_cannot_be_made_exits_1_pointing_at_program_yaml(program_repo: ProgramRepo) -> None:
    root = program_repo()
    program = (root / "program.yaml").read_text().replace(
        "  constraints:", "  must_pair:\n    - {mentor: ben, mentee: cleo}\n  constraints:")
    (root / "program.yaml").write_text(program)
    result = rm_match(root, "--as-of", AS_OF)
    assert result.exit_code == 1
    assert result.stderr == "program.yaml:45:7: RM402 pin ben--cleo cannot be made: cleo already has a pair\n" \
        "    hint: remove the pin from matching.must_pair or fix the profiles"


def test_unknown_cohort_is_a_usage_error(program_repo: ProgramRepo) -> None:
    result = rm_match(program_repo(), "--cohort", "nope")
    assert result.exit_code == 2
    assert "Invalid value for --cohort: unknown cohort 'nope' (cohorts: c1)" in result.output


def test_closed_cohort_exits_1(program_repo: ProgramRepo) -> None:
    root = program_repo()
    (root / "program.yaml").write_text((root / "program.yaml").read_text().replace("matching: open",
                                                                                   "matching: closed"))
    result = rm_match(root, "--cohort", "c1")
    assert result.exit_code == 1
    assert result.stderr == "program.yaml:31:15: RM405 matching is closed for cohort c1\n" \
        "    hint: set matching: open for the cohort in program.yaml"
    assert rm_match(root, "--dry-run").output.startswith("cohorts matched: none (no cohort has matching open)\n0 pairs")


def test_unmatched_people_are_written_with_their_reason(program_repo: ProgramRepo) -> None:
    root = program_repo({"participants/eve.yaml": person("eve", 203, role="mentee", level=5, languages="[de]")})
    assert rm_match(root).exit_code == 0
    assert (root / "matches.yaml").read_text().endswith(
        "unmatched:\n  - login: eve\n    cohort: c1\n    reason: \"no eligible mentor shares a language: German\"\n")


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(match, ["--help"])
    assert result.exit_code == 0
    assert ("  Example:\n    rmcode match --dry-run                 # show the proposal, write nothing\n"
            in result.output)


REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded demo program, committed in a repository of its own (with the source's HEAD date)."""
    root = tmp_path_factory.mktemp("demo")
    for name in ("program.yaml", "matches.yaml"):
        shutil.copy(REPO / name, root / name)
    for name in ("participants", "checkins", "surveys"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
    git(root, "init", "-q", "-b", "main")
    commit_all(root, "demo", git(REPO, "log", "-1", "--format=%cI").strip())
    return root


def test_every_help_example_runs_on_the_demo(demo: Path) -> None:
    text = CliRunner().invoke(match, ["--help"]).output
    examples = [line.split("#")[0].split()[2:] for line in text.split("Example:")[1].splitlines()
                if line.strip().startswith("rmcode match")]
    assert len(examples) == 3
    for args in examples:
        result = rm_match(demo, *args)
        assert result.exit_code == 0, (args, result.output, result.stderr_bytes)
        assert "optimal (certified)" in result.output.replace("Optimal (certified)", "optimal (certified)")
        git(demo, "checkout", "-q", "--", ".")


def numbers(pattern: str, text: str) -> tuple[int, ...]:
    found = re.search(pattern, text)
    assert found, (pattern, text)
    return tuple(int(x.replace(",", "")) for x in found.groups())


def test_dry_run_and_diff_agree_on_every_count(demo: Path) -> None:
    dry = rm_match(demo, "--dry-run").output
    change = rm_match(demo, "--diff").output
    proposed, unmatched = numbers(r"\n([\d,]+) pairs? proposed \(mean score [\d.–]+\), ([\d,]+) unmatched\n", dry)
    total_pairs, total_unmatched = numbers(r"would hold ([\d,]+) pairs?, ([\d,]+) unmatched in all cohorts", dry)
    assert numbers(r"^pairs [\d,]+ -> ([\d,]+);.*unmatched [\d,]+ -> ([\d,]+)\n", change) == (total_pairs,
                                                                                           total_unmatched)
    assert numbers(r"\nin [\w-]+: ([\d,]+) pairs? proposed, ([\d,]+) unmatched\n", change) == (proposed, unmatched)
    certificate = re.search(r"optimal \(certified\) in .*", dry)
    assert certificate and certificate.group() in change
    as_json = json.loads(rm_match(demo, "--diff", "--format", "json").output)
    assert as_json["pairs"]["after"] == total_pairs and len(as_json["unmatched"]["after"]) == total_unmatched
    assert [(c["proposed"], c["unmatched"]) for c in as_json["cohorts_matched"]] == [(proposed, unmatched)]
    (cert,) = as_json["certificates"]
    assert cert["primal_total"] == cert["dual_bound"] and cert["status"] == "optimal (certified)"
    assert git(demo, "status", "--porcelain") == ""


def test_an_active_pair_whose_person_left_is_recorded_as_ended_in_the_reviewed_proposal(
        program_repo: ProgramRepo) -> None:
    root = program_repo()
    (root / "participants/cleo.yaml").unlink()  # cleo withdraws; her pair ana--cleo is active
    commit_all(root, "cleo withdraws")
    change = rm_match(root, "--diff").output
    assert "  ~ ana--cleo  c1  – -> – (–), active -> ended" in change  # the reviewer sees it in the match PR
    assert git(root, "status", "--porcelain") == ""
    assert rm_match(root).exit_code == 0
    text = (root / "matches.yaml").read_text()
    assert "    status: ended\n    matched: 2026-02-01\n    ended: 2026-03-01\n" \
        "    end_reason: cleo withdrew from the program\n" in text


def test_no_certificate_exits_1_and_writes_nothing(program_repo: ProgramRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    root = program_repo()
    monkeypatch.setattr(optimality, "MAX_ROUNDS", 0)  # no round may run: there can be no certificate
    result = rm_match(root)
    assert result.exit_code == 1
    assert result.stderr == "program.yaml: RM406 no optimality certificate for cohort c1: eligible cells still " \
        "violate the dual after round 0 (the limit)\n" \
        "    hint: nothing was written; report this with the program's data to the rmcode maintainers"
    assert git(root, "status", "--porcelain") == ""


def test_impact_compares_the_next_proposal_and_the_kpis(program_repo: ProgramRepo) -> None:
    base = program_repo()
    head = program_repo()
    program = (head / "program.yaml").read_text().replace("preferences: 0}", "preferences: 0.25}")
    (head / "program.yaml").write_text(program)
    result = CliRunner().invoke(impact, ["--base", str(base), "--root", str(head), "--as-of", AS_OF])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:4] == [
        "impact as of 2026-03-01:", "  pairs proposed: 1 -> 1 (+0)",
        "  mean score of the proposed pairs: 0.9500 -> 0.7600 (-0.1900)", "  unmatched: 0 -> 0 (+0)"]
    assert git(base, "status", "--porcelain") == ""  # writes nothing


def test_the_authorize_workflow_previews_a_rules_change_with_base_code_on_pr_data(
        program_repo: ProgramRepo, tmp_path: Path) -> None:
    """The workflow step itself, run by bash on a repository with a base and a pull-request commit."""
    import os
    import subprocess
    import sys

    import yaml
    workflow = yaml.safe_load((REPO / ".github/workflows/authorize.yml").read_text())
    (step,) = [s for s in workflow["jobs"]["authorize"]["steps"] if "rmcode impact" in s.get("run", "")]
    root = program_repo()
    base = git(root, "rev-parse", "HEAD").strip()
    program = (root / "program.yaml").read_text().replace("preferences: 0}", "preferences: 0.25}")
    (root / "program.yaml").write_text(program.replace("min_availability_overlap_hours: 1",
                                                       "min_availability_overlap_hours: 3"))
    commit_all(root, "pr: stricter availability")
    summary = tmp_path / "summary.md"
    env = {**os.environ, "BASE_SHA": base, "HEAD_SHA": git(root, "rev-parse", "HEAD").strip(),
           "RUNNER_TEMP": str(tmp_path / "runner"), "GITHUB_STEP_SUMMARY": str(summary),
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    (tmp_path / "runner").mkdir()
    done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step["run"]], cwd=root, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    text = summary.read_text()
    assert text.startswith("## Impact of this change on matching and KPIs\n")
    assert "| pairs proposed | 1 | 0 | -1 |" in text
    assert "### Pairs removed (1)" in text and "| ben--dan | c1 | 0.9500 |" in text
    assert "### Become unmatched (2)" in text
    assert "no eligible mentor shares 3 h of weekly availability" in text
    # a pull request that leaves program.yaml alone gets no preview
    summary.unlink()
    (root / "participants/dan.yaml").write_text((root / "participants/dan.yaml").read_text() + "bio: hi\n")
    commit_all(root, "pr: profile only")
    env["BASE_SHA"] = env["HEAD_SHA"]
    env["HEAD_SHA"] = git(root, "rev-parse", "HEAD").strip()
    done = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step["run"]], cwd=root, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and not summary.exists()
