"""Deadlines in working days for England and Wales.

The rule, in one place: a working day is a Monday to Friday that is not a bank
holiday in England and Wales (from the ``holidays`` package, which follows the
GOV.UK list, substitute days included). The day a letter is sent is day 0; a
reply is due by the end of the Nth working day after it. A deadline that is
extended gets N more working days counted from the old due date; one that is
restarted counts N working days from the day of the restart.
"""

from __future__ import annotations

import datetime
from functools import cache, lru_cache

from holidays.countries.united_kingdom import UnitedKingdom


@cache
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    # England and Wales share one list of bank holidays ("ENG" in the package). The calendar is
    # imported with this module rather than looked up by country code on the first deadline.
    return frozenset(UnitedKingdom(subdiv="ENG", years=year))  # type: ignore[no-untyped-call]  # untyped in the package


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


@lru_cache(maxsize=4096)  # the outbox asks the same question for every letter of a batch
def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (which itself does not count).

    A count that would run past the calendar's last day (a date stored as 31 December 9999) stops at that
    day, ``datetime.date.max``, rather than raising ``OverflowError`` on every page that shows it.
    """
    if days < 0:
        raise ValueError("a deadline is a whole number of working days, not negative")
    day = start
    remaining = days
    while remaining:
        if day == datetime.date.max:
            return day
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (negative when ``end`` is earlier)."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
