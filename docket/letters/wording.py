"""Dates and lists written the way UK government letters write them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def long_date(day: datetime.date) -> str:
    """13 October 2020 (no leading zero, no ordinal, whatever the locale)."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def english_list(items: Iterable[object], conjunction: str = "and") -> str:
    """ "A", "A and B", "A, B and C": no serial comma, as the GOV.UK style guide has it."""
    words = [str(item) for item in items]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"
