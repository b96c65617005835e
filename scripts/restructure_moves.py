#!/usr/bin/env python3
"""The mechanical step of issue 9: move every module of src/rmcode/ into its stage package.

Run it once, on a clean checkout of main, on a fresh branch; it changes nothing but where
modules live and how they are imported, so the whole suite passes unchanged afterwards.
It ``git mv``s each module to the path in MOVES, creates the new packages' ``__init__.py``,
and rewrites, in src/, tests/, benchmarks/ and scripts/:

* relative imports (``from ..x import y``, ``from . import x``), re-anchored at the new place;
* absolute imports (``from rmcode.x import y``, ``from rmcode import x``, ``import rmcode.x``);
* dotted names inside string literals and comments (``importlib.import_module("rmcode.x")``,
  ``pytest.importorskip("rmcode.commands.site")``, monkeypatch/mock targets, logger names,
  code strings run in a subprocess);
* the lazy-import tables (``api._LAZY``, ``cli.COMMANDS``) through LAZY_TABLES;
* a few exact edits (SPECIAL_EDITS) where a path, not a module name, is spelled out.

Modules it does not know (new on main since MOVES was written) are reported and nothing is
changed: add them to MOVES (or KEEP) and run again. Package data (schemas/, templates/,
scaffold/) stays where it is; pyproject's package-data globs stay valid.

Example:
    git switch -c issue-9-move main
    .venv/bin/python scripts/restructure_moves.py --dry-run     # print the plan, change nothing
    .venv/bin/python scripts/restructure_moves.py               # move + rewrite
    .venv/bin/python -m pytest -n 2 -q
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

# ---------------------------------------------------------------------------------------------
# The mapping: current path under src/rmcode/ -> target path (None: delete, the file is empty).
# Modules of the feature branches are listed too, so the same table works after they land.
MOVES: dict[str, str | None] = {
    # cli/: click commands, prompts, terminal output
    "cli.py": "cli/__init__.py",
    "options.py": "cli/options.py",
    "commands/__init__.py": None,
    "commands/data.py": "cli/data.py",
    "commands/match.py": "cli/match.py",
    "commands/pr.py": "cli/pr.py",
    "commands/progress.py": "cli/progress.py",
    "commands/prompts.py": "cli/prompts.py",
    "commands/scaffold.py": "cli/init.py",
    "commands/site.py": "cli/site.py",
    "commands/keys.py": "cli/keys.py",              # issue-10
    "commands/survey.py": "cli/survey.py",          # issue-10b
    "commands/reach.py": "cli/reach.py",            # issue-11
    "commands/roster.py": "cli/roster.py",          # issue-12
    # io/: the only place that reads, writes, caches, runs git or talks to the network
    "repo.py": "io/repo.py",
    "cache.py": "io/cache.py",
    "gitdiff.py": "io/gitdiff.py",
    "delivery.py": "io/delivery.py",                # issue-11 (SMTP, webhooks)
    # api/: one typed function per user action; features with many steps get a module
    "api.py": "api/__init__.py",
    "keyops.py": "api/keys.py",                     # issue-10 (seal, rekey, erase on a repository)
    "roster_run.py": "api/roster.py",               # issue-12 (roster import, the committed roster)
    # model/: the typed domain, the HR roster's records included
    "model.py": "model/__init__.py",
    "roster.py": "model/roster.py",                 # issue-12 (model imports it)
    # load/: bytes -> plain data with positions; parsing of other inputs
    "loader.py": "load/loader.py",
    "survey_form.py": "load/survey_form.py",        # issue-10b
    "roster_import.py": "load/roster_csv.py",       # issue-12
    # sealing.py (age crypto, a leaf that model imports) stays at the top, like errors.py
    # validate/: schema, cross-file rules, the one pipeline
    "schema.py": "validate/schema.py",
    "rules.py": "validate/rules.py",
    "validate.py": "validate/pipeline.py",
    "seals.py": "validate/sealed.py",               # issue-10 (sealed fields, plain text in them)
    # match/
    "matching.py": "match/assign.py",
    "eligibility.py": "match/eligibility.py",
    "scoring.py": "match/scoring.py",
    "optimality.py": "match/optimality.py",         # issue-14
    # progress/: derived values over dates
    "progress.py": "progress/pairs.py",
    "metrics.py": "progress/metrics.py",
    "flags.py": "progress/flags.py",
    "nudge.py": "progress/nudge.py",
    "surveys.py": "progress/surveys.py",
    # report/: the report and the one privacy filter
    "report.py": "report/build.py",
    "privacy.py": "report/privacy.py",
    # formats/: text formats of things (Markdown escaping, problems, matches.yaml, verdicts, YAML)
    "escape.py": "formats/escape.py",
    "reporters.py": "formats/problems.py",
    "matchfile.py": "formats/matches.py",
    "writer.py": "formats/person_yaml.py",
    "ical.py": "formats/ical.py",                   # issue-11
    "sealwrite.py": "formats/sealed_yaml.py",       # issue-10 (seal values of a YAML file in place)
    "sealed_write.py": "formats/sealed_values.py",  # issue-10b (the sealing step of every writer)
    "roster_diff.py": "formats/roster_diff.py",     # issue-12
    "roster_seal.py": "formats/roster_sealed.py",   # issue-12 (sealed roster columns in buckets)
    # reach/: what people hear outside Git (plans reminders from pair pages and calendars)
    "notify.py": "reach/notify.py",                 # issue-11
    # github/: what rmcode knows about GitHub
    "authorize.py": "github/authorize.py",
    "codeowners.py": "github/codeowners.py",
    "issueform.py": "github/issueform.py",
    "prsummary.py": "github/pr_summary.py",         # job summary + check-pr verdict text
    "forms.py": "github/forms.py",                  # issue-11
    # site/: pages, charts, config, build, serve
    "site.py": "site/build.py",
    "site_config.py": "site/config.py",
    "render.py": "site/render.py",
    "render_data.py": "site/data.py",
    "render_join.py": "site/join.py",
    "render_pages.py": "site/pages.py",
    "render_people.py": "site/people.py",
    "render_logform.py": "site/logform.py",         # issue-10b
    "render_pair.py": "site/pair.py",               # issue-11
    "charts.py": "site/charts.py",
    # init/: a new program from the template (composes site, github and formats pieces)
    "scaffold.py": "init/scaffold.py",
}
KEEP = {"__init__.py", "__main__.py", "errors.py", "sealing.py", "layout.py"}

PACKAGE_DOCS: dict[str, str] = {
    "cli": "The command line.",  # cli/__init__.py is the former cli.py
    "io": "The only place that reads and writes files, caches, runs git or talks to the network.",
    "load": "Bytes -> plain data with a position for every value.",
    "api": "The library API: one typed function per user action; the CLI is a thin layer over it.",
    "model": "The typed, immutable domain.",
    "reach": "Reaching people outside Git: reminders and announcements planned from the program.",
    "validate": "Schema validation, cross-file rules and the validation pipeline.",
    "match": "Matching: hard constraints, scores, the optimal assignment.",
    "progress": "Progress, metrics, flags, nudges and survey aggregates as of a date.",
    "report": "The progress report and what may be published.",
    "formats": "Text formats: Markdown escaping, problems, matches.yaml and its diff, person YAML.",
    "github": "What rmcode knows about GitHub: authorization, check-pr verdicts, CODEOWNERS, issue forms.",
    "site": "The program site: pages, charts, config, build and serve.",
    "init": "A new program repository from the template.",
}

# (file after the move, table variable, old module prefix, new module prefix): string values
# (or the first element of tuple values) of the table are module names under the prefix.
LAZY_TABLES = [
    ("api/__init__.py", "_LAZY", "", ""),
    ("cli/__init__.py", "COMMANDS", "commands.", "cli."),
]

# (file after the move, relative to the repository root, exact old text, new text)
SPECIAL_EDITS = [
    # the cache key covers every module of the package, now in subpackages too
    ("src/rmcode/io/cache.py",
     ('    sources = sorted((p for p in package.iterdir() if p.name.endswith(".py")), key=lambda p: p.name)\n'
     '    schemas = sorted((package / "schemas").iterdir(), key=lambda p: p.name)\n'
     '    return inputs + [(path.name, path.read_bytes()) for path in sources + schemas]\n'),
     ('    sources = sorted(_modules(package, ""))\n'
     '    schemas = sorted((package / "schemas").iterdir(), key=lambda p: p.name)\n'
     '    return inputs + sources + [(path.name, path.read_bytes()) for path in schemas]\n\n\n'
     'def _modules(folder: Traversable, prefix: str) -> list[tuple[str, bytes]]:\n'
     '    """(path under the package, source) of every module, subpackages included."""\n'
     '    found: list[tuple[str, bytes]] = []\n'
     '    for entry in folder.iterdir():\n'
     '        if entry.name.endswith(".py"):\n'
     '            found.append((prefix + entry.name, entry.read_bytes()))\n'
     '        elif entry.is_dir() and entry.joinpath("__init__.py").is_file():\n'
     '            found.extend(_modules(entry, f"{prefix}{entry.name}/"))\n'
     '    return found\n')),
    ("src/rmcode/io/cache.py", "from importlib import metadata, resources\n",
     "from importlib import metadata, resources\nfrom importlib.resources.abc import Traversable\n"),
    ("tests/test_cache.py", 'for name in ("validate.py", ', 'for name in ("validate/pipeline.py", '),
]

ROOTS = ("src", "tests", "benchmarks", "scripts")
SELF = Path(__file__).resolve()


def module_of(rel: str) -> str:
    """'commands/data.py' -> 'commands.data'; 'cli/__init__.py' -> 'cli' (under rmcode)."""
    parts = rel[:-3].split("/")
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


class Mapper:
    """Old dotted module names (rmcode.x) -> new ones, longest prefix first."""

    def __init__(self, moves: dict[str, str]) -> None:
        self.table = {f"rmcode.{module_of(old)}": f"rmcode.{module_of(new)}" for old, new in moves.items()}
        # a moved package (commands) maps as a whole, for `from rmcode.commands import x`
        self.table.setdefault("rmcode.commands", "rmcode.cli")

    def is_module(self, name: str) -> bool:
        return name in self.table

    def map(self, name: str) -> str:
        parts = name.split(".")
        for cut in range(len(parts), 0, -1):
            head = ".".join(parts[:cut])
            if head in self.table:
                return ".".join([self.table[head], *parts[cut:]])
        return name


def relative(target: str, package: str) -> str:
    """Spell absolute module TARGET relative to PACKAGE (both dotted, under rmcode)."""
    t, p = target.split("."), package.split(".")
    common = 0
    while common < min(len(t), len(p)) and t[common] == p[common]:
        common += 1
    dots = "." * (len(p) - common + 1)
    return dots + ".".join(t[common:])


def resolve(level: int, module: str | None, package: str) -> str:
    base = package.split(".")
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def rewrite_imports(text: str, mapper: Mapper, old_pkg: str | None, new_pkg: str | None) -> str:
    """Rewrite import statements; OLD_PKG/NEW_PKG are the file's package before/after (src only)."""
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    edits: list[tuple[int, int, int, int, str]] = []  # (line, col, end_line, end_col, new)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            relative_import = node.level > 0
            if relative_import:
                if old_pkg is None or new_pkg is None:
                    continue
                source = resolve(node.level, node.module, old_pkg)
            elif node.module and (node.module == "rmcode" or node.module.startswith("rmcode.")):
                source = node.module
            else:
                continue
            groups: dict[str, list[str]] = {}
            for alias in node.names:
                full = f"{source}.{alias.name}"
                if mapper.is_module(full):
                    new = mapper.map(full)
                    parent, _, last = new.rpartition(".")
                    spelled = (last if (alias.asname or alias.name) == last
                               else f"{last} as {alias.asname or alias.name}")
                    groups.setdefault(parent, []).append(spelled)
                else:
                    spelled = alias.name if alias.asname is None else f"{alias.name} as {alias.asname}"
                    groups.setdefault(mapper.map(source), []).append(spelled)
            if not any(mapper.is_module(f"{source}.{a.name}") for a in node.names):
                # the common case: only the module part changes; keep the statement's layout
                (target,) = groups
                spelled_mod = relative(target, new_pkg) if relative_import and new_pkg else target
                line = lines[node.lineno - 1]
                match = re.compile(r"from\s+([.\w]+)\s+import").search(line, node.col_offset)
                if match is None:
                    raise SystemExit(f"cannot find the import head on line {node.lineno}: {line!r}")
                edits.append((node.lineno, match.start(1), node.lineno, match.end(1), spelled_mod))
                continue
            indent = " " * node.col_offset
            statements = []
            for target, names in groups.items():
                spelled_mod = relative(target, new_pkg) if relative_import and new_pkg else target
                statements.append(f"from {spelled_mod} import {', '.join(names)}")
            edits.append((node.lineno, node.col_offset, node.end_lineno or node.lineno,
                          node.end_col_offset or 0, ("\n" + indent).join(statements)))
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("rmcode.") and mapper.map(alias.name) != alias.name:
                    if alias.asname is None:
                        raise SystemExit(f"`import {alias.name}` without `as`: rewrite it by hand (line {node.lineno})")
                    new = f"import {mapper.map(alias.name)} as {alias.asname}"
                    if len(node.names) != 1:
                        raise SystemExit(f"split `import {alias.name}, ...` by hand (line {node.lineno})")
                    edits.append((node.lineno, node.col_offset, node.end_lineno or node.lineno,
                                  node.end_col_offset or 0, new))
    return apply_edits(lines, edits)


def apply_edits(lines: list[str], edits: list[tuple[int, int, int, int, str]]) -> str:
    for line, col, end_line, end_col, new in sorted(edits, reverse=True):
        head = lines[line - 1][:col]
        tail = lines[end_line - 1][end_col:]
        lines[line - 1:end_line] = [head + new + tail]
    return "".join(lines)


DOTTED = re.compile(r"\brmcode(?:\.[A-Za-z_]\w*)+")


def rewrite_strings(text: str, mapper: Mapper) -> str:
    """Dotted rmcode module names in strings (import_module, mock targets, code) and comments."""
    edits: list[tuple[int, int, int, int, str]] = []
    lines = text.splitlines(keepends=True)
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type not in (tokenize.STRING, tokenize.COMMENT, getattr(tokenize, "FSTRING_MIDDLE", -1)):
            continue

        def swap(m: re.Match[str]) -> str:
            return mapper.map(m.group(0)) if _known_prefix(m.group(0), mapper) else m.group(0)

        new = DOTTED.sub(swap, tok.string)
        if new != tok.string:
            edits.append((tok.start[0], tok.start[1], tok.end[0], tok.end[1], new))
    return apply_edits(lines, edits) if edits else text


def _known_prefix(name: str, mapper: Mapper) -> bool:
    parts = name.split(".")
    return any(".".join(parts[:cut]) in mapper.table for cut in range(2, len(parts) + 1))


def rewrite_lazy_table(text: str, var: str, old_prefix: str, new_prefix: str, mapper: Mapper) -> str:
    tree = ast.parse(text)
    lines = text.splitlines(keepends=True)
    edits: list[tuple[int, int, int, int, str]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign | ast.AnnAssign):
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if not any(isinstance(t, ast.Name) and t.id == var for t in targets):
            continue
        value = node.value
        if not isinstance(value, ast.Dict):
            raise SystemExit(f"{var} is not a dict literal")
        for item in value.values:
            first = item.elts[0] if isinstance(item, ast.Tuple) else item
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                old = f"rmcode.{old_prefix}{first.value}"
                if not mapper.is_module(old):
                    raise SystemExit(f"{var}: {first.value!r} is not a known module under {old_prefix or 'rmcode'}")
                new = mapper.map(old).removeprefix(f"rmcode.{new_prefix}")
                edits.append((first.lineno, first.col_offset, first.end_lineno or first.lineno,
                              first.end_col_offset or 0, repr(new).replace("'", '"')))
        return apply_edits(lines, edits)
    raise SystemExit(f"table {var} not found")


def git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true", help="print the moves and unknown modules only")
    parser.add_argument("--allow-dirty", action="store_true", help="run on a checkout with uncommitted changes")
    args = parser.parse_args(argv)

    root = Path(git("rev-parse", "--show-toplevel").strip())
    package = root / "src" / "rmcode"
    present = sorted(p.relative_to(package).as_posix() for p in package.rglob("*.py"))
    unknown = [rel for rel in present if rel not in MOVES and rel not in KEEP]
    if unknown:
        print("modules not in MOVES or KEEP (add them at the top of this script, then run again):")
        print("\n".join(f"  src/rmcode/{rel}" for rel in unknown))
        return 1
    moves = {old: new for old, new in MOVES.items() if old in present}
    absent = sorted(old for old in MOVES if old not in present)
    for old, new in moves.items():
        print(f"  {old:24} -> {new or '(deleted)'}")
    if absent:
        print(f"not on this checkout (skipped): {', '.join(absent)}")
    if args.dry_run:
        return 0
    if not args.allow_dirty and git("status", "--porcelain", "--untracked-files=no").strip():
        print("the checkout has uncommitted changes; commit or stash them (or pass --allow-dirty)")
        return 1

    mapper = Mapper({old: new for old, new in moves.items() if new})
    # read every Python file with its package before the move
    files: dict[Path, tuple[str | None, str | None]] = {}
    for top in ROOTS:
        for path in sorted((root / top).rglob("*.py")):
            if path.resolve() == SELF or ".venv" in path.parts:
                continue
            rel = path.relative_to(package).as_posix() if path.is_relative_to(package) else None
            if rel is None:
                files[path] = (None, None)
                continue
            new = moves.get(rel, rel)
            if new is None:
                continue
            old_mod, new_mod = f"rmcode.{module_of(rel)}", f"rmcode.{module_of(new)}"
            old_pkg = old_mod if rel.endswith("__init__.py") else old_mod.rpartition(".")[0]
            new_pkg = new_mod if new.endswith("__init__.py") else new_mod.rpartition(".")[0]
            files[package / new] = (old_pkg, new_pkg)

    texts: dict[Path, str] = {}
    for old, new in moves.items():
        if new is None:
            git("rm", "-q", str(package / old))
            continue
        target = package / new
        target.parent.mkdir(parents=True, exist_ok=True)
        git("mv", str(package / old), str(target))
    for folder in sorted({(package / new).parent for new in moves.values() if new}):
        init = folder / "__init__.py"
        if not init.exists():
            init.write_text(f'"""{PACKAGE_DOCS.get(folder.name, folder.name)}"""\n', encoding="utf-8")
            git("add", str(init))
    for old in moves:  # emptied folders (commands/) go, with their __pycache__
        folder = (package / old).parent
        if folder != package and folder.is_dir() and not any(folder.rglob("*.py")):
            shutil.rmtree(folder)

    for path, (was_pkg, is_pkg) in files.items():
        text = path.read_text(encoding="utf-8")
        new_text = rewrite_strings(rewrite_imports(text, mapper, was_pkg, is_pkg), mapper)
        texts[path] = new_text
    for rel, var, old_prefix, new_prefix in LAZY_TABLES:
        path = package / rel
        if path in texts:
            texts[path] = rewrite_lazy_table(texts[path], var, old_prefix, new_prefix, mapper)
    problems = 0
    for rel, before, after in SPECIAL_EDITS:
        path = root / rel
        text = texts.get(path, path.read_text(encoding="utf-8") if path.exists() else "")
        if text.count(before) != 1:
            print(f"warning: special edit not applied, text not found exactly once in {rel}: "
                  f"{before.splitlines()[0]!r}")
            problems += 1
            continue
        texts[path] = text.replace(before, after)
    changed = 0
    for path, text in texts.items():
        if text != path.read_text(encoding="utf-8"):
            path.write_text(text, encoding="utf-8")
            changed += 1
    ruff = Path(sys.executable).parent / "ruff"
    touched = [str(path) for path in texts]
    if ruff.exists():
        # moved imports sort differently (``from .io import cache`` now sits among the ``from .x``)
        subprocess.run([str(ruff), "check", "--no-cache", "--fix", "--select", "I001", "--quiet", *touched],
                       check=False, cwd=root)
    else:
        print(f"warning: {ruff} not found: run `ruff check --fix --select I001 src tests benchmarks scripts`")
    print(f"moved {sum(1 for n in moves.values() if n)} modules, deleted {sum(1 for n in moves.values() if not n)}, "
          f"rewrote {changed} files; {problems} special edits need a hand")
    print("left as they were: docs/ and README mentions of module paths; "
          "package data (schemas/, templates/, scaffold/)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
