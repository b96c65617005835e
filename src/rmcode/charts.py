"""Static SVG charts, drawn at build time with matplotlib (no JavaScript, no network).

A chart is described by a small frozen spec (what render.py also uses for the chart's
alt text and the data table beside it) and drawn by :func:`draw`. Output is
deterministic: a fixed ``svg.hashsalt`` makes the element ids stable, ``Date`` is left
out of the metadata, text stays text (``svg.fonttype: none``) so any script renders in
the reader's fonts, and math parsing is off so a ``$`` in a department name is just a
dollar sign.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .escape import clean

RC: dict[str, Any] = {
    "svg.hashsalt": "rmcode", "svg.fonttype": "none", "text.parse_math": False, "text.usetex": False,
    "font.size": 11, "axes.spines.top": False, "axes.spines.right": False, "axes.titlesize": 11,
    "axes.titleweight": "bold", "figure.dpi": 72,
}
INK, ACCENT, TARGET, MUTED = "#1f2937", "#3f51b5", "#b45309", "#9ca3af"
PALETTE = ("#3f51b5", "#0f766e", "#b45309", "#7c3aed", "#be123c", "#15803d", "#475569")
MAX_LABEL = 28
STACKED_LABEL = 2 * MAX_LABEL + 3


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
    """Horizontal bars, one per label."""

    path: str
    title: str
    alt: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    percent: bool = False


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


def draw(chart: Chart) -> str:
    """The chart as SVG text."""
    with matplotlib.rc_context(RC), warnings.catch_warnings():  # type: ignore[arg-type]
        # labels may use scripts DejaVu Sans lacks; the browser picks a font for them (fonttype none)
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        fig = Figure(figsize=_SIZE[type(chart)](chart), layout="constrained")
        ax = fig.subplots()
        _DRAWERS[type(chart)](ax, chart)
        ax.set_title(_short(chart.title, 70), loc="left", color=INK)
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def draw_all(charts: list[Chart]) -> dict[str, str]:
    return {c.path: draw(c) for c in charts}


def _short(text: str, width: int = MAX_LABEL) -> str:
    # labels are people's text: one line, and no bidi override that would reorder the rest of the label
    text = clean(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _line(ax: Axes, c: Chart) -> None:
    assert isinstance(c, LineChart)
    xs = list(range(len(c.values)))
    ys = [math.nan if v is None else v for v in c.values]
    ax.plot(xs, ys, color=ACCENT, marker="o", markersize=3, linewidth=2, label="value")
    if c.target is not None:
        ax.axhline(c.target, color=TARGET, linestyle="--", linewidth=1.5, label="target")
    step = max(1, math.ceil(len(xs) / 8))
    ax.set_xticks(xs[::step], [_short(x, 12) for x in c.labels[::step]])
    ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    if c.percent:
        ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    ax.grid(axis="y", color="#e5e7eb")


def _bars(ax: Axes, c: Chart) -> None:
    assert isinstance(c, BarChart)
    ys = list(range(len(c.labels)))
    ax.barh(ys, c.values, color=ACCENT)
    ax.set_yticks(ys, [_short(x) for x in c.labels])
    ax.invert_yaxis()
    for y, v in zip(ys, c.values):
        ax.annotate(f"{v:.0%}" if c.percent else f"{v:g}", (v, y), xytext=(3, 0), textcoords="offset points",
                    va="center", fontsize=8, color=INK)
    if c.percent:
        ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    ax.margins(x=0.12)


def _stacked(ax: Axes, c: Chart) -> None:
    assert isinstance(c, StackedChart)
    ys = list(range(len(c.labels)))
    left = [0.0] * len(ys)
    for i, part in enumerate(c.parts):
        widths = [row[i] for row in c.values]
        ax.barh(ys, widths, left=left, color=PALETTE[i % len(PALETTE)], label=part)
        left = [a + b for a, b in zip(left, widths)]
    ax.set_yticks(ys, [_short(x, STACKED_LABEL) for x in c.labels])  # "mentor / mentee", both names in full
    ax.invert_yaxis()
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3, frameon=False, fontsize=8)


def _timeline(ax: Axes, c: Chart) -> None:
    assert isinstance(c, TimelineChart)
    ys = list(range(len(c.spans)))
    for y, s in zip(ys, c.spans):
        ax.barh(y, (s.closes - s.opens).days + 1, left=s.opens.toordinal(), height=0.35, color=MUTED,
                label="registration" if y == 0 else None)
        ax.barh(y + 0.3, (s.end - s.start).days + 1, left=s.start.toordinal(), height=0.35, color=ACCENT,
                label="sessions" if y == 0 else None)
    ax.axvline(c.today.toordinal(), color=TARGET, linestyle="--", linewidth=1.5, label=f"as of {c.today}")
    ax.set_yticks([y + 0.15 for y in ys], [_short(s.label) for s in c.spans])
    ax.invert_yaxis()
    ticks = _month_ticks(c)
    ax.set_xticks([t.toordinal() for t in ticks], [t.strftime("%b %Y") for t in ticks])
    ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, frameon=False, fontsize=8)


def _month_ticks(c: TimelineChart) -> list[dt.date]:
    first = min([s.opens for s in c.spans] + [c.today])
    last = max([s.end for s in c.spans] + [c.today])
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = max(1, math.ceil(months / 8))
    return [dt.date(first.year + (first.month - 1 + m) // 12, (first.month - 1 + m) % 12 + 1, 1)
            for m in range(0, months, step)]


def _bar_size(c: Chart) -> tuple[float, float]:
    rows = len(c.labels) if isinstance(c, (BarChart, StackedChart)) else 1
    extra = 0.6 if isinstance(c, StackedChart) else 0.0
    # stacked charts label a pair with both full names: wider, so the bars keep their room
    longest = max((len(_short(x, STACKED_LABEL)) for x in c.labels), default=0) if isinstance(c, StackedChart) else 0
    return 6.0 + 0.1 * max(0, longest - MAX_LABEL), min(40.0, 1.2 + extra + 0.36 * max(rows, 2))


_DRAWERS: Mapping[type, Callable[[Axes, Chart], None]] = {
    LineChart: _line, BarChart: _bars, StackedChart: _stacked, TimelineChart: _timeline,
}
_SIZE: Mapping[type, Callable[[Chart], tuple[float, float]]] = {
    LineChart: lambda c: (6.0, 3.4), BarChart: _bar_size, StackedChart: _bar_size,
    TimelineChart: lambda c: (6.0, 2.0 + 0.7 * len(c.spans)) if isinstance(c, TimelineChart) else (7.0, 3.0),
}
