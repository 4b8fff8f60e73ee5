"""The report's KPI tables: means with 95% CIs, paired differences, per sweep point."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
from markupsafe import Markup

from klarsim.plots.comparison import COMPARISON_KPIS
from klarsim.plots.intervals import group_intervals
from klarsim.plots.measures import Measure, has_values, measure
from klarsim.plots.sweeps import setting_text, swept_keys
from klarsim.report.html import table

RUN_KPIS = (
    "contacts",
    "csat_mean",
    "trust_mean_end",
    "service_level",
    "abandonment_rate",
    "asa_min",
    "occupancy",
    "ai_share",
    "fcr",
    "churned",
    "employees_end",
    "gig_hours_online",
    "gig_share_of_human_work",
    "gig_earnings_per_online_hour",
    "cost_per_contact",
    "cost_employee",
    "cost_gig",
    "cost_hiring",
    "cost_severance",
    "cost_ai",
    "revenue_lost",
    "cost_total",
    "cost_total_full_scale",
)
"""KPIs of a run's table, each shown when summary.csv has it."""
SWEEP_KPIS = COMPARISON_KPIS
"""KPIs of the sweep table: the ones the comparison plots put before a board."""


def value_text(column: str, value: float, *, difference: bool = False) -> str:
    """A KPI value with its unit: 81.2%, $4.23, $1,234,567, 0.712, 12.5 min."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    info = measure(column)
    number = float(value) * info.factor
    sign = "+" if difference and number > 0 else ""
    if info.unit == "%":
        return f"{sign}{number:.1f}{' pp' if difference else '%'}"
    if info.unit.startswith("$"):
        digits = 2 if abs(number) < 100 else 0
        text = f"${abs(number):,.{digits}f}"
        return f"{'-' if number < 0 else sign}{text}"
    if info.unit.startswith("score"):
        return f"{sign}{number:.3f}"
    return f"{sign}{_plain(number)}{_unit_suffix(info)}"


def interval_text(column: str, low: float, high: float, *, difference: bool = False) -> str:
    """'[low, high]' in the KPI's unit, or '-' when unknown; a level's within possible values."""
    if any(v is None or math.isnan(float(v)) for v in (low, high)):
        return "-"
    if not difference:
        floor, ceiling = measure(column).bounds
        low, high = min(max(float(low), floor), ceiling), min(max(float(high), floor), ceiling)
    return (
        f"[{value_text(column, low, difference=difference)}, "
        f"{value_text(column, high, difference=difference)}]"
    )


def run_table(summary: pd.DataFrame) -> Markup:
    """Per scenario and KPI: mean and 95% CI over the replications."""
    kpis = [kpi for kpi in RUN_KPIS if has_values(summary, kpi)]
    wide = group_intervals(summary, "scenario", kpis)
    rows = [
        [
            _kpi_name(kpi),
            str(row["scenario"]),
            value_text(kpi, row[f"{kpi}_mean"]),
            interval_text(kpi, row[f"{kpi}_ci_low"], row[f"{kpi}_ci_high"]),
        ]
        for _, row in wide.iterrows()
        for kpi in kpis
    ]
    headers = ["KPI", "scenario", "mean", "95% CI"]
    return table(headers, rows, table_id="kpi-table", text_columns=2)


def comparison_table(comparison: pd.DataFrame, baseline: str) -> Markup:
    """comparison.csv: each scenario's mean and CI, difference from the baseline, paired CI."""
    rows, previous = [], ""
    for _, row in comparison.iterrows():
        kpi = str(row["kpi"])
        is_baseline = row["scenario"] == baseline
        rows.append(
            [
                _kpi_name(kpi) if kpi != previous else "",
                str(row["scenario"]) + (" (baseline)" if is_baseline else ""),
                value_text(kpi, row["mean"]),
                interval_text(kpi, row["ci_low"], row["ci_high"]),
                "-" if is_baseline else value_text(kpi, row["difference"], difference=True),
                "-"
                if is_baseline
                else interval_text(
                    kpi, row["difference_ci_low"], row["difference_ci_high"], difference=True
                ),
            ]
        )
        previous = kpi
    headers = ["KPI", "scenario", "mean", "95% CI", f"difference from {baseline}", "paired 95% CI"]
    return table(headers, rows, table_id="comparison-table", text_columns=2)


def sweep_table(sweep_summary: pd.DataFrame, kpis: Sequence[str] = SWEEP_KPIS) -> Markup:
    """One row per sweep point: the swept values, then each KPI's mean and 95% CI."""
    keys = swept_keys(sweep_summary)
    shown = [kpi for kpi in kpis if has_values(sweep_summary, f"{kpi}_mean")]
    rows = []
    for _, row in sweep_summary.iterrows():
        cells = [str(row["point"]), *(setting_text(row[key]) for key in keys)]
        for kpi in shown:
            cells.append(value_text(kpi, row[f"{kpi}_mean"]))
            cells.append(interval_text(kpi, row[f"{kpi}_ci_low"], row[f"{kpi}_ci_high"]))
        rows.append(cells)
    headers = ["point", *keys]
    for kpi in shown:
        headers += [_kpi_name(kpi), "95% CI"]
    return table(headers, rows, table_id="sweep-table", text_columns=1 + len(keys))


def _kpi_name(kpi: str) -> str:
    info = measure(kpi)
    return info.label if info.label == info.unit else f"{info.label} ({info.unit})"


def _plain(number: float) -> str:
    if number == int(number) and abs(number) < 1e15:
        return f"{int(number):,}"
    return f"{number:,.0f}" if abs(number) >= 1000 else f"{number:.3g}"


def _unit_suffix(info: Measure) -> str:
    return f" {info.unit}" if info.unit in {"min", "hours per day", "agents"} else ""
