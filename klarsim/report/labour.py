"""The report's labour section (``labour.csv``): what each pool's people work and earn.

A table per scenario and pool (means over the replications), a few sentences computed from the
same numbers (how many gig people were online for how many FTE, what half of their weeks paid,
how much of their time online was unpaid) and the "what the humans come back as" plot.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import pandas as pd
from markupsafe import Markup

from klarsim.metrics.columns import LABOUR_COLUMNS
from klarsim.report.html import paragraph, table

ANCHOR = "labour"
TITLE = "Labour: what the humans come back as"
INTRO = (
    "Per scenario and pool, the mean over the replications of what its people work and earn "
    "(labour.csv). Hours and earnings are per person and week, the median with the 10th and "
    "90th percentiles across the pool's person-weeks; FTE are hours worked (a gig person's: "
    "hours online) over a full-time week; volatility is the median person's coefficient of "
    "variation of weekly earnings; the unpaid share is the share of the pool's time online "
    "that was not paid, and the share below the reference wage is that of gig people "
    "whose earnings per online hour fall below it. People and FTE are counted at the run's "
    "scale."
)
HEADERS = [
    "scenario",
    "pool",
    "kind",
    "people",
    "FTE",
    "hours per person-week, median (p10-p90)",
    "earnings per person-week, median (p10-p90)",
    "week-to-week volatility (CV)",
    "unpaid share of online time",
    "earnings per online hour",
    "share below the reference wage",
]
VALUES = tuple(column for column in LABOUR_COLUMNS[4:] if column != "training_per_person_week")
"""The columns averaged over replications (each only when labour.csv has it)."""
DEFAULT_REFERENCE_WAGE = 7.25


def labour_section(
    labour: pd.DataFrame,
    *,
    timeseries: pd.DataFrame | None = None,
    reference_wages: Mapping[str, float] | None = None,
    scale: float = 1.0,
) -> list[Markup]:
    """The intro, the findings, and the table of ``labour`` (the plot is added by the caller)."""
    means = pool_means(labour)
    parts = [paragraph(INTRO)]
    if "point" not in means.columns:  # a sweep's points are many: its table says it
        wages = reference_wages or {}
        for scenario in dict.fromkeys(means["scenario"]):
            rows = means[means["scenario"] == scenario]
            reference = wages.get(str(scenario), DEFAULT_REFERENCE_WAGE)
            text = scenario_findings(str(scenario), rows, timeseries, reference)
            if text:
                parts.append(paragraph(text))
    if scale != 1.0:
        parts.append(paragraph(f"The runs simulate {scale:g} of the full centre."))
    parts.append(labour_table(means))
    return parts


def pool_means(labour: pd.DataFrame) -> pd.DataFrame:
    """Per scenario (and sweep point) and pool: the mean over replications of each value."""
    keys = [key for key in ("scenario", "point", "pool") if key in labour.columns]
    values = [column for column in VALUES if column in labour.columns]
    frame = labour.assign(**{column: pd.to_numeric(labour[column]) for column in values})
    kinds = frame.groupby(keys, sort=False)["kind"].first() if "kind" in frame else None
    means = frame.groupby(keys, sort=False)[values].mean()
    if kinds is not None:
        means.insert(0, "kind", kinds)
    return means.reset_index()


def scenario_findings(
    scenario: str, rows: pd.DataFrame, timeseries: pd.DataFrame | None, reference: float
) -> str:
    """One scenario's gig pools (who did how much, earned what, waited unpaid) and employees."""
    gig = [row for row in _of_kind(rows, "gig") if (_number(row, "people") or 0.0) > 0]
    sentences = [_gig_sentence(scenario, row, reference) for row in gig]
    employees = _of_kind(rows, "employee")
    if employees:
        sentences.append(_employee_sentence(scenario, employees))
    unwind = _unwind_sentence(scenario, timeseries)
    if unwind:
        sentences.append(unwind)
    return " ".join(sentences)


def _of_kind(rows: pd.DataFrame, kind: str) -> list[pd.Series]:
    if "kind" not in rows.columns:
        return []
    return [row for _, row in rows[rows["kind"] == kind].iterrows()]


def _gig_sentence(scenario: str, row: pd.Series, reference: float) -> str:
    """'In S, 412 gig people (pool gig) were online for 95 FTE; half their weeks paid less ...'."""
    text = (
        f"In {scenario}, {count_text(row['people'])} gig people (pool {row['pool']}) were "
        f"online for {count_text(row['fte'])} FTE"
    )
    median = _number(row, "earnings_per_person_week_median")
    if median is not None:
        text += f"; half of their weeks paid less than {money_text(median)}"
    unpaid = _number(row, "online_unpaid_share")
    if unpaid is not None:
        text += f", and {share_text(unpaid)} of their time online was unpaid"
    below = _number(row, "earnings_per_online_hour_below_reference_share")
    if below is not None:
        text += (
            f"; {share_text(below)} of them earned less per online hour than the reference "
            f"wage of {money_text(reference)}"
        )
    return text + "."


def _employee_sentence(scenario: str, rows: list[pd.Series]) -> str:
    """'The employees of S: 120 people, 118 FTE; half of their weeks paid less than $763.'"""
    people = sum(float(row["people"]) for row in rows)
    fte = sum(float(row["fte"]) for row in rows)
    text = f"The employees of {scenario}: {count_text(people)} people, {count_text(fte)} FTE"
    medians = [_number(row, "earnings_per_person_week_median") for row in rows]
    if len(rows) == 1 and medians[0] is not None:
        text += f"; half of their weeks paid less than {money_text(medians[0])}"
    return text + "."


def _unwind_sentence(scenario: str, timeseries: pd.DataFrame | None) -> str:
    """Employee FTE lost by the last interval and the unwind cost in all (means over runs)."""
    columns = ("employee_fte_lost", "unwind_cost")
    if timeseries is None or not all(column in timeseries.columns for column in columns):
        return ""
    rows = timeseries[timeseries["scenario"] == scenario]
    if rows.empty:
        return ""
    runs = rows.sort_values("time_days", kind="stable").groupby("replication")
    lost = float(runs["employee_fte_lost"].last().mean())
    cost = float(runs["unwind_cost"].sum().mean())
    if lost == 0 and cost == 0:
        return ""
    return (
        f"By the end of {scenario}, {count_text(lost)} employee FTE had gone since the first "
        f"measured interval, and recruiting, hiring, training and gig onboarding had cost "
        f"{money_text(cost)}."
    )


def labour_table(means: pd.DataFrame) -> Markup:
    """The compact table: one row per scenario (and point) and pool."""
    keyed = "point" in means.columns
    headers = [*HEADERS[:1], *(["point"] if keyed else []), *HEADERS[1:]]
    body = [_table_row(row, keyed=keyed) for _, row in means.iterrows()]
    return table(headers, body, table_id="labour-table", text_columns=4 if keyed else 3)


def _table_row(row: pd.Series, *, keyed: bool) -> list[str]:
    return [
        str(row["scenario"]),
        *([str(row["point"])] if keyed else []),
        str(row["pool"]),
        str(row.get("kind", "")),
        count_text(_number(row, "people")),
        count_text(_number(row, "fte")),
        _spread(row, "hours_per_person_week", count_text),
        _spread(row, "earnings_per_person_week", _whole_dollars),
        _plain(_number(row, "earnings_week_cv_median")),
        share_text(_number(row, "online_unpaid_share")),
        money_text(_number(row, "earnings_per_online_hour")),
        share_text(_number(row, "earnings_per_online_hour_below_reference_share")),
    ]


def _spread(row: pd.Series, stem: str, shown: Callable[[float | None], str]) -> str:
    """'38.5 (12.0-40.0)': the median with its 10th and 90th percentiles."""
    median = _number(row, f"{stem}_median")
    if median is None:
        return "-"
    low, high = _number(row, f"{stem}_p10"), _number(row, f"{stem}_p90")
    if low is None or high is None:
        return shown(median)
    return f"{shown(median)} ({shown(low)}-{shown(high)})"


def _number(row: pd.Series, column: str) -> float | None:
    """The value as a float, None when absent or not a number."""
    value = row.get(column)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def count_text(value: float | None) -> str:
    """People, FTE and hours: whole numbers from 100 or when whole, else one decimal."""
    if value is None:
        return "-"
    whole = abs(value) >= 100 or math.isclose(value, round(value), abs_tol=1e-9)
    return f"{value:,.0f}" if whole else f"{value:.1f}"


def money_text(value: float | None) -> str:
    """Dollars: cents below $100, whole dollars from there."""
    if value is None:
        return "-"
    digits = 2 if abs(value) < 100 else 0
    return f"{'-' if value < 0 else ''}${abs(value):,.{digits}f}"


def _whole_dollars(value: float | None) -> str:
    return "-" if value is None else f"{'-' if value < 0 else ''}${abs(value):,.0f}"


def share_text(value: float | None) -> str:
    """A share as a percentage with one decimal."""
    return "-" if value is None else f"{100 * value:.1f}%"


def _plain(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


__all__ = [
    "ANCHOR",
    "TITLE",
    "count_text",
    "labour_section",
    "labour_table",
    "money_text",
    "pool_means",
    "scenario_findings",
    "share_text",
]
