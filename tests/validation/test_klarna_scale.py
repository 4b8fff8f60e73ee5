"""The Klarna baseline gives the same answers at its default scale (5 %) as at twice that.

At 1 % of Klarna a pool of about four agents on duty queues far longer than Klarna's
hundreds, and abandonment, service level, satisfaction and churn all move; from 5 % on they
have converged (docs/calibration.md). Two months of the baseline, three replications each.
"""

from __future__ import annotations

import statistics
import sys

import pytest

import klarsim
from klarsim.cases.klarna.demo import klarna_scenarios
from tests.support.gaps import gap_in_standard_errors

pytestmark = [pytest.mark.validation, pytest.mark.slow]

RATES = ("abandonment_rate", "service_level", "csat_mean")
AMOUNTS = ("churned", "cost_total")
"""Counts and costs, compared at full scale (divided by the scale)."""
KPIS = (*RATES, *AMOUNTS)
REPLICATIONS = 3


def _kpis(scale: float) -> dict[str, list[float]]:
    baseline = klarsim.load_scenario(
        klarna_scenarios()[0], {"experiment.horizon_days": 60, "experiment.scale": scale}
    )
    assert baseline.experiment.scale == scale
    rows = [klarsim.simulate(baseline, replication).summary for replication in range(REPLICATIONS)]
    full = {kpi: 1.0 / scale if kpi in AMOUNTS else 1.0 for kpi in KPIS}
    return {kpi: [float(row[kpi]) * full[kpi] for row in rows] for kpi in KPIS}


def test_the_default_scale_agrees_with_twice_its_size() -> None:
    default = klarsim.load_scenario(klarna_scenarios()[0]).experiment.scale
    assert default >= 0.05
    small, large = _kpis(default), _kpis(2 * default)
    for kpi in KPIS:
        gap = gap_in_standard_errors(small[kpi], large[kpi])
        close = statistics.fmean(small[kpi]) == pytest.approx(
            statistics.fmean(large[kpi]), rel=0.1, abs=0.01
        )
        assert gap < 3.0 or close, (kpi, small[kpi], large[kpi])


def main() -> None:
    """Print the KPIs at the scales given (``python -m tests.validation.test_klarna_scale 0.01
    0.02``): the figures quoted in docs/calibration.md."""
    scales = [float(argument) for argument in sys.argv[1:]] or [0.05, 0.1]
    found = {scale: _kpis(scale) for scale in scales}
    for kpi in KPIS:
        means = "  ".join(
            f"{scale:g}: {statistics.fmean(found[scale][kpi]):.4g}" for scale in scales
        )
        print(f"{kpi:18} {means}")


if __name__ == "__main__":
    main()
