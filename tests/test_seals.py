"""Sealed fields: schemas accept sealed values, plain text in a sealed field is an error once a
program has keys, the model keeps sealed values opaque until a keyring opens them."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
from conftest import MINI_PROGRAM, SCHEMA_LINE, ProgramRepo, person, run

from rmcode import api, sealing
from rmcode.validate.sealed import DEFAULT_SEALED, open_data, plain_sealed, sealed_fields

AS_OF = "2026-03-01"
SECRET, PUBLIC = sealing.generate_identity()
OTHER_SECRET, OTHER_PUBLIC = sealing.generate_identity()


def block(value: object, recipients: list[str] | None = None) -> str:
    """A sealed value as the YAML literal block a writer puts after ``key:``."""
    armored = sealing.seal(value, recipients or [PUBLIC])  # type: ignore[arg-type]
    return "|\n" + textwrap.indent(armored, "  ")


def with_recipients(fields: str = "") -> str:
    return MINI_PROGRAM + f"sealing:\n  recipients:\n    - {{name: Amy (admin), key: {PUBLIC}}}\n" + fields


CHECKIN = SCHEMA_LINE.format("../../", "checkin") + "pair: ana--cleo\ndate: 2026-02-10\nauthor: ana\nminutes: 45\n"
CHECKIN_PATH = "checkins/ana--cleo/2026-02-10-ana.yaml"


def sealed_checkin(**values: object) -> str:
    return CHECKIN + "".join(f"{k}: {block(v)}" for k, v in values.items())


def load(root: Path) -> api.Validation:
    return api.validate(root, as_of=dt.date.fromisoformat(AS_OF))


def test_sealed_values_pass_the_schemas_of_every_kind(program_repo: ProgramRepo) -> None:
    root = program_repo({
        "program.yaml": with_recipients(),
        CHECKIN_PATH: sealed_checkin(rating=5, good_fit=True, notes="marker-notes",
                                     concern={"level": "high", "note": "marker-concern"}),
        "participants/ana.yaml": person("ana", 101, skills_offered="[generative-ai]",
                                        email=block("ana@example.com"), self_identification=block({"gender": "woman"})),
        "surveys/closing/cleo.yaml": SCHEMA_LINE.format("../../", "survey-response")
        + f"survey: closing\nrespondent: cleo\ndate: 2026-02-20\npair: ana--cleo\nanswers: {block({'overall': 4})}",
    })
    result = run("validate", "--root", str(root), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    assert "marker" not in result.output


def test_the_model_keeps_sealed_values_opaque_until_a_key_opens_them(program_repo: ProgramRepo) -> None:
    root = program_repo({"program.yaml": with_recipients(),
                         CHECKIN_PATH: sealed_checkin(rating=2, notes="marker-notes", concern={"note": "marker-c"})})
    data = load(root).data
    assert data is not None
    checkin = data.checkins[0]
    assert (checkin.rating, checkin.notes, checkin.concern_level) == (None, "", None)
    assert sorted(checkin.sealed) == ["concern", "notes", "rating"]
    assert "marker" not in repr(checkin)

    opened = open_data(data, sealing.parse_identities(SECRET))
    c = opened.data.checkins[0]
    assert (c.rating, c.notes, c.concern_level, c.concern_note, dict(c.sealed)) == (2, "marker-notes", "low",
                                                                                    "marker-c", {})
    assert (opened.opened, opened.unread) == (3, ())

    wrong = open_data(data, sealing.parse_identities(OTHER_SECRET))
    assert wrong.opened == 0 and sorted(u.field for u in wrong.unread) == ["concern", "notes", "rating"]
    assert all("none of the keys here" in u.reason for u in wrong.unread)
    assert wrong.data.checkins[0].rating is None
    nokey = open_data(data, sealing.Keyring())
    assert len(nokey.unread) == 3 and nokey.data is data


def test_an_opened_value_that_does_not_fit_its_field_stays_sealed(program_repo: ProgramRepo) -> None:
    root = program_repo({"program.yaml": with_recipients(), CHECKIN_PATH: sealed_checkin(rating=9)})
    data = load(root).data
    assert data is not None
    opened = open_data(data, sealing.parse_identities(SECRET))
    assert opened.data.checkins[0].rating is None
    assert [u.reason for u in opened.unread] == ["it opened, but its value does not fit the field"]


def test_plain_text_in_a_sealed_field_is_an_error_with_line_and_hint(program_repo: ProgramRepo) -> None:
    root = program_repo({"program.yaml": with_recipients()})  # the mini check-in has plain rating and good_fit
    result = run("validate", "--root", str(root), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert (f"{CHECKIN_PATH}:7:9: RM336 rating is sealed in this program but holds plain text\n"
            f"    hint: run `rmcode seal {CHECKIN_PATH}`") in result.output
    assert f"{CHECKIN_PATH}:8:11: RM336 good_fit is sealed" in result.output


def test_program_extensions_and_admins_visibility_add_sealed_fields(program_repo: ProgramRepo) -> None:
    fields = "  fields:\n    participant: [bio]\n    checkin: [next_steps]\n"
    root = program_repo({
        "program.yaml": with_recipients(fields),
        "participants/ana.yaml": person("ana", 101, skills_offered="[generative-ai]", bio="Hi", location="Berlin",
                                        visibility="{location: admins, department: admins}"),
        CHECKIN_PATH: CHECKIN + "next_steps: call again\n" + f"rating: {block(4)}",
    })
    output = run("validate", "--root", str(root), "--as-of", AS_OF).output
    assert "participants/ana.yaml:14:6: RM336 bio is sealed" in output
    assert "participants/ana.yaml:15:11: RM336 location is sealed" in output
    assert "department" not in output  # admins keeps it off the site; matching needs it in plain text
    assert f"{CHECKIN_PATH}:6:13: RM336 next_steps is sealed" in output
    data = load(root).data
    assert data is not None
    assert sealed_fields(data.program, "participant", {"location": "admins"}) == {"self_identification", "email",
                                                                                  "bio", "location"}
    assert sealed_fields(None, "checkin") == DEFAULT_SEALED["checkin"]
    assert plain_sealed(data.participants[0], data.program) == ("bio", "location")


def test_without_keys_sealing_is_off_and_once_set_up_validate_says_what_is_plain(program_repo: ProgramRepo) -> None:
    assert run("validate", "--root", str(program_repo()), "--as-of", AS_OF).output == "ok: 7 files valid\n"
    root = program_repo({"program.yaml": MINI_PROGRAM + "sealing:\n  recipients: []\n"})
    result = run("validate", "--root", str(root), "--as-of", AS_OF)
    assert result.exit_code == 0
    assert ("program.yaml:58:3: RM337 warning: 2 values that rmcode seals (concerns, notes, ratings, survey answers, "
            "...) are plain text") in result.output
    assert "rmcode keygen" in result.output


@pytest.mark.parametrize("armor", [
    "|\n  -----BEGIN AGE ENCRYPTED FILE-----\n  not base64 !!\n  -----END AGE ENCRYPTED FILE-----\n",
    "|\n  -----BEGIN AGE ENCRYPTED FILE-----\n  YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBh\n",
])
def test_damaged_armor_is_reported_without_echoing_it(program_repo: ProgramRepo, armor: str) -> None:
    root = program_repo({"program.yaml": with_recipients(), CHECKIN_PATH: CHECKIN + f"notes: {armor}"})
    result = run("validate", "--root", str(root), "--as-of", AS_OF)
    assert result.exit_code == 1
    assert f"{CHECKIN_PATH}:6:8: RM210 notes: the sealed value is damaged (not a complete age message)" in result.output
    assert "base64" not in result.output and "YWdl" not in result.output


def test_a_bad_recipient_key_in_program_yaml_is_a_schema_problem(program_repo: ProgramRepo) -> None:
    root = program_repo({"program.yaml": MINI_PROGRAM + "sealing:\n  recipients:\n    - {name: Amy, key: age1nope}\n"})
    result = run("validate", "--root", str(root), "--as-of", AS_OF)
    assert result.exit_code == 1 and "RM206 key:" in result.output


def test_values_sealed_to_a_different_number_of_recipients_are_a_warning(program_repo: ProgramRepo) -> None:
    both = CHECKIN + f"notes: {block('n', [PUBLIC, OTHER_PUBLIC])}"
    root = program_repo({"program.yaml": with_recipients(), CHECKIN_PATH: both})
    result = run("validate", "--root", str(root), "--as-of", AS_OF)
    assert result.exit_code == 0
    assert ("RM339 warning: 1 file (e.g. checkins/ana--cleo/2026-02-10-ana.yaml) hold values sealed to 2 recipients, "
            "not to the 1 listed here") in result.output
    assert sealing.x25519_stanzas(sealing.seal(1, [PUBLIC, OTHER_PUBLIC])) == 2
    root = program_repo({"program.yaml": with_recipients(), CHECKIN_PATH: CHECKIN + f"notes: {block('n')}"})
    assert "RM339" not in run("validate", "--root", str(root), "--as-of", AS_OF).output
