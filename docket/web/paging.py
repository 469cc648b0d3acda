"""One page of a list, whatever page number the address asks for (every list view uses ``a_page``)."""

from __future__ import annotations

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator


def a_page[T](paginator: Paginator[T], number: int | str | None) -> Page[T]:
    """The page ``number`` asks for: page 1 if it is not a whole number or is below 1, the last if it is above
    the last (Django's ``get_page`` gives the last for 0 and for -1 too)."""
    try:
        wanted = paginator.validate_number("" if number is None else number)
    except PageNotAnInteger:
        wanted = 1
    except EmptyPage:
        wanted = paginator.num_pages if int(number or 0) > 1 else 1
    return paginator.page(wanted)
