"""The progress report of a program repository as of a date: ``rmcode status`` and ``rmcode report``."""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path

from ..io.repo import read_keyring
from ..model import ProgramData
from ..report.build import build_report
from ..report.model import Report
from ..validate.sealed import open_with_key
from . import load_as_of


def load_opened(root: Path, as_of: dt.date | None, identity: Path | None = None) -> tuple[ProgramData, dt.date, int]:
    """The program as it stood on the report date (see ``api.load_as_of``) with sealed values
    opened where a key is, that date, and how many values were opened."""
    keyring = read_keyring(identity)  # a bad key fails before the long part
    loaded, day = load_as_of(root, as_of)
    opened = open_with_key(loaded, keyring)
    # the loaded program lives until exit: keep the collector from re-scanning it (about 20% faster)
    gc.freeze()
    return opened.data, day, opened.opened


def progress_report(root: Path, as_of: dt.date | None, identity: Path | None = None, private: bool = False) -> Report:
    """The report of the repository at ``root`` as of ``as_of`` (default: HEAD's date); see ``build_report``."""
    data, day, opened = load_opened(root, as_of, identity)
    return build_report(data, day, private=private, opened=opened)
