"""The labour table and the jobs-to-people columns against figures known from their settings."""

from __future__ import annotations

import math
import random
import struct

import numpy as np
import pytest

from klarsim.model.workforce.people import Weeks
from klarsim.sim.labour import PERCENTILES, SORTED_MOST, _quantiles
from klarsim.sim.labour_columns import LABOUR_COLUMNS
from klarsim.sim.records import ReplicationResult
from klarsim.units import MINUTES_PER_WEEK
from tests.support.builders import centre, employees, gig, run, timeseries

pytestmark = pytest.mark.unit

SIX_MINUTES = {"dist": "deterministic", "value": 6.0}
DAY_SHIFT = {"shifts": [{"start_hour": 8, "length_hours": 8, "agents": 10}]}
"""Ten agents 08:00-16:00 every day: 560 paid hours a week for 14 people (40 h each)."""


def labour_row(result: ReplicationResult, pool: str) -> dict[str, object]:
    labour = result.labour or {}
    row = labour["pool"].index(pool)
    return {column: labour[column][row] for column in LABOUR_COLUMNS}


def mixed_centre(pay: dict[str, float], **options: object) -> dict[str, object]:
    pools = {
        "staff": employees(14, roster=DAY_SHIFT),
        "gig": gig(150, 0.2, pay=pay),
    }
    data = centre(pools, patience_min=5, **options)  # type: ignore[arg-type]
    data["demand"]["intents"]["general"]["handle_time_min"] = dict(SIX_MINUTES)
    return data


def test_weeks_split_spans_at_week_ends_and_ignore_the_warm_up() -> None:
    weeks = Weeks(origin_min=100.0)
    online: list[float] = []
    weeks.add_span(online, 50.0, 100.0 + MINUTES_PER_WEEK + 30.0)
    assert online == [MINUTES_PER_WEEK, 30.0]
    earned: list[float] = []
    weeks.add_amount(earned, 99.0, 5.0)
    weeks.add_amount(earned, 100.0 + 2 * MINUTES_PER_WEEK, 7.0)
    assert earned == [0.0, 0.0, 7.0]


def test_person_earnings_add_up_to_the_pool_pay() -> None:
    pay = {"per_engaged_min": 0.3, "per_contact": 0.5, "guaranteed_per_online_hour": 6.0}
    result = run(mixed_centre(pay, days=15, warmup_days=1, volume=2500))
    row = labour_row(result, "gig")
    assert row["earnings_total"] == pytest.approx(result.summary["cost_gig"], rel=1e-9)
    assert row["earnings_per_online_hour"] == pytest.approx(
        result.summary["gig_earnings_per_online_hour"], rel=1e-9
    )
    assert row["fte"] == pytest.approx(result.summary["gig_hours_online"] / (40 * 2), rel=1e-9)
    assert row["people"] == 150
    assert row["hours_per_person_week_p10"] <= row["hours_per_person_week_median"]
    assert row["hours_per_person_week_median"] <= row["hours_per_person_week_p90"]


def test_without_a_guarantee_the_unpaid_share_is_the_idle_share() -> None:
    result = run(mixed_centre({"per_engaged_min": 0.25}, days=14, volume=2500))
    row = labour_row(result, "gig")
    assert row["online_unpaid_share"] == pytest.approx(
        1 - result.summary["occupancy_gig"], rel=1e-9
    )


def test_a_guarantee_equal_to_the_engaged_rate_pays_every_online_minute() -> None:
    pay = {"per_engaged_min": 0.5, "guaranteed_per_online_hour": 30.0}
    result = run(mixed_centre(pay, days=14, volume=2500))
    row = labour_row(result, "gig")
    assert row["online_unpaid_share"] == pytest.approx(0.0, abs=1e-9)
    assert row["earnings_per_online_hour_below_reference_share"] == 0.0
    high_bar = mixed_centre(pay, days=14, volume=2500, labour={"reference_wage_per_hour": 31})
    assert labour_row(run(high_bar), "gig")["earnings_per_online_hour_below_reference_share"] == 1


def test_employees_earn_their_rostered_hours_at_their_wage() -> None:
    data = mixed_centre({"per_engaged_min": 0.25}, days=21, volume=2500)
    data["pools"]["staff"] |= {"wage_per_hour": 20.0, "benefits_load": 0.25}
    row = labour_row(run(data), "staff")
    assert row["people"] == 14
    assert row["fte"] == pytest.approx(14.0)
    for quantile in ("p10", "median", "p90"):
        assert row[f"hours_per_person_week_{quantile}"] == pytest.approx(40.0)
        assert row[f"earnings_per_person_week_{quantile}"] == pytest.approx(800.0)
    assert row["earnings_week_cv_median"] == pytest.approx(0.0, abs=1e-9)
    assert row["benefits_per_person_week"] == pytest.approx(200.0)
    assert row["online_unpaid_share"] == 0.0
    assert row["earnings_total"] == pytest.approx(14 * 800.0 * 3)


def test_a_run_shorter_than_a_week_counts_pro_rata() -> None:
    row = labour_row(run(mixed_centre({"per_engaged_min": 0.25}, days=3.5, volume=2500)), "staff")
    assert row["hours_per_person_week_median"] == pytest.approx(40.0, rel=0.02)


def test_jobs_to_people_columns_follow_the_workforce() -> None:
    data = mixed_centre({"per_engaged_min": 0.25}, days=6, volume=2500)
    data["timeline"] = [{"day": 3, "action": "layoff", "pool": "staff", "count": 7}]
    table = timeseries(run(data))
    assert table["employee_fte"].iloc[0] == pytest.approx(14.0)
    assert table["employee_fte_lost"].iloc[-1] == pytest.approx(7.0)
    assert table["gig_people"].iloc[0] == 150
    full_time_share = 40 * 60 / MINUTES_PER_WEEK  # of a 60-minute interval
    assert (table["gig_fte"] * 60 * full_time_share).sum() == pytest.approx(
        table["gig_hours_online"].sum() * 60, rel=1e-9
    )
    engaged = table["gig_people_engaged"]
    assert (engaged >= table["staffed_agents_gig"].round() - 1).all()
    assert (engaged <= 150).all()


def test_readers_spell_the_engine_columns_after_the_keys() -> None:
    """Readers keep their own copy (plots and the report never import the engine)."""
    from klarsim.metrics.columns import LABOUR_COLUMNS as READ_COLUMNS

    assert ["scenario", "replication", *LABOUR_COLUMNS] == READ_COLUMNS


def test_a_pool_registered_late_counts_its_fte_over_the_weeks_it_has_people() -> None:
    data = mixed_centre({"per_engaged_min": 0.25}, days=14, volume=2500)
    data["pools"]["gig"]["registered"] = 0
    data["timeline"] = [{"day": 7, "action": "hire", "pool": "gig", "count": 150}]
    result = run(data)
    online_hours = timeseries(result)["gig_hours_online"].sum()
    assert online_hours > 0
    assert labour_row(result, "gig")["fte"] == pytest.approx(online_hours / 40, rel=0.01)


def test_quantiles_are_numpy_percentiles_to_the_bit() -> None:
    """Worked out without NumPy for plain values, they keep NumPy's bits (and its warnings'
    absence): ties, zeros of both signs, huge and tiny values, NaN and infinities."""
    generator = random.Random(7)
    specials = [0.0, -0.0, 1.5, 5e-324, 1e299, -1e299, 1e308, math.inf, -math.inf, math.nan]
    samples: list[list[float]] = [[3.0], [1.0, 2.0], [0.0, -0.0, 0.0]]
    for size in (2, 3, 5, 10, 11, 21, 100, 101, SORTED_MOST + 1):
        samples.append([generator.uniform(-1e3, 1e3) for _ in range(size)])
        samples.append([float(generator.randint(0, 3)) for _ in range(size)])
        samples.append([generator.expovariate(0.025) * 1e-9 for _ in range(size)])
        samples.append([generator.choice(specials) for _ in range(size)])
    for values in samples:
        with np.errstate(all="ignore"):  # infinities: NumPy's own path, with its warnings
            found = list(_quantiles("hours", values).values())
            expected = np.percentile(np.asarray(values, dtype=float), PERCENTILES).tolist()
        assert [struct.pack("<d", value) for value in found] == [
            struct.pack("<d", value) for value in expected
        ], values
