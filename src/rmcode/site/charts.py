"""Static SVG charts, drawn at build time with matplotlib (no JavaScript, no network).

A chart is described by a small frozen spec (what render.py also uses for the chart's
alt text and the data table beside it) and drawn by :func:`draw`. Output is
deterministic: a fixed ``svg.hashsalt`` makes the element ids stable, ``Date`` is left
out of the metadata, text stays text (``svg.fonttype: none``) so any script renders in
the reader's fonts, and math parsing is off so a ``$`` in a department name is just a
dollar sign.

Each chart is drawn twice, for the light and the dark theme (:data:`THEMES`), on a
transparent background; the page shows the one that fits the reader's palette. Sizes
are in pixels (72 dpi): text is at least 12 px in a chart 360 px wide, so it stays at
least 10 CSS pixels on a phone. Labels fall back to Noto Sans CJK (Debian's
``fonts-noto-cjk``) for scripts DejaVu Sans lacks, so matplotlib measures them right.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
import textwrap
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, TypeAlias

import matplotlib
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..formats.escape import clean

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

RcValue: TypeAlias = "str | bool | int | float | list[str]"  # a matplotlib setting's value
RC: dict[RcKeyType, RcValue] = {
    "svg.hashsalt": "rmcode", "svg.fonttype": "none", "text.parse_math": False, "text.usetex": False,
    "font.size": 12, "axes.spines.top": False, "axes.spines.right": False, "axes.titlesize": 13,
    "axes.titleweight": "bold", "figure.dpi": 72, "xtick.labelsize": 12, "ytick.labelsize": 12,
    "legend.fontsize": 12, "figure.facecolor": "none", "axes.facecolor": "none", "savefig.transparent": True,
}
FONTS = ("DejaVu Sans", "Noto Sans CJK JP")  # the second: Debian's fonts-noto-cjk (CJK, and more)
FONT_FILES = ("NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc")
Theme = Literal["light", "dark"]


@dataclass(frozen=True, slots=True)
class Colours:
    ink: str
    accent: str
    target: str
    muted: str
    grid: str
    palette: tuple[str, ...]


# contrast of at least 4.5:1 on Material's white and its slate background (#1e2129)
THEMES: Mapping[Theme, Colours] = {
    "light": Colours("#1f2937", "#3f51b5", "#b45309", "#9ca3af", "#e5e7eb",
                     ("#3f51b5", "#0f766e", "#b45309", "#7c3aed", "#be123c", "#15803d", "#475569")),
    "dark": Colours("#e5e7eb", "#9fa8da", "#fbbf24", "#6b7280", "#374151",
                    ("#9fa8da", "#5eead4", "#fbbf24", "#c4b5fd", "#fda4af", "#86efac", "#cbd5e1")),
}
INK, ACCENT, TARGET, MUTED = (getattr(THEMES["light"], n) for n in ("ink", "accent", "target", "muted"))
PALETTE = THEMES["light"].palette
MAX_LABEL = 28
PAIR_LINE = 22  # a pair's label: each partner's full name on lines of its own
LABEL_LINE = 16
TITLE_LINE = 40
WIDTH = 5.0  # inches at 72 dpi: 360 px


@dataclass(frozen=True, slots=True)
class LineChart:
    """A weekly trend against a target."""

    path: str
    title: str
    alt: str
    labels: tuple[str, ...]
    values: tuple[float | None, ...]
    target: float | None
    percent: bool = False


@dataclass(frozen=True, slots=True)
class BarChart:
    """Horizontal bars, one per label; ``columns`` for an ordered scale, low to high from left to right."""

    path: str
    title: str
    alt: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    percent: bool = False
    columns: bool = False


@dataclass(frozen=True, slots=True)
class StackedChart:
    """Horizontal stacked bars: one bar per label, one segment per part."""

    path: str
    title: str
    alt: str
    labels: tuple[str, ...]
    parts: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]


@dataclass(frozen=True, slots=True)
class Span:
    label: str
    opens: dt.date
    closes: dt.date
    start: dt.date
    end: dt.date


@dataclass(frozen=True, slots=True)
class TimelineChart:
    """Cohorts: the registration window and the running period, with a line for the as-of day."""

    path: str
    title: str
    alt: str
    spans: tuple[Span, ...]
    today: dt.date


Chart = LineChart | BarChart | StackedChart | TimelineChart


def dark_path(path: str) -> str:
    """Where the dark-theme drawing of a chart goes: charts/x.svg -> charts/x.dark.svg."""
    return path[:-4] + ".dark.svg" if path.endswith(".svg") else path + ".dark"


@functools.cache
def _font_family() -> tuple[str, ...]:
    """DejaVu Sans, then Noto Sans CJK where it is installed (found even by a font cache older than it)."""
    known = {f.name for f in font_manager.fontManager.ttflist}
    if FONTS[1] not in known:
        for path in font_manager.findSystemFonts():
            if path.rsplit("/", 1)[-1] in FONT_FILES:
                font_manager.fontManager.addfont(path)
        known = {f.name for f in font_manager.fontManager.ttflist}
    return tuple(f for f in FONTS if f in known) or FONTS[:1]


def draw(chart: Chart, theme: Theme = "light") -> str:
    """The chart as SVG text, in the colours of ``theme``."""
    colours = THEMES[theme]
    rc: dict[RcKeyType, RcValue] = {
        **RC, "font.family": list(_font_family()), "text.color": colours.ink, "axes.labelcolor": colours.ink,
        "xtick.color": colours.ink, "ytick.color": colours.ink, "axes.edgecolor": colours.muted}
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        # a script neither font has: the browser picks a font for it (fonttype none)
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        fig = Figure(figsize=_SIZE[type(chart)](chart), layout="constrained")
        ax = fig.subplots()
        _DRAWERS[type(chart)](ax, chart, colours)
        # from the drawing's left edge, not the plot's: after long bar labels, a title aligned to the
        # plot ran past the right edge and was cut ("Average contribution of each crit")
        fig.suptitle(_title(chart.title), x=0.01, ha="left", color=colours.ink,
                     fontsize=RC["axes.titlesize"], fontweight=RC["axes.titleweight"])
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def draw_all(charts: list[Chart]) -> dict[str, str]:
    """Every chart in both themes, by path (the dark one recoloured from the light one: same layout, half the time)."""
    out = {}
    for c in charts:
        out[c.path] = draw(c)
        out[dark_path(c.path)] = recolour(out[c.path])
    return out


def _pairs(light: Colours, dark: Colours) -> dict[str, str]:
    fields = ("ink", "accent", "target", "muted", "grid")
    found = {getattr(light, f): getattr(dark, f) for f in fields} | dict(zip(light.palette, dark.palette))
    return found


_RECOLOUR = _pairs(THEMES["light"], THEMES["dark"])
_COLOUR = re.compile("|".join(re.escape(c) for c in _RECOLOUR))


def recolour(svg: str, mapping: Mapping[str, str] = _RECOLOUR) -> str:
    """The light drawing in the dark theme's colours (every colour a chart uses is a theme colour)."""
    return _COLOUR.sub(lambda m: mapping[m.group(0)], svg)


def sparkline(values: Sequence[float | None], target: float | None, percent: bool) -> str:
    """A small inline SVG trend for a KPI card, in the text colour of the page (``currentColor``).

    Decorative (``aria-hidden``): the card says the value, the target and the trend in words.
    Shares are drawn on 0-100%, other units from 0 to the largest value or the target.
    """
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return ""
    top = 1.0 if percent else max([v for _, v in points] + [target or 0.0]) or 1.0
    width, height, pad = 120.0, 32.0, 2.0

    def xy(i: float, v: float) -> str:
        x = pad + (width - 2 * pad) * i / max(1, len(values) - 1)
        y = height - pad - (height - 2 * pad) * min(max(v / top, 0.0), 1.0)
        return f"{x:.1f},{y:.1f}"
    line = " ".join(xy(i, v) for i, v in points)
    goal = "" if target is None else (
        f'<line x1="{pad}" x2="{width - pad}" y1="{xy(0, target).split(",")[1]}" y2="{xy(0, target).split(",")[1]}" '
        'class="rm-spark-target" stroke-dasharray="3 2"/>')
    last = xy(*points[-1]).split(",")
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="rm-spark" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" height="{height:.0f}" '
            f'aria-hidden="true" focusable="false">{goal}'
            f'<polyline points="{line}" fill="none" stroke="currentColor" stroke-width="2"/>'
            f'<circle cx="{last[0]}" cy="{last[1]}" r="2.5" fill="currentColor"/></svg>')


def _short(text: str, width: int = MAX_LABEL) -> str:
    # labels are people's text: one line, and no bidi override that would reorder the rest of the label
    text = clean(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _pair_label(text: str) -> str:
    """A pair's label ("mentor / mentee"): each full name on lines of its own, at most two each."""
    lines: list[str] = []
    for part in clean(text).split(" / ", 1):
        wrapped = textwrap.wrap(part.strip(), PAIR_LINE, break_long_words=True) or [""]
        lines += wrapped if len(wrapped) <= 2 else [wrapped[0], _short(" ".join(wrapped[1:]), PAIR_LINE)]
    return "\n".join(lines)


def _title(text: str) -> str:
    """A chart title in at most two lines that fit the drawing's width."""
    lines = textwrap.wrap(clean(text), TITLE_LINE) or [""]
    return "\n".join(lines[:1] + ([_short(" ".join(lines[1:]), TITLE_LINE)] if len(lines) > 1 else []))


def _label(text: str) -> str:
    """An axis label in at most two lines of 16 characters, so a long name leaves room for the bars."""
    lines = textwrap.wrap(clean(text), LABEL_LINE, break_long_words=True) or [""]
    if len(lines) > 2:
        lines = [lines[0], _short(" ".join(lines[1:]), LABEL_LINE)]
    return "\n".join(lines)


def week_label(label: str, previous: str | None = None) -> str:
    """An ISO date as people read it ("7 Sep"), with the year on the first label and when it changes."""
    try:
        day = dt.date.fromisoformat(label)
    except ValueError:
        return _short(label, 12)
    before = None if previous is None else _parse(previous)
    text = f"{day.day} {day:%b}"
    return f"{text} {day.year}" if before is None or before.year != day.year else text


def _parse(label: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(label)
    except ValueError:
        return None


def _line(ax: Axes, c: Chart, colours: Colours) -> None:
    assert isinstance(c, LineChart)
    xs = list(range(len(c.values)))
    ys = [math.nan if v is None else v for v in c.values]
    ax.plot(xs, ys, color=colours.accent, marker="o", markersize=3, linewidth=2, label="value")
    if c.target is not None:
        ax.axhline(c.target, color=colours.target, linestyle="--", linewidth=1.5, label="target")
    step = max(1, math.ceil(len(xs) / 4))
    ticks = xs[::step]
    ax.set_xticks(ticks, [week_label(c.labels[t], c.labels[ticks[n - 1]] if n else None) for n, t in enumerate(ticks)])
    known = [v for v in c.values if v is not None] + ([c.target] if c.target is not None else [])
    if c.percent:
        ax.set_ylim(0, max(1.0, *known) * 1.02)  # the whole 0-100% range, so the 100% tick is there
        ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
        ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    else:
        ax.set_ylim(0, max(1.0, *known) * 1.1)  # never an axis around zero, even when every value is 0
        whole = all(float(v).is_integer() for v in known) or max(known, default=0) >= 5
        ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=whole))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False)  # below: never over a line
    ax.grid(axis="y", color=colours.grid)


def _bars(ax: Axes, c: Chart, colours: Colours) -> None:
    assert isinstance(c, BarChart)
    at = list(range(len(c.labels)))
    labels = [_label(x) for x in c.labels]
    value_axis = ax.yaxis if c.columns else ax.xaxis
    if c.columns:  # an ordered scale: low on the left, high on the right
        ax.bar(at, c.values, color=colours.accent)
        ax.set_xticks(at, labels)
        ax.margins(y=0.15)
    else:
        ax.barh(at, c.values, color=colours.accent)
        ax.set_yticks(at, labels)
        ax.invert_yaxis()
        ax.margins(x=0.15)
    for i, v in zip(at, c.values):
        text = f"{v:.0%}" if c.percent else f"{v:g}"
        ax.annotate(text, (i, v) if c.columns else (v, i), xytext=(0, 3) if c.columns else (3, 0),
                    textcoords="offset points", va="bottom" if c.columns else "center",
                    ha="center" if c.columns else "left", color=colours.ink)
    if c.percent:
        value_axis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    else:
        value_axis.set_major_locator(MaxNLocator(nbins=4, integer=True))


def _stacked(ax: Axes, c: Chart, colours: Colours) -> None:
    assert isinstance(c, StackedChart)
    ys = list(range(len(c.labels)))
    left = [0.0] * len(ys)
    for i, part in enumerate(c.parts):
        widths = [row[i] for row in c.values]
        ax.barh(ys, widths, left=left, color=colours.palette[i % len(colours.palette)], label=part)
        left = [a + b for a, b in zip(left, widths)]
    ax.set_yticks(ys, [_pair_label(x) for x in c.labels])  # "mentor / mentee", both names in full
    ax.invert_yaxis()
    # a figure legend: centred on the drawing, not on the axes (which wide names push right)
    ax.get_figure().legend(loc="outside lower center", ncol=2, frameon=False)  # type: ignore[union-attr]


def _timeline(ax: Axes, c: Chart, colours: Colours) -> None:
    assert isinstance(c, TimelineChart)
    ys = list(range(len(c.spans)))
    for y, s in zip(ys, c.spans):
        ax.barh(y, (s.closes - s.opens).days + 1, left=s.opens.toordinal(), height=0.35, color=colours.muted,
                label="registration" if y == 0 else None)
        ax.barh(y + 0.3, (s.end - s.start).days + 1, left=s.start.toordinal(), height=0.35, color=colours.accent,
                label="sessions" if y == 0 else None)
    ax.axvline(c.today.toordinal(), color=colours.target, linestyle="--", linewidth=1.5,
               label=f"{c.today.day} {c.today:%b %Y}")
    ax.set_yticks([y + 0.15 for y in ys], [_label(s.label) for s in c.spans])
    ax.invert_yaxis()
    ticks = _month_ticks(c)
    ax.set_xticks([t.toordinal() for t in ticks],
                  [t.strftime("%b %Y" if n == 0 or t.month == 1 else "%b") for n, t in enumerate(ticks)])
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, frameon=False)


def _month_ticks(c: TimelineChart) -> list[dt.date]:
    first = min([s.opens for s in c.spans] + [c.today])
    last = max([s.end for s in c.spans] + [c.today])
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = max(1, math.ceil(months / 5))
    return [dt.date(first.year + (first.month - 1 + m) // 12, (first.month - 1 + m) % 12 + 1, 1)
            for m in range(0, months, step)]


def _bar_size(c: Chart) -> tuple[float, float]:
    if isinstance(c, BarChart) and c.columns:
        return WIDTH, 3.0
    rows = len(c.labels) if isinstance(c, (BarChart, StackedChart)) else 1
    if isinstance(c, StackedChart):
        # stacked charts label a pair with both full names: wider, so the bars keep their room
        labels = [_pair_label(x).splitlines() for x in c.labels]
        longest = max((len(line) for lines in labels for line in lines), default=0)
        tallest = max((len(lines) for lines in labels), default=2)
        # ~0.15 in a character at 12 px (wide glyphs such as W included); 0.3 in a label line, so
        # the two-line labels of neighbouring pairs do not touch
        return WIDTH + 0.15 * max(0, longest - LABEL_LINE), min(40.0, 1.2 + 0.3 * tallest * max(rows, 2))
    return WIDTH, min(40.0, 1.2 + 0.5 * max(rows, 2))


_DRAWERS: Mapping[type, Callable[[Axes, Chart, Colours], None]] = {
    LineChart: _line, BarChart: _bars, StackedChart: _stacked, TimelineChart: _timeline,
}
_SIZE: Mapping[type, Callable[[Chart], tuple[float, float]]] = {
    LineChart: lambda c: (WIDTH, 3.0), BarChart: _bar_size, StackedChart: _bar_size,
    TimelineChart: lambda c: (WIDTH, 2.0 + 0.7 * len(c.spans)) if isinstance(c, TimelineChart) else (WIDTH, 3.0),
}
