"""Time units: the engine counts minutes; every other length of time is defined here once.

A year is 365 days everywhere (growth trends, attrition, churn hazards, yearly revenue, and
the monthly AI platform fee, a twelfth of a year).
"""

from __future__ import annotations

SECONDS_PER_MINUTE = 60.0
MINUTES_PER_HOUR = 60.0
HOURS_PER_DAY = 24
DAYS_PER_WEEK = 7
HOURS_PER_WEEK = HOURS_PER_DAY * DAYS_PER_WEEK
MINUTES_PER_DAY = MINUTES_PER_HOUR * HOURS_PER_DAY
MINUTES_PER_WEEK = MINUTES_PER_DAY * DAYS_PER_WEEK
DAYS_PER_YEAR = 365.0
MONTHS_PER_YEAR = 12
DAYS_PER_MONTH = DAYS_PER_YEAR / MONTHS_PER_YEAR
MINUTES_PER_YEAR = MINUTES_PER_DAY * DAYS_PER_YEAR
MINUTES_PER_MONTH = MINUTES_PER_YEAR / MONTHS_PER_YEAR
