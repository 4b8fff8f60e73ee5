"""The house style across a report: one colour per scenario, the 16:9 variant, the captions."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from klarsim import plots
from klarsim.plots.folder import figures_for
from klarsim.plots.style import (
    PALETTE,
    SLIDE_MOST_ENLARGED,
    SLIDE_PICTURE_IN,
    colour_order,
    scenario_colours,
    slide_style,
)
from klarsim.results.reader import read_folder
from tests.support import plot_tables as tables

pytestmark = pytest.mark.unit


def test_a_set_order_gives_every_scenario_its_colour_whatever_order_a_plot_lists_them() -> None:
    assert scenario_colours(["b", "a"]) == {"b": PALETTE[0], "a": PALETTE[1]}
    with colour_order(["a", "b", "c"]):
        assert scenario_colours(["c", "a"]) == {"c": PALETTE[2], "a": PALETTE[0]}
        assert scenario_colours(["z"]) == {"z": PALETTE[3]}  # unknown names come after
    assert scenario_colours(["c"]) == {"c": PALETTE[0]}  # the order ends with the block


def _frontier_colours(order: list[str]) -> dict[str, str]:
    """Each scenario's colour on the frontier."""
    with colour_order(order):
        figure = plots.cost_satisfaction_frontier(tables.summary())
    axes = figure.axes[0]
    points = [c for c in axes.containers if isinstance(c, ErrorbarContainer)]
    names = [text.get_text() for text in axes.texts]  # one label per point, in point order
    return {
        name: to_hex(point.lines[0].get_color()) for name, point in zip(names, points, strict=True)
    }


def test_the_frontier_and_the_time_series_agree_on_each_scenarios_colour() -> None:
    order = list(reversed(tables.SCENARIOS))  # not the order the tables list them
    with colour_order(order):
        series = plots.kpi_timeseries(tables.timeseries(days=4))
    lines = {to_hex(line.get_color()) for line in series.axes[0].get_lines()}
    expected = {name: PALETTE[index].lower() for index, name in enumerate(order)}
    assert set(expected.values()) <= lines
    frontier = _frontier_colours(order)
    for name, colour in frontier.items():
        assert colour == expected[name], name


def test_the_slide_variant_is_16_by_9_and_the_report_figure_stays_slide_wide() -> None:
    with slide_style():
        figure = plots.comparison_bars(
            tables.comparison(tables.summary(), ("csat_mean", "cost_total")),
            baseline=tables.BASELINE,
        )
    width, height = figure.get_size_inches()
    assert (width, height) == pytest.approx(SLIDE_PICTURE_IN)
    assert 16 / 9 * 0.9 < SLIDE_PICTURE_IN[0] / SLIDE_PICTURE_IN[1] < 16 / 9 * 1.3
    plain = plots.cost_waterfall(tables.summary(), baseline=tables.BASELINE)
    assert plain.get_size_inches()[0] == pytest.approx(13.0)


def test_every_caption_states_the_scale_and_the_replications(tmp_path: Path) -> None:
    folder = read_folder(tables.write_compare_folder(tmp_path / "compare"))
    drawn = figures_for(folder, slides=True)
    assert [plot.name for plot in drawn][:2] == ["kpi_timeseries", "workforce"]
    area_width, area_height = SLIDE_PICTURE_IN
    for plot in drawn:
        assert plot.caption.endswith("Scale 0.1 of the full centre; 3 replications per scenario.")
        width, height = plot.figure.get_size_inches()
        assert width / height == pytest.approx(area_width / area_height)  # 16:9-like, always
        assert area_width <= width <= area_width * SLIDE_MOST_ENLARGED + 1e-9


def _label_boxes(figure: Figure) -> list[tuple[Bbox, Bbox]]:
    """Each panel's y-axis label and the panel, in pixels once the figure is laid out."""
    renderer = FigureCanvasAgg(figure).get_renderer()  # type: ignore[no-untyped-call]
    figure.draw_without_rendering()
    return [
        (axes.yaxis.label.get_window_extent(renderer), axes.get_window_extent(renderer))
        for axes in figure.axes
        if axes.get_ylabel()
    ]


def test_in_the_slide_variant_no_axis_label_runs_past_its_panel_or_into_another() -> None:
    """The 16:9 panels are short: a label as long as 'customer trust (score 0-1)' ran into
    the next panel's, and the waterfall's three labels across its panels (a figure label now)."""
    summary = tables.summary()
    fourth = summary[summary["scenario"] == "ai-first"].assign(scenario="phased")
    with slide_style():
        figures = [
            plots.kpi_timeseries(tables.timeseries()),
            plots.workforce(tables.timeseries()),
            plots.cost_waterfall(pd.concat([summary, fourth]), baseline=tables.BASELINE),
        ]
    for figure in figures:
        boxes = _label_boxes(figure)
        for label, panel in boxes:
            assert panel.y0 - 1 <= label.y0 and label.y1 <= panel.y1 + 1, figure.get_suptitle()
        labels = [label for label, _ in boxes]
        for index, first in enumerate(labels):
            assert not any(first.overlaps(other) for other in labels[index + 1 :])
    waterfall = figures[-1]
    assert [axes.get_ylabel() for axes in waterfall.axes] == ["", "", ""]
    assert waterfall.get_supylabel() == "cost over the horizon, full scale ($)"
