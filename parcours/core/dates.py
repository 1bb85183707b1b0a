"""Calendar arithmetic shared by every app: months added date to date, spans of months, ages.

Pure functions of dates, no rule of law: the durations themselves live in each app's `rules.py` with their
sources.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier, if negative), on the month's last day when it has no such
    day (31 January + 1 month → 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def first_day_of_next_month(day: date) -> date:
    """The first day of the month after `day`: when a stop decided by the prefect takes effect on the AFIS
    (« à compter du mois suivant la décision », décret n° 2017-542 du 13 avril 2017 relatif à l'AFIS,
    art. D. 121-12-14 et suivants CASF; DOMAIN.md). The AFIS of the decision's month stays due."""
    return add_months(first_of_month(day), 1)


def months_end(start: date, months: int) -> date:
    """Last day of a span of `months` months starting on `start`, counted from date to date.

    It ends the day before the same day of the month `months` later (15 March + 6 months → 14 September).
    When that month has no such day (31 August → "31 February"), it ends on the last day of that month
    (28 or 29 February): the span is never shorter than its months. This follows the computation of terms
    in months (art. 641 of the code de procédure civile); the decree says nothing more precise. To confirm
    with the prefecture's legal service (docs/regles.md).
    """
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    if start.day > last_day:
        return date(year, month, last_day)
    return date(year, month, start.day) - timedelta(days=1)


def months_between(start: date, end: date) -> list[date]:
    """First days of every month from the month of `start` to the month of `end`, both included."""
    months, month = [], first_of_month(start)
    while month <= end:
        months.append(month)
        month = add_months(month, 1)
    return months


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on `day` (born on 29 February: a year older on 1 March of a common year)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
