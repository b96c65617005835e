"""SVG charts: deterministic, script-free, with their titles, whatever the labels say."""

from __future__ import annotations

import datetime as dt
import os
import re
import xml.etree.ElementTree as ET

import pytest

from rmcode.site.charts import (
    BarChart,
    Chart,
    LineChart,
    Span,
    StackedChart,
    TimelineChart,
    dark_path,
    draw,
    draw_all,
    recolour,
    sparkline,
    week_label,
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
    # a pair's label puts each partner's full name on a line of its own
    assert "田中 美咲" in svg and ">Ben<" in svg and "田中 美咲 / Ben" not in svg


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
    assert sorted(draw_all(CHARTS[:2])) == ["charts/a.dark.svg", "charts/a.svg", "charts/b.dark.svg", "charts/b.svg"]


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_dark_drawing_has_the_same_text_in_dark_theme_colours() -> None:
    for chart in CHARTS:
        light, dark = draw(chart), draw(chart, "dark")
        assert _texts(light) == _texts(dark)
        assert "#1f2937" in light and "#1f2937" not in dark and "#e5e7eb" in dark
        # recolouring the light drawing gives the dark one, up to element ids (hashes of the styles)
        assert re.sub(r'id="m[0-9a-f]+"|#m[0-9a-f]+"', "", recolour(light)) == re.sub(
            r'id="m[0-9a-f]+"|#m[0-9a-f]+"', "", dark)
        assert 'style="fill: #ffffff' not in light  # transparent: the page's background shows through
    assert dark_path("charts/a.svg") == "charts/a.dark.svg"


def test_share_chart_runs_from_0_to_100_percent() -> None:
    texts = _texts(draw(CHARTS[0]))
    assert {"0%", "25%", "50%", "75%", "100%"} <= set(texts)


def test_all_zero_series_has_no_axis_around_zero() -> None:
    chart = LineChart("charts/z.svg", "Hours", "alt", ("2026-01-05", "2026-01-12"), (0.0, 0.0), None)
    texts = _texts(draw(chart))
    assert not [t for t in texts if t.startswith(("−", "-"))]
    assert {"0", "1"} <= set(texts) and "0.25" not in texts


def test_week_labels_are_readable_dates_with_the_year_once() -> None:
    assert week_label("2026-09-07") == "7 Sep 2026"
    assert week_label("2026-09-14", "2026-09-07") == "14 Sep"
    assert week_label("2027-01-04", "2026-12-28") == "4 Jan 2027"
    texts = _texts(draw(CHARTS[0]))
    assert "5 Jan 2026" in texts and "2026-01-05" not in texts


def test_scale_answers_run_low_to_high_from_left_to_right() -> None:
    chart = BarChart("charts/s.svg", "How useful?", "alt", ("1", "2", "3", "4", "5"), (0.0, 1.0, 6.0, 9.0, 4.0),
                     columns=True)
    root = ET.fromstring(draw(chart))
    ticks = {t.text: float(t.get("x", 0))
             for g in root.iter(f"{SVG}g") if (g.get("id") or "").startswith("xtick")
             for t in g.iter(f"{SVG}text")}
    assert [label for label, _ in sorted(ticks.items(), key=lambda kv: kv[1])] == ["1", "2", "3", "4", "5"]


def test_text_is_at_least_12_pixels_in_a_360_pixel_wide_chart() -> None:
    # shown at a phone's 330 px or more, that stays at least 10 CSS pixels
    for chart in CHARTS:
        svg = draw(chart)
        assert re.search(r'width="360pt"', svg), svg[:400]
        sizes = [float(x) for x in re.findall(r"font-size: ([0-9.]+)px", svg)]
        assert sizes and min(sizes) >= 12


def test_cjk_labels_are_measured_with_an_installed_cjk_font() -> None:
    from matplotlib import font_manager
    if not any(p.endswith("NotoSansCJK-Regular.ttc") for p in font_manager.findSystemFonts()):
        message = "Noto Sans CJK is missing: apt-get install fonts-noto-cjk (.ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    assert "'Noto Sans CJK JP'" in draw(CHARTS[2])


def test_sparkline_draws_in_the_text_colour_on_a_fixed_range() -> None:
    line = sparkline([None, 0.5, 1.0], 0.8, percent=True)
    root = ET.fromstring(line)
    assert root.get("aria-hidden") == "true" and root.get("class") == "rm-spark"
    points = root.find(f"{SVG}polyline")
    assert points is not None and points.get("stroke") == "currentColor"
    # x spreads over the whole series (the missing first week too); 100% is the top, 50% the middle
    assert points.get("points") == "60.0,16.0 118.0,2.0"
    assert sparkline([0.5], 0.8, percent=True) == ""
