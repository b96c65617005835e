"""rmcode roster import: real HR exports in, roster.csv out; bad exports refused with row and column."""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

import pytest
import yaml
from conftest import ProgramRepo, commit_all, person, run

from rmcode.api import validate
from rmcode.formats.roster_sealed import Sealed, bucket_of, open_fields, parse_sealed
from rmcode.model.roster import parse_roster
from rmcode.sealing import generate_identity, parse_identities

# as an HR system writes it: BOM, semicolons, CRLF, quoted fields with the delimiter, doubled quotes, a line break
SEMICOLON_EXPORT = (
    b'\xef\xbb\xbf"Employee ID";"GitHub Login";"Full Name";"Grade";"Department";"Manager ID";"Location";"Hire Date"\r\n'
    b'E1;boss;"Big; Boss";5;Finance;;Berlin;2010-01-01\r\n'
    b'E2;cleo;"Cleo ""C."" Smith";5;Finance;E1;Berlin;2015-03-01\r\n'
    b'E3;ana;"Ana\r\nMaria";1;Sales;E5;Paris;2024-01-01\r\n'
    b'E4;dan;Dan;4;Sales;E5;Paris;2020-01-01\r\n'
    b'E5;;Sam Nogit;3;Sales;E1;Paris;2019-01-01\r\n'
    b'E6;ben;Ben;1;Legal;E1;Rome;2024-02-01\r\n'
)
ROSTER_CSV = (
    "employee_id,login,name,level,department,manager_id,location,start_date\n"
    "E1,boss,Big; Boss,5,Finance,,Berlin,2010-01-01\n"
    'E2,cleo,"Cleo ""C."" Smith",5,Finance,E1,Berlin,2015-03-01\n'
    'E3,ana,"Ana\r\nMaria",1,Sales,E5,Paris,2024-01-01\n'
    "E4,dan,Dan,4,Sales,E5,Paris,2020-01-01\n"
    "E5,,Sam Nogit,3,Sales,E1,Paris,2019-01-01\n"
    "E6,ben,Ben,1,Legal,E1,Rome,2024-02-01\n"
)


def _import(root: Path, name: str, content: bytes, *extra: str) -> tuple[int, str, str]:
    (root / name).write_bytes(content)
    result = run("roster", "import", "--root", str(root), str(root / name), *extra)
    return result.exit_code, result.stdout, result.stderr


def test_semicolon_export_with_bom_crlf_and_quotes_becomes_a_sorted_roster(program_repo: ProgramRepo) -> None:
    root = program_repo()
    code, out, err = _import(root, "export.csv", SEMICOLON_EXPORT)
    assert (code, err) == (0, "wrote roster.csv\n")
    assert (root / "roster.csv").read_bytes().decode() == ROSTER_CSV
    assert out.splitlines()[:5] == ["## Roster import: 6 joined", "", "The roster now lists 6 employees.", "",
                                    "### Joined (6)"]
    assert "- E2 Cleo \"C.\" Smith (`cleo`): Finance, level 5" in out


def test_tab_export_with_mapping_grades_dates_and_ignored_columns(program_repo: ProgramRepo) -> None:
    program = (Path(program_repo()) / "program.yaml").read_text() + textwrap.dedent("""\
        roster:
          columns: {employee_id: Personalnummer, login: GitHub-Konto, level: Stufe, department: Abteilung,
                    manager_id: Vorgesetzter, start_date: Eintrittsdatum}
          grades: {T1: 1, T4: 4}
          date_format: "%d.%m.%Y"
          ignore: [Kostenstelle]
        """)
    root = program_repo({"program.yaml": program})
    export = ("Personalnummer\tGitHub-Konto\tName\tStufe\tAbteilung\tVorgesetzter\tKostenstelle\tEintrittsdatum\n"
              "0002\tana\tAna Müller\tT1\tVertrieb\t0001\t4711\t01.02.2024\n"
              "0001\tdan\tDan Ørsted\tT4\tVertrieb\t\t4711\t15.08.2019\n").encode()
    code, _, err = _import(root, "hr.tsv", export)
    assert (code, err) == (0, "wrote roster.csv\n")
    assert (root / "roster.csv").read_text() == (
        "employee_id,login,name,level,department,manager_id,location,start_date\n"
        "0001,dan,Dan Ørsted,4,Vertrieb,,,2019-08-15\n"
        "0002,ana,Ana Müller,1,Vertrieb,0001,,2024-02-01\n")


def test_comma_export_with_windows_1252_bytes_reads_with_encoding(program_repo: ProgramRepo) -> None:
    root = program_repo()
    export = "Employee ID,GitHub,Name,Level,Department\r\nE1,ana,José,1,Sales\r\n".encode("cp1252")
    code, _, _ = _import(root, "e.csv", export, "--encoding", "cp1252")
    assert code == 0
    assert (root / "roster.csv").read_text().splitlines()[1] == "E1,ana,José,1,Sales,,,"


def test_reimport_prints_joined_left_moved_promoted_and_pairs_to_end(program_repo: ProgramRepo) -> None:
    root = program_repo()
    _import(root, "export.csv", SEMICOLON_EXPORT)
    newer = SEMICOLON_EXPORT.replace(b"E2;cleo;", b"E9;cleo2;") \
        .replace(b"E4;dan;Dan;4;Sales;E5", b"E4;dan;Dan;5;Sales;E1") \
        .replace(b"E6;ben;Ben;1;Legal", b"E6;ben;Ben;1;Sales")
    code, out, _ = _import(root, "export.csv", newer, "--summary", str(root / "pr.md"))
    assert code == 0
    assert out == textwrap.dedent("""\
        ## Roster import: 1 joined, 1 left, 2 moved, 1 promoted

        The roster now lists 6 employees.

        ### Joined (1)

        - E9 Cleo "C." Smith (`cleo2`): Finance, level 5

        ### Left (1)

        - E2 Cleo "C." Smith (`cleo`): Finance, level 5

        ### Moved (2)

        - E4 Dan (`dan`): manager E5 → E1
        - E6 Ben (`ben`): department Legal → Sales

        ### Promoted (1)

        - E4 Dan (`dan`): level 4 → 5

        ### Open pairs to end (1)

        Someone in these pairs is no longer in the roster; an admin ends each pair in matches.yaml:

        - `ana--cleo` (`ana` and `cleo`, active)
        """)
    assert (root / "pr.md").read_text() == out


def test_summary_escapes_markdown_in_hr_text(program_repo: ProgramRepo) -> None:
    root = program_repo()
    export = b"Employee ID,GitHub,Name,Level,Department\nE1,ana,<img src=x onerror=alert(1)> *[x](y)* @team,1,Sales\n"
    code, out, _ = _import(root, "e.csv", export)
    assert code == 0
    # the one GitHub-safe escaper (escape.gfm_text): no HTML, no link, no emphasis, no mention
    assert "- E1 &lt;img src=x onerror=alert(1)&gt; \\*\\[x\\](y)\\* &#64;team (`ana`): Sales, level 1" in out


# --- bad input: row and column, exit 1, nothing written ----------------------------------------

HEADER = b"Employee ID,GitHub,Name,Level,Department,Manager ID\n"
BAD: list[tuple[str, bytes, str]] = [
    ("malformed quote", HEADER + b'E1,ana,"Ana" Smith,1,Sales,\n',
     ('e.csv:2:3: RM415 row 2, column 3: the CSV is malformed (\',\' expected after \'"\')\n'
     '    hint: a field with a quote must be quoted and double its quotes: "say ""hi"""')),
    ("unclosed quote", HEADER + b'E1,ana,"Ana Smith,1,Sales,\n',
     ("e.csv:2:3: RM415 row 2, column 3: the CSV is malformed (unexpected end of data)\n"
     '    hint: a field with a quote must be quoted and double its quotes: "say ""hi"""')),
    ("too many fields", HEADER + b"E1,ana,Ana,1,Sales,,extra\n",
     ("e.csv:2:7: RM413 row 2, column 7: the row has 7 fields, the header has 6\n"
     "    hint: quote fields that contain the delimiter ','")),
    ("unknown column", b"Employee ID,GitHub,Name,Level,Department,Salary\nE1,ana,Ana,1,Sales,100\n",
     ("e.csv:1:6: RM417 row 1, column 6: unknown column 'Salary'\n"
     "    hint: map it in program.yaml (roster: columns: FIELD: HEADER) or skip it (roster: ignore: [HEADER])")),
    ("missing column", b"Employee ID,GitHub,Name,Department\nE1,ana,Ana,Sales\n",
     ("e.csv:1:1: RM418 row 1, column 1: no column for level\n"
     "    hint: name its header in program.yaml: roster: columns: level: HEADER")),
    ("duplicate id", HEADER + b"E1,ana,Ana,1,Sales,\nE2,ben,Ben,1,Sales,\nE1,cleo,Cleo,5,Sales,\n",
     ("e.csv:4:1: RM414 row 4, column 1: employee id 'E1' is already on row 2\n"
     "    hint: each employee appears once; remove the duplicate row")),
    ("duplicate login", HEADER + b"E1,ana,Ana,1,Sales,\nE2,Ana,Ana B,1,Sales,\n",
     ("e.csv:3:2: RM414 row 3, column 2: GitHub login 'Ana' is already on row 2\n"
      "    hint: each login belongs to one employee")),
    ("manager cycle", HEADER + b"E1,ana,Ana,1,Sales,E3\nE2,ben,Ben,1,Sales,E1\nE3,cleo,Cleo,5,Sales,E2\n",
     ("e.csv:2:6: RM422 row 2, column 6: managers form a cycle: E1 -> E3 -> E2 -> E1\n"
     "    hint: someone's manager id is wrong; a chain of managers must end at the top")),
    ("unknown manager", HEADER + b"E1,ana,Ana,1,Sales,E77\n",
     ("e.csv:2:6: RM421 row 2, column 6: manager id 'E77' is not an employee id in the file\n"
     "    hint: export the whole company, or leave the manager empty for people whose manager is outside it")),
    ("not utf-8", HEADER + b"E1,ana,Ana,1,Sales,\nE2,ben,Jos\xe9,1,Sales,\n",
     ("e.csv:3:3: RM411 row 3, column 3: byte 0xe9 is not UTF-8 text\n"
     "    hint: export the file as UTF-8 (CSV UTF-8 in Excel), or pass --encoding, e.g. --encoding cp1252")),
    ("grade not a number", HEADER + b"E1,ana,Ana,Senior,Sales,\n",
     ("e.csv:2:4: RM419 row 2, column 4: level 'Senior' is not a whole number\n"
     "    hint: map it in program.yaml: roster: grades: {'Senior': 7}")),
    ("bad login", HEADER + b"E1,ana smith,Ana,1,Sales,\n",
     ("e.csv:2:2: RM419 row 2, column 2: 'ana smith' is not a GitHub login\n"
     "    hint: letters, digits and single hyphens, at most 39")),
    ("header only", HEADER + b"\r\n",
     ("e.csv:2:1: RM412 row 2, column 1: the file has a header but no employees\n"
      "    hint: export every employee: an empty roster would mark everyone as having left")),
    ("empty", b"",
     "e.csv:1:1: RM412 row 1, column 1: the file is empty\n    hint: export the roster with a header row"),
]


@pytest.mark.parametrize(("content", "message"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_export_names_row_and_column_and_writes_nothing(program_repo: ProgramRepo, content: bytes,
                                                            message: str) -> None:
    root = program_repo()
    code, out, err = _import(root, "e.csv", content)
    assert (code, out, err) == (1, "", message + "\n")
    assert not (root / "roster.csv").exists()
    assert not (root / "roster.sealed.yaml").exists()


def test_a_100_mb_export_is_refused_at_the_row_where_it_passes_the_limit(program_repo: ProgramRepo) -> None:
    root = program_repo()
    _import(root, "ok.csv", HEADER + b"E1,ana,Ana,1,Sales,\n")
    before = (root / "roster.csv").read_bytes()
    row = b"E1000000,someone,Some Body,3,Engineering,\n"  # 42 bytes
    big = HEADER + row * (100_000_000 // len(row))
    code, out, err = _import(root, "big.csv", big)
    assert len(big) > 99_000_000
    assert (code, out) == (1, "")
    # 52,428,800 bytes (50 MB) end inside row 1,248,305 (the header is 51 bytes), in its third field
    assert err == ("big.csv:1248305:3: RM410 row 1248305, column 3: the file is larger than 50 MB "
                   "(it goes on past this point)\n"
                   "    hint: export only the columns the roster needs, or split the export by department\n")
    assert (root / "roster.csv").read_bytes() == before


def test_every_problem_is_reported_not_only_the_first(program_repo: ProgramRepo) -> None:
    root = program_repo()
    code, _, err = _import(root, "e.csv", HEADER + b"E1,ana,Ana,x,Sales,\nE1,ben,Ben,1,Sales,E9\n")
    assert code == 1
    assert [line.split(" ", 2)[:2] for line in err.splitlines() if not line.startswith(" ")] == [
        ["e.csv:2:4:", "RM419"], ["e.csv:3:1:", "RM414"], ["e.csv:3:6:", "RM421"]]


# --- the roster as the source of truth ------------------------------------------------------

def test_validate_reports_profiles_that_disagree_with_the_roster(program_repo: ProgramRepo) -> None:
    root = program_repo({"roster.csv": ROSTER_CSV.replace("E4,dan,Dan,4,Sales", "E4,dan,Dan,5,Finance"),
                         "participants/ben.yaml": person("ben", 102, department="Legal", manager="cleo"),
                         "participants/eve.yaml": person("eve", 103)})
    result = validate(root, use_cache=False)
    assert [p.one_line() for p in result.problems] == [
        ("participants/ben.yaml:13:10: RM340 manager 'cleo' disagrees with the roster: roster.csv:8 (employee E6) "
        "says 'boss' (hint: use manager: boss)"),
        ("participants/dan.yaml:8:8: RM340 level 4 disagrees with the roster: roster.csv:6 (employee E4) says 5 "
        "(hint: use level: 5, or ask HR to correct the roster)"),
        ("participants/dan.yaml:9:13: RM340 department 'Sales' disagrees with the roster: roster.csv:6 "
        "(employee E4) says 'Finance' (hint: use department: Finance)"),
        ("participants/eve.yaml:2:8: RM342 warning: eve is not in the HR roster (roster.csv) (hint: they may have "
        "left the company, or HR has a different GitHub login for them)"),
    ]


def test_a_manager_who_only_the_roster_knows_is_accepted(program_repo: ProgramRepo) -> None:
    root = program_repo({"roster.csv": ROSTER_CSV,
                         "participants/cleo.yaml": person("cleo", 201, role="mentee", level=5, department="Finance",
                                                          manager="boss", skills_wanted="[generative-ai]")})
    assert [p.one_line() for p in validate(root, use_cache=False).problems] == []


def test_a_damaged_roster_is_a_problem_with_its_line(program_repo: ProgramRepo) -> None:
    root = program_repo({"roster.csv": ROSTER_CSV.replace("E4,dan,Dan,4,", "E4,dan,Dan,four,")})
    assert [p.one_line() for p in validate(root, use_cache=False).problems] == [
        "roster.csv:6:4: RM420 level 'four' is not a whole number (hint: write it again with `rmcode roster import`)"]


def test_register_prefills_level_department_and_manager_from_the_roster(program_repo: ProgramRepo) -> None:
    roster = ROSTER_CSV + "E7,eve,Eve,2,Legal,E6,Rome,2025-01-01\n"
    root = program_repo({"roster.csv": roster})
    result = run("register", "--root", str(root), "--as-of", "2026-01-20", "--no-input", "--login", "eve",
                 "--github-id", "777", "--name", "Eve", "--role", "mentor", "--cohort", "c1",
                 "--timezone", "Europe/Rome", "--languages", "en", "--skills-offered", "generative-ai")
    assert (result.exit_code, result.stdout) == (0, "wrote participants/eve.yaml\n")
    data = yaml.safe_load((root / "participants/eve.yaml").read_text())
    assert (data["level"], data["department"], data["manager"]) == (2, "Legal", "ben")


def test_management_chain_comes_from_the_roster_including_non_participants(program_repo: ProgramRepo) -> None:
    # ana (mentor) and dan (mentee) share Sam (E5), who has no GitHub login and no profile;
    # ben (mentor) is dan's second choice: he does not offer what dan wants
    root = program_repo({"roster.csv": ROSTER_CSV, "matches.yaml": None,
                         "checkins/ana--cleo/2026-02-10-ana.yaml": None,
                         "participants/ana.yaml": person("ana", 101, skills_offered="[generative-ai]"),
                         "participants/ben.yaml": person("ben", 102, department="Legal",
                                                         skills_offered="[short-video]"),
                         "participants/dan.yaml": person("dan", 202, role="mentee", level=4,
                                                         skills_wanted="[generative-ai]"),
                         "participants/cleo.yaml": None})
    result = run("match", "--root", str(root), "--as-of", "2026-01-31", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "\n  ben--dan  " in result.stdout
    assert "\n  ana  c1  every eligible mentee is in their management chain\n" in result.stdout
    (root / "roster.csv").unlink()
    without = run("match", "--root", str(root), "--as-of", "2026-01-31", "--dry-run")
    assert "management chain" not in without.stdout
    assert "\n  ana--dan  " in without.stdout


INVITE_ONLY = textwrap.dedent("""\
    registration:
      mode: invite-only
      invitees:
        logins: [ben]
        roster:
          - {role: mentee, level: {min: 4}}
          - {role: mentor, departments: [sales], level: {max: 2}}
    """)


def test_invitees_from_a_roster_query(program_repo: ProgramRepo) -> None:
    base = program_repo()
    program = (base / "program.yaml").read_text().replace("registration:\n  mode: open\n", INVITE_ONLY)
    roster = ROSTER_CSV.replace("E6,ben,Ben,1,Legal", "E6,ben,Ben,1,Legal") + "E8,eve,Eve,1,Legal,E1,Rome,\n"
    root = program_repo({"program.yaml": program, "roster.csv": roster,
                         "participants/eve.yaml": person("eve", 103, department="Legal", manager="boss")})
    assert [p.one_line() for p in validate(root, use_cache=False).problems] == [
        ("participants/eve.yaml:2:8: RM318 eve is not on the invite list of this invite-only program "
        "(hint: ask a program admin to add you to registration.invitees)")]


def test_a_leaver_is_flagged_in_the_private_report_only(program_repo: ProgramRepo) -> None:
    root = program_repo({"roster.csv": ROSTER_CSV.replace(
        'E2,cleo,"Cleo ""C."" Smith",5,Finance,E1,Berlin,2015-03-01\n', "")})
    private = run("report", "--root", str(root), "--as-of", "2026-03-01", "--private", "--format", "json")
    flags = [f for f in yaml.safe_load(private.stdout)["flags"] if f["kind"] == "left-company"]
    assert flags == [{"kind": "left-company", "pair": None, "login": "cleo",
                      "message": "not in the HR roster (roster.csv): they may have left; end their open pairs: "
                                 "ana--cleo", "evidence": [{"path": "participants/cleo.yaml", "line": 1}]}]
    public = run("report", "--root", str(root), "--as-of", "2026-03-01", "--format", "json")
    assert "left-company" not in public.stdout


def test_roster_file_reads_back_what_import_wrote(program_repo: ProgramRepo) -> None:
    root = program_repo()
    _import(root, "export.csv", SEMICOLON_EXPORT)
    commit_all(root)
    roster = parse_roster((root / "roster.csv").read_bytes())
    assert sorted(roster.employees) == ["E1", "E2", "E3", "E4", "E5", "E6"]
    assert roster.employees["E3"].name == "Ana\r\nMaria"
    assert roster.manager_login("dan") == "" and roster.manager_login("cleo") == "boss"
    assert roster.reporting_edges() == {"cleo": "boss", "ana": "#E5", "dan": "#E5", "#E5": "boss", "ben": "boss"}


def test_issue_form_answers_left_empty_are_filled_from_the_roster(program_repo: ProgramRepo) -> None:
    from test_issueform import REGISTER, body
    root = program_repo({"roster.csv": ROSTER_CSV + "E7,eve,Eve,2,Legal,E6,Rome,2025-01-01\n"})
    answers = {k: v for k, v in REGISTER.items() if k not in ("level", "department")}
    (root / "issue.md").write_text(body("register.yml", answers), encoding="utf-8")
    result = run("from-issue", "--root", str(root), "--issue-file", str(root / "issue.md"), "--kind", "register",
                 "--author", "eve", "--author-id", "301", "--date", "2026-01-12")
    assert (result.exit_code, result.stdout) == (0, "participants/eve.yaml\n")
    data = yaml.safe_load((root / "participants/eve.yaml").read_text())
    assert (data["level"], data["department"], data["manager"]) == (2, "Legal", "ben")


# --- sealed columns ------------------------------------------------------------------------------

EMAIL_EXPORT = (b"Employee ID;GitHub;Name;E-Mail;Grade;Department;Manager ID;Location\r\n"
                b"E1;boss;Big Boss;boss@example.com;5;Finance;;Berlin\r\n"
                b"E2;cleo;Cleo;cleo@example.com;5;Finance;E1;Berlin\r\n"
                b"E3;ana;Ana;;1;Sales;E1;Paris\r\n")


@pytest.fixture
def keys(tmp_path: Path) -> tuple[Path, str, str]:
    """An admin's identity file, its public key, and a second recipient (the publish job)."""
    secret, public = generate_identity()
    _, other = generate_identity()
    path = tmp_path / "admin-key.txt"
    path.write_text(secret + "\n")
    return path, public, other


def _sealed_program(root: Path, *recipients: str, extra: str = "") -> str:
    keys_yaml = "".join(f"    - {{name: key {i}, key: {r}}}\n" for i, r in enumerate(recipients))
    return (root / "program.yaml").read_text() + "sealing:\n  recipients:\n" + keys_yaml + extra


def test_emails_are_sealed_and_open_with_the_admins_key(program_repo: ProgramRepo, keys: tuple[Path, str, str]) -> None:
    key, public, other = keys
    root = program_repo()
    # (the mini program's check-in has a plain rating, which a sealing program refuses)
    root = program_repo({"program.yaml": _sealed_program(root, public, other),
                         "checkins/ana--cleo/2026-02-10-ana.yaml": None})
    code, _, err = _import(root, "e.csv", EMAIL_EXPORT)
    assert (code, err.splitlines()[:2]) == (0, ["wrote roster.csv", "wrote roster.sealed.yaml"])
    roster_csv = (root / "roster.csv").read_text()
    sealed_text = (root / "roster.sealed.yaml").read_text()
    assert "@example.com" not in roster_csv + sealed_text
    sealed = parse_sealed((root / "roster.sealed.yaml").read_bytes())
    assert sealed.recipients == (public, other)
    assert set(sealed.buckets) == {bucket_of("E1"), bucket_of("E2")}
    opened = open_fields(sealed, parse_identities(key.read_text()))
    assert opened == {"E1": {"email": "boss@example.com"}, "E2": {"email": "cleo@example.com"}}
    # admins can open a bucket with Debian's age too
    armor = sealed.buckets[bucket_of("E1")]
    out = subprocess.run(["age", "--decrypt", "-i", str(key)], input=armor.encode(), capture_output=True, check=True)
    assert json.loads(out.stdout)["E1"] == {"email": "boss@example.com"}
    assert [p.one_line() for p in validate(root, use_cache=False).problems if p.severity == "error"] == []


def _imported(program_repo: ProgramRepo, keys: tuple[Path, str, str]) -> tuple[Path, Path, Sealed]:
    """A sealing program with EMAIL_EXPORT imported: the key file, the root, roster.sealed.yaml."""
    key, public, other = keys
    root = program_repo({"program.yaml": _sealed_program(program_repo(), public, other)})
    _import(root, "e.csv", EMAIL_EXPORT)
    return key, root, parse_sealed((root / "roster.sealed.yaml").read_bytes())


def test_reimport_with_the_key_keeps_unchanged_buckets_byte_identical(program_repo: ProgramRepo,
                                                                      keys: tuple[Path, str, str]) -> None:
    key, root, before = _imported(program_repo, keys)
    changed = EMAIL_EXPORT.replace(b"cleo@example.com", b"cleo.new@example.com")
    code, out, err = _import(root, "e.csv", changed, "--identity", str(key))
    assert code == 0
    assert "1 sealed buckets written, 1 kept unchanged" in err
    assert "Sealed fields (such as email) changed for 1 employees." in out
    after = parse_sealed((root / "roster.sealed.yaml").read_bytes())
    assert after.buckets[bucket_of("E1")] == before.buckets[bucket_of("E1")]
    assert after.buckets[bucket_of("E2")] != before.buckets[bucket_of("E2")]
    assert open_fields(after, parse_identities(key.read_text()))["E2"] == {"email": "cleo.new@example.com"}


def test_reimport_without_the_key_seals_everything_again_and_says_so(program_repo: ProgramRepo,
                                                                     keys: tuple[Path, str, str]) -> None:
    key, root, before = _imported(program_repo, keys)
    code, _, err = _import(root, "e.csv", EMAIL_EXPORT)
    assert code == 0
    assert err.splitlines()[-1] == ("no program key was given, so every bucket was sealed again "
                                    "(pass --identity to keep unchanged buckets byte-identical)")
    after = parse_sealed((root / "roster.sealed.yaml").read_bytes())
    assert after.buckets[bucket_of("E1")] != before.buckets[bucket_of("E1")]
    assert open_fields(after, parse_identities(key.read_text())) == \
        open_fields(before, parse_identities(key.read_text()))


def test_a_program_can_seal_more_roster_columns(program_repo: ProgramRepo, keys: tuple[Path, str, str]) -> None:
    key, public, _ = keys
    root = program_repo()
    root = program_repo({"program.yaml": _sealed_program(root, public, extra="  fields:\n    roster: [location]\n")})
    _import(root, "e.csv", EMAIL_EXPORT)
    assert "Berlin" not in (root / "roster.csv").read_text()
    assert (root / "roster.csv").read_text().splitlines()[1] == "E1,boss,Big Boss,5,Finance,,,"
    opened = open_fields(parse_sealed((root / "roster.sealed.yaml").read_bytes()), parse_identities(key.read_text()))
    assert opened["E3"] == {"location": "Paris"}
    assert opened["E1"] == {"email": "boss@example.com", "location": "Berlin"}


def test_emails_without_recipients_are_refused_and_nothing_is_written(program_repo: ProgramRepo) -> None:
    root = program_repo()
    code, out, err = _import(root, "e.csv", EMAIL_EXPORT)
    assert (code, out) == (1, "")
    assert err == ("program.yaml:1:1: RM424 the export has email values, which are always sealed, but program.yaml "
                   "lists no sealing recipients\n"
                   "    hint: add the admins' age public keys under sealing: recipients: (see `rmcode keygen`)\n")
    assert not (root / "roster.csv").exists()


def test_buckets_group_by_the_same_hash_as_bucket_of() -> None:
    from rmcode.formats.roster_sealed import group
    ids = [f"E{i}" for i in range(300)] + ["Ünïcode-1"]
    grouped = group({i: {"email": f"{i}@example.com"} for i in ids})
    assert {i: b for b, members in grouped.items() for i in members} == {i: bucket_of(i) for i in ids}
    assert bucket_of("E1") == "185"  # stable across releases: a change would re-seal every bucket


def test_help_has_an_example() -> None:
    for args in (["roster", "--help"], ["roster", "import", "--help"]):
        result = run(*args)
        assert result.exit_code == 0
        assert "Example:\n    rmcode roster import " in result.stdout


def test_dry_run_prints_the_summary_and_writes_nothing(program_repo: ProgramRepo) -> None:
    root = program_repo()
    code, out, err = _import(root, "export.csv", SEMICOLON_EXPORT, "--dry-run")
    assert (code, err) == (0, "")
    assert out.startswith("## Roster import: 6 joined\n")
    assert not (root / "roster.csv").exists()


def test_the_same_export_gives_a_byte_identical_roster(program_repo: ProgramRepo, keys: tuple[Path, str, str]) -> None:
    key, root, _ = _imported(program_repo, keys)
    first = (root / "roster.csv").read_bytes(), (root / "roster.sealed.yaml").read_bytes()
    code, out, _ = _import(root, "e.csv", EMAIL_EXPORT, "--identity", str(key))
    assert (code, out.splitlines()[0]) == (0, "## Roster import: no changes")
    assert ((root / "roster.csv").read_bytes(), (root / "roster.sealed.yaml").read_bytes()) == first


def _register_eve(root: Path, *extra: str) -> tuple[int, str, str]:
    result = run("register", "--root", str(root), "--as-of", "2026-01-20", "--no-input", "--login", "eve",
                 "--github-id", "777", "--name", "Eve", "--role", "mentor", "--cohort", "c1",
                 "--timezone", "Europe/Rome", "--languages", "en", "--skills-offered", "generative-ai", *extra)
    return result.exit_code, result.stdout, result.stderr


def test_register_accepts_a_manager_only_the_roster_knows_and_refuses_facts_it_contradicts(
        program_repo: ProgramRepo) -> None:
    root = program_repo({"roster.csv": ROSTER_CSV + "E7,eve,Eve,2,Legal,E1,Rome,2025-01-01\n"})
    code, out, err = _register_eve(root, "--level", "1")
    assert (code, out) == (1, "")
    assert err == ("participants/eve.yaml:8:8: RM340 level 1 disagrees with the roster: roster.csv:9 (employee E7) "
                   "says 2\n    hint: use level: 2, or ask HR to correct the roster\n")
    assert not (root / "participants/eve.yaml").exists()
    assert _register_eve(root)[:2] == (0, "wrote participants/eve.yaml\n")
    assert yaml.safe_load((root / "participants/eve.yaml").read_text())["manager"] == "boss"


def test_a_damaged_sealed_file_stops_the_import_with_its_line(program_repo: ProgramRepo,
                                                              keys: tuple[Path, str, str]) -> None:
    key, root, _ = _imported(program_repo, keys)
    sealed = root / "roster.sealed.yaml"
    sealed.write_text(sealed.read_text().replace("buckets:\n", "buckets:\nhello\n"))
    before = (root / "roster.csv").read_bytes()
    code, _, err = _import(root, "e.csv", EMAIL_EXPORT, "--identity", str(key))
    assert code == 1
    assert err.startswith("roster.sealed.yaml:7:1: RM423 "
                          "roster.sealed.yaml is not as `rmcode roster import` writes it\n")
    assert (root / "roster.csv").read_bytes() == before


def test_a_missing_export_is_an_error_not_a_traceback(program_repo: ProgramRepo) -> None:
    root = program_repo()
    result = run("roster", "import", "--root", str(root), str(root / "nope.csv"))
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (f"{root / 'nope.csv'}: RM409 cannot read the export: No such file or directory\n"
                             "    hint: check the path\n")


def test_every_row_of_a_written_roster_matches_its_json_schema(program_repo: ProgramRepo) -> None:
    import csv
    import io

    import jsonschema

    from rmcode.validate.schema import load_schema
    root = program_repo()
    _import(root, "export.csv", SEMICOLON_EXPORT)
    rows = list(csv.DictReader(io.StringIO((root / "roster.csv").read_text(), newline="")))
    validator = jsonschema.Draft7Validator(load_schema("roster"))
    assert len(rows) == 6
    assert [list(validator.iter_errors(row)) for row in rows] == [[]] * 6
    assert not validator.is_valid({**rows[0], "login": "not a login"})
