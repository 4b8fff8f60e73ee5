"""The tables of a plan's report (``klarsim staff``): per pool the headline figures, the
shifts and the iterations of a weekly plan, or a capacity plan month by month. Shared by
``report.html`` and ``report.pptx``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from markupsafe import Markup

from klarsim.plots.measures import measure
from klarsim.report.findings import amount_text, decimals_for
from klarsim.report.html import paragraph, table
from klarsim.report.planning import (
    DEFAULT_CONTRACT_HOURS,
    extreme_row,
    paid_hours_per_week,
    people_of,
    pools_of,
    time_of_week,
)
from klarsim.results import files
from klarsim.results.reader import ResultsFolder


def planning_tables(folder: ResultsFolder) -> list[Markup]:
    """The plan's tables: per pool the headline figures, the shifts and the iterations; or the
    capacity plan month by month."""
    if folder.kind == "capacity" and folder.capacity is not None:
        intro = (
            "Month by month and pool: the FTE the month's plan requires, the agent hours and "
            "cost of its shifts, its service level, and the scenario's own mean headcount."
        )
        headers, rows = capacity_rows(folder.capacity)
        return [paragraph(intro), table(headers, rows, table_id="capacity-table", text_columns=2)]
    headers, rows = pool_rows(folder)
    parts = [
        paragraph("Per planned pool: the plan's headline figures."),
        table(headers, rows, table_id="pools-table"),
    ]
    if folder.shifts is not None:
        shifts = _frame_table(folder.shifts, "shifts-table")
        parts += [paragraph("The shifts the plan starts each week."), shifts]
    if folder.iterations is not None:
        parts += [
            paragraph("The plan's iterations (changed intervals 0: converged)."),
            _frame_table(folder.iterations, "iterations-table"),
        ]
    parts.append(paragraph(f"Every interval's figures are in {files.STAFFING}."))
    return parts


def pool_rows(folder: ResultsFolder) -> tuple[list[str], list[list[str]]]:
    """Per pool: peak agents, paid hours and FTE, people, service over the week and at worst."""
    if folder.kind == "capacity" and folder.capacity is not None:
        return capacity_rows(folder.capacity)
    headers = [
        "pool",
        "agents at peak",
        "paid hours per week",
        "FTE",
        "people",
        "service level over the week",
        "lowest interval (95% CI)",
    ]
    if folder.staffing is None:
        return headers, []
    contract = float(folder.job.get("contract_hours_per_week", DEFAULT_CONTRACT_HOURS))
    rows = []
    for pool in pools_of(folder.staffing):
        mine = folder.staffing[folder.staffing["pool"].astype(str) == pool]
        served = mine[mine["offered"] > 0]
        hours = paid_hours_per_week(folder.shifts, pool)
        people = people_of(folder, pool)
        rows.append(
            [
                pool,
                f"{int(mine['required'].max())}",
                "-" if hours is None else f"{hours:,.0f}",
                "-" if hours is None else f"{hours / contract:,.1f}",
                "-" if people is None else str(people),
                _weekly_service(served),
                _worst_service(served),
            ]
        )
    return headers, rows


def capacity_rows(capacity: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    """The capacity plan as table rows: month, pool, FTE, headcount, service level, cost."""
    headers = ["month", "pool", "required FTE", "headcount", "agent hours", "service level"]
    headers.append("cost")
    rows = [
        [
            str(row["month"]),
            str(row["pool"]),
            f"{float(row['required_fte']):,.1f}",
            "-" if pd.isna(row["headcount"]) else f"{float(row['headcount']):,.1f}",
            f"{float(row['rostered_hours']):,.0f}",
            "-" if pd.isna(row["service_level"]) else f"{100 * float(row['service_level']):.0f}%",
            f"${float(row['cost']):,.0f}",
        ]
        for _, row in capacity.iterrows()
    ]
    return headers, rows


def _weekly_service(served: pd.DataFrame) -> str:
    if served.empty or "service_level" not in served.columns:
        return "-"
    return f"{100 * float(np.average(served['service_level'], weights=served['offered'])):.0f}%"


def _worst_service(served: pd.DataFrame) -> str:
    if served.empty or "service_level_ci_low" not in served.columns:
        return "-"
    worst = extreme_row(served, "service_level", highest=False)
    info = measure("service_level")
    low, high = float(worst["service_level_ci_low"]), float(worst["service_level_ci_high"])
    decimals = decimals_for((high - low) / 2.0 * info.factor)
    value = amount_text(info, float(worst["service_level"]), decimals, change=False)
    interval = (
        f" ({amount_text(info, low, decimals, change=False)} to "
        f"{amount_text(info, high, decimals, change=False)})"
        if decimals is not None
        else ""
    )
    return f"{time_of_week(float(worst['minute_of_week']))} {value}{interval}"


def _frame_table(frame: pd.DataFrame, table_id: str) -> Markup:
    text_columns = sum(1 for column in frame.columns if frame[column].dtype == object)
    ordered = [c for c in frame.columns if frame[c].dtype == object]
    ordered += [c for c in frame.columns if c not in ordered]
    rows = [[_cell(value) for value in row] for row in frame[ordered].itertuples(index=False)]
    return table([str(c) for c in ordered], rows, table_id=table_id, text_columns=text_columns)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return str(value)


__all__ = ["capacity_rows", "planning_tables", "pool_rows"]
