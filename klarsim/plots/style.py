"""The one house style: slide-size fonts, a fixed colour per scenario, light grids.

Styling is applied to each figure's own artists (no ``rcParams``, no pyplot), so drawing is
safe from several threads and needs no display.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

SLIDE_WIDTH_IN = 13.0
"""A 16:9 slide is 13.33 inches wide: a figure this wide is shown at about its own size."""
SLIDE_SIZE_IN = (13.333, 7.5)
"""A 16:9 slide, in inches: the slide style variant's page."""
SLIDE_PICTURE_IN = (12.5, 5.6)
"""The picture area of a slide under its title: the 16:9 variant fits each figure in it."""
SLIDE_MOST_ENLARGED = 1.6
"""A tall slide figure is drawn on a 16:9 canvas up to this many times the picture area."""
SLIDE_DPI = 150
"""Pixels per inch of a slide picture: sharp on a 1920-pixel projector, small in the deck."""
TITLE_SIZE = 17.0
PANEL_TITLE_SIZE = 14.0
LABEL_SIZE = 13.0
TICK_SIZE = 11.5
LEGEND_SIZE = 11.5
GRID_COLOUR = "#d9d9d9"
NEUTRAL_COLOUR = "#7f7f7f"
SAVING_COLOUR = "#009E73"
EXTRA_COST_COLOUR = "#D55E00"
BAND_ALPHA = 0.2
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#8c564b",
    "#7f7f7f",
    "#bcbd22",
)
"""Okabe-Ito colours (readable with colour-blindness), then more: scenario i gets colour i."""
LineStyle = Literal["-", "--", ":", "-."]
LINE_STYLES: tuple[LineStyle, ...] = ("-", "--", ":", "-.")


_COLOUR_ORDER: ContextVar[tuple[str, ...]] = ContextVar("colour_order", default=())


@contextmanager
def colour_order(names: Iterable[str]) -> Iterator[None]:
    """Within this block every plot gives scenario ``names[i]`` colour i, whatever its order.

    A report draws all its plots inside one block, so a scenario keeps its colour throughout.
    """
    token = _COLOUR_ORDER.set(tuple(dict.fromkeys(names)))
    try:
        yield
    finally:
        _COLOUR_ORDER.reset(token)


def scenario_colours(names: Iterable[str]) -> dict[str, str]:
    """A fixed colour per scenario: the order set by ``colour_order``, else the order given."""
    wanted = list(dict.fromkeys(names))
    order = list(_COLOUR_ORDER.get())
    order += [name for name in wanted if name not in order]
    return {name: PALETTE[order.index(name) % len(PALETTE)] for name in wanted}


_SLIDE: ContextVar[bool] = ContextVar("slide", default=False)


@contextmanager
def slide_style() -> Iterator[None]:
    """The 16:9 variant: within this block every figure fills a slide's picture area."""
    token = _SLIDE.set(True)
    try:
        yield
    finally:
        _SLIDE.reset(token)


def is_slide() -> bool:
    """Within ``slide_style``: panels are shorter, so their axis labels are kept short."""
    return _SLIDE.get()


def figure_size(rows: int, panel_height_in: float) -> tuple[float, float]:
    """A report figure is slide-wide and as tall as its panels; a slide's is 16:9.

    A slide figure whose panels need more height than a slide has is drawn on a larger 16:9
    canvas (at most ``SLIDE_MOST_ENLARGED`` times), shown shrunk to fit, so panels stay apart.
    """
    natural = (SLIDE_WIDTH_IN, max(3.0, panel_height_in * rows + 1.0))
    if not _SLIDE.get():
        return natural
    width, height = SLIDE_PICTURE_IN
    enlarged = min(max(math.sqrt(natural[1] / height), 1.0), SLIDE_MOST_ENLARGED)
    return (width * enlarged, height * enlarged)


def new_figure(rows: int, columns: int, *, panel_height_in: float = 3.4) -> Figure:
    """A slide-wide figure with constrained layout and a grid of ``rows`` x ``columns`` axes."""
    figure = Figure(figsize=figure_size(rows, panel_height_in), layout="constrained")
    figure.subplots(rows, columns, squeeze=False)
    return figure


def set_title(figure: Figure, title: str) -> None:
    """The figure's headline."""
    figure.suptitle(title, fontsize=TITLE_SIZE, fontweight="bold")


def remove_unused(figure: Figure, used: int) -> list[Axes]:
    """Drop the grid's axes past the first ``used`` ones; return the ones kept."""
    axes = list(figure.axes)
    for spare in axes[used:]:
        spare.remove()
    return axes[:used]


def finish(figure: Figure) -> Figure:
    """Apply the house fonts, grid and spines to every axes and legend of ``figure``."""
    for axes in figure.axes:
        _style_axes(axes)
    for legend in figure.legends:
        for text in legend.get_texts():
            text.set_fontsize(LEGEND_SIZE)
    return figure


def _style_axes(axes: Axes) -> None:
    axes.title.set_fontsize(PANEL_TITLE_SIZE)
    axes.xaxis.label.set_fontsize(LABEL_SIZE)
    axes.yaxis.label.set_fontsize(LABEL_SIZE)
    axes.tick_params(labelsize=TICK_SIZE)
    legend = axes.get_legend()
    if legend is not None:
        for text in legend.get_texts():
            text.set_fontsize(LEGEND_SIZE)
        legend.get_title().set_fontsize(LEGEND_SIZE)
    if axes.images or axes.get_label() == "<colorbar>":
        return
    axes.grid(True, color=GRID_COLOUR, linewidth=0.8)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def money(value: float, _position: object = None) -> str:
    """$1.2M, $350k, $4.10: money as a slide shows it."""
    size = abs(value)
    if size == 0:
        return "$0"
    sign = "-" if value < 0 else ""
    if size >= 1e9:
        return f"{sign}${size / 1e9:.3g}B"
    if size >= 1e6:
        return f"{sign}${size / 1e6:.3g}M"
    if size >= 1e4:
        return f"{sign}${size / 1e3:.3g}k"
    if size >= 100:
        return f"{sign}${size:,.0f}"
    return f"{sign}${size:.2f}"


MONEY_FORMAT = FuncFormatter(money)


def format_money_axis(axes: Axes, *, axis: str = "y") -> None:
    """Tick labels in $k / $M."""
    target = axes.yaxis if axis == "y" else axes.xaxis
    target.set_major_formatter(MONEY_FORMAT)


def wrap(label: str, width: int = 14) -> str:
    """Break a long tick label onto lines of about ``width`` characters."""
    words, lines, current = label.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    lines.append(current)
    return "\n".join(lines)


def ordered(values: Sequence[str]) -> list[str]:
    """Distinct values in order of first appearance."""
    return list(dict.fromkeys(values))
