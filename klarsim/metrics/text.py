"""Plain-text views of the KPI and comparison tables, for a terminal or a log of any width.

Nothing is cut: names and numbers are printed whole, in columns as wide as they need. A
line that would not fit the width is split in two rather than truncated.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import pandas as pd


class Rows(Protocol):
    """A table whose rows come as named tuples: a DataFrame or a plain ``Table``."""

    def itertuples(self, index: bool = ...) -> Any:
        """The rows, each a named tuple of the columns."""


TERMINAL_KPIS = (
    "service_level",
    "abandonment_rate",
    "asa_min",
    "ai_share",
    "csat_mean",
    "cost_per_contact",
    "cost_total",
)
"""The headline KPIs of the terminal view; every KPI is in the results folder's tables."""
INDENT = "  "
GAP = "   "


def number(value: object) -> str:
    """A number in full: thousands grouped from 1000 up, else four significant digits."""
    figure = _float(value)
    if math.isnan(figure):
        return "-"
    return f"{figure:,.0f}" if abs(figure) >= 1000 else f"{figure:.4g}"


def interval(mean: object, low: object, high: object) -> str:
    """``mean ± half-width`` of a symmetric interval."""
    half = (_float(high) - _float(low)) / 2
    return f"{number(mean)} ± {number(half)}"


def kpi_view(kpis: Rows, title: str, width: int = 80) -> list[str]:
    """A run's KPIs: name, mean ± 95% half-width, and the interval's ends."""
    rows = [
        [str(row.kpi), interval(row.mean, row.ci_low, row.ci_high), _ends(row.ci_low, row.ci_high)]
        for row in kpis.itertuples(index=False)
    ]
    header = ["KPI", "mean ± 95% CI", "95% CI"]
    return [title, *_columns([header, *rows], width)]


def comparison_view(
    comparison: pd.DataFrame,
    baseline: str,
    *,
    kpis: Sequence[str] = TERMINAL_KPIS,
    width: int = 80,
) -> list[str]:
    """The headline KPIs per scenario: mean ± 95% CI, and the paired difference from baseline.

    A KPI with a ``_full_scale`` version (the runs were scaled) is shown at full scale.
    """
    listed = list(dict.fromkeys(str(kpi) for kpi in comparison["kpi"]))
    shown = [f"{kpi}_full_scale" if f"{kpi}_full_scale" in listed else kpi for kpi in kpis]
    lines = [
        "Headline KPIs: mean ± 95% CI, then the difference ± paired 95% CI",
        f"difference from {baseline}, under common random numbers",
    ]
    for kpi in (kpi for kpi in shown if kpi in listed):
        rows = comparison[comparison["kpi"].astype(str) == kpi]
        table = [
            [
                str(row.scenario),
                interval(row.mean, row.ci_low, row.ci_high),
                ""
                if str(row.scenario) == baseline
                else interval(row.difference, row.difference_ci_low, row.difference_ci_high),
            ]
            for row in rows.itertuples(index=False)
        ]
        lines += ["", kpi, *_columns(table, width)]
    return lines


STAFFING_ROWS = (
    ("peak_required", "agents on duty at peak"),
    ("paid_hours_per_week", "paid hours per week"),
    ("fte", "full-time equivalents"),
    ("headcount", "people (contract hours, peak)"),
    ("cost_per_week", "cost per week"),
    ("over_coverage", "over-coverage of the shifts"),
    ("lp_gap", "gap to the LP bound"),
    ("worst_service_level", "worst interval's service level"),
)


def staffing_view(pools: pd.DataFrame, width: int = 80) -> list[str]:
    """Per planned pool, the plan's headline figures, one per line."""
    lines: list[str] = []
    for row in pools.to_dict("records"):
        table = [[label, number(row[column])] for column, label in STAFFING_ROWS]
        lines += ["", f"pool {row['pool']}", *_columns(table, width)]
    return lines


def capacity_view(capacity: pd.DataFrame, width: int = 80) -> list[str]:
    """Month by month and pool: required FTE beside the scenario's headcount, service, cost."""
    header = ["month", "pool", "required FTE", "headcount", "service level", "cost"]
    rows = [
        [
            str(row["month"]),
            str(row["pool"]),
            number(row["required_fte"]),
            number(row["headcount"]),
            number(row["service_level"]),
            number(row["cost"]),
        ]
        for row in capacity.to_dict("records")
    ]
    title = "Capacity plan: agents needed each month at the targets, and the scenario's own"
    return [title, *_columns([header, *rows], width)]


def _columns(rows: Sequence[Sequence[str]], width: int) -> list[str]:
    """Rows as left-aligned first and right-aligned further columns, indented; never cut.

    Rows too wide for ``width`` put their last column on a line of its own below.
    """
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True)]
        line = INDENT + GAP.join(cells)
        if len(line.rstrip()) <= width or len(cells) < 3:
            lines.append(line.rstrip())
        else:
            lines.append((INDENT + GAP.join(cells[:-1])).rstrip())
            if row[-1]:
                lines.append(INDENT * 2 + row[-1].strip())
    return lines


def _ends(low: object, high: object) -> str:
    return f"[{number(low)}, {number(high)}]"


def _float(value: object) -> float:
    return float(value) if isinstance(value, numbers.Real) else math.nan


__all__ = ["TERMINAL_KPIS", "comparison_view", "interval", "kpi_view", "number"]
