"""The report's sections on the effects separated (``effects.csv``) and the yearly savings.

One plain sentence per KPI names the changes that explain most of its move; tables give every
effect with its paired 95 % interval, the order checks and the savings by calendar year.
"""

from __future__ import annotations

import math

import pandas as pd
from markupsafe import Markup

from klarsim.plots.effects import short_text
from klarsim.plots.measures import measure
from klarsim.report.html import heading, paragraph, table
from klarsim.report.kpi_tables import value_text

MOST_OF = 0.5
"""The largest effects named are the fewest whose sizes make up this share of all steps'."""
MOST_NAMED = 2
AI_STEP = "AI launch"
INTRO = (
    "Each change on the timeline is switched on one at a time, in timeline order, from the "
    "baseline; replication r of every scenario meets the same customers and luck (common "
    "random numbers), so each change's effect is the paired difference from the step before, "
    "with its 95% interval, and the steps add up exactly to the total change. The order checks "
    "measure the staff cuts without the AI and the AI after the cuts: where they differ from "
    "the chain's steps, the effects depend on the order, and the Shapley split (the mean of "
    "both orders) is the fairer attribution."
)


def effects_section(effects: pd.DataFrame) -> list[Markup]:
    """Sentences per KPI, the table of steps and totals, the table of order checks."""
    kpis = list(dict.fromkeys(effects.loc[effects["kind"] == "step", "kpi"]))
    parts = [paragraph(INTRO)]
    parts += [paragraph(effect_sentence(effects[effects["kpi"] == kpi])) for kpi in kpis]
    chain = effects[effects["kind"].isin(["step", "total"])]
    parts += [heading("Every step"), _table(chain, "effects-table")]
    checks = effects[~effects["kind"].isin(["step", "total"])]
    if not checks.empty:
        parts += [heading("Order checks and the Shapley split"), _table(checks, "order-table")]
    return parts


def effect_sentence(rows: pd.DataFrame) -> str:
    """One KPI's levels along the chain, its largest effects, the AI's, and the order check."""
    steps = rows[rows["kind"] == "step"]
    kpi = str(steps["kpi"].iloc[0])
    largest = _largest(steps)
    named = ", ".join(_effect_text(kpi, row) for _, row in largest.iterrows())
    label = measure(kpi).label
    verdict = _verdict(rows, label)
    lead = verdict or f"{label[:1].upper()}{label[1:]}"
    sentence = f"{lead}: {_levels(kpi, rows)}; largest effects: {named}"
    if AI_STEP not in set(largest["change"]) and AI_STEP in set(steps["change"]):
        ai = steps[steps["change"] == AI_STEP].iloc[0]
        sentence += f"; the {AI_STEP} alone {_signed(kpi, ai)}"
    return sentence + _shapley_text(kpi, rows) + "." + _interaction_text(kpi, rows)


def _verdict(rows: pd.DataFrame, label: str) -> str:
    """'The staff cuts, not the AI, explain most of the fall in LABEL to LEAP' (Shapley)."""
    shapley = rows[rows["kind"] == "shapley"]
    if len(shapley) != 2:
        return ""
    ranked = shapley.assign(size=shapley["effect"].abs()).sort_values("size", ascending=False)
    main, other = ranked.iloc[0], ranked.iloc[1]
    total = float(shapley["effect"].sum())
    if total == 0 or (float(main["effect"]) > 0) != (total > 0):
        return ""
    names = [str(row["change"]).removesuffix(" (Shapley)") for row in (main, other)]
    move = "rise" if total > 0 else "fall"
    doubt = "" if main["ci_low"] > 0 or main["ci_high"] < 0 else " (within wide intervals)"
    return (
        f"The {names[0]}, not the {names[1]}, explain most of the {move} in {label} to "
        f"{main['to_scenario']}{doubt}"
    )


def _levels(kpi: str, rows: pd.DataFrame) -> str:
    """The start, then the end of each total: 82.5% in A, 75.5% in B and 80.4% in C."""
    steps, totals = rows[rows["kind"] == "step"], rows[rows["kind"] == "total"]
    ends = [(row["end"], row["to_scenario"]) for _, row in totals.iterrows()]
    if not ends:
        ends = [(steps["end"].iloc[-1], steps["to_scenario"].iloc[-1])]
    start = steps.iloc[0]
    levels = [(start["start"], start["from_scenario"]), *ends]
    texts = [f"{_compact(kpi, float(value))} in {name}" for value, name in levels]
    return ", ".join(texts[:-1]) + " and " + texts[-1]


def _interaction_text(kpi: str, rows: pd.DataFrame) -> str:
    """When the interaction's interval excludes zero: the order matters, say so."""
    interaction = rows[rows["kind"] == "interaction"]
    if interaction.empty:
        return ""
    row = interaction.iloc[0]
    if not (row["ci_low"] > 0 or row["ci_high"] < 0):
        return ""
    return (
        f" The AI and the staff cuts interact by {_signed(kpi, row)}: the order of the chain "
        "matters, and the Shapley split is the fairer attribution."
    )


def _largest(steps: pd.DataFrame) -> pd.DataFrame:
    """The fewest steps, largest first, whose sizes make up most of all the steps' sizes."""
    sizes = steps["effect"].abs().sort_values(ascending=False)
    total = float(sizes.sum())
    chosen, covered = [], 0.0
    for index, size in sizes.items():
        chosen.append(index)
        covered += float(size)
        if len(chosen) >= MOST_NAMED or covered >= MOST_OF * total:
            break
    return steps.loc[chosen]


def _effect_text(kpi: str, row: pd.Series) -> str:
    return f"the {row['change']} {_signed(kpi, row)}"


def _signed(kpi: str, row: pd.Series) -> str:
    """An effect with its interval: +0.012 (95% CI +0.004 to +0.020)."""
    text = _compact(kpi, float(row["effect"]), difference=True)
    if math.isnan(float(row["ci_low"])):
        return text
    low = _compact(kpi, float(row["ci_low"]), difference=True)
    high = _compact(kpi, float(row["ci_high"]), difference=True)
    return f"{text} (95% CI {low} to {high})"


def _compact(kpi: str, value: float, *, difference: bool = False) -> str:
    """A value for a sentence: money and large counts shortened ($1.2M, 350k)."""
    shown = measure(kpi)
    if shown.unit == "%" or (shown.unit != "$" and abs(value) < 1e4):
        return value_text(kpi, value, difference=difference)
    sign = "+" if difference and value > 0 else ""
    return sign + short_text(value, shown)


def _shapley_text(kpi: str, rows: pd.DataFrame) -> str:
    shapley = rows[rows["kind"] == "shapley"]
    if shapley.empty:
        return ""
    parts = [
        f"{str(row['change']).removesuffix(' (Shapley)')} {_signed(kpi, row)}"
        for _, row in shapley.iterrows()
    ]
    target = shapley["to_scenario"].iloc[0]
    return f"; the change to {target} split by Shapley: " + ", ".join(parts)


def _table(rows: pd.DataFrame, table_id: str) -> Markup:
    headers = ["KPI", "change", "from", "to", "effect", "95% CI", "replications"]
    body = [
        [
            measure(str(row["kpi"])).label,
            str(row["change"]),
            _level(row, "start"),
            _level(row, "end"),
            value_text(str(row["kpi"]), float(row["effect"]), difference=True),
            _interval(row),
            str(int(row["replications"])),
        ]
        for _, row in rows.iterrows()
    ]
    return table(headers, body, table_id=table_id, text_columns=2)


def _level(row: pd.Series, column: str) -> str:
    return value_text(str(row["kpi"]), float(row[column]))


def _interval(row: pd.Series) -> str:
    kpi = str(row["kpi"])
    if math.isnan(float(row["ci_low"])):
        return "-"
    low = value_text(kpi, float(row["ci_low"]), difference=True)
    return f"{low} to {value_text(kpi, float(row['ci_high']), difference=True)}"


def savings_section(savings: pd.DataFrame, baseline: str) -> list[Markup]:
    """The operating cost saved per scenario and calendar year, against any published figure."""
    intro = (
        f"Operating cost saved against {baseline} in each calendar year, at full scale: the "
        "paired difference within each replication, with its 95% interval."
    )
    parts = [paragraph(intro), _savings_table(savings)]
    published = savings.dropna(subset=["published"])
    parts += [paragraph(_published_text(row)) for _, row in published.iterrows()]
    return parts


def _savings_table(savings: pd.DataFrame) -> Markup:
    headers = ["scenario", "year", "days", "saving", "95% CI", "published"]
    body = [
        [
            str(row["scenario"]),
            str(int(row["year"])),
            f"{float(row['days']):g}",
            _money(row["saving"]),
            f"{_money(row['ci_low'])} to {_money(row['ci_high'])}",
            _money(row["published"]),
        ]
        for _, row in savings.iterrows()
    ]
    return table(headers, body, table_id="savings-table", text_columns=1)


def _published_text(row: pd.Series) -> str:
    saving, published = float(row["saving"]), float(row["published"])
    return (
        f"{row['scenario']} saves {_money(saving)} in {int(row['year'])} (95% CI "
        f"{_money(row['ci_low'])} to {_money(row['ci_high'])}) against the published "
        f"{_money(published)}: {saving / published:.1f} times the published figure."
    )


def _money(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    if math.isnan(number):
        return "-"
    return f"{'-' if number < 0 else ''}${abs(number) / 1e6:,.1f}M"
