"""matches.yaml text and the impact preview: exact bytes, round trips, escaping, every format."""

from __future__ import annotations

import datetime as dt
import json
import textwrap

import pytest

from rmcode.errors import SchemaError
from rmcode.formats.matches import (
    DIFF_FORMATS,
    SUMMARY_FORMATS,
    Summary,
    diff,
    mean_score,
    parse,
    render,
)
from rmcode.model import Pair, Unmatched

BREAKDOWN = {"skills": 0.35, "working_style": 0.1, "cross_department": 0.15, "timezone": 0.1, "availability": 0.0912,
             "preferences": 0.0}


def proposed(mentor: str, mentee: str, score: float = 0.7912, reason: str = "covers 1 of 1 skill") -> Pair:
    return Pair(f"{mentor}--{mentee}", "c1", mentor, mentee, "proposed", proposed=dt.date(2026, 3, 1), score=score,
                breakdown=BREAKDOWN, reason=reason)


ACTIVE = Pair("ana--cleo", "c1", "ana", "cleo", "active", matched=dt.date(2026, 2, 1))


def test_render_writes_the_schema_line_then_pairs_by_id_then_unmatched_by_login() -> None:
    text = render([proposed("ben", "dan"), ACTIVE],
                  [Unmatched("Zoe", "c1", "paused"), Unmatched("eve", "c1", "paused")])
    assert text == textwrap.dedent("""\
        # yaml-language-server: $schema=schemas/matches.schema.json
        pairs:
          - id: ana--cleo
            cohort: c1
            mentor: ana
            mentee: cleo
            status: active
            matched: 2026-02-01
          - id: ben--dan
            cohort: c1
            mentor: ben
            mentee: dan
            status: proposed
            proposed: 2026-03-01
            score: 0.7912
            breakdown:
              skills: 0.35
              working_style: 0.1
              cross_department: 0.15
              timezone: 0.1
              availability: 0.0912
              preferences: 0.0
            reason: covers 1 of 1 skill
        unmatched:
          - login: eve
            cohort: c1
            reason: paused
          - login: Zoe
            cohort: c1
            reason: paused
        """)


def test_render_of_nothing_is_an_empty_list() -> None:
    assert render([], []) == "# yaml-language-server: $schema=schemas/matches.schema.json\npairs: []\n"


@pytest.mark.parametrize("reason", ["yes", "No", "null", "123", "0o17", "1e3", "a: b", "- x", "#x", "x #y", "'q'",
                                   '"q"', "Zoë: naïve", "tab\there", "line\u2028break", "del\x7f", "{a}", "[a]", "~",
                                   "@x", "%x", "!x", "&x", "*x", "2026-03-01", "12:30", " lead", "trail "])
def test_render_round_trips_any_reason(reason: str) -> None:
    pair = proposed("ben", "dan", reason=reason)
    pairs, unmatched = parse(render([pair], [Unmatched("eve", "c1", reason)]).encode())
    assert pairs[0].reason == reason
    assert unmatched[0].reason == reason


def test_render_round_trips_every_field() -> None:
    ended = Pair("ben--eve", "c1", "ben", "eve", "ended", matched=dt.date(2026, 2, 1), ended=dt.date(2026, 2, 20),
                 end_reason="moved: to Paris", score=0.5, breakdown={"skills": 0.5}, reason="r")
    before = [ACTIVE, proposed("ben", "dan"), ended]
    pairs, _ = parse(render(before, []).encode())
    fields = ("id", "cohort", "mentor", "mentee", "status", "proposed", "matched", "ended", "end_reason", "score",
              "reason")
    assert [[getattr(p, f) for f in fields] + [dict(p.breakdown)] for p in pairs] == \
        [[getattr(p, f) for f in fields] + [dict(p.breakdown)] for p in sorted(before, key=lambda p: p.id)]


def test_parse_refuses_an_invalid_file() -> None:
    with pytest.raises(SchemaError, match="^matches.yaml:1:8: RM203 pairs: expected a list, got 3"):
        parse(b"pairs: 3\n")


def diff_example() -> tuple[Pair, ...]:
    return (proposed("ben", "dan", 0.6), proposed("ann", "bo", 0.5))


def make_diff() -> object:
    before = [ACTIVE, *diff_example()]
    after = [ACTIVE, proposed("ben", "dan", 0.65), proposed("cy", "bo", 0.8, "covers | <b>bold</b> @team")]
    return diff(before, after, [Unmatched("cy", "c1", "old")], [Unmatched("ann", "c1", "the only eligible mentee is "
                                                                                      "matched with another mentor")])


def test_diff_lists_added_removed_and_changed_pairs_by_id() -> None:
    d = make_diff()
    assert [p.id for p in d.added] == ["cy--bo"]  # type: ignore[attr-defined]
    assert [p.id for p in d.removed] == ["ann--bo"]  # type: ignore[attr-defined]
    assert [(o.score, n.score) for o, n in d.changed] == [(0.6, 0.65)]  # type: ignore[attr-defined]
    assert not d.empty  # type: ignore[attr-defined]
    assert diff([ACTIVE], [ACTIVE]).empty


def test_mean_score_counts_only_pairs_with_a_score() -> None:
    assert mean_score([ACTIVE, proposed("a", "b", 0.5), proposed("c", "d", 0.8)]) == 0.65
    assert mean_score([ACTIVE]) is None


def test_diff_as_text() -> None:
    assert DIFF_FORMATS["text"](make_diff()) == textwrap.dedent("""\
        pairs 3 -> 3; mean score 0.5500 -> 0.7250 (+0.1750); unmatched 1 -> 1
        added (1):
          + cy--bo  c1  0.8000  covers | <b>bold</b> @team
        removed (1):
          - ann--bo  c1  proposed  0.5000
        changed (1):
          ~ ben--dan  c1  0.6000 -> 0.6500 (+0.0500)
        unmatched (1):
          ann  c1  the only eligible mentee is matched with another mentor
        """)


def test_diff_as_markdown_escapes_user_text() -> None:
    assert DIFF_FORMATS["md"](make_diff()) == textwrap.dedent("""\
        ## Proposed matches

        1 pair added, 1 removed, 1 changed.

        |  | committed | proposed | change |
        |---|---|---|---|
        | pairs | 3 | 3 | +0 |
        | mean score | 0.5500 | 0.7250 | +0.1750 |
        | unmatched | 1 | 1 | +0 |

        ### Added (1)

        | pair | cohort | score | why |
        |---|---|---|---|
        | cy--bo | c1 | 0.8000 | covers \\| &lt;b&gt;bold&lt;/b&gt; &#64;team |

        ### Removed (1)

        | pair | cohort | status | score |
        |---|---|---|---|
        | ann--bo | c1 | proposed | 0.5000 |

        ### Changed (1)

        | pair | cohort | score before | score after | change | status |
        |---|---|---|---|---|---|
        | ben--dan | c1 | 0.6000 | 0.6500 | +0.0500 | proposed |

        ### Unmatched (1)

        | person | cohort | reason |
        |---|---|---|
        | ann | c1 | the only eligible mentee is matched with another mentor |
        """)


def test_diff_as_json() -> None:
    payload = json.loads(DIFF_FORMATS["json"](make_diff()))
    assert payload["changed"] is True
    assert payload["pairs"] == {"before": 3, "after": 3}
    assert payload["mean_score"] == {"before": 0.55, "after": 0.725}
    assert [p["id"] for p in payload["added"]] == ["cy--bo"]
    assert payload["added"][0]["breakdown"] == BREAKDOWN
    assert [p["id"] for p in payload["removed"]] == ["ann--bo"]
    assert payload["score_changes"] == [{"id": "ben--dan", "cohort": "c1", "before": 0.6, "after": 0.65,
                                         "status_before": "proposed", "status_after": "proposed"}]
    assert payload["unmatched"]["before"] == [{"login": "cy", "cohort": "c1", "reason": "old"}]


def test_no_change_says_so() -> None:
    assert DIFF_FORMATS["text"](diff([ACTIVE], [ACTIVE])) == \
        "pairs 1 -> 1; mean score – -> – (–); unmatched 0 -> 0\nno change to matches.yaml\n"
    assert "No change to matches.yaml." in DIFF_FORMATS["md"](diff([ACTIVE], [ACTIVE]))


def test_summary_in_every_format() -> None:
    summary = Summary(("c1",), (proposed("ben", "dan"),), (Unmatched("eve", "c1", "paused"),), 2, "matches.yaml")
    assert SUMMARY_FORMATS["text"](summary) == textwrap.dedent("""\
        cohorts matched: c1
        1 pair proposed (mean score 0.7912), 1 unmatched
          ben--dan  0.7912  covers 1 of 1 skill
        unmatched:
          eve  c1  paused
        wrote matches.yaml (2 pairs, 0 unmatched in all cohorts)
        """)
    assert SUMMARY_FORMATS["md"](summary) == textwrap.dedent("""\
        ## Proposed matches (c1)

        1 pair proposed, mean score 0.7912; 1 unmatched.

        | pair | cohort | score | why |
        |---|---|---|---|
        | ben--dan | c1 | 0.7912 | covers 1 of 1 skill |

        | person | cohort | reason |
        |---|---|---|
        | eve | c1 | paused |
        """)
    payload = json.loads(SUMMARY_FORMATS["json"](summary))
    assert payload["written"] == "matches.yaml"
    assert payload["proposed"][0]["id"] == "ben--dan"
    assert SUMMARY_FORMATS["text"](Summary((), (), (), 0, None)).endswith(
        "dry run: nothing written (matches.yaml would hold 0 pairs, 0 unmatched in all cohorts)\n")


def test_a_name_in_the_reasons_is_no_live_link_in_the_match_pull_request_body() -> None:
    from rmcode.formats.matches import IMPACT_FORMATS, Impact, KpiMove

    name = "[Ana](https://evil.example)"
    change = diff([], [proposed("ben", "dan", 0.7, f"{name} teaches it")], [],
                  [Unmatched("cy", "c1", f"{name} is taken")])
    bodies = [DIFF_FORMATS["md"](change),
              IMPACT_FORMATS["md"](Impact(change, (KpiMove("k", name, 1.0, 1.0, 0.5, 0.6),), "2026-11-25"))]
    for body in bodies:
        rows = [line for line in body.splitlines() if "Ana" in line]
        assert len(rows) == (2 if body is bodies[0] else 3), body
        for row in rows:
            assert "\\[Ana\\](https&#58;//evil.example)" in row
            assert "](" not in row.replace("\\](", "") and "://" not in row, row
