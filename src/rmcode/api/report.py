"""The progress report of a program repository as of a date: ``rmcode status`` and ``rmcode report``."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from pathlib import Path

from ..io import cache
from ..io.repo import read_keyring
from ..model import CheckIn, Item, Participant, ProgramData, SurveyResponse
from ..report.build import build_report
from ..report.model import Report
from ..sealing import Keyring, Unsealing
from ..validate.sealed import open_with_key
from . import collector_paused, load_as_of


def load_opened(root: Path, as_of: dt.date | None, identity: Path | None = None) -> tuple[ProgramData, dt.date, int]:
    """The program as it stood on the report date (see ``api.load_as_of``) with sealed values
    opened where a key is, that date, and how many values were opened."""
    keyring = read_keyring(identity)  # a bad key fails before the long part
    with collector_paused():  # a million objects and no cycles worth collecting, also after loading
        opening, stored = _start_opening(root, keyring, as_of)
        try:
            loaded, day = load_as_of(root, as_of, stored)
            opened = open_with_key(loaded, keyring, opening)
        finally:
            if opening is not None:
                opening.close()
    # the loaded program lives until exit: keep the collector from re-scanning it (about 20% faster)
    gc.freeze()
    return opened.data, day, opened.opened


def progress_report(root: Path, as_of: dt.date | None, identity: Path | None = None, private: bool = False) -> Report:
    """The report of the repository at ``root`` as of ``as_of`` (default: HEAD's date); see ``build_report``."""
    data, day, opened = load_opened(root, as_of, identity)
    return build_report(data, day, private=private, opened=opened)


def _start_opening(root: Path, keyring: Keyring,
                   as_of: dt.date | None) -> tuple[Unsealing | None, cache.Loaded | None]:
    """Start opening the sealed values the validation cache holds, on every core, as it is read.

    Opening is most of the time of a report with the key (~0.1 ms of CPU per value). The values of
    unchanged files are in the cache, so the workers start on them while the cache is read and the
    program loaded and validated; ``open_data`` then asks for the values of the program as loaded
    and gets what was opened, plus what was not started here (files changed since the cache was
    written) opened then. Also what was read of the cache, for validation to take as it is. Neither
    without a key.
    """
    if not keyring:
        return None, None
    opening = Unsealing(keyring)
    try:
        stored = cache.load(root, each=lambda records: opening.add(
            text for record in records if record.item is not None for text in _sealed_texts(record.item, as_of)))
    except BaseException:
        opening.close()
        raise
    return opening, stored


def _sealed_texts(item: Item, as_of: dt.date | None) -> Iterator[str]:
    """The sealed texts of a cached item, leaving out files dated after ``as_of`` (the report leaves them
    out; a guess only: what is left out here and needed is opened after loading)."""
    if isinstance(item, tuple):  # matches.yaml
        for pair in item[0]:
            yield from pair.sealed.values()
        return
    if isinstance(item, CheckIn | SurveyResponse):
        if as_of is None or item.date <= as_of:
            yield from item.sealed.values()
    elif isinstance(item, Participant) and (as_of is None or item.registered <= as_of):
        yield from item.sealed.values()
