"""Profiles are built through a generated constructor (``model.slots.by_keywords``): the same objects
as the dataclass's own ``__init__`` makes, and the class's own checks still apply to everything else."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from rmcode.load.loader import load_bytes
from rmcode.model import Participant, Source
from rmcode.model.slots import by_keywords, slot_constructor

REPO = Path(__file__).parents[1]


def test_from_raw_builds_what_init_builds() -> None:
    files = sorted((REPO / "participants").glob("*.yaml"))
    assert len(files) > 5
    for path in files:
        built = Participant.from_raw(load_bytes(path.name, path.read_bytes()).data, Source(path.name))
        fields = {f.name: getattr(built, f.name) for f in dataclasses.fields(Participant)}
        again = Participant(**fields)
        assert built == again and repr(built) == repr(again)
        with pytest.raises(dataclasses.FrozenInstanceError):
            built.login = "x"  # type: ignore[misc]  # frozen, as always


def test_every_field_must_be_given_by_name() -> None:
    make = by_keywords(Source)
    assert make(path="a.yaml", line=3) == Source("a.yaml", 3)
    with pytest.raises(TypeError):
        make(path="a.yaml")
    with pytest.raises(TypeError):
        make("a.yaml", 3)
    with pytest.raises(TypeError):
        make(path="a.yaml", line=3, other=1)


def test_positional_constructor_takes_the_fields_in_order() -> None:
    make = slot_constructor(Source, "_make_source", __name__)
    assert make("b.yaml", 2) == Source("b.yaml", 2)
