"""Problems found in a program's files, and the one exception type that carries them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with the data, pointing at where it is.

    Ordering is by path, line, column, code, so a sorted list reads file by file.
    """

    path: str
    line: int
    col: int
    code: str
    message: str
    hint: str = ""
    pointer: str = ""
    severity: Severity = "error"

    def _headline(self) -> str:
        where = f"{self.path}:{self.line}:{self.col}" if self.line else self.path
        message = f"warning: {self.message}" if self.severity == "warning" else self.message
        return f"{where}: {self.code} {message}" if where else f"{self.code} {message}"

    def format_text(self) -> str:
        """The problem and, on its own line, the hint."""
        return f"{self._headline()}\n    hint: {self.hint}" if self.hint else self._headline()

    def one_line(self) -> str:
        """The problem with its hint in parentheses, for logs that keep one line per problem."""
        return self._headline() + (f" (hint: {self.hint})" if self.hint else "")


class RmcodeError(Exception):
    """Bad data or configuration; the CLI prints the problems and exits 1."""

    def __init__(self, problems: Iterable[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("", 0, 0, "RM000", problems)]
        self.problems = sorted(problems)
        super().__init__("\n".join(p.format_text() for p in self.problems))


def refuse(path: object, code: str, message: str, hint: str = "") -> RmcodeError:
    """An error about one file or folder, printed as ``path: CODE message``."""
    return RmcodeError([Problem(str(path), 0, 0, code, message, hint)])


class LoadError(RmcodeError):
    """A file could not be read or parsed safely."""


class SchemaError(RmcodeError):
    """A document does not match its JSON Schema or a cross-file rule."""


class MatchError(RmcodeError):
    """Matching could not run."""


class BuildError(RmcodeError):
    """The site could not be built."""


# --- the catalogue of codes ------------------------------------------------------------
# Every code rmcode reports, with a one-line title and where docs/ explains it. docs/validation.md's
# "Every code" section is generated from this (scripts/error_codes.py; tests/test_error_codes.py keeps
# them equal, and holds the source to emitting exactly these codes). A code is never reused: a rule
# that goes away moves its code to RETIRED.

@dataclass(frozen=True, slots=True)
class Code:
    """One code of the catalogue: what it means, and the docs/ page and section that explain it."""

    title: str
    anchor: str = ""  # "page.md#section" under docs/; "" = its group's section in validation.md


# the first digit of a code -> the heading of its group in docs/validation.md
GROUPS: dict[str, str] = {
    "0": "RM0xx: general",
    "1": "RM1xx: safe loading and the repository",
    "2": "RM2xx: schema",
    "3": "RM3xx: cross-file rules",
    "4": "RM4xx: matching and the HR roster",
    "6": "RM6xx: issue forms and writing data files",
    "8": "RM8xx: building the site",
    "9": "RM9xx: reaching participants and issue forms",
}

_ROSTER = "roster.md#what-is-checked-nothing-is-written-if-anything-fails"
_NOTIFY = "reaching-participants.md#private-reminders-and-announcements-rmcode-notify"
_FORMS = "reaching-participants.md#issue-forms-that-follow-the-program"
_NEW = "reaching-participants.md#a-new-program-starts-complete"
_WRONG = "participants-guide.md#when-something-goes-wrong"
_SEALING = "sealing.md#validation"

CATALOGUE: dict[str, Code] = {
    "RM000": Code("a command refused with a message of its own (the message says why)"),
    "RM100": Code("not valid YAML (with the YAML error and a hint on quoting)"),
    "RM101": Code("file larger than the limit (1 MiB; matches.yaml 64 MiB)"),
    "RM102": Code("byte order mark at the start"),
    "RM103": Code("not UTF-8 (points at the first bad byte)"),
    "RM104": Code("tab in indentation"),
    "RM105": Code("more than one YAML document in the file"),
    "RM106": Code("control characters YAML cannot read"),
    "RM107": Code("empty file"),
    "RM108": Code("nested more than 16 levels"),
    "RM109": Code("`rmcode seal`/`rekey`: a file to rewrite is not a YAML mapping", "sealing.md#keys"),
    "RM110": Code("anchors and aliases (a \"billion laughs\" file fails at the first alias)"),
    "RM111": Code("tags (`!!python/object`, `!!binary`, `!custom`, ...)"),
    "RM112": Code("merge keys (`<<`)"),
    "RM113": Code("a key that is not plain text"),
    "RM114": Code("duplicate key"),
    "RM115": Code("a number longer than 32 characters, or too large to read (`level: 999…` with 5,000 digits, "
                  "`1e99999`); quote it if it is text"),
    "RM120": Code("no program.yaml"),
    "RM121": Code("symbolic link (files or folders)"),
    "RM122": Code("something other than a file where a file belongs"),
    "RM123": Code("unexpected entry in a data folder (e.g. `.yml`, stray files)"),
    "RM124": Code("unreadable file"),
    "RM125": Code("`.github/CODEOWNERS` no longer matches `program.yaml`'s admins (stale, or edited by hand): "
                  "run `rmcode codeowners`"),
    "RM201": Code("missing required field (points at the parent mapping)"),
    "RM202": Code("unknown key, with \"did you mean\" (points at the key)"),
    "RM203": Code("wrong type"),
    "RM204": Code("not one of the allowed values, with \"did you mean\""),
    "RM205": Code("bad format (dates are YYYY-MM-DD)"),
    "RM206": Code("wrong form (pattern)"),
    "RM207": Code("out of range (numbers, lengths, list sizes)"),
    "RM208": Code("duplicate list entries (points at the list)"),
    "RM209": Code("other schema rule"),
    "RM210": Code("a sealed value's armor is damaged", _SEALING),
    "RM301": Code("a profile's login equals its file name"),
    "RM302": Code("logins are unique, case-insensitively"),
    "RM303": Code("GitHub ids are unique"),
    "RM304": Code("cohorts exist; a pair's people are in the pair's cohort"),
    "RM305": Code("skills (offered, wanted, check-in topics) are in the taxonomy (with \"did you mean\")"),
    "RM306": Code("a manager has a profile, or is in the HR roster (roster.csv)"),
    "RM307": Code("no cycles in reporting lines; nobody manages themselves"),
    "RM309": Code("mentor and mentee have those roles in their profiles"),
    "RM310": Code("a pair id is `mentor--mentee`"),
    "RM311": Code("pair ids are unique"),
    "RM312": Code("a check-in's pair exists and its folder and file name match "
                  "(`checkins/<pair>/<date>-<author>.yaml`)"),
    "RM313": Code("a check-in's author (or a survey respondent) belongs to the pair"),
    "RM314": Code("dates: not after `--as-of`, inside the cohort, only for approved pairs"),
    "RM315": Code("eligibility: mentor and mentee levels, the reverse-mentoring level gap"),
    "RM316": Code("capacity: a profile's capacity is at most the program's maximum, and open pairs do not exceed it"),
    "RM317": Code("registration inside the cohort's window and not in the future"),
    "RM318": Code("invite-only programs: the login is invited (listed, or matched by a roster query)"),
    "RM319": Code("the level exists in program.yaml"),
    "RM320": Code("the time zone is a real IANA zone"),
    "RM321": Code("working-style answers are for questions program.yaml asks"),
    "RM322": Code("survey responses: the survey and question exist, folder and file name match"),
    "RM323": Code("check-in goal ids come from the pair's profiles"),
    "RM324": Code("program.yaml ids are unique (cohorts, skills, levels, KPIs, surveys, milestones, admins)"),
    "RM325": Code("a mentee is in at most one open pair"),
    "RM326": Code("cohort dates are in order"),
    "RM327": Code("a milestone has either `day` or `at: end`"),
    "RM328": Code("a KPI names a metric rmcode knows"),
    "RM329": Code("choice questions have choices; scales have min < max"),
    "RM330": Code("only fields the program allows may be marked public"),
    "RM331": Code("survey answers have the question's type"),
    "RM332": Code("a KPI's parameters fit its metric"),
    "RM333": Code("warning: a pair's person or a respondent has no profile (withdrawn, or a typo); "
                  "`rmcode match` ends the pair"),
    "RM334": Code("one session per author and one survey response per person (logins compare case-insensitively)"),
    "RM335": Code("an availability slot ends after it starts"),
    "RM336": Code("plain text in a field the program seals (program.yaml has `sealing.recipients`); "
                  "run `rmcode seal FILE`"),
    "RM337": Code("warning: program.yaml has a `sealing` section but no recipients yet, and sealed fields hold "
                  "plain text"),
    "RM339": Code("warning: sealed values whose number of recipients differs from `sealing.recipients` "
                  "(an admin was added or removed): run `rmcode rekey`"),
    "RM340": Code("level, department or manager disagrees with the HR roster (roster.csv line and employee id in "
                  "the message)", "roster.md#the-roster-as-the-source-of-truth"),
    "RM341": Code("`rmcode rekey`: a sealed value the given identity cannot open", "sealing.md#key-changes"),
    "RM342": Code("warning: a participant is not in the HR roster (left the company, or HR has another GitHub "
                  "login for them)", "roster.md#the-roster-as-the-source-of-truth"),
    "RM343": Code("`rmcode seal`/`rekey`: program.yaml lists no sealing.recipients", "sealing.md#keys"),
    "RM344": Code("program.yaml: the default mentor capacity is above the maximum"),
    "RM345": Code("program.yaml: a milestone names a survey the program does not have (with \"did you mean\")"),
    "RM402": Code("a pin (`matching.must_pair`) cannot be made", "matching.md#pins-and-blocks"),
    "RM404": Code("`rmcode match`: unknown cohort", "matching.md#who-gets-a-proposal"),
    "RM405": Code("`rmcode match`: matching is closed for the cohort", "matching.md#who-gets-a-proposal"),
    "RM406": Code("no optimality certificate: nothing is written (a bug in rmcode; report it)",
                  "matching.md#the-assignment-optimal-not-greedy"),
    "RM409": Code("the HR export cannot be read", _ROSTER),
    "RM410": Code("the HR export is larger than 50 MB", _ROSTER),
    "RM411": Code("bytes that are not UTF-8 (or not the `--encoding`), or an unknown encoding", _ROSTER),
    "RM412": Code("an empty export, or a header but no employees", _ROSTER),
    "RM413": Code("a row with more or fewer fields than the header", _ROSTER),
    "RM414": Code("duplicate employee id or GitHub login", _ROSTER),
    "RM415": Code("malformed CSV (a stray or unclosed quote)", _ROSTER),
    "RM416": Code("program.yaml maps a field to a header the export does not have", _ROSTER),
    "RM417": Code("unknown column", _ROSTER),
    "RM418": Code("no column for a required field", _ROSTER),
    "RM419": Code("a bad cell: empty employee id, not a GitHub login, a level that is not a number, a date not in "
                  "`date_format`", _ROSTER),
    "RM420": Code("roster.csv is damaged (not as `rmcode roster import` writes it)"),
    "RM421": Code("a manager id that is no employee id in the export", _ROSTER),
    "RM422": Code("managers form a cycle", _ROSTER),
    "RM423": Code("roster.sealed.yaml is damaged", "roster.md#sealed-columns"),
    "RM424": Code("sealed roster values but no usable `sealing.recipients` in program.yaml", _ROSTER),
    "RM600": Code("an issue form that cannot be read", "github.md#taking-part-without-git"),
    "RM601": Code("an issue form with a section twice", "github.md#taking-part-without-git"),
    "RM602": Code("an issue longer than rmcode reads", "github.md#taking-part-without-git"),
    "RM603": Code("an issue that is not a filled-in form", "github.md#taking-part-without-git"),
    "RM604": Code("an issue form sets a field that comes from the GitHub account", "github.md#taking-part-without-git"),
    "RM605": Code("an issue form answer of the wrong form", "github.md#taking-part-without-git"),
    "RM606": Code("the issue's author is not a GitHub account", "github.md#taking-part-without-git"),
    "RM607": Code("the profile belongs to another GitHub account", _WRONG),
    "RM608": Code("the issue body is not UTF-8", "github.md#taking-part-without-git"),
    "RM609": Code("an issue answers a field the program seals (the answer is never repeated)", _WRONG),
    "RM620": Code("the data file already exists (`--force` replaces it)", _WRONG),
    "RM621": Code("a symbolic link or other non-file where rmcode writes: it never writes through one", _WRONG),
    "RM622": Code("`rmcode init`: the folder is not empty, or not a folder", _NEW),
    "RM623": Code("not a profile, check-in or survey path: rmcode refuses to write it", _WRONG),
    "RM624": Code("an existing data file that does not hold a mapping", _WRONG),
    "RM625": Code("`rmcode log`: the author is in no approved pair", _WRONG),
    "RM626": Code("`rmcode survey`: no survey of the program is for this person", _WRONG),
    "RM627": Code("program.yaml does not validate, so rmcode cannot tell what to seal", _WRONG),
    "RM628": Code("`rmcode seal`: a path that is not a data file (profile, check-in, survey response, matches.yaml)",
                  "sealing.md#sealing-existing-files-and-migrating-a-program"),
    "RM629": Code("issue forms without the option lists rmcode fills in", _FORMS),
    "RM801": Code("a symbolic link in site/docs", "site.md#customising-the-site-site"),
    "RM802": Code("a file in site/docs would replace a page rmcode generates", "site.md#customising-the-site-site"),
    "RM803": Code("site/mkdocs.yml is not a mapping", "site.md#customising-the-site-site"),
    "RM804": Code("an output folder the build must not empty", "site.md#for-developers"),
    "RM805": Code("mkdocs could not build the site", "site.md#customising-the-site-site"),
    "RM806": Code("a site/mkdocs.yml setting rmcode does not allow", "site.md#customising-the-site-site"),
    "RM901": Code("a delivery setting (environment variable) is missing or wrong", _NOTIFY),
    "RM902": Code("a damaged line in the sent-log", _NOTIFY),
    "RM903": Code("the sent-log is inside the program repository", _NOTIFY),
    "RM905": Code("an e-mail address that is not sealed", _NOTIFY),
    "RM906": Code("a sealed e-mail address that cannot be opened", _NOTIFY),
    "RM907": Code("a sealed e-mail address that is not an address", _NOTIFY),
    "RM908": Code("the address file cannot be read or is not a mapping", _NOTIFY),
    "RM910": Code("no pair with this id", _NOTIFY),
    "RM930": Code("warning: the issue forms' choices do not follow program.yaml: run `rmcode forms`", _FORMS),
    "RM931": Code("warning: template text left in a page or form", _NEW),
    "RM932": Code("warning: an example address left in a page or form", _NEW),
}



def docs_anchor(code: str) -> str:
    """Where docs/ explains ``code``: ``page.md#section``."""
    return CATALOGUE[code].anchor or f"validation.md#{heading_slug(GROUPS[code[2]])}"


def heading_slug(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces as hyphens."""
    kept = "".join(c for c in heading.lower() if c.isalnum() or c in " -_")
    return kept.replace(" ", "-")


# codes no longer reported, and never reused
RETIRED: dict[str, str] = {
    "RM308": "see RM333",
    "RM338": "fields matching needs are sealed like any other",
}
