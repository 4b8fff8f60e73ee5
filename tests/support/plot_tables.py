"""Small synthetic results tables (with the workforce and cost columns) for the plot tests."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from klarsim.experiments.compare import comparison_table

SCENARIOS = ("human-only", "gig-backed", "ai-first")
BASELINE = "human-only"
REPLICATIONS = 3
SCALE = 0.1
GIG_COLUMNS = (
    "gig_hours_online",
    "gig_hours_engaged",
    "gig_share_of_human_work",
    "gig_earnings_per_online_hour",
)
COST_COLUMNS = ("cost_employee", "cost_ai", "cost_gig", "cost_hiring", "cost_severance")


def timeseries(days: float = 10.0, *, scenarios: tuple[str, ...] = SCENARIOS) -> pd.DataFrame:
    """Hourly rows from day 1 for each scenario and replication; gig columns NaN without gig."""
    generator = np.random.default_rng(1)
    hours = int(days * 24)
    frames = []
    for index, scenario in enumerate(scenarios):
        for replication in range(REPLICATIONS):
            time = 1.0 + np.arange(hours) / 24
            noise = generator.normal(0.0, 0.02, hours)
            gig = scenario != BASELINE
            frame = pd.DataFrame(
                {
                    "scenario": scenario,
                    "replication": replication,
                    "interval": 24 + np.arange(hours),
                    "time_days": time,
                    "contacts": generator.poisson(100, hours),
                    "offered_human": generator.poisson(60, hours),
                    "csat_mean": 0.7 - 0.05 * index + noise,
                    "trust_mean_end": 0.8 - 0.01 * index * time / days,
                    "service_level": np.clip(0.8 - 0.1 * index + noise, 0, 1),
                    "abandonment_rate": np.clip(0.05 + 0.05 * index + noise, 0, 1),
                    "cost_per_contact": 8.0 - 2.0 * index + noise,
                    "ai_share_setting": 0.3 * index,
                    "staffed_agents": 50.0 - 10 * index,
                    "employee_hours": 50.0 - 10 * index + noise,
                    "employees_end": 50 - 10 * index,
                    "headcount_employees": 50 - 10 * index,
                    "headcount_gig": 30 if gig else np.nan,
                    "gig_hours_online": 12.0 + noise if gig else np.nan,
                    "gig_hours_engaged": 8.0 + noise if gig else np.nan,
                    "gig_share_of_human_work": 0.2 + noise if gig else np.nan,
                    "gig_earnings_per_online_hour": 18.0 + noise if gig else np.nan,
                }
            )
            frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def summary(*, scenarios: tuple[str, ...] = SCENARIOS) -> pd.DataFrame:
    """One row per scenario and replication with cost components that add up to cost_total."""
    generator = np.random.default_rng(2)
    rows = []
    for index, scenario in enumerate(scenarios):
        for replication in range(REPLICATIONS):
            costs = {
                "cost_employee": 100_000.0 - 30_000 * index,
                "cost_ai": 10_000.0 * index,
                "cost_gig": 8_000.0 if scenario != BASELINE else 0.0,
                "cost_hiring": 2_000.0 * index,
                "cost_severance": 5_000.0 * index,
            }
            costs = {key: value + generator.normal(0, 100) for key, value in costs.items()}
            revenue_lost = 1_000.0 + 3_000 * index + generator.normal(0, 50)
            row = _summary_row(scenario, replication, costs, revenue_lost)
            row |= {"csat_mean": 0.7 - 0.05 * index + generator.normal(0, 0.01)}
            row |= {"cost_per_contact": 8.0 - 2.0 * index + generator.normal(0, 0.1)}
            row |= {"service_level": 0.8 - 0.1 * index, "trust_mean_end": 0.8 - 0.01 * index}
            row |= {"abandonment_rate": 0.05 + 0.05 * index, "contacts": 10_000}
            rows.append(row)
    return pd.DataFrame(rows)


def _summary_row(
    scenario: str, replication: int, costs: dict[str, float], revenue_lost: float
) -> dict[str, float | str | int]:
    human = costs["cost_employee"] + costs["cost_gig"] + costs["cost_hiring"]
    human += costs["cost_severance"]
    money = dict(costs)
    money |= {"revenue_lost": revenue_lost, "cost_human": human}
    money["cost_operating"] = human + costs["cost_ai"]
    money["cost_total"] = money["cost_operating"] + revenue_lost
    full = {f"{key}_full_scale": value / SCALE for key, value in money.items()}
    return {"scenario": scenario, "replication": replication, "seed": 7, **money, **full}


def comparison(table: pd.DataFrame, kpis: tuple[str, ...]) -> pd.DataFrame:
    """comparison.csv from a summary table: means, CIs, paired differences and their CIs."""
    return comparison_table(table, BASELINE, kpis)


def sweep_summary(*, keys: tuple[str, ...] = ("ai.share", "pools.staff.headcount")) -> pd.DataFrame:
    """sweep_summary.csv of a 3 x 2 grid (or a line, for one key) with four KPIs."""
    levels = {"ai.share": [0.2, 0.4, 0.6], "pools.staff.headcount": [20, 30]}
    grid = pd.MultiIndex.from_product([levels[key] for key in keys], names=list(keys))
    table = grid.to_frame(index=False)
    table.insert(0, "point", range(len(table)))
    share = table["ai.share"].to_numpy(dtype=float)
    staff = table["pools.staff.headcount"].to_numpy(float) if len(keys) > 1 else 25.0
    means = {
        "csat_mean": 0.8 - 0.3 * share + 0.002 * staff,
        "service_level": 0.5 + 0.01 * staff - 0.1 * share,
        "cost_per_contact": 2.0 + 0.2 * staff - 3 * share,
        "trust_mean_end": 0.8 - 0.05 * share,
    }
    for kpi, mean in means.items():
        table[f"{kpi}_mean"] = mean
        table[f"{kpi}_ci_low"] = mean * 0.97
        table[f"{kpi}_ci_high"] = mean * 1.03
    return table


def sweep_runs(points: pd.DataFrame) -> pd.DataFrame:
    """sweep.csv: the points repeated per replication with per-run CSAT and costs."""
    generator = np.random.default_rng(3)
    rows = []
    for _, point in points.iterrows():
        for replication in range(REPLICATIONS):
            row = {"point": int(point["point"]), "ai.share": point["ai.share"]}
            row |= {"scenario": "sweep", "replication": replication, "seed": 7}
            row["csat_mean"] = point["csat_mean_mean"] + generator.normal(0, 0.01)
            row["cost_per_contact"] = point["cost_per_contact_mean"] + generator.normal(0, 0.1)
            row["cost_total"] = 1000 * row["cost_per_contact"]
            rows.append(row)
    return pd.DataFrame(rows)


def write_compare_folder(folder: Path) -> Path:
    """A compare results folder from the synthetic tables (with gig and cost columns)."""
    folder.mkdir(parents=True)
    (folder / "scenarios").mkdir()
    for name in SCENARIOS:
        text = f"name: {name}\ndescription: synthetic {name} <centre> & co\n"
        text += "demand: {contacts_per_day: 4000}\npools: {staff: {headcount: 40}}\n"
        (folder / "scenarios" / f"{name}.yaml").write_text(text, encoding="utf-8")
    table = summary()
    table.to_csv(folder / "summary.csv", index=False)
    timeseries().to_csv(folder / "timeseries.csv", index=False)
    comparison(table, ("csat_mean", "cost_per_contact", "cost_total")).to_csv(
        folder / "comparison.csv", index=False
    )
    events = "scenario,replication,time_days,kind,action,target,value,detail\n"
    events += "gig-backed,0,3.5,guardrail,set,ai.share,0.2,csat below 0.6\n"
    (folder / "events.csv").write_text(events, encoding="utf-8")
    manifest = {"scenarios": list(SCENARIOS), "baseline": BASELINE, "seed": 7}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder
