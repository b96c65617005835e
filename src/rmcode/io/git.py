"""Running git: the one place rmcode starts a git process.

Every call is ``git -C <root> -c core.quotePath=false <args>`` with a fixed argument list (never
a shell, so nothing from a file or a pull request is ever read as a command), no terminal
prompt, no optional index locks (unless asked) and C-locale messages. ``run`` raises GitError with git's own
last line of complaint; ``output`` and ``start`` are for the lookups a command can do without
(no git installed, not a repository): they answer None instead.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import NamedTuple

# no password prompt, no index refresh written behind the user's back, messages in English
GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
TIMEOUT = 300  # seconds; reading a large pull request's blobs is the slowest call


class GitError(Exception):
    """git could not do what was asked: a bad revision or not a repository (a usage problem)."""


def _command(root: Path, args: tuple[str, ...]) -> list[str]:
    return ["git", "-C", str(root), "-c", "core.quotePath=false", *args]


def _env(refresh_index: bool = False) -> dict[str, str]:
    env = {**os.environ, **GIT_ENV}
    if refresh_index:  # `git status` may then save what it learnt: the next run need not re-read racy files
        del env["GIT_OPTIONAL_LOCKS"]
    return env


def run(root: Path, *args: str, stdin: bytes | None = None, timeout: float = TIMEOUT) -> bytes:
    """git's output for ``args`` run in ``root``; GitError with git's message when it fails."""
    if not args:
        raise GitError("no git command given")
    try:
        done = subprocess.run(_command(root, args), input=stdin, capture_output=True, check=False,
                              timeout=timeout, env=_env())
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took longer than {timeout:g} seconds") from None
    except OSError as exc:
        raise GitError(f"git failed: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {args[0]} failed")
    return done.stdout


def output(root: Path, *args: str, timeout: float = 60) -> bytes | None:
    """git's output, or None when git is missing, fails or takes too long."""
    try:
        return run(root, *args, timeout=timeout)
    except GitError:
        return None


def start(root: Path, *args: str, timeout: float = 60, refresh_index: bool = False) -> Callable[[], bytes | None]:
    """``output`` started now and answered when called (once or more), so git runs on another
    core meanwhile. Call the answer in any case, so that the process is reaped. ``refresh_index``
    lets ``git status`` update the index's file stamps (an optional lock, off otherwise)."""
    try:
        proc = subprocess.Popen(_command(root, args), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                env=_env(refresh_index))
    except OSError:
        return lambda: None

    @cache
    def answer() -> bytes | None:
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            return None
        return out if proc.returncode == 0 else None

    return answer


def head_date(root: Path) -> dt.date | None:
    """Committer date of HEAD; None outside git or before the first commit."""
    out = output(root, "log", "-1", "--format=%cs", "HEAD", timeout=30)
    text = out.decode().strip() if out is not None else ""
    return dt.date.fromisoformat(text) if text else None


def remote_url(root: Path, name: str = "origin") -> str | None:
    """The URL of a remote; None when there is no such remote (or no git)."""
    out = output(root, "remote", "get-url", "--", name, timeout=30)
    return (out.decode("utf-8", "replace").strip() or None) if out is not None else None


class HeadFile(NamedTuple):
    """A file as the last commit has it: ``content`` None when HEAD lacks it (or there is no HEAD)."""

    has_head: bool  # False outside git and before the first commit
    content: bytes | None


def at_head(root: Path, path: str) -> HeadFile:
    """The committed bytes of ``path`` (relative to ``root``) at HEAD."""
    content = output(root, "show", f"HEAD:./{path}")
    if content is not None:
        return HeadFile(True, content)
    return HeadFile(output(root, "rev-parse", "--verify", "--quiet", "HEAD") is not None, None)
