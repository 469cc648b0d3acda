"""One page of a list, whatever page number the address asks for (every list view uses ``a_page``)."""

from __future__ import annotations

from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator


def a_page(paginator: Paginator[Any], number: object) -> Page[Any]:
    """The page ``number`` asks for: page 1 if it is not a whole number or is below 1, the last if it is above
    the last (Django's ``get_page`` gives the last for 0 and for -1 too)."""
    try:
        wanted = paginator.validate_number(number)
    except PageNotAnInteger:
        wanted = 1
    except EmptyPage:
        wanted = paginator.num_pages if int(number) > 1 else 1  # type: ignore[call-overload]
    return paginator.page(wanted)
