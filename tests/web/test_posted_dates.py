"""Dates typed into GOV.UK's day, month and year boxes, as people type them."""

from __future__ import annotations

import datetime

import pytest
from django.http import QueryDict

from docket.errors import DocketError
from docket.web.posted_dates import posted_date


def boxes(day: str, month: str, year: str) -> QueryDict:
    data = QueryDict(mutable=True)
    data.update({"when_day": day, "when_month": month, "when_year": year})
    return data


@pytest.mark.parametrize("month", ["12", "Dec", "dec", "December", " DECEMBER "])
def test_a_month_is_its_number_or_its_name(month):
    assert posted_date(boxes("2", month, "2026"), "when", "The date") == datetime.date(2026, 12, 2)


@pytest.mark.parametrize(
    ("day", "month", "year"),
    [
        ("2", "Decem ber", "2026"),
        ("31", "Feb", "2026"),
        ("2", "13", "26"),
        ("99999999999999999999", "1", "2026"),  # too large for a C long: an OverflowError, not a ValueError
        ("1", "99999999999999999999", "2026"),
    ],
)
def test_what_is_not_a_date_says_so(day, month, year):
    with pytest.raises(DocketError, match="The date must be a real date"):
        posted_date(boxes(day, month, year), "when", "The date")
