"""The benchmark's judging and parsing on fixed inputs: ratios, medians, limits, program output."""

from __future__ import annotations

import pytest
from fixed_cost import top_level_imports
from verdicts import (
    Measurements,
    Timing,
    at_most_seconds,
    flat_memory,
    idiomatic_contacts,
    judge,
    many_runs_ratios,
    many_runs_share,
    speedup,
    summary_contacts,
)

pytestmark = pytest.mark.unit


def _rounds(rates: list[float], seconds: float = 10.0) -> list[Timing]:
    """Timings of ``seconds`` each whose contacts per second are ``rates``."""
    return [Timing(seconds, int(rate * seconds), 100.0) for rate in rates]


def test_a_speedup_is_the_median_of_the_rounds_ratios() -> None:
    reference = _rounds([1000, 2000, 1000])
    runs = _rounds([5000, 14000, 7000])  # ratios 5, 7, 7
    verdict = speedup("plain", runs, reference, at_least=6.0)
    assert verdict.value == "7.00x"
    assert verdict.met is True
    assert "rounds 5.00-7.00x" in verdict.detail
    assert "14,000 contacts/s" in verdict.detail  # the best round's speed


def test_a_speedup_below_the_target_is_missed_even_if_one_round_meets_it() -> None:
    verdict = speedup("plain", _rounds([5900, 5900, 9000]), _rounds([1000] * 3), at_least=6.0)
    assert verdict.value == "5.90x"
    assert verdict.met is False
    assert verdict.word == "MISSED"


def test_ratios_pair_rounds_not_best_speeds() -> None:
    # Round by round the ratios are 2, 3 and 3 (median 3); best against best would give 2.
    runs, reference = _rounds([6000, 3000, 3000]), _rounds([3000, 1000, 1000])
    assert speedup("x", runs, reference, at_least=1.0).value == "3.00x"


def test_wall_time_limits_use_the_median() -> None:
    runs = [Timing(seconds, 500, 90.0) for seconds in (0.4, 0.6, 0.45)]
    verdict = at_most_seconds("fixed cost", runs, limit=0.5)
    assert (verdict.value, verdict.met) == ("0.45 s", True)
    assert at_most_seconds("fixed cost", runs[1:2], limit=0.5).met is False


def test_memory_is_flat_within_ten_percent() -> None:
    half = Timing(1.0, 100, 100.0)
    assert flat_memory(half, [Timing(2.0, 200, 109.0)], days=78).met is True
    grown = flat_memory(half, [Timing(2.0, 200, 111.0)], days=78)
    assert (grown.value, grown.met) == ("+11.0%", False)
    assert "100 MiB at 39 days, 111 MiB at 78 days" in grown.detail


def test_many_runs_share_is_the_separate_tasks_against_eighty_percent() -> None:
    verdict = many_runs_share({"short": 0.75, "batched": 0.85})
    assert (verdict.value, verdict.detail, verdict.met) == ("75%", "short 75%, batched 85%", False)
    assert many_runs_share({"short": 0.81, "batched": 0.7}).met is True
    assert many_runs_share({"batched": 0.9}).met is None


def test_nothing_measured_is_not_measured_rather_than_met_or_missed() -> None:
    verdicts = judge(Measurements())
    assert len(verdicts) == 7
    assert {verdict.met for verdict in verdicts} == {None}
    assert all(verdict.word == "not measured" for verdict in verdicts)


def test_judge_names_every_target_of_the_issue_in_order() -> None:
    measured = Measurements(
        rounds={
            "plain": _rounds([6000]),
            "idiomatic": _rounds([1000]),
            "hybrid": _rounds([3600]),
            "workforce": _rounds([3500]),
            "fixed": [Timing(0.3, 500, 90.0)],
        },
        days=78,
        memory_half=Timing(1.0, 100, 100.0),
        klarna=Timing(301.0, 10, 900.0),
        many_runs={"runs": 0.81},
    )
    found = [(verdict.value, verdict.met) for verdict in judge(measured)]
    assert found == [
        ("6.00x", True),
        ("3.60x", True),
        ("3.50x", False),
        ("0.30 s", True),
        ("301.00 s", False),
        ("+0.0%", True),
        ("81%", True),
    ]


def test_contacts_are_summed_over_the_summary_rows() -> None:
    text = "scenario,replication,seed,contacts,answered\nx,0,1,506,500\nx,1,2,494.0,490\n"
    assert summary_contacts(text) == 1000
    with pytest.raises(ValueError, match="contacts"):
        summary_contacts("scenario,replication\nx,0\n")


def test_the_idiomatic_scripts_last_line_gives_its_contacts() -> None:
    output = 'warming up\n{"contacts": 12887, "served": 12409, "abandoned": 478}\n'
    assert idiomatic_contacts(output) == 12887


def test_many_runs_lines_are_read_for_the_long_run_only() -> None:
    output = """Hybrid example: 200 one-day runs against 200 days at once
  on 1 worker(s), contacts/s, range over 3 rounds (per CPU second):
    short  :    13,804 -    13,804   (   34,799 -    34,799)
    200 one-day runs (short) / long: 0.75 median (range 0.75-0.75; target >= 0.8: MISSED)
    200 one-day runs (batched) / long: 1.49 median (range 1.49-1.49; target >= 0.8: met)
    200 one-day runs (short) / halves: 0.70 median (range 0.66-0.72; target >= 0.8: MISSED)
"""
    assert many_runs_ratios(output) == {"short": 0.75, "batched": 1.49}
    earlier = "    200 one-day runs / long: 0.85 median (range 0.80-0.90; target >= 0.8: met)"
    assert many_runs_ratios(earlier) == {"runs": 0.85}
    assert many_runs_ratios("no such line") == {}


def test_top_level_imports_sum_their_cumulative_time_only() -> None:
    stderr = """import time: self [us] | cumulative | imported package
import time:       201 |        201 |   marshal
import time:       812 |      14459 | _frozen_importlib_external
import time:     19861 |     820826 | klarsim.experiments.run
import time:      2801 |       2801 |     klarsim.metrics.text
warning: something else on stderr
"""
    found = top_level_imports(stderr)
    assert found == pytest.approx(
        {"_frozen_importlib_external": 0.014459, "klarsim.experiments.run": 0.820826}
    )
