"""The model reads schema-valid documents (model.documents' TypedDicts): every sealable field, plain or sealed.

A sealed value (age armor in place of the plain value) leaves the plain field at its default and
stays in ``sealed``; a plain value is read as written. Real age encryption, no fakes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from rmcode import sealing
from rmcode.model import SEALABLE, CheckIn, Pair, Participant, Sealing, Source, SurveyResponse
from rmcode.model.documents import CheckInDoc, PairDoc, ParticipantDoc, SealingDoc, SurveyResponseDoc

_, PUBLIC = sealing.generate_identity()


def armor(value: sealing.JsonValue) -> str:
    return sealing.seal(value, [PUBLIC])


REQUIRED: ParticipantDoc = {"login": "Ana", "github_id": 7, "name": "Ana", "role": "mentor", "cohort": "c1",
                            "registered": "2026-01-05", "level": 2, "department": "Data", "timezone": "UTC",
                            "languages": ["en"]}


def participant(**extra: str | dict[str, str]) -> ParticipantDoc:
    """A profile with the required fields and ``extra`` sealable ones (text, or self-identification)."""
    return {**REQUIRED, **extra}


def test_plain_values_of_every_sealable_participant_field_are_read() -> None:
    p = Participant.from_raw(participant(title="Analyst", location="Berlin", bio="Hi", email="ana@example.com",
                                         self_identification={"gender": "woman"}), Source("participants/ana.yaml"))
    assert (p.title, p.location, p.bio, p.email, dict(p.self_identification)) == \
        ("Analyst", "Berlin", "Hi", "ana@example.com", {"gender": "woman"})
    assert (dict(p.sealed), p.sealed_to) == ({}, frozenset())


def test_sealed_participant_fields_keep_their_defaults_and_their_armor() -> None:
    sealed = {name: armor("secret" if name != "self_identification" else {"gender": "woman"})
              for name in SEALABLE["participant"]}
    p = Participant.from_raw(participant(**sealed), Source("participants/ana.yaml"))
    assert (p.title, p.location, p.bio, p.email, dict(p.self_identification)) == ("", "", "", "", {})
    assert dict(p.sealed) == dict(sorted(sealed.items())) and p.sealed_to == frozenset({1})


def test_sealed_check_in_fields_keep_their_defaults() -> None:
    base: CheckInDoc = {"pair": "ana--bo", "date": "2026-02-01", "author": "ana", "minutes": 30}
    plain = CheckIn.from_raw({**base, "rating": 4, "good_fit": False, "next_steps": "read", "notes": "n",
                              "concern": {"note": "late"}}, Source("c.yaml"))
    assert (plain.rating, plain.good_fit, plain.next_steps, plain.notes, plain.concern_level, plain.concern_note) \
        == (4, False, "read", "n", "low", "late")
    sealed = CheckIn.from_raw({**base, "rating": armor(4), "good_fit": armor(False), "next_steps": armor("read"),
                               "notes": armor("n"), "concern": armor({"note": "late"})}, Source("c.yaml"))
    assert (sealed.rating, sealed.good_fit, sealed.next_steps, sealed.notes, sealed.concern_level,
            sealed.concern_note) == (None, None, "", "", None, "")
    assert sorted(sealed.sealed) == sorted(SEALABLE["checkin"])


def test_sealed_survey_answers_and_end_reason_keep_their_defaults() -> None:
    base: SurveyResponseDoc = {"survey": "closing", "respondent": "ana", "date": "2026-03-01", "answers": {"q": 3}}
    assert dict(SurveyResponse.from_raw(base, Source("s.yaml")).answers) == {"q": 3}
    hidden = SurveyResponse.from_raw({**base, "answers": armor({"q": 3})}, Source("s.yaml"))
    assert (dict(hidden.answers), list(hidden.sealed)) == ({}, ["answers"])
    pair: PairDoc = {"id": "ana--bo", "cohort": "c1", "mentor": "ana", "mentee": "bo", "status": "ended",
                     "ended": "2026-03-02", "end_reason": "moved"}
    assert Pair.from_raw(pair, Source("matches.yaml")).end_reason == "moved"
    ended = Pair.from_raw({**pair, "end_reason": armor("moved")}, Source("matches.yaml"))
    assert (ended.end_reason, list(ended.sealed), ended.ended) == ("", ["end_reason"], dt.date(2026, 3, 2))


def test_a_sealing_section_lists_recipients_and_extra_fields() -> None:
    section: SealingDoc = {"recipients": [{"name": "Team", "key": PUBLIC}], "fields": {"participant": ["bio"]}}
    read = Sealing.from_raw(section)
    assert (read.keys, dict(read.fields), read.declared) == ((PUBLIC,), {"participant": frozenset({"bio"})}, True)
    assert Sealing.from_raw(None) == Sealing() and Sealing.from_raw({}).declared


def _leaks(item: object, armors: set[str]) -> list[str]:
    """The attributes other than ``sealed`` whose value holds any of ``armors`` (found by a line of each
    armor's base64 body, which no repr escapes)."""
    marks = {a.split("\n")[1] for a in armors}
    return [f.name for f in dataclasses.fields(item) if f.name != "sealed"
            if any(m in repr(getattr(item, f.name)) for m in marks)]


def test_no_sealable_field_of_any_kind_puts_its_armor_into_a_plain_attribute() -> None:
    """Driven by SEALABLE itself: a field added there but forgotten in its ``from_raw`` fails here."""
    values = {"self_identification": {"gender": "woman"}, "concern": {"note": "late"}, "answers": {"q": 3},
              "rating": 4, "good_fit": False}
    kinds = {
        "participant": (Participant, dict(REQUIRED)),
        "checkin": (CheckIn, {"pair": "ana--bo", "date": "2026-02-01", "author": "ana", "minutes": 30}),
        "survey-response": (SurveyResponse, {"survey": "closing", "respondent": "ana", "date": "2026-03-01"}),
        "pair": (Pair, {"id": "ana--bo", "cohort": "c1", "mentor": "ana", "mentee": "bo", "status": "ended",
                        "ended": "2026-03-02"}),
    }
    assert set(kinds) == set(SEALABLE)
    for kind, (model, base) in kinds.items():
        sealed = {name: armor(values.get(name, "secret")) for name in SEALABLE[kind]}
        item = model.from_raw({**base, **sealed}, Source("x.yaml"))
        assert _leaks(item, set(sealed.values())) == [], kind
        assert sorted(item.sealed) == sorted(SEALABLE[kind]), kind
