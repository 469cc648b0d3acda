"""A document's text, a page at a time: where a search hit on "page 7 of the Response Strategy" leads.

A page longer than ``SHOWN_CHARS`` (a text or Word file is one page however long) is shown in parts,
``?part=2``, cut between words, so that no page sends a browser megabytes of text at once."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from docket.documents.models import Attachment
from docket.evidence.indexing import parts
from docket.web.access import access_request
from docket.web.coding_pages import coding_context
from docket.web.decorators import requires

SHOWN_CHARS = 50_000  # the most characters of a page shown at once


@requires("view")
def document_page(request: HttpRequest, pk: int, page: int) -> HttpResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("message"), pk=pk)
    if attachment.message.request_id is None:
        raise Http404("No such document")  # held mail is read in the holding pen
    info_request = access_request(request.user, attachment.message.request_id)
    pages = attachment.page_texts()
    if not 1 <= page <= len(pages):
        raise Http404("No such page")
    shown = list(parts(pages[page - 1][1], SHOWN_CHARS))
    part = _number(request.GET.get("part", "1"), len(shown))
    context = {
        "attachment": attachment,
        "info_request": info_request,
        "page": page,
        "text": shown[part - 1],
        "page_start": ([0, *attachment.page_starts])[page - 1] + sum(len(text) for text in shown[: part - 1]),
        "page_count": len(pages),
        "pages": range(1, len(pages) + 1),
        "part": part,
        "part_count": len(shown),
        "shown_chars": f"{SHOWN_CHARS:,}",
        "coding": coding_context(request, info_request.campaign_id, attachment.message, attachment, page),
    }
    return render(request, "web/document_page.html", context)


def _number(given: str, count: int) -> int:
    if not given.isdigit() or not 1 <= int(given) <= count:
        raise Http404("No such part of the page")
    return int(given)
