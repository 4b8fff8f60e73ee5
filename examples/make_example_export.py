"""Make examples/data/example_export.csv: an interval export simulated from a known truth.

The truth is the scenario examples/data/example_truth.yaml (documented in examples/README.md).
One replication of it is run with klarsim, and each interval's record becomes one row of a
platform-style export: offered, answered and abandoned contacts, the mean handle time and
mean wait of the answered ones in seconds, and the staffed agents.

    python examples/make_example_export.py [--out examples/data/example_export.csv]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

import klarsim

HERE = Path(__file__).resolve().parent
TRUTH = HERE / "data" / "example_truth.yaml"
EXPORT = HERE / "data" / "example_export.csv"
SECONDS_PER_MINUTE = 60.0
MINUTES_PER_HOUR = 60.0


def export_table(truth: Path = TRUTH, seed: int | None = None) -> pd.DataFrame:
    """One replication of the truth, as an export: one row per interval."""
    scenario = klarsim.load_scenario(truth)
    result = klarsim.run(scenario, reps=1, seed=seed)
    series = result.timeseries.sort_values("interval")
    interval_min = scenario.experiment.interval_min
    start = pd.Timestamp(scenario.experiment.start_date)
    answered = series["answered"].astype(int)
    table = pd.DataFrame(
        {
            "interval_start": start + pd.to_timedelta(series["interval"] * interval_min, "min"),
            "offered": series["contacts"].astype(int),
            "answered": answered,
            "abandoned": series["abandoned"].astype(int),
            "aht_s": (series["aht_min"] * SECONDS_PER_MINUTE).round(1),
            "asa_s": (series["asa_min"] * SECONDS_PER_MINUTE).round(1),
            "agents": (series["employee_hours"] / (interval_min / MINUTES_PER_HOUR)).round(2),
        }
    )
    # what nobody answered has no handle time or wait: left blank, as exports do
    table.loc[answered == 0, ["aht_s", "asa_s"]] = float("nan")
    table["interval_start"] = table["interval_start"].dt.strftime("%Y-%m-%d %H:%M")
    return table


def main() -> None:
    """Write the export (default: examples/data/example_export.csv)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=EXPORT)
    parser.add_argument("--truth", type=Path, default=TRUTH)
    arguments = parser.parse_args()
    export_table(arguments.truth).to_csv(arguments.out, index=False)
    print(f"wrote {arguments.out}")


if __name__ == "__main__":
    main()
