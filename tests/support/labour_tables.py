"""A small results folder with the labour columns: two scenarios, two replications, three days.

Every value is a simple function of scenario, replication and day, so the tests can compute
the daily means, cumulative sums and the report's sentence by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

BASELINE, HYBRID = "human-only", "gig-backed"
SCENARIOS = (BASELINE, HYBRID)
REPLICATIONS = 2
DAYS = 3
HOURS = DAYS * 24


def timeseries() -> pd.DataFrame:
    """Hourly rows: the baseline keeps 100 employee FTE, the hybrid cuts 10 a day, adds gig.

    Baseline: operating cost 100 an hour, no unwind cost, no gig. Hybrid: employee FTE
    ``100 - 10 * day + replication``; gig FTE ``5 + day``; 20 gig people online; operating
    cost ``80 + 2 * replication`` an hour; an unwind cost of 10 an hour on day 0 only.
    """
    frames = []
    for scenario in SCENARIOS:
        hybrid = scenario == HYBRID
        for replication in range(REPLICATIONS):
            hours = np.arange(HOURS)
            day = hours // 24
            employee_fte = 100.0 - 10.0 * day + replication if hybrid else np.full(HOURS, 100.0)
            frames.append(
                pd.DataFrame(
                    {
                        "scenario": scenario,
                        "replication": replication,
                        "interval": hours,
                        "time_days": hours / 24,
                        "cost_operating": 80.0 + 2 * replication if hybrid else 100.0,
                        "employee_hours": employee_fte * 40 / 168,
                        "gig_hours_online": (5.0 + day) * 40 / 168 if hybrid else 0.0,
                        "employee_fte": employee_fte,
                        "employee_fte_lost": employee_fte[0] - employee_fte,
                        "gig_people": 30 if hybrid else 0,
                        "gig_people_engaged": 20.0 if hybrid else 0.0,
                        "gig_fte": 5.0 + day if hybrid else 0.0,
                        "gig_work_hours": 0.5 if hybrid else 0.0,
                        "unwind_cost": np.where(day == 0, 10.0, 0.0) if hybrid else 0.0,
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def labour() -> pd.DataFrame:
    """Per scenario, replication and pool; the replications differ so means are tested."""
    rows = []
    for scenario in SCENARIOS:
        for replication in range(REPLICATIONS):
            rows.append(_employee_row(scenario, replication))
            if scenario == HYBRID:
                rows.append(_gig_row(replication))
    return pd.DataFrame(rows)


def _employee_row(scenario: str, replication: int) -> dict[str, object]:
    people = 100.0 if scenario == BASELINE else 80.0 + replication
    return {
        "scenario": scenario,
        "replication": replication,
        "pool": "staff",
        "kind": "employee",
        "people": people,
        "fte": people,
        "hours_per_person_week_p10": 40.0,
        "hours_per_person_week_median": 40.0,
        "hours_per_person_week_p90": 40.0,
        "earnings_per_person_week_p10": 763.2,
        "earnings_per_person_week_median": 763.2,
        "earnings_per_person_week_p90": 763.2,
        "earnings_week_cv_median": 0.0,
        "online_unpaid_share": np.nan,
        "earnings_per_online_hour": np.nan,
        "earnings_per_online_hour_below_reference_share": np.nan,
        "earnings_total": 763.2 * people,
        "benefits_per_person_week": 228.96,
        "training_per_person_week": 0.0,
    }


def _gig_row(replication: int) -> dict[str, object]:
    """Gig: 400 and 420 people, 90 and 100 FTE, medians $200 and $220, unpaid 30 % and 40 %."""
    return {
        "scenario": HYBRID,
        "replication": replication,
        "pool": "gig",
        "kind": "gig",
        "people": 400.0 + 20 * replication,
        "fte": 90.0 + 10 * replication,
        "hours_per_person_week_p10": 2.0 + replication,
        "hours_per_person_week_median": 9.0 + replication,
        "hours_per_person_week_p90": 30.0 + replication,
        "earnings_per_person_week_p10": 20.0 + 10 * replication,
        "earnings_per_person_week_median": 200.0 + 20 * replication,
        "earnings_per_person_week_p90": 600.0 + 20 * replication,
        "earnings_week_cv_median": 0.5 + 0.1 * replication,
        "online_unpaid_share": 0.3 + 0.1 * replication,
        "earnings_per_online_hour": 12.0 + 2 * replication,
        "earnings_per_online_hour_below_reference_share": 0.5 + 0.1 * replication,
        "earnings_total": 1e5,
        "benefits_per_person_week": 0.0,
        "training_per_person_week": 1.5,
    }


def write_folder(folder: Path, *, with_labour: bool = True) -> Path:
    """A compare folder of the two scenarios (summary, comparison, timeseries, labour.csv)."""
    folder.mkdir(parents=True)
    (folder / "scenarios").mkdir()
    for name in SCENARIOS:
        text = f"name: {name}\nlabour: {{reference_wage_per_hour: 7.25}}\n"
        (folder / "scenarios" / f"{name}.yaml").write_text(text, encoding="utf-8")
    table = summary()
    table.to_csv(folder / "summary.csv", index=False)
    comparison(table).to_csv(folder / "comparison.csv", index=False)
    timeseries().to_csv(folder / "timeseries.csv", index=False)
    if with_labour:
        labour().to_csv(folder / "labour.csv", index=False)
    manifest = {"scenarios": list(SCENARIOS), "baseline": BASELINE, "seed": 7}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def summary() -> pd.DataFrame:
    """summary.csv: each run's operating cost (the time series' sum) and a CSAT."""
    totals = timeseries().groupby(["scenario", "replication"], sort=False)["cost_operating"].sum()
    table = totals.reset_index().assign(seed=7, cost_total=totals.to_numpy())
    return table.assign(csat_mean=[0.70, 0.72, 0.66, 0.67])


def comparison(table: pd.DataFrame) -> pd.DataFrame:
    """comparison.csv: means, 95% t intervals and paired differences from the baseline."""
    rows = []
    for kpi in ("cost_total", "csat_mean"):
        wide = table.pivot(index="replication", columns="scenario", values=kpi)
        for scenario in SCENARIOS:
            level = _interval(wide[scenario].to_numpy(dtype=float))
            difference = _interval((wide[scenario] - wide[BASELINE]).to_numpy(dtype=float))
            rows.append(
                {"kpi": kpi, "scenario": scenario, "mean": level[0], "ci_low": level[1]}
                | {"ci_high": level[2], "difference": difference[0]}
                | {"difference_ci_low": difference[1], "difference_ci_high": difference[2]}
                | {"replications": REPLICATIONS}
            )
    return pd.DataFrame(rows)


def _interval(values: np.ndarray) -> tuple[float, float, float]:
    mean = float(values.mean())
    half = float(stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values)))
    return mean, mean - half, mean + half
