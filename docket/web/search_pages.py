"""The staff search: everything the campaigns a person can see hold (letters sent, replies, every page of
every document), best first, with filters. Works as a plain GET form; a query that cannot be read is
shown as an error summary on the page."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from docket.campaigns.models import RequestedItem
from docket.directory.models import Body
from docket.errors import DocketError
from docket.evidence.models import Kind
from docket.evidence.search import Filters, QueryError, search
from docket.web.access import access_campaign, campaigns_for
from docket.web.decorators import requires

PAGE = 20


class FilterError(DocketError):
    """A filter of the search form that is not one (a date that is not a date)."""


@requires("view")
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:500]
    slug = request.GET.get("campaign", "")
    campaign = access_campaign(request.user, slug) if slug else None  # not theirs: 404, as everywhere
    visible = campaigns_for(request.user)
    campaigns = (campaign.pk,) if campaign is not None else tuple(visible.values_list("pk", flat=True))
    errors: dict[str, str] = {}
    results = None
    offset = _number(request.GET.get("start")) or 0
    try:
        filters = Filters(
            campaigns=campaigns,
            body=_number(request.GET.get("body")),
            item=_number(request.GET.get("item")),
            kind=request.GET.get("kind") if request.GET.get("kind") in Kind.values else None,
            since=_date(request.GET.get("since", ""), "since", "The first date"),
            until=_date(request.GET.get("until", ""), "until", "The last date"),
        )
    except FilterError as error:
        errors[error.args[1]] = error.args[0]
        filters = None
    if query and filters is not None:
        try:
            results = search(query, filters, limit=PAGE, offset=offset)
        except QueryError as error:
            errors["q"] = str(error)
    bodies = Body.objects.filter(contacts__recipients__campaign__in=visible).distinct().order_by("name")
    items = (
        RequestedItem.objects.filter(campaign__in=visible).select_related("campaign").order_by("campaign", "position")
    )
    context = {
        "query": query,
        "chosen": request.GET,
        "errors": errors,
        "results": results,
        "campaigns": visible.order_by("title"),
        "bodies": bodies,
        "items": items,
        "kinds": Kind.choices,
        "offset": offset,
        "last": offset + (len(results.hits) if results is not None else 0),
        "next_start": offset + PAGE,
        "previous_start": max(0, offset - PAGE),
        "page_size": PAGE,
    }
    return render(request, "web/search.html", context)


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _date(value: str, field: str, label: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise FilterError(f"{label} must be a real date, like 2020-11-02.", field) from None
