"""A document's text, a page at a time: where a search hit on "page 7 of the Response Strategy" leads."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from docket.documents.models import Attachment
from docket.web.access import access_request
from docket.web.coding_pages import coding_context
from docket.web.decorators import requires


@requires("view")
def document_page(request: HttpRequest, pk: int, page: int) -> HttpResponse:
    attachment = get_object_or_404(Attachment.objects.select_related("message"), pk=pk)
    if attachment.message.request_id is None:
        raise Http404("No such document")  # held mail is read in the holding pen
    info_request = access_request(request.user, attachment.message.request_id)
    pages = attachment.page_texts()
    if not 1 <= page <= len(pages):
        raise Http404("No such page")
    context = {
        "attachment": attachment,
        "info_request": info_request,
        "page": page,
        "text": pages[page - 1][1],
        "page_start": ([0, *attachment.page_starts])[page - 1],
        "page_count": len(pages),
        "pages": range(1, len(pages) + 1),
        "coding": coding_context(request, info_request.campaign_id, attachment.message, attachment, page),
    }
    return render(request, "web/document_page.html", context)
