"""Time units: the engine counts minutes; every other length of time is defined here once.

A year is 365 days everywhere (growth trends, attrition, churn hazards, yearly revenue, and
the monthly AI platform fee, a twelfth of a year).
"""

from __future__ import annotations

from typing import Final

SECONDS_PER_MINUTE: Final = 60.0
MINUTES_PER_HOUR: Final = 60.0
HOURS_PER_DAY: Final = 24
DAYS_PER_WEEK: Final = 7
HOURS_PER_WEEK: Final = HOURS_PER_DAY * DAYS_PER_WEEK
MINUTES_PER_DAY: Final = MINUTES_PER_HOUR * HOURS_PER_DAY
MINUTES_PER_WEEK: Final = MINUTES_PER_DAY * DAYS_PER_WEEK
DAYS_PER_YEAR: Final = 365.0
MONTHS_PER_YEAR: Final = 12
DAYS_PER_MONTH: Final = DAYS_PER_YEAR / MONTHS_PER_YEAR
MINUTES_PER_YEAR: Final = MINUTES_PER_DAY * DAYS_PER_YEAR
MINUTES_PER_MONTH: Final = MINUTES_PER_YEAR / MONTHS_PER_YEAR
