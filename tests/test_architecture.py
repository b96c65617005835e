"""The dependency rule of src/rmcode (issue 9): imports point down the pipeline; only io/ touches disk.

Both rules are read from the source with ``ast`` (no import of rmcode), lazy imports inside
functions included.

* Layers, lowest first (LAYERS): a module may import its own package and any lower layer,
  never a higher one and never a peer on the same layer. cli/ imports only CLI_MAY_IMPORT.
* Disk, subprocesses and network: only ``io/`` (and ``site/build.py``, which runs mkdocs) may
  import subprocess/shutil/tempfile/socket/smtplib/urllib.request, call ``open()`` or ``os``
  file functions, or call Path/Traversable file methods (``read_text``, ``write_bytes``, ...).

KNOWN is a ratchet of tolerated violations; it is empty (issue 9 fixed the 92 it started with), so
any violation fails the suite. A listed one that no longer occurs fails too, so the list can only
shrink. ``python tests/test_architecture.py`` prints today's list as Python.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "rmcode"

# Lowest first. Units on one line are peers: neither may import the other.
LAYERS: list[tuple[str, ...]] = [
    ("rmcode",),  # the package itself: __version__
    ("errors",),
    ("sealing",),  # age crypto, a leaf
    ("layout",),
    ("model",),
    ("load",),
    ("io",),
    ("validate",),
    ("match", "progress"),
    ("report",),
    ("formats",),
    ("site", "github"),
    ("reach",),  # reminders link pair pages and calendars
    ("init",),  # a new program composes site, github and formats pieces
    ("api",),
    ("cli",),
    ("__main__",),
]
RANK = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}
# the thin CLI: commands parse options, call one api function and print what formats/ renders
CLI_MAY_IMPORT = {"cli", "api", "errors", "formats", "layout", "rmcode"}

DISK_EXEMPT = ("io", "site.build")  # io/ owns the disk; site/build.py runs mkdocs
DISK_MODULES = {"subprocess", "shutil", "tempfile", "socket", "smtplib", "urllib.request", "http.client",
                "http.server", "webbrowser", "glob", "fcntl", "mmap"}
DISK_METHODS = {"read_text", "read_bytes", "write_text", "write_bytes", "mkdir", "unlink", "rmdir", "rename",
                "touch", "iterdir", "glob", "rglob", "exists", "is_file", "is_dir", "stat", "lstat", "chmod",
                "symlink_to", "hardlink_to", "samefile", "open"}
OS_PURE = {"environ", "getenv", "fspath", "sep", "linesep", "PathLike", "cpu_count", "path"}
OS_PATH_PURE = {"join", "normpath", "basename", "dirname", "splitext", "isabs", "relpath", "sep", "commonpath"}

# file:line-free keys (module, kind, detail), so unrelated edits do not churn the list
KNOWN: set[tuple[str, str, str]] = set()


def modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts) or "rmcode", path


def unit_of(module: str) -> str:
    return module.split(".")[0] if module != "rmcode" else "rmcode"


def imported(module: str, path: Path, tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, imported module under rmcode, without the 'rmcode.' prefix) for every import."""
    is_pkg = path.name == "__init__.py"
    package = module.split(".") if is_pkg else module.split(".")[:-1]
    if module == "rmcode":
        package = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.split(".")[0] == "rmcode":
                target = node.module.partition(".")[2]
            else:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}" if target else alias.name
                is_module = (PACKAGE / sub.replace(".", "/")).with_suffix(".py").exists() or \
                    (PACKAGE / sub.replace(".", "/") / "__init__.py").exists()
                yield node.lineno, (sub if is_module else target) or "rmcode"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("rmcode."):
                    yield node.lineno, alias.name.partition(".")[2]


def arrow_violations() -> list[tuple[str, str, str, str]]:
    """(module, 'arrow', target, where) for each import that points up or sideways."""
    found = []
    for module, path in modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        source_unit = unit_of(module)
        if source_unit not in RANK:
            found.append((module, "unplaced", source_unit, f"{path.relative_to(PACKAGE)}:1"))
            continue
        for line, target in sorted(set(imported(module, path, tree))):
            target_unit = unit_of(target)
            if target_unit == source_unit or target_unit not in RANK:
                continue
            if RANK[target_unit] >= RANK[source_unit]:
                found.append((module, "arrow", target, f"{path.relative_to(PACKAGE)}:{line}"))
            elif source_unit == "cli" and target_unit not in CLI_MAY_IMPORT:
                found.append((module, "thin-cli", target, f"{path.relative_to(PACKAGE)}:{line}"))
    return found


def disk_violations() -> list[tuple[str, str, str, str]]:
    """(module, 'disk', what, where) for each disk, subprocess or network touch outside io/."""
    found = []
    for module, path in modules():
        if module.startswith(DISK_EXEMPT):
            continue
        where = path.relative_to(PACKAGE)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            what = _disk_touch(node)
            if what:
                found.append((module, "disk", what, f"{where}:{getattr(node, 'lineno', 0)}"))
    return sorted(set(found), key=lambda v: (v[3].split(":")[0], int(v[3].split(":")[1]), v[2]))


def _disk_touch(node: ast.AST) -> str | None:
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names if a.name in DISK_MODULES]
        return f"import {names[0]}" if names else None
    if isinstance(node, ast.ImportFrom) and not node.level and node.module in DISK_MODULES:
        return f"from {node.module} import"
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name) and func.id == "open":
            return "open()"
        if isinstance(func, ast.Attribute):
            owner = func.value
            if isinstance(owner, ast.Name) and owner.id == "os" and func.attr not in OS_PURE:
                return f"os.{func.attr}()"
            if isinstance(owner, ast.Attribute) and isinstance(owner.value, ast.Name) and owner.value.id == "os" \
                    and owner.attr == "path" and func.attr not in OS_PATH_PURE:
                return f"os.path.{func.attr}()"
            if func.attr in DISK_METHODS and not (isinstance(owner, ast.Name) and owner.id in ("os", "re", "fnmatch")):
                return f".{func.attr}()"
    return None


def _keys(found: list[tuple[str, str, str, str]]) -> set[tuple[str, str, str]]:
    return {(m, kind, what) for m, kind, what, _ in found}


def _explain(found: list[tuple[str, str, str, str]], keys: set[tuple[str, str, str]]) -> str:
    return "\n".join(f"  {where}: {m} {kind} {what}" for m, kind, what, where in found if (m, kind, what) in keys)


def test_every_import_points_down_the_pipeline() -> None:
    found = arrow_violations()
    new = _keys(found) - KNOWN
    assert not new, "imports against the layer order (see LAYERS):\n" + _explain(found, new)


def test_only_io_touches_disk_subprocesses_and_network() -> None:
    found = disk_violations()
    new = _keys(found) - KNOWN
    assert not new, "disk, subprocess or network outside io/:\n" + _explain(found, new)


def test_git_and_other_programs_are_run_from_one_module() -> None:
    # io/git.py is the one runner (fixed argv lists, never a shell, one error type); mkdocs runs in-process
    spawners = set()
    for module, path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n.split(".")[0] in ("subprocess", "pty", "pexpect") for n in names):
                spawners.add(module)
    assert spawners == {"io.git"}, f"modules that start processes: {sorted(spawners)}"


def test_known_violations_are_still_there() -> None:
    # the ratchet: a fixed violation must leave KNOWN, so the list only shrinks
    gone = KNOWN - _keys(arrow_violations()) - _keys(disk_violations())
    assert not gone, f"fixed, remove from KNOWN: {sorted(gone)}"


if __name__ == "__main__":
    everything = arrow_violations() + disk_violations()
    for m, kind, what, where in sorted(everything, key=lambda v: (v[1], v[3])):
        print(f"{where}: {m} {kind} {what}", file=sys.stderr)
    print("KNOWN: set[tuple[str, str, str]] = {")
    for key in sorted(_keys(everything)):
        print(f"    {key!r},")
    print("}")
