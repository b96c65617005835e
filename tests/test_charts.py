"""SVG charts: deterministic, script-free, with their titles, whatever the labels say."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from rmcode.charts import (
    BarChart,
    Chart,
    LineChart,
    Span,
    StackedChart,
    TimelineChart,
    draw,
    draw_all,
)

SVG = "{http://www.w3.org/2000/svg}"
CHARTS: list[Chart] = [
    LineChart("charts/a.svg", "Match rate by week", "alt", ("2026-01-05", "2026-01-12", "2026-01-19"),
              (0.5, None, 0.75), 0.9, percent=True),
    BarChart("charts/b.svg", "Participants by department", "alt", ("Sales", "People & Culture", "R$D $x$"),
             (5.0, 7.0, 3.0)),
    StackedChart("charts/c.svg", "Score breakdown", "alt", ("Ana / Cleo", "田中 美咲 / Ben"), ("Skills", "Time zone"),
                 ((0.3, 0.1), (0.2, 0.05))),
    TimelineChart("charts/d.svg", "Cohort timeline", "alt",
                  (Span("Autumn", dt.date(2026, 8, 17), dt.date(2026, 9, 13), dt.date(2026, 9, 21),
                        dt.date(2027, 3, 19)),), dt.date(2026, 11, 24)),
]


@pytest.mark.parametrize("chart", CHARTS, ids=lambda c: type(c).__name__)
def test_draw_is_byte_identical_twice(chart: Chart) -> None:
    assert draw(chart) == draw(chart)


@pytest.mark.parametrize("chart", CHARTS, ids=lambda c: type(c).__name__)
def test_draw_gives_script_free_svg_with_the_title(chart: Chart) -> None:
    svg = draw(chart)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter(f"{SVG}foreignObject"))
    assert not any(k.startswith("on") for el in root.iter() for k in el.attrib)
    assert "<dc:date>" not in svg
    texts = "".join(t.text or "" for t in root.iter(f"{SVG}text"))
    assert chart.title.replace(" ", "") in texts.replace(" ", "")


def test_dollar_signs_stay_text_and_cjk_labels_raise_no_warning() -> None:
    # math parsing off: "$x$" is printed, not typeset; missing glyphs are the browser's job
    svg = draw(CHARTS[1]) + draw(CHARTS[2])
    assert "R$D $x$" in svg
    assert "田中 美咲 / Ben" in svg


def test_hostile_label_is_escaped_as_xml_text() -> None:
    chart = BarChart("charts/x.svg", "<script>alert(1)</script>", "alt", ("<img src=x onerror=alert(1)>",), (1.0,))
    root = ET.fromstring(draw(chart))
    assert not list(root.iter(f"{SVG}script")) and not list(root.iter(f"{SVG}img"))
    assert "&lt;script&gt;" in draw(chart)


def test_line_chart_without_target_and_long_series() -> None:
    weeks = tuple(f"w{i}" for i in range(60))
    chart = LineChart("charts/l.svg", "Hours", "alt", weeks, tuple(float(i) for i in range(60)), None)
    texts = [t.text for t in ET.fromstring(draw(chart)).iter(f"{SVG}text")]
    assert "target" not in texts
    assert "w0" in texts and "w7" not in texts  # ticks thinned to about eight


def test_draw_all_keys_by_path() -> None:
    assert sorted(draw_all(CHARTS[:2])) == ["charts/a.svg", "charts/b.svg"]
