"""The effects waterfall on a hand-made effects table: a panel per KPI, bars and error bars."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.container import BarContainer, ErrorbarContainer

from klarsim.plots.effects import effects_waterfall
from klarsim.plots.folder import figures_for
from klarsim.plots.measures import MissingDataError
from klarsim.results.reader import read_folder
from tests.support import plot_tables as tables

pytestmark = pytest.mark.unit

CHAIN = [("AI launch", "base", "ai"), ("freeze", "ai", "leap"), ("reversal", "leap", "hybrid")]


def effects_table() -> pd.DataFrame:
    """Two KPIs: CSAT 0.70 -> 0.72 -> 0.66 -> 0.68 and cost 100 -> 80 -> 60 -> 65."""
    levels = {"csat_mean": [0.70, 0.72, 0.66, 0.68], "cost_operating": [100.0, 80.0, 60.0, 65.0]}
    rows = []
    for kpi, values in levels.items():
        for index, (change, start, end) in enumerate(CHAIN):
            levels_around = values[index : index + 2]
            rows.append(_row(kpi, change, "step", (start, end), levels=levels_around))
        for end, position in (("leap", 2), ("hybrid", 3)):
            around = [values[0], values[position]]
            rows.append(_row(kpi, f"total to {end}", "total", ("base", end), levels=around))
    return pd.DataFrame(rows)


def _row(
    kpi: str, change: str, kind: str, names: tuple[str, str], *, levels: list[float]
) -> dict[str, object]:
    effect = levels[1] - levels[0]
    half = abs(effect) / 4 + 0.001
    return {
        "kpi": kpi,
        "change": change,
        "kind": kind,
        "effect": effect,
        "ci_low": effect - half,
        "ci_high": effect + half,
        "start": levels[0],
        "end": levels[1],
        "from_scenario": names[0],
        "to_scenario": names[1],
        "replications": 3,
    }


def test_effects_waterfall_draws_start_steps_subtotal_and_end_with_intervals() -> None:
    figure = effects_waterfall(effects_table())
    assert len(figure.axes) == 2
    csat = figure.axes[0]
    bars = next(c for c in csat.containers if isinstance(c, BarContainer))
    # base, AI launch, freeze, leap (subtotal), reversal, hybrid
    assert len(bars) == 6
    tops = [patch.get_y() + patch.get_height() for patch in bars]  # where each bar ends
    bottoms = [patch.get_y() for patch in bars]
    assert tops[0] == pytest.approx(0.70)
    assert (bottoms[1], tops[1]) == pytest.approx((0.70, 0.72))
    assert sorted([bottoms[2], tops[2]]) == pytest.approx([0.66, 0.72])
    assert tops[3] == pytest.approx(0.66) and tops[5] == pytest.approx(0.68)
    labels = [label.get_text().replace("\n", " ") for label in csat.get_xticklabels()]
    assert labels[3] == "leap (subtotal)" and labels[5] == "hybrid"
    errors = next(c for c in csat.containers if isinstance(c, ErrorbarContainer))
    segments = errors.lines[2][0].get_segments()
    freeze = np.array(segments[2])[:, 1]
    assert freeze == pytest.approx([0.66 - 0.016, 0.66 + 0.016])
    assert "0.7 to 0.68" in csat.get_title()
    assert "\\$100 to \\$65.00" in figure.axes[1].get_title()


def test_effects_waterfall_needs_step_rows() -> None:
    table = effects_table()
    with pytest.raises(MissingDataError):
        effects_waterfall(table[table["kind"] == "total"])
    with pytest.raises(MissingDataError):
        effects_waterfall(table.drop(columns=["ci_low"]))


def test_a_folder_with_effects_csv_gets_the_effects_plot(tmp_path: Path) -> None:
    folder = tables.write_compare_folder(tmp_path / "chain")
    assert "effects" not in [plot.name for plot in figures_for(read_folder(folder))]
    effects_table().to_csv(folder / "effects.csv", index=False)
    assert "effects" in [plot.name for plot in figures_for(read_folder(folder))]


def test_intervals_are_cut_at_the_values_a_kpi_can_take() -> None:
    table = effects_table()
    table = table[table["kpi"] == "csat_mean"].assign(kpi="service_level")
    table.loc[table["change"] == "AI launch", "ci_high"] = 0.9  # top 0.72 + 0.9 > 100 %
    axes = effects_waterfall(table).axes[0]
    errors = next(c for c in axes.containers if isinstance(c, ErrorbarContainer))
    highest = max(np.array(segment)[:, 1].max() for segment in errors.lines[2][0].get_segments())
    assert highest == pytest.approx(100.0)
