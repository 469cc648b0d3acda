"""Every list gives page 1 for a page number below 1 or not a number, and the last page for one above the last."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator

from docket.web.paging import a_page


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        (None, 1),
        ("", 1),
        ("abc", 1),
        ("1.5", 1),
        ("0", 1),
        ("-1", 1),
        (-7, 1),
        ("1", 1),
        ("2", 2),
        (3, 3),
        ("4", 3),
        ("99999999999999999999", 3),
    ],
)
def test_a_page_number_out_of_range_gives_the_nearest_page(number, shown):
    assert a_page(Paginator(list(range(25)), 10), number).number == shown


def test_an_empty_list_has_its_one_empty_page():
    for number in ("0", "1", "5", "x"):
        page = a_page(Paginator[int]([], 10), number)
        assert (page.number, list(page.object_list)) == (1, [])
