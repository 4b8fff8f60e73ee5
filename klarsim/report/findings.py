"""Findings in words that follow the intervals: what a comparison, run or sweep found.

A paired interval that spans zero is "no detectable difference at these settings", never a
number; every figure is rounded to one significant figure of its interval's half-width, so no
digit is shown that the interval does not support. Shares differ in percentage points.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from klarsim.plots.comparison import COMPARISON_KPIS
from klarsim.plots.intervals import group_intervals
from klarsim.plots.measures import FULL_SCALE, Measure, measure
from klarsim.plots.sweeps import setting_text, swept_keys

NO_DIFFERENCE = "no detectable difference at these settings"
MOST_FINDINGS = 6
FINDING_KPIS = COMPARISON_KPIS
"""The headline KPIs the findings speak of, in the order a board reads them."""


@dataclass(frozen=True)
class Finding:
    """One finding: its KPI, a short headline (a slide title) and the sentence with intervals."""

    kpi: str
    headline: str
    text: str
    detectable: bool
    merge: tuple[str, str, str] | None = None
    """For a difference not told from noise: (baseline, scenario, interval), to merge with
    the other scenarios' of the same KPI into one sentence."""
    clause: str = ""
    """A difference as one scenario's part of a sentence about several: '{scenario} 0.10
    lower (paired 95% CI ...)'."""


def decimals_for(half_width: float) -> int | None:
    """Decimal places keeping one significant figure of ``half_width`` (None: no interval)."""
    if not math.isfinite(half_width) or half_width <= 0.0:
        return None
    return -math.floor(math.log10(half_width))


def number_text(value: float, decimals: int | None) -> str:
    """``value`` rounded to ``decimals`` places (negative: tens, hundreds), with separators."""
    if decimals is None:
        return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    rounded = round(value, decimals)
    if rounded == 0:
        rounded = 0.0  # no "-0"
    return f"{rounded:,.{max(decimals, 0)}f}"


def amount_text(info: Measure, value: float, decimals: int | None, *, change: bool) -> str:
    """A magnitude in the measure's display unit: 81%, 4 percentage points, $3.1, 1.2 min."""
    shown = value * info.factor
    if info.unit.startswith("$"):
        text = f"${_money_number(abs(shown), decimals)}"
        text = f"-{text}" if shown < 0 and not change else text
        return text + info.unit.removeprefix("$")
    digits = number_text(abs(shown) if change else shown, decimals)
    if info.unit == "%":
        return f"{digits} percentage points" if change else f"{digits}%"
    if info.unit.startswith("score") or info.unit == "as recorded":
        return digits
    return f"{digits} {info.unit}"


def signed_interval(info: Measure, low: float, high: float, decimals: int | None) -> str:
    """An interval that spans zero: '-$0.2 to +$0.3', '-3 to +5 percentage points'."""

    def signed(value: float) -> str:
        shown = value * info.factor
        rounded = round(shown, decimals) if decimals is not None else shown
        sign = "+" if rounded > 0 else "-" if rounded < 0 else ""  # no sign on a rounded 0
        if info.unit.startswith("$"):
            return sign + amount_text(info, abs(value), decimals, change=True)
        return sign + number_text(abs(shown), decimals)

    text = f"{signed(low)} to {signed(high)}"
    if info.unit.startswith("$"):
        return text
    unit = amount_text(info, 0.0, decimals, change=True).split(" ", 1)[1:]  # the unit alone
    return f"{text} {unit[0]}" if unit else text


def difference_finding(
    kpi: str, scenario: str, baseline: str, estimate: tuple[float, float, float]
) -> Finding:
    """The paired difference of ``scenario`` from ``baseline`` in words that follow its interval.

    ``estimate`` is the mean paired difference and its 95% interval (low, high).
    """
    difference, low, high = estimate
    info = _base_measure(kpi)
    name = _label(info)
    floor, ceiling = info.bounds  # a difference of shares lies within -100 and +100 points
    low, high = max(low, floor - ceiling), min(high, ceiling - floor)
    if not (math.isfinite(low) and math.isfinite(high)):
        text = f"{scenario}: no interval (one replication), so no difference can be claimed"
        return Finding(kpi, f"{name}: not estimated", f"{name}: {text}.", detectable=False)
    spread = (high - low) / 2.0 if high > low else abs(difference)
    decimals = decimals_for(spread * info.factor)
    if low <= 0.0 <= high:
        interval = f"paired 95% CI {signed_interval(info, low, high, decimals)}"
        if low == high == 0.0:
            interval = "identical in every replication"
        text = f"{scenario} against {baseline}: {NO_DIFFERENCE} ({interval})"
        headline = f"{name}: no detectable difference between {scenario} and {baseline}"
        merge = (baseline, scenario, interval)
        clause = f"{scenario}: {NO_DIFFERENCE} ({interval})"
        return Finding(kpi, headline, f"{name}: {text}.", False, merge, clause)
    direction = "higher" if difference > 0 else "lower"
    near, far = sorted((abs(low), abs(high)))
    amount = amount_text(info, abs(difference), decimals, change=True)
    near_text = amount_text(info, near, decimals, change=True)
    if not info.unit.startswith("$"):
        near_text = number_text(near * info.factor, decimals)
    far_text = amount_text(info, far, decimals, change=True)
    interval = f"{near_text} to {far_text} {direction}"
    headline = f"{name} {amount} {direction} in {scenario} than in {baseline}"
    text = f"{name}: {scenario} {amount} {direction} than {baseline} (paired 95% CI {interval})"
    clause = f"{scenario} {amount} {direction} (paired 95% CI {interval})"
    return Finding(kpi, headline, f"{text}.", detectable=True, clause=clause)


def comparison_findings(comparison: pd.DataFrame, baseline: str) -> list[Finding]:
    """Up to six findings from comparison.csv (full scale where given): the real ones first.

    A KPI on which some scenario differs detectably is one finding about every scenario, so
    that six findings speak of six KPIs, each for all the alternatives.
    """
    found = []
    for kpi in headline_kpis(set(comparison["kpi"].astype(str))):
        rows = comparison[(comparison["kpi"] == kpi) & (comparison["scenario"] != baseline)]
        differences = [
            difference_finding(
                kpi,
                str(row["scenario"]),
                baseline,
                (
                    float(row["difference"]),
                    float(row["difference_ci_low"]),
                    float(row["difference_ci_high"]),
                ),
            )
            for _, row in rows.iterrows()
        ]
        if len(differences) > 1 and any(finding.detectable for finding in differences):
            found.append(_joined(differences, baseline))
        else:
            found += differences
    return _first(found)


def _joined(differences: list[Finding], baseline: str) -> Finding:
    """One KPI's differences of several scenarios from the baseline, as one sentence."""
    first = differences[0]
    name = _label(_base_measure(first.kpi))
    clauses = "; ".join(finding.clause for finding in differences)
    text = f"{name} against {baseline}: {clauses}."
    headline = next(finding.headline for finding in differences if finding.detectable)
    return Finding(first.kpi, headline, text, detectable=True)


def level_finding(kpi: str, scenario: str, mean: float, low: float, high: float) -> Finding:
    """A KPI's level with its 95% interval, rounded to what the interval supports."""
    info = _base_measure(kpi)
    name = _label(info)
    known = math.isfinite(low) and math.isfinite(high)
    decimals = decimals_for((high - low) / 2.0 * info.factor) if known else None
    value = amount_text(info, mean, decimals, change=False)
    if not known:
        text = f"{name}: {value} in {scenario} (one replication: no interval)."
        return Finding(kpi, f"{name}: {value} in {scenario}", text, detectable=False)
    floor, ceiling = info.bounds
    low, high = max(low, floor), min(high, ceiling)
    interval = (
        f"{amount_text(info, low, decimals, change=False)} to "
        f"{amount_text(info, high, decimals, change=False)}"
    )
    text = f"{name}: {value} in {scenario} (95% CI {interval})."
    return Finding(kpi, f"{name}: {value} in {scenario}", text, detectable=True)


def run_findings(summary: pd.DataFrame) -> list[Finding]:
    """A run's headline KPIs, one finding each: every scenario's mean and 95% interval."""
    kpis = headline_kpis(set(summary.columns))
    kpis = [kpi for kpi in kpis if summary[kpi].notna().any()]
    wide = group_intervals(summary, "scenario", kpis)
    found = []
    for kpi in kpis:
        levels = [
            level_finding(kpi, str(row["scenario"]), *_interval(row, kpi))
            for _, row in wide.iterrows()
        ]
        if len(levels) == 1:
            found.append(levels[0])
            continue
        name = _label(_base_measure(kpi))
        parts = [_level_part(level.text) for level in levels]
        headline = f"{name}: " + ", ".join(level.headline.split(": ", 1)[1] for level in levels)
        text = f"{name}: " + "; ".join(parts) + "."
        known = all(level.detectable for level in levels)
        found.append(Finding(kpi, headline, text, detectable=known))
    return found[:MOST_FINDINGS]


def sweep_findings(sweep_summary: pd.DataFrame) -> list[Finding]:
    """Per headline KPI, its lowest and highest sweep point; the KPI that moves most first.

    Points whose intervals overlap are not told apart: "no detectable difference".
    """
    keys = swept_keys(sweep_summary)
    moves = []
    for kpi in headline_kpis({c.removesuffix("_mean") for c in sweep_summary.columns}):
        column = f"{kpi}_mean"
        if sweep_summary[column].notna().sum() < 2:
            continue
        values = sweep_summary[column].to_numpy(dtype=float)
        lowest = sweep_summary.iloc[int(np.nanargmin(values))]
        highest = sweep_summary.iloc[int(np.nanargmax(values))]
        scale = max(abs(float(sweep_summary[column].mean())), 1e-12)
        spread = (float(highest[column]) - float(lowest[column])) / scale
        moves.append((spread, _sweep_finding(kpi, lowest, highest, keys)))
    moves.sort(key=lambda pair: -pair[0])
    return [finding for _, finding in moves][:MOST_FINDINGS]


def _sweep_finding(kpi: str, lowest: pd.Series, highest: pd.Series, keys: list[str]) -> Finding:
    info = _base_measure(kpi)
    name = _label(info)
    low_point, high_point = _point_text(lowest, keys), _point_text(highest, keys)
    overlap = float(lowest[f"{kpi}_ci_high"]) >= float(highest[f"{kpi}_ci_low"])
    if overlap or not math.isfinite(float(lowest[f"{kpi}_ci_high"])):
        text = (
            f"{name}: {NO_DIFFERENCE} between the sweep points (the 95% intervals of the "
            f"lowest, {low_point}, and the highest, {high_point}, overlap)."
        )
        return Finding(kpi, f"{name}: no detectable change across the sweep", text, False)
    low_level = level_finding(kpi, low_point, *_interval(lowest, kpi))
    high_level = level_finding(kpi, high_point, *_interval(highest, kpi))
    text = f"{name} moves from {_level_part(low_level.text)} to {_level_part(high_level.text)}."
    headline = f"{name}: lowest at {low_point}, highest at {high_point}"
    return Finding(kpi, headline, text, detectable=True)


def _interval(row: pd.Series, kpi: str) -> tuple[float, float, float]:
    return float(row[f"{kpi}_mean"]), float(row[f"{kpi}_ci_low"]), float(row[f"{kpi}_ci_high"])


def _level_part(sentence: str) -> str:
    """'81% in hybrid (95% CI 79% to 83%)' out of a level finding's sentence."""
    return sentence.split(": ", 1)[1].removesuffix(".")


def _point_text(row: pd.Series, keys: Sequence[str]) -> str:
    settings = ", ".join(f"{key.rsplit('.', 1)[-1]}={setting_text(row[key])}" for key in keys)
    return settings or f"point {row['point']}"


def headline_kpis(available: set[str]) -> list[str]:
    """The headline KPIs present, each at full scale when the table gives it so."""
    chosen = []
    for kpi in FINDING_KPIS:
        if f"{kpi}{FULL_SCALE}" in available:
            chosen.append(f"{kpi}{FULL_SCALE}")
        elif kpi in available:
            chosen.append(kpi)
    return chosen


def _first(found: list[Finding]) -> list[Finding]:
    """At most six: the detectable findings first, then the others merged per KPI.

    Each KPI's first detectable finding comes before any KPI's second, so six findings
    cover as many KPIs as they can.
    """
    detectable = _spread([finding for finding in found if finding.detectable])
    others = _merged([finding for finding in found if not finding.detectable])
    return (detectable + others)[:MOST_FINDINGS]


def _spread(found: list[Finding]) -> list[Finding]:
    """Stable order by how many findings of the same KPI came before (then KPI order)."""
    seen: dict[str, int] = {}
    ranks = []
    for finding in found:
        ranks.append(seen.get(finding.kpi, 0))
        seen[finding.kpi] = ranks[-1] + 1
    order = sorted(range(len(found)), key=lambda index: ranks[index])
    return [found[index] for index in order]


def _merged(found: list[Finding]) -> list[Finding]:
    """The KPI's differences not told from noise, one sentence for all its scenarios."""
    merged = []
    for kpi in dict.fromkeys(finding.kpi for finding in found):
        same = [finding for finding in found if finding.kpi == kpi]
        parts = [finding.merge for finding in same if finding.merge is not None]
        if len(same) < 2 or len(parts) < len(same):
            merged += same
            continue
        name = _label(_base_measure(kpi))
        baseline = parts[0][0]
        intervals = {interval for _, _, interval in parts}
        if len(intervals) == 1:  # the same words for all: said once
            listed = [scenario for _, scenario, _ in parts]
            suffix = f" ({intervals.pop()})"
        else:
            listed = [f"{scenario} ({interval})" for _, scenario, interval in parts]
            suffix = ""
        joined = ", ".join(listed[:-1]) + f" or {listed[-1]}"
        text = f"{name}: {NO_DIFFERENCE} between {baseline} and {joined}{suffix}."
        headline = f"{name}: no detectable difference from {baseline}"
        merged.append(Finding(kpi, headline, text, detectable=False))
    return merged


def _base_measure(kpi: str) -> Measure:
    """The KPI's measure without the full-scale suffix: extrapolation is said once, elsewhere."""
    return measure(kpi.removesuffix(FULL_SCALE))


def _label(info: Measure) -> str:
    return info.label[:1].upper() + info.label[1:]


def _money_number(value: float, decimals: int | None) -> str:
    """Money rounded as the interval allows; millions as '1.23 million'."""
    if value >= 1e6 and (decimals is None or decimals <= -4):
        places = 2 if decimals is None else max(decimals + 6, 0)
        return f"{round(value / 1e6, places):,.{places}f} million"
    if decimals is None:
        decimals = 2 if value < 100 else 0
    return number_text(value, decimals)


__all__ = [
    "NO_DIFFERENCE",
    "Finding",
    "amount_text",
    "comparison_findings",
    "decimals_for",
    "difference_finding",
    "level_finding",
    "number_text",
    "run_findings",
    "signed_interval",
    "sweep_findings",
]
