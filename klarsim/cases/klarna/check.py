"""The Klarna case's published figures next to what the reference scenarios produce.

Reads the tables of a comparison of the four Klarna scenarios (``klarsim demo`` writes one)
and measures, for each published figure, the matching quantity in the scenarios, at full
scale. Published figures are from ``docs/calibration.md``; see ``scenarios/klarna/README.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from klarsim.metrics.confidence import DEFAULT_CONFIDENCE, Interval, t_interval
from klarsim.sim.kpis import ratio
from klarsim.units import DAYS_PER_MONTH, DAYS_PER_YEAR

BASELINE = "human-centre-2023"
LEAP = "ai-first-2024"
HYBRID = "hybrid-gig-2025"
STEP = "phased-rollout"
SCENARIOS = (BASELINE, LEAP, HYBRID, STEP)
LAUNCH = "2024-01-29"
"""When the AI took over in the leap scenario (its timeline)."""
FTE_HOURS_PER_MONTH = 160.0
YEARS = ("2024", "2025")
"""The calendar years after the launch whose savings are split out."""
PUBLISHED_SAVING = {"2024": 40e6}
"""Klarna's published saving by year, set against the leap's: about $40M, a 2024 profit impact
estimate (bensbites.com)."""


@dataclass(frozen=True)
class Figure:
    """A published figure and the scenarios' counterpart."""

    figure: str
    published: str
    source: str
    scenarios: str


def klarna_figures(summary: pd.DataFrame, timeseries: pd.DataFrame) -> pd.DataFrame:
    """One row per published figure: what was published, its source, what the scenarios give."""
    means = summary.groupby("scenario").mean(numeric_only=True)
    monthly = _monthly(timeseries)
    rows = [
        _ai_share(monthly),
        _resolution_time(means),
        _fte_equivalent(means, monthly),
        _saving(means, timeseries, savings_by_year(summary, timeseries)),
        _repeat_inquiries(means),
        _csat(means),
        _cost_per_contact(monthly),
    ]
    return pd.DataFrame([row.__dict__ for row in rows])


def _monthly(timeseries: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and calendar month: sums of counts and costs, means of settings."""
    table = timeseries.assign(month=timeseries["date"].str[:7])
    sums = ["contacts", "ai_contacts", "ai_resolved", "ai_false_resolved", "cost_operating"]
    grouped = table.groupby(["scenario", "month"])
    result = grouped[sums].sum()
    result["ai_share_setting"] = grouped["ai_share_setting"].mean()
    days = grouped["interval"].count() * _interval_days(timeseries)
    result["days"] = days
    return result.reset_index()


def _interval_days(timeseries: pd.DataFrame) -> float:
    times = sorted(timeseries["time_days"].unique())
    return float(times[1] - times[0]) if len(times) > 1 else 1.0


def _value(means: pd.DataFrame, scenario: str, column: str) -> float:
    """A scenario's mean of a summary column."""
    return float(means[column].loc[scenario])


def _scale(means: pd.DataFrame, scenario: str) -> float:
    """Full-scale factor of a scenario (contacts_full_scale / contacts)."""
    full, scaled = (
        _value(means, scenario, "contacts_full_scale"),
        _value(means, scenario, "contacts"),
    )
    return float(ratio(full, scaled))


def _ai_share(monthly: pd.DataFrame) -> Figure:
    first_month = monthly[(monthly["scenario"] == LEAP) & (monthly["month"] == "2024-03")]
    share = float((first_month["ai_contacts"] / first_month["contacts"]).iloc[0])
    return Figure(
        "AI share of service chats, first full month",
        "about two thirds (2.3M conversations)",
        "bensbites.com; americanbanker.com",
        f"{share:.0%} of contacts in March 2024 ({LEAP}); input: routing share 0.66",
    )


def _resolution_time(means: pd.DataFrame) -> Figure:
    wait, handled = _value(means, BASELINE, "asa_min"), _value(means, BASELINE, "aht_min")
    return Figure(
        "resolution time",
        "under 2 minutes with AI, 11 minutes before",
        "bensbites.com",
        f"AI 1.8 min (input); humans {wait + handled:.1f} min in 2023: {wait:.1f} min "
        f"wait + {handled:.1f} min handled alongside other chats",
    )


def _fte_equivalent(means: pd.DataFrame, monthly: pd.DataFrame) -> Figure:
    hours = _value(means, BASELINE, "employee_hours")
    paid_hours_per_contact = ratio(hours, _value(means, BASELINE, "completed"))
    leap = monthly[(monthly["scenario"] == LEAP) & (monthly["month"] == "2024-03")].iloc[0]
    scale = _scale(means, LEAP)
    resolved = float(leap["ai_resolved"] + leap["ai_false_resolved"]) * scale
    per_month = resolved * DAYS_PER_MONTH / float(leap["days"])
    fte = per_month * paid_hours_per_contact / FTE_HOURS_PER_MONTH
    return Figure(
        "work of full-time agents taken over by the AI",
        "about 700",
        "bensbites.com; americanbanker.com",
        f"{fte:,.0f} FTE of paid agent time for the contacts the AI closed in March 2024 "
        "(700 laid off: input)",
    )


def savings_by_year(
    summary: pd.DataFrame,
    timeseries: pd.DataFrame,
    *,
    baseline: str = BASELINE,
    years: tuple[str, ...] = YEARS,
    confidence: float = DEFAULT_CONFIDENCE,
) -> pd.DataFrame:
    """Operating cost saved against ``baseline`` per scenario and calendar year, full scale.

    Replication r of each scenario is paired with the baseline's (common random numbers), so
    the interval is that of the paired saving. Years outside the horizon are left out.
    """
    means = summary.groupby("scenario").mean(numeric_only=True)
    table = timeseries.assign(year=timeseries["date"].str[:4])
    table = table[table["year"].isin(years)]
    costs = table.pivot_table(
        index="replication", columns=["year", "scenario"], values="cost_operating", aggfunc="sum"
    )
    interval_days = _interval_days(timeseries)
    rows = []
    for year in [year for year in years if year in costs.columns.get_level_values(0)]:
        days = table.loc[table["year"] == year, "time_days"].nunique() * interval_days
        saved = costs[year][baseline] * _scale(means, baseline)
        for scenario in [name for name in _ordered(summary) if name != baseline]:
            paired = saved - costs[year][scenario] * _scale(means, scenario)
            interval = t_interval(paired.to_numpy(dtype=float), confidence)
            rows.append(_saving_row(scenario, year, days, interval))
    return pd.DataFrame(rows, columns=SAVINGS_COLUMNS)


SAVINGS_COLUMNS = [
    "scenario",
    "year",
    "days",
    "saving",
    "ci_low",
    "ci_high",
    "replications",
    "published",
]


def _saving_row(scenario: str, year: str, days: float, interval: Interval) -> dict[str, Any]:
    return {
        "scenario": scenario,
        "year": int(year),
        "days": days,
        "saving": interval.mean,
        "ci_low": interval.low,
        "ci_high": interval.high,
        "replications": interval.replications,
        "published": PUBLISHED_SAVING.get(year, math.nan) if scenario == LEAP else math.nan,
    }


def _ordered(summary: pd.DataFrame) -> list[str]:
    return [str(name) for name in dict.fromkeys(summary["scenario"])]


def _saving(means: pd.DataFrame, timeseries: pd.DataFrame, by_year: pd.DataFrame) -> Figure:
    after = timeseries[timeseries["date"] >= LAUNCH]
    replications = timeseries["replication"].nunique()
    years = after["time_days"].nunique() * _interval_days(timeseries) / DAYS_PER_YEAR
    cost = after.groupby("scenario")["cost_operating"].sum() / replications
    full = {str(name): _scale(means, str(name)) for name in cost.index}
    per_year = {
        name: (cost[BASELINE] * full[BASELINE] - cost[name] * full[name]) / years
        for name in (LEAP, HYBRID, STEP)
    }
    text = ", ".join(f"{name} ${value / 1e6:,.0f}M" for name, value in per_year.items())
    text += _first_year(by_year)
    return Figure(
        "yearly saving in operating cost after the launch, full scale",
        "about $40M (2024 profit impact estimate)",
        "bensbites.com",
        text,
    )


def _first_year(by_year: pd.DataFrame) -> str:
    """The leap's 2024 saving with its interval, set against the published figure."""
    rows = by_year[(by_year["scenario"] == LEAP) & (by_year["year"] == int(YEARS[0]))]
    if rows.empty:
        return ""
    row = rows.iloc[0]
    published = PUBLISHED_SAVING[YEARS[0]]
    return (
        f"; in {YEARS[0]} alone {LEAP} ${row['saving'] / 1e6:,.0f}M (95% CI "
        f"${row['ci_low'] / 1e6:,.0f}M to ${row['ci_high'] / 1e6:,.0f}M) against the published "
        f"${published / 1e6:,.0f}M, {row['saving'] / published:.1f} times as much"
    )


def _repeat_inquiries(means: pd.DataFrame) -> Figure:
    def repeats(name: str) -> float:
        return float(
            ratio(_value(means, name, "recontacts"), _value(means, name, "issues_created"))
        )

    before, after = repeats(BASELINE), repeats(LEAP)
    return Figure(
        "repeat inquiries",
        "25 % fewer (company claim)",
        "bensbites.com",
        f"{ratio(after, before) - 1:+.0%} recontacts per issue in {LEAP} against {BASELINE} "
        f"({before:.2f} -> {after:.2f})",
    )


def _csat(means: pd.DataFrame) -> Figure:
    return Figure(
        "customer satisfaction",
        "on par with human agents (company claim, not audited)",
        "bensbites.com",
        ", ".join(f"{_value(means, name, 'csat_mean'):.2f} ({name})" for name in SCENARIOS),
    )


def _cost_per_contact(monthly: pd.DataFrame) -> Figure:
    def quarter(scenario: str, months: tuple[str, ...]) -> float:
        rows = monthly[(monthly["scenario"] == scenario) & (monthly["month"].isin(months))]
        return float(ratio(float(rows["cost_operating"].sum()), float(rows["contacts"].sum())))

    before = quarter(LEAP, ("2023-10", "2023-11", "2023-12"))
    after = quarter(LEAP, ("2025-01", "2025-02", "2025-03"))
    return Figure(
        "customer-service cost per transaction",
        "down 40 % from Q1 2023 to Q1 2025",
        "pureai.com",
        f"{ratio(after, before) - 1:+.0%} per contact from Q4 2023 to Q1 2025 ({LEAP})",
    )
