"""A program repository on disk: which data files it has (and what else is there), their bytes with the
size limits of rmcode.layout, atomic writes, the program key, and whether the data changed since HEAD
(asked of git through rmcode.io.git)."""

from __future__ import annotations

import datetime as dt
import os
import stat
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LoadError, Problem
from ..layout import CHECKINS, DATA_FOLDERS, MATCHES, PARTICIPANTS, PROGRAM, SURVEYS, size_limit
from ..load.loader import size_problem
from ..sealing import Keyring, SealError, parse_identities
from . import git

Stamp = tuple[int, int, int]  # size, mtime in ns, inode: what tells a file changed without reading it
_IGNORED = {"README.md", ".gitkeep", ".keep"}
_AT_DIR = os.stat in os.supports_dir_fd and os.stat in os.supports_follow_symlinks and hasattr(os, "O_DIRECTORY")


@dataclass(frozen=True, slots=True)
class FileRef:
    """A data file of the program: path relative to the root, and its schema."""

    path: str
    schema: str


Folder = tuple[tuple[str, ...], tuple[str, ...]]  # a folder's data files and sub-folders, by name
Listing = Mapping[str, tuple[Stamp, Folder]]  # keyed by "/" + the folder's path


@dataclass
class Scan:
    """What one pass over the program's data folders found."""

    files: dict[str, str] = field(default_factory=dict)  # path -> schema, in no particular order
    stamps: dict[str, Stamp] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    folders: dict[str, tuple[Stamp, Folder]] = field(default_factory=dict)  # every plain folder, as in Listing
    listed: set[str] = field(default_factory=set)  # keys of the folders listed afresh in this pass


def discover(root: Path, stamps: dict[str, Stamp] | None = None) -> tuple[list[FileRef], list[Problem]]:
    """List the program's data files, rejecting links, strange names and stray files.

    With ``stamps``, also record each file's stamp, from the same directory scan.
    """
    found = scan(root)
    if stamps is not None:
        stamps.update(found.stamps)
    refs = [FileRef(path, schema) for path, schema in found.files.items()]
    return sorted(refs, key=lambda f: f.path), found.problems


def no_program(root: Path) -> Problem:
    """RM120: ``root`` holds no program.yaml (the one wording, for every command that needs one)."""
    return Problem(PROGRAM, 0, 0, "RM120", f"no program.yaml in {root}",
                   "run the command in a program repository, pass --root, or create one with `rmcode init DIR`")


def scan(root: Path, known: Listing | None = None) -> Scan:
    """The data files with their stamps, and the problems of what else is there.

    A folder whose stamp matches its entry in ``known`` is not listed again, only its files
    are stat-ed: adding, removing or renaming an entry changes a folder's mtime, editing a
    file in place does not. (The caller trusts only stamps older than the racy window.)
    """
    scanner = _Scanner(root, known or {})
    for name, schema in ((PROGRAM, "program"), (MATCHES, "matches")):
        path = root / name
        st = _regular(path, name, scanner.found.problems)
        if st is not None:
            scanner.add(name, schema, st)
        elif name == PROGRAM and not path.is_symlink() and not path.exists():
            scanner.found.problems.append(no_program(root))
    for folder, depth, schema in ((PARTICIPANTS, 0, "participant"), (CHECKINS, 1, "checkin"),
                                  (SURVEYS, 1, "survey-response")):
        scanner.folder(folder, depth, schema)
    return scanner.found


def _regular(path: Path | str, rel: str, problems: list[Problem]) -> os.stat_result | None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(st.st_mode):
        problems.append(Problem(rel, 0, 0, "RM121", "symbolic links are not allowed in a program repository",
                                "replace the link with the file itself"))
        return None
    if not stat.S_ISREG(st.st_mode):
        problems.append(Problem(rel, 0, 0, "RM122", "expected a file here", "remove it or move it elsewhere"))
        return None
    return st


def _stamp(st: os.stat_result) -> Stamp:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _lstat_all(base: str, names: tuple[str, ...]) -> list[os.stat_result]:
    if not _AT_DIR:
        return [os.lstat(os.path.join(base, name)) for name in names]
    fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0))
    try:  # relative to the open folder: the kernel resolves one name, not the whole path
        return [os.stat(name, dir_fd=fd, follow_symlinks=False) for name in names]
    finally:
        os.close(fd)


class _Scanner:
    """Walks the data folders; runs for every one of thousands of pair folders, so it stays lean."""

    def __init__(self, root: Path, known: Listing) -> None:
        self.root, self.known, self.found = str(root), known, Scan()

    def add(self, rel: str, schema: str, st: os.stat_result | None) -> None:
        self.found.files[rel] = schema
        if st is not None:
            self.found.stamps[rel] = _stamp(st)

    def folder(self, folder: str, depth: int, schema: str) -> None:
        try:
            st = os.lstat(os.path.join(self.root, folder))
        except OSError:
            return
        if stat.S_ISLNK(st.st_mode):
            self.found.problems.append(Problem(folder, 0, 0, "RM121", "symbolic links are not allowed in a program "
                                               "repository", "replace the link with a real folder"))
        elif stat.S_ISDIR(st.st_mode):
            self.walk(folder, depth, schema, st)

    def walk(self, folder: str, depth: int, schema: str, st: os.stat_result) -> None:
        """A real directory; its stamp was taken before it is listed, so a later change shows."""
        stamp = _stamp(st)
        known = self.known.get("/" + folder)
        if known is None or known[0] != stamp or not self.reuse(folder, depth, schema, known):
            self.list(folder, depth, schema, stamp)

    def reuse(self, folder: str, depth: int, schema: str, known: tuple[Stamp, Folder]) -> bool:
        """Take a folder's entries from ``known``; False (and nothing taken) if one is not what it was."""
        files, subfolders = known[1]
        try:
            stats = _lstat_all(os.path.join(self.root, folder), files + subfolders)
        except OSError:
            return False
        if not (all(stat.S_ISREG(st.st_mode) for st in stats[:len(files)])
                and all(stat.S_ISDIR(st.st_mode) for st in stats[len(files):])):
            return False
        paths = [f"{folder}/{name}" for name in files]
        self.found.files.update(dict.fromkeys(paths, schema))
        self.found.stamps.update(zip(paths, map(_stamp, stats)))
        self.found.folders["/" + folder] = known
        for name, st in zip(subfolders, stats[len(files):]):
            self.walk(f"{folder}/{name}", depth - 1, schema, st)
        return True

    def list(self, folder: str, depth: int, schema: str, stamp: Stamp) -> None:
        with os.scandir(os.path.join(self.root, folder)) as scan:
            entries = sorted(scan, key=lambda e: e.name)
        files: list[str] = []
        subfolders: list[str] = []
        plain = True  # nothing but data files and sub-folders: the listing can be reused
        for entry in entries:
            name = entry.name
            rel = f"{folder}/{name}"
            if depth and entry.is_dir(follow_symlinks=False):
                try:
                    st = entry.stat(follow_symlinks=False)
                except OSError:  # gone already
                    plain = False
                    continue
                subfolders.append(name)
                self.walk(rel, depth - 1, schema, st)
            elif name.endswith(".yaml") and entry.is_file(follow_symlinks=False) and not depth:
                files.append(name)
                try:
                    self.add(rel, schema, entry.stat(follow_symlinks=False))
                except OSError:  # gone already: reading it reports the problem, and it is not cached
                    self.add(rel, schema, None)
                    plain = False
            elif name in _IGNORED and not entry.is_symlink():
                continue
            else:
                plain = False
                self.stray(entry, folder, depth)
        if plain:
            self.found.folders["/" + folder] = (stamp, (tuple(files), tuple(subfolders)))
            self.found.listed.add("/" + folder)

    def stray(self, entry: os.DirEntry[str], folder: str, depth: int) -> None:
        name, rel = entry.name, f"{folder}/{entry.name}"
        if not name.endswith(".yaml") or (depth and entry.is_file(follow_symlinks=False)):
            hint = "rename it to end in .yaml" if name.endswith(".yml") else "remove it or move it elsewhere"
            where = "a folder per pair or survey" if depth else "one .yaml file per person"
            self.found.problems.append(Problem(rel, 0, 0, "RM123", f"unexpected entry: {folder}/ holds {where}", hint))
        else:
            _regular(entry.path, rel, self.found.problems)


def read_bytes(root: Path, ref: FileRef) -> bytes | Problem:
    """The file's bytes, refusing links and anything larger than the limit before reading it."""
    limit = size_limit(ref.path)
    try:
        fd = os.open(os.path.join(root, ref.path), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        return Problem(ref.path, 0, 0, "RM124", f"cannot read the file: {exc.strerror}", "check the file's permissions")
    try:
        size = os.fstat(fd).st_size
        too_large = size_problem(ref.path, size, limit)
        if too_large is not None:
            return too_large
        chunks = []
        while chunk := os.read(fd, max(size, 1 << 16)):
            chunks.append(chunk)
            if sum(map(len, chunks)) > limit:  # grew while we read it
                break
        return b"".join(chunks)
    finally:
        os.close(fd)


def data_changed(root: Path) -> bool:
    """Whether the program's data files differ from HEAD (uncommitted edits or new files)."""
    return data_changed_later(root)()


def data_changed_later(root: Path) -> Callable[[], bool]:
    """``data_changed``, started now and answered when called (once or more).

    ``git status`` reads every file too: on a large program it runs on another core while
    rmcode reads the files. Call the answer in any case, so that the process is reaped.
    """
    status = git.start(root, "status", "--porcelain", "--untracked-files=all", "--", PROGRAM, MATCHES, *DATA_FOLDERS,
                       refresh_index=True)

    def answer() -> bool:
        out = status()
        return out is not None and bool(out.strip())

    return answer


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a reader never sees half a file."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def head_date(root: Path) -> dt.date | None:
    """Committer date of HEAD, so that an old commit always gives the same numbers."""
    return git.head_date(root)


IDENTITY_ENV = "RMCODE_IDENTITY"
MAX_IDENTITY_BYTES = 64 * 1024


def read_keyring(identity: Path | None = None, environ: Mapping[str, str] | None = None) -> Keyring:
    """The program keys present here: ``--identity FILE``, else ``RMCODE_IDENTITY``, else none.

    ``RMCODE_IDENTITY`` holds the identity text itself (the way a CI secret arrives) or, when it
    does not start with ``AGE-SECRET-KEY-`` or ``#``, the path of an identity file. A key that
    cannot be read or parsed is a LoadError (exit 1) whose message never repeats the key.
    """
    env = os.environ if environ is None else environ
    text, origin = None, ""
    if identity is not None:
        text, origin = _identity_file(identity), str(identity)
    elif env.get(IDENTITY_ENV, "").strip():
        value = env[IDENTITY_ENV].strip()
        if value.startswith(("AGE-SECRET-KEY-", "#")):
            text, origin = value, IDENTITY_ENV
        else:
            text, origin = _identity_file(Path(value)), f"{IDENTITY_ENV} ({value})"
    if text is None:
        return Keyring()
    try:
        return parse_identities(text)
    except SealError as exc:
        raise LoadError(f"{origin}: {exc}") from None


def _identity_file(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_IDENTITY_BYTES + 1)
    except OSError as exc:
        raise LoadError(f"{path}: cannot read the identity file ({exc.strerror or exc})") from None
    if len(data) > MAX_IDENTITY_BYTES:
        raise LoadError(f"{path}: is larger than an identity file can be; pass the file `rmcode keygen` printed")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise LoadError(f"{path}: is not a text identity file (expected AGE-SECRET-KEY-1... lines)") from None
