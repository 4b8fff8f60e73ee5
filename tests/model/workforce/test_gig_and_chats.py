"""Gig pools (online blocks, call-ups, pay) and chat concurrency."""

from __future__ import annotations

import pytest

from tests.support.builders import centre, employees, gig, run, timeseries

pytestmark = pytest.mark.unit

SIX_MINUTES = {"dist": "deterministic", "value": 6.0}


def gig_centre(pool: dict[str, object], **options: object) -> dict[str, object]:
    data = centre({"gig": pool}, **options)  # type: ignore[arg-type]
    data["demand"]["intents"]["general"]["handle_time_min"] = dict(SIX_MINUTES)
    return data


def test_gig_pay_counts_engaged_minutes_only() -> None:
    pool = gig(60, 0.3, pay={"per_engaged_min": 0.5})
    result = run(gig_centre(pool, days=5, volume=1500, patience_min=5))
    summary = result.summary
    engaged_min = summary["gig_hours_engaged"] * 60
    assert summary["gig_hours_online"] > 1.5 * summary["gig_hours_engaged"], "idle time exists"
    assert summary["cost_gig"] == pytest.approx(0.5 * engaged_min, rel=1e-9)
    assert summary["cost_employee"] == 0
    assert summary["gig_earnings_per_online_hour"] < 30 * summary["occupancy_gig"] + 1e-9


def test_the_guaranteed_minimum_tops_up_every_online_hour() -> None:
    # $30 an online hour guaranteed, $30 an engaged hour earned: pay is exactly the guarantee.
    pool = gig(60, 0.3, pay={"per_engaged_min": 0.5, "guaranteed_per_online_hour": 30})
    summary = run(gig_centre(pool, days=5, volume=1500, patience_min=5)).summary
    assert summary["cost_gig"] == pytest.approx(0.5 * summary["gig_hours_online"] * 60, rel=1e-9)
    assert summary["gig_earnings_per_online_hour"] == pytest.approx(30.0)


def test_online_agents_follow_the_hourly_probability() -> None:
    chances = [0.0] * 168
    for hour in range(168):
        chances[hour] = 0.5 if 9 <= hour % 24 < 17 else 0.0
    pool = gig(200, chances)
    table = timeseries(run(gig_centre(pool, days=7, volume=10)))
    hours = table["interval"] % 24
    day = table.loc[(hours >= 9) & (hours < 17), "staffed_agents_gig"]
    # Off hours, only an agent finishing a contact begun before 17:00 is still online.
    assert table.loc[(hours < 9) | (hours >= 17), "staffed_agents_gig"].max() < 0.2
    assert day.mean() == pytest.approx(100, abs=3)  # binomial(200, 0.5) per block


def test_a_call_up_brings_agents_online_when_the_queue_grows() -> None:
    call_up = {
        "queue_threshold": 5,
        "agents": 4,
        "no_show_probability": 0.0,
        "log_on_delay_min": {"dist": "deterministic", "value": 5.0},
        "stay_min": 60.0,
        "cooldown_min": 60.0,
    }
    base = {"staff": employees(3)}
    quiet = centre({**base, "gig": gig(50, 0.0)}, days=3, volume=1200, patience_min=10)
    called = centre(
        {**base, "gig": gig(50, 0.0, call_up=call_up)}, days=3, volume=1200, patience_min=10
    )
    without, with_call_up = run(quiet).summary, run(called).summary
    assert without["gig_hours_online"] == 0
    online_min = with_call_up["gig_hours_online"] * 60
    # Each call brings 4 agents for an hour (a little longer if busy when the hour ends), at
    # most one call an hour.
    assert 240 <= online_min <= 1.2 * 240 * (3 * 24 + 1)
    assert with_call_up["abandonment_rate"] < without["abandonment_rate"]
    threshold_never_reached = {**call_up, "queue_threshold": 10**6}
    never = centre(
        {**base, "gig": gig(50, 0.0, call_up=threshold_never_reached)}, days=3, volume=1200
    )
    assert run(never).summary["gig_hours_online"] == 0


def test_registering_gig_agents_costs_onboarding_and_they_work_after_it() -> None:
    pool = gig(100, 0.2, onboarding_cost=400, onboarding_days=3)
    data = gig_centre(pool, days=10, volume=300)
    data["timeline"] = [{"day": 2, "action": "hire", "pool": "gig", "count": 150}]
    result = run(data)
    table = timeseries(result)
    assert result.summary["gig_registrations"] == 150
    assert result.summary["cost_gig"] >= 150 * 400
    registered = table.set_index("time_days")["headcount_gig"]
    assert registered.loc[:1.9].max() == 100 and registered.loc[2:].min() == 250
    online = table.set_index("time_days")["staffed_agents_gig"]
    assert online.loc[:4.9].mean() == pytest.approx(20, rel=0.1)  # 20 % of 100 registered
    assert online.loc[5:].mean() == pytest.approx(50, rel=0.1)  # 20 % of 250, once onboarded


def saturated_throughput(concurrency: int, channel: str = "chat") -> float:
    """Contacts five agents complete in two days with a queue that never empties."""
    pool = employees(5, concurrency=concurrency, concurrency_slowdown=0.39)
    data = centre({"staff": pool}, days=2, volume=8000)
    intent = data["demand"]["intents"]["general"]
    intent["channel"] = channel
    intent["handle_time_min"] = {"dist": "deterministic", "value": 10.0}
    return float(run(data).summary["completed"])


def test_concurrency_raises_throughput_sub_linearly() -> None:
    one = saturated_throughput(1)
    assert one == pytest.approx(5 * 6 * 48, abs=5)
    for concurrency in (2, 3):
        gain = saturated_throughput(concurrency) / one
        assert gain == pytest.approx(concurrency / (1 + 0.39 * (concurrency - 1)), rel=0.02)
        assert 1 < gain < concurrency


def test_voice_stays_one_at_a_time() -> None:
    assert saturated_throughput(3, channel="voice") == saturated_throughput(1, channel="voice")


def test_chats_take_longer_when_served_alongside_others() -> None:
    pool = employees(4, concurrency=3, concurrency_slowdown=0.5)
    data = centre({"staff": pool}, days=2, volume=3000)
    data["demand"]["intents"]["general"]["handle_time_min"] = {"dist": "deterministic", "value": 8}
    summary = run(data).summary
    assert 8.0 < summary["aht_min"] <= 8.0 * 2.0 + 1e-9  # 3 chats: each at pace 1/2
    assert summary["occupancy"] <= 1.0


def test_an_overflow_pool_serves_only_when_the_expected_wait_passes_its_threshold() -> None:
    def gig_work(threshold: float) -> float:
        pools = {
            "staff": employees(6),
            "gig": gig(30, 1.0, overflow_wait_min=threshold),
        }
        data = centre(pools, days=3, volume=2200, patience_min=30)
        return float(run(data).summary["gig_share_of_human_work"])

    eager, reluctant, never = gig_work(0.1), gig_work(5.0), gig_work(10_000.0)
    assert never == 0
    assert 0 < reluctant < eager


def test_recontacts_can_jump_the_queue() -> None:
    def waits(priority: bool) -> tuple[float, float]:
        data = centre({"staff": employees(6)}, days=3, volume=1550, patience_min=10)
        data["customers"]["recontact"] = {
            "abandoned": {"probability": 1.0, "delay_hours": {"dist": "exponential", "mean": 1}}
        }
        data["routing"] = {"recontact_priority": priority}
        log = run(data, contacts=True).contacts
        assert log is not None
        first = [w for w, a in zip(log["wait_min"], log["attempt"], strict=True) if a == 1]
        again = [w for w, a in zip(log["wait_min"], log["attempt"], strict=True) if a > 1]
        return sum(first) / len(first), sum(again) / len(again)

    first_plain, again_plain = waits(priority=False)
    first_priority, again_priority = waits(priority=True)
    assert again_priority < 0.5 * again_plain, "recontacts wait far less with priority"
    assert first_priority > first_plain, "and first contacts wait a little longer for it"
