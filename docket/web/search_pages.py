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
from docket.web.posted_dates import posted_date

PAGE = 20


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
    since = _date(request, "since", "The first date", errors)
    until = _date(request, "until", "The last date", errors)
    filters = None
    if not errors:
        filters = Filters(
            campaigns=campaigns,
            body=_number(request.GET.get("body")),
            item=_number(request.GET.get("item")),
            kind=request.GET.get("kind") if request.GET.get("kind") in Kind.values else None,
            since=since,
            until=until,
        )
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


def _date(request: HttpRequest, field: str, label: str, errors: dict[str, str]) -> datetime.date | None:
    """The date typed in the ``field`` boxes; None, and the mistake in ``errors``, if it is not one."""
    try:
        return posted_date(request.GET, field, label)
    except DocketError as error:
        errors[field] = str(error)
        return None
