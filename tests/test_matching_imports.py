"""`rmcode match` imports the solver (numpy, scipy) while validation runs, not before it."""

from __future__ import annotations

import subprocess
import sys

from rmcode.api.match import _import_meanwhile


def test_loading_the_match_command_leaves_the_solver_for_later() -> None:
    later = ("scipy", "rmcode.match.assign", "rmcode.match.optimality", "rmcode.report.build")
    code = ("import sys, rmcode.cli.match, rmcode.formats.matches, rmcode.api.match; "
            f"print(sorted(m for m in {later!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_progress_callback_imports_once_in_a_thread() -> None:
    name = "xml.dom.minidom"
    sys.modules.pop(name, None)
    progress, started = _import_meanwhile(name)
    assert started == []
    progress(1, 10)
    progress(2, 10)
    assert len(started) == 1
    started[0].join(30)
    assert not started[0].is_alive()
    assert name in sys.modules
