"""The report's sections on a sensitivity analysis and a robustness check, when a folder holds
``sensitivity.csv`` or ``robustness_summary.csv``: what was asked, the answer in a sentence per
KPI, the tables and the plots (drawn from the tables, never simulated)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup

from klarsim.plots.robustness import CAPTIONS as ROBUSTNESS_CAPTIONS
from klarsim.plots.robustness import robustness_figures
from klarsim.plots.sensitivity import CAPTIONS as SENSITIVITY_CAPTIONS
from klarsim.plots.sensitivity import sensitivity_figures
from klarsim.report.html import embedded_figure, paragraph, table
from klarsim.sensitivity.names import ROBUSTNESS_SUMMARY, SENSITIVITY

PartsOf = tuple[str, str, list[Markup]]
"""A section's anchor, title and parts."""
SENSITIVITY_INTRO = (
    "Each assumption was varied over its range ({method}); every point ran with the same "
    "seeds (common random numbers), so the indices measure the assumptions, not the noise. "
    "Intervals are bootstrap 95% intervals."
)
ROBUSTNESS_INTRO = (
    "The assumptions were drawn by a Latin hypercube and both plans ran at every draw with the "
    "same seeds, giving a paired difference (alternative minus baseline) per draw. The "
    "probability is the share of draws where the alternative is better, with a Wilson 95% "
    "interval; the verdict hinges most on the assumption with the largest partial rank "
    "correlation with the difference, and flips where a monotone fit of the difference "
    "against it crosses zero."
)


def sensitivity_sections(folder: Path) -> list[PartsOf]:
    """The sections the folder's tables allow (none for other folders)."""
    found = []
    if (folder / SENSITIVITY).is_file():
        found.append(("sensitivity", "Sensitivity: which assumptions matter", _sensitivity(folder)))
    if (folder / ROBUSTNESS_SUMMARY).is_file():
        found.append(("robustness", "Robustness: how sure the verdict is", _robustness(folder)))
    return found


def _sensitivity(folder: Path) -> list[Markup]:
    indices = pd.read_csv(folder / SENSITIVITY)
    morris = "mu_star" in indices.columns
    score = "mu_star" if morris else "ST"
    method = "Morris elementary effects" if morris else "Sobol indices, Saltelli sampling"
    parts = [paragraph(SENSITIVITY_INTRO.format(method=method))]
    for kpi, rows in indices.groupby("kpi", sort=False):
        ranked = rows.sort_values(score, ascending=False)
        top = ", ".join(
            f"{row.parameter} ({getattr(row, score):.3g})" for row in ranked.head(3).itertuples()
        )
        parts.append(paragraph(f"{kpi}: most influential {top} by {score}."))
    columns = [str(column) for column in indices.columns]
    cells = [[_cell(value) for value in row] for row in indices.itertuples(index=False)]
    parts.append(table(columns, cells, table_id="sensitivity-table", text_columns=2))
    for name, figure in sensitivity_figures(folder).items():
        parts.append(embedded_figure(figure, name=name, caption=SENSITIVITY_CAPTIONS[name]))
    return parts


def _robustness(folder: Path) -> list[Markup]:
    summary = pd.read_csv(folder / ROBUSTNESS_SUMMARY)
    parts = [paragraph(ROBUSTNESS_INTRO)]
    for row in summary.itertuples(index=False):
        parts.append(paragraph(_verdict_sentence(row)))
    columns = [str(column) for column in summary.columns]
    cells = [[_cell(value) for value in row] for row in summary.itertuples(index=False)]
    parts.append(table(columns, cells, table_id="robustness-table", text_columns=2))
    for name, figure in robustness_figures(folder).items():
        parts.append(embedded_figure(figure, name=name, caption=ROBUSTNESS_CAPTIONS[name]))
    return parts


def _verdict_sentence(row: Any) -> str:
    """'cost_total (lower is better): the alternative is better in 85% of the draws ...'."""
    probability, low, high = (
        float(row.probability_alternative_better),
        float(row.ci_low),
        float(row.ci_high),
    )
    text = (
        f"{row.kpi} ({row.better} is better): the alternative is better in {probability:.0%} "
        f"of the draws (95% interval {low:.0%} to {high:.0%})"
    )
    top, flip = str(row.top_assumption), float(row.flip_value)
    if top and top != "nan":
        text += f"; it hinges most on {top}"
        if math.isfinite(flip):
            text += f", and flips near {flip:.4g}"
    return text + "."


def _cell(value: object) -> str:
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:.4g}"
    return str(value)
