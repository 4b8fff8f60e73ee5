"""The report's section on how the confidence intervals are computed."""

from __future__ import annotations

from markupsafe import Markup

from klarsim.report.html import paragraph
from klarsim.results.reader import ResultsFolder

METHOD_TEXT = [
    (
        "Replications are independent runs of the same scenario with different random "
        "streams. Every KPI is averaged over the n replications, and its 95% confidence "
        "interval is the two-sided Student-t interval: mean ± t(0.975, n - 1) × s / √n, where "
        "s is the standard deviation across replications. With a single replication no "
        "interval is given. Intervals of levels (not of differences) are cut at the values a "
        "KPI can take: 0 to 1 for scores and shares, zero for costs and counts."
    ),
    (
        "Comparisons use common random numbers: replication r of every scenario draws its "
        "streams from (seed, r, stream name), so the same customers arrive with the same "
        "needs, patience and luck in every scenario. The difference from the baseline is "
        "taken within each replication, and its interval is the Student-t interval of these "
        "n paired differences; it is usually much narrower than the difference of two "
        "independent intervals. An interval that excludes zero means the change is unlikely "
        "to be noise at the 5% level (one KPI at a time, no correction for looking at many)."
    ),
    (
        "Bands over time: each replication's values are first averaged over a period (an "
        "interval, a day, a week or four weeks, so that a line has at most about 200 points; "
        "rates are weighted by their denominators), then the mean and Student-t interval "
        "are taken across replications for each period. Sweep points each have their own "
        "replications with the same seeds."
    ),
    (
        "Queueing results do not scale linearly: when the folder was run with "
        "experiment.scale below 1, money and counts are also shown at full scale (divided by "
        "the scale), while waits and service levels are those of the smaller centre."
    ),
]
"""Paragraphs of the method section, as plain text (the deck's method slide)."""
METHOD = [paragraph(text) for text in METHOD_TEXT]
"""The same paragraphs as HTML."""
PLANNING_TEXT = [
    METHOD_TEXT[0],
    (
        "A staffing plan is iterative (Feldman, Mandelbaum, Massey and Whitt, 2008): a first "
        "run with ample staff measures demand per interval of the week, the first plan is "
        "analytic (Erlang A, or C when nobody abandons), and each iteration simulates the "
        "current plan with the replications above (the same seeds every time) and moves each "
        "interval to the fewest agents meeting the targets given what its arrivals found, "
        "until no interval changes (converged) or the iterations run out. Each interval's "
        "service level is that of the last simulation, with the Student-t interval across "
        "replications of each replication's share. The shifts are the least-cost cover of "
        "the required agents on duty (an integer programme), grossed up for shrinkage."
    ),
    (
        "A capacity plan plans each month as such a week under the conditions in force at its "
        "middle (timeline changes so far, demand growth, gig agents onboarded); the required "
        "FTE are the paid hours per week of its shifts over the contract hours."
    ),
]
"""The method of a staffing or capacity plan (``klarsim staff``), as plain text."""


def method_text(folder: ResultsFolder) -> list[str]:
    """The method's paragraphs for the folder's kind, as plain text."""
    if folder.kind == "capacity":
        return PLANNING_TEXT
    return PLANNING_TEXT[:2] if folder.kind == "staff" else METHOD_TEXT


def method_parts(folder: ResultsFolder) -> list[Markup]:
    """The method's paragraphs for the folder's kind, as HTML."""
    return [paragraph(text) for text in method_text(folder)]
