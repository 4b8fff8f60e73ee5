"""Plots of klarsim results: pandas tables in, matplotlib Figures out; never simulating.

Every function takes the tables of a results folder (as read by ``klarsim.results.reader``)
and returns a ``matplotlib.figure.Figure`` in the house style (``klarsim.plots.style``). A
function whose data is absent (a human-only run has no gig columns) raises
``MissingDataError``, so callers can draw every plot that fits and skip the rest.
"""

from klarsim.plots.comparison import comparison_bars
from klarsim.plots.frontier import cost_satisfaction_frontier
from klarsim.plots.labour import labour_figure
from klarsim.plots.measures import MissingDataError
from klarsim.plots.sweeps import sweep_heatmap, sweep_profile, swept_keys
from klarsim.plots.timeseries import kpi_timeseries, workforce
from klarsim.plots.waterfall import cost_waterfall

__all__ = [
    "MissingDataError",
    "comparison_bars",
    "cost_satisfaction_frontier",
    "cost_waterfall",
    "kpi_timeseries",
    "labour_figure",
    "sweep_heatmap",
    "sweep_profile",
    "swept_keys",
    "workforce",
]
