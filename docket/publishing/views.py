"""The public site, live: no sign-in, everything through ``docket.publishing.published``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static

from docket.campaigns.models import Office
from docket.publishing import published, site

ROOT = "/public/"


def public_context(context: dict[str, Any]) -> dict[str, Any]:
    """What every public page's frame needs (the office's name, where the assets are), with ``context``."""
    office = Office.objects.order_by("pk").values_list("name", flat=True).first() or "Published correspondence"
    return context | {"root": ROOT, "assets": static("docket/vendor/"), "office_name": office, "live": True}


def _page(request: HttpRequest, page: site.Page) -> HttpResponse:
    return render(request, page.template, public_context(page.context))


def cached(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Keep a rendered public page until anything it may show changes (``published.version``):
    fast, and never a moment out of date after something is made private."""

    @wraps(view)
    def serve(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = "public:" + hashlib.sha256(f"{published.version()}:{request.path}".encode()).hexdigest()
        hit = cache.get(key)
        if hit is not None:
            return HttpResponse(hit, content_type="text/html; charset=utf-8")
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            cache.set(key, response.content, timeout=3600)
        return response

    return serve


@cached
def home(request: HttpRequest) -> HttpResponse:
    return _page(request, site.home())


@cached
def campaign(request: HttpRequest, slug: str) -> HttpResponse:
    found = published.campaign(slug)
    if found is None:
        raise Http404("No such page")
    return _page(request, site.campaign_page(found))


@cached
def body(request: HttpRequest, slug: str, body_slug: str) -> HttpResponse:
    found = published.campaign(slug)
    if found is None:
        raise Http404("No such page")
    for public_request in published.requests(found):
        if site.body_slug(public_request) == body_slug:
            return _page(request, site.body_page(found, public_request))
    raise Http404("No such page")


def document(request: HttpRequest, token: str, name: str) -> HttpResponse:
    publication = published.by_token(token)
    if (
        publication is None
        or publication.redacted_pdf is None
        or site.file_path(publication) != f"files/{token}/{name}"
    ):
        raise Http404("No such file")
    response = HttpResponse(publication.redacted_pdf.read(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@cached
def document_text(request: HttpRequest, token: str, name: str) -> HttpResponse:
    """The redacted text of a published document that is not a PDF (its file is not published)."""
    publication = published.by_token(token)
    page = site.document_text_page(publication) if publication is not None else None
    if page is None or page.path != f"files/{token}/{name}/":
        raise Http404("No such page")
    return _page(request, page)


def search(request: HttpRequest) -> HttpResponse:
    """The public search: the evidence index, restricted to what ``published`` says is public, as redacted."""
    from docket.evidence.search import QueryError
    from docket.evidence.search import search as search_index

    query = request.GET.get("q", "").strip()[:500]
    results, error = [], ""
    if query:
        try:
            found = search_index(query, public=True, limit=50).hits
        except QueryError as problem:
            error = str(problem)
        else:
            results = [
                {"hit": hit, "slug": site.body_slug(hit.entry.request), "file": _file(hit), "where": _where(hit)}
                for hit in found
            ]
    context = {"query": query, "results": results, "error": error}
    return render(request, "publishing/search.html", public_context(context))


def _where(hit: Any) -> str:
    """'page 7 of Response Strategy.pdf', or the title of a letter or reply as the public pages give it now."""
    entry = hit.entry
    named = site.title(entry.publication, entry.body.name) if entry.publication is not None else entry.title
    return f"page {entry.page} of {named}" if entry.page else named


def _file(hit: Any) -> str:
    """The redacted PDF's address, at the page of the hit, if the hit is in one."""
    publication = hit.entry.publication
    if publication is None or publication.redacted_pdf_id is None:
        return ""
    return site.file_path(publication) + (f"#page={hit.entry.page}" if hit.entry.page else "")


def feed(request: HttpRequest) -> HttpResponse:
    return HttpResponse(site.atom_feed(request.build_absolute_uri(ROOT)), content_type="application/atom+xml")


def data(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt == "csv":
        return HttpResponse(site.open_data_csv(), content_type="text/csv; charset=utf-8")
    if fmt == "json":
        return HttpResponse(site.open_data_json(), content_type="application/json")
    raise Http404("The open data is requests.csv or requests.json")
