"""The evidence ledger in the workspace: a request's items set one by one, a campaign's matrix
(bodies by items, 50 bodies a page, each cell linked to its evidence) with its CSV and Excel
export, and the bulk actions on what is selected in it: chase, publish, embargo.

Each change is a named action (``docket.campaigns.actions``, ``docket.publishing.actions``,
``docket.requests.letters``); the bulk ones ask first on a confirmation page that shows what
will be done to whom.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from docket.campaigns import actions as ledger_actions
from docket.campaigns import ledger
from docket.campaigns.models import Campaign, RecipientItem
from docket.documents.models import Attachment
from docket.errors import DocketError
from docket.mail.tasks import send_outbox
from docket.publishing import actions as publishing
from docket.publishing.models import Publication, PublicationState
from docket.publishing.rules import spans_in
from docket.requests.actions import Actor
from docket.requests.letters import queue_chaser
from docket.requests.models import FrozenLetter, InfoRequest
from docket.web import public_state, request_pages
from docket.web.access import access_campaign, access_request
from docket.web.chase_checks import chase_rows
from docket.web.decorators import actor_of, requires
from docket.web.form_ids import NotAnId, form_id, form_ids
from docket.web.paging import a_page
from docket.web.posted_dates import posted_date
from docket.web.publication_pages import PREVIEW_CHARS
from docket.web.user_errors import errors_shown_on

PER_PAGE = 50
MOST_SELECTED = 500  # cells or bodies one bulk action takes at once
Status = RecipientItem.Status


# -- one request's items -------------------------------------------------------------------------


@require_POST
@requires("file")
@errors_shown_on("web:request", "pk")
def item_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Record what the body did about one item: its status, with the URL, reason or attachment it needs.

    A mistake is shown on the request's page with the item's form open, as it was sent, the error
    at the field to correct and the error summary linking to it (not only a message at the top).
    """
    found = access_request(request.user, pk)
    key = request.POST.get("item", "")
    status = request.POST.get("status", "")
    try:
        _record_item_status(request, found, key, status)
    except DocketError as mistake:
        kept = {name: request.POST.get(name, "") for name in ("item", "status", "attachment", "page", "url", "note")}
        kept |= {"error": str(mistake), "field": getattr(mistake, "field", "") or "status"}
        return request_pages.page_of(request, found, kept)
    messages.success(request, f"Recorded: {Status(status).label.lower()}.")
    return redirect(f"{reverse('web:request', args=[found.pk])}#ledger-{key}")


def _record_item_status(request: HttpRequest, found: InfoRequest, key: str, status: str) -> None:
    attachment_id = form_id(request.POST.get("attachment"), "attachment")
    attachment = None
    if attachment_id is not None:
        # Only this request's attachments: another's is not found (its name is not told).
        attachment = get_object_or_404(
            Attachment.objects.select_related("message"), pk=attachment_id, message__request=found
        )
    try:
        page = form_id(request.POST.get("page"), "page number")
    except NotAnId:
        raise ledger_actions.LedgerError("The page it starts on must be a whole number, like 3", field="page") from None
    evidence = ledger_actions.Evidence(
        note=request.POST.get("note", ""), url=request.POST.get("url", ""), attachment=attachment, page=page
    )
    ledger_actions.set_item_status(found, key, status, actor_of(request), evidence)


# -- the campaign's matrix -----------------------------------------------------------------------


@requires("view")
def matrix(request: HttpRequest, slug: str) -> HttpResponse:
    return _matrix_page(request, access_campaign(request.user, slug), request.GET.get("page"))


def _matrix_page(
    request: HttpRequest, found: Campaign, page_number: str | None, embargo: dict[str, Any] | None = None
) -> HttpResponse:
    """The ledger's page; ``embargo``: the embargo form sent back with its mistake at the date (the error,
    the boxes as typed, and what was ticked)."""
    items = ledger.items_of(found)
    paginator = Paginator(ledger.recipients(found), PER_PAGE)
    page = a_page(paginator, page_number)
    rows = ledger.rows(list(page.object_list), items, timezone.localdate())
    requests = [row.recipient.request for row in rows if hasattr(row.recipient, "request")]
    context = {
        "campaign": found,
        "items": items,
        "rows": rows,
        # What of it is public: the campaign's public page, each body's, and each document published.
        "public_url": public_state.campaign_url(found),
        "bodies_public": public_state.of_requests(requests),
        "documents_public": public_state.of_documents(
            cell.item.evidence_id for row in rows for cell in row.cells if cell.item and cell.item.evidence_id
        ),
        "page": page,
        "totals": ledger.totals([found], timezone.localdate())[found.pk],
        "statuses": Status.choices,
        "today": timezone.localdate(),
        "embargo": embargo or {},
    }
    return render(request, "web/ledger.html", context)


EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@requires("view")
def export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    found = access_campaign(request.user, slug)
    name = f"{found.slug}-ledger-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        response = HttpResponse("".join(ledger.to_csv(ledger.export_rows(found))), content_type=EXPORT_TYPES[fmt])
    elif fmt == "xlsx":
        response = HttpResponse(ledger.to_xlsx(ledger.export_rows(found), found.title), content_type=EXPORT_TYPES[fmt])
    else:
        return HttpResponse("The ledger is exported as .csv or .xlsx.", status=404, content_type="text/plain")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# -- bulk actions on what is selected ------------------------------------------------------------


def _selected_recipients(found: Campaign, request: HttpRequest) -> set[int]:
    """The ids of the recipients selected (rows ticked, or any of their cells)."""
    recipient_ids = set(form_ids(request.POST.getlist("recipient"), "recipient"))
    cells = _selected_cells(found, request)
    recipient_ids |= {cell.recipient_id for cell in cells}
    if len(recipient_ids) > MOST_SELECTED:
        raise DocketError(f"Select at most {MOST_SELECTED} bodies at once.")
    return recipient_ids


def _selected_requests(found: Campaign, request: HttpRequest) -> list[InfoRequest]:
    """The requests of the bodies selected (rows ticked, or any of their cells)."""
    recipient_ids = _selected_recipients(found, request)
    return list(
        InfoRequest.objects.filter(campaign=found, recipient_id__in=recipient_ids)
        .select_related("campaign__office", "recipient__contact__body")
        .order_by("recipient__contact__body__name", "pk")
    )


def _selected_cells(found: Campaign, request: HttpRequest) -> list[RecipientItem]:
    ids = form_ids(request.POST.getlist("cell"), "item")
    if len(ids) > MOST_SELECTED:
        raise DocketError(f"Select at most {MOST_SELECTED} items at once.")
    return list(
        RecipientItem.objects.filter(pk__in=ids, recipient__campaign=found)
        .select_related("item", "evidence__message", "recipient__contact__body", "recipient__request")
        .order_by("recipient__contact__body__name", "item__position")
    )


@require_POST
@requires("send")
@errors_shown_on("web:ledger", "slug")
def chase(request: HttpRequest, slug: str) -> HttpResponse:
    """Chase the selected bodies: first a page that shows who and when each was last written to."""
    found = access_campaign(request.user, slug)
    if request.POST.get("everyone") == "yes":  # the campaign page's "All N recipients" is for approving and sending
        raise DocketError(
            "“All recipients” approves or sends letters; it does not chase. To chase, tick each body to chase."
        )
    rows = chase_rows(_selected_requests(found, request))
    # Selected bodies that have no request yet (nothing written to them): said, not silently left out.
    unwritten = list(
        found.recipients.filter(
            pk__in=_selected_recipients(found, request) - {row.request.recipient_id for row in rows}
        )
        .select_related("contact__body")
        .order_by("contact__body__name")
    )
    if not rows:
        if unwritten:
            raise DocketError("No letter has gone to the selected bodies yet: only a body written to can be chased.")
        raise DocketError("Select at least one body whose letter has gone, to chase it.")
    if request.POST.get("confirm") != "yes":
        return render(
            request,
            "web/ledger_chase.html",
            {
                "campaign": found,
                "rows": rows,
                "unwritten": unwritten,
                "today": timezone.localdate(),
                "sendable": sum(1 for row in rows if not row.blocked),
            },
        )
    actor = actor_of(request)
    chased = [row for row in rows if not row.blocked]
    for row in chased:
        queue_chaser(row.request, actor)
    if chased:
        send_outbox.enqueue()
        messages.success(request, f"{len(chased)} chaser{'' if len(chased) == 1 else 's'} queued for sending.")
    skipped = [row for row in rows if row.blocked]
    if skipped:
        why = "; ".join(f"{row.request.recipient.contact.body.name}: {row.blocked}" for row in skipped)
        messages.warning(request, f"{len(skipped)} not chased. {why}")
    return redirect("web:ledger", slug=slug)


@dataclass
class PublishRow:
    request: InfoRequest
    letter: Publication | None  # None: no letter has gone
    letter_redactions: Counted
    documents: list[tuple[RecipientItem, Counted]] = field(default_factory=list)  # (cell, redactions to be made)
    without_evidence: list[RecipientItem] = field(default_factory=list)


@dataclass(frozen=True)
class Counted:
    """Redactions found, and whether only part of the text was searched (the page's allowance ran out)."""

    found: int
    in_part: bool = False


class _Allowance:
    """The characters of text the confirmation page searches, all its texts together, as the request page does
    (``PREVIEW_CHARS``): a selection of many long documents took minutes. Publishing searches all of each."""

    def __init__(self) -> None:
        self.left = PREVIEW_CHARS

    def count(self, text: str, request: InfoRequest) -> Counted:
        searched = text[: max(self.left, 0)]
        self.left -= len(searched)
        found = len(spans_in(searched, request)) if searched else 0
        return Counted(found, in_part=len(searched) < len(text))


def _publish_rows(found: Campaign, request: HttpRequest) -> list[PublishRow]:
    cells = _selected_cells(found, request)
    requests = {req.pk: req for req in _selected_requests(found, request)}
    letters = {
        p.request_id: p for p in Publication.objects.filter(request__in=list(requests), kind=Publication.Kind.LETTER)
    }
    texts = dict(FrozenLetter.objects.filter(request__in=list(requests)).values_list("request", "text"))
    allowance = _Allowance()
    rows: dict[int, PublishRow] = {}
    for req in requests.values():
        rows[req.pk] = PublishRow(req, letters.get(req.pk), allowance.count(texts.get(req.pk, ""), req))
    for cell in cells:
        req_id = getattr(getattr(cell.recipient, "request", None), "pk", None)
        if req_id not in rows:
            continue
        row = rows[req_id]
        if cell.evidence is None:
            row.without_evidence.append(cell)
        else:
            row.documents.append((cell, allowance.count(cell.evidence.text, row.request)))
    return list(rows.values())


def _publish(publication: Publication, actor: Actor) -> None:
    if publication.state == PublicationState.PUBLISHED:
        return
    publishing.refuse_unchecked(publication)  # before approving: a document no one could check stays private
    if publication.state == PublicationState.PRIVATE:
        publication = publishing.approve(publication, actor)
    publishing.publish(publication, actor)


@require_POST
@requires("publish")
@errors_shown_on("web:ledger", "slug")
def publish(request: HttpRequest, slug: str) -> HttpResponse:
    """Publish the documents that are the selected items (and, if asked, their letters): first a page
    that lists each, with the redactions that will be made."""
    found = access_campaign(request.user, slug)
    rows = _publish_rows(found, request)
    if not any(row.documents for row in rows):
        raise DocketError("Select at least one item received as an attachment, to publish it.")
    if request.POST.get("confirm") != "yes":
        return render(request, "web/ledger_publish.html", {"campaign": found, "rows": rows})
    actor = actor_of(request)
    done, failed = 0, []
    with_letters = request.POST.get("letters") == "yes"
    for row in rows:
        work: list[tuple[str, Any]] = []
        if with_letters and row.request.sent_at and (row.letter is None or row.letter.state != "published"):
            work.append(("the letter", lambda r=row.request: publishing.letter_publication(r)))
        for cell, _ in row.documents:
            assert cell.evidence is not None
            evidence, req = cell.evidence, row.request
            work.append(
                (evidence.filename or "a document", lambda e=evidence, r=req: publishing.document_publication(e.pk, r))
            )
        for what, publication_of in work:
            try:
                _publish(publication_of(), actor)
                done += 1
            except DocketError as error:
                failed.append(f"{row.request.recipient.contact.body.name}, {what}: {error}")
    if done:
        messages.success(request, f"{done} published.")
    if failed:
        messages.error(request, f"{len(failed)} not published. " + "; ".join(failed))
    return redirect("web:ledger", slug=slug)


EMBARGOED_KINDS = [
    (Publication.Kind.LETTER, "letter", "letters"),
    (Publication.Kind.REPLY, "reply", "replies"),
    (Publication.Kind.DOCUMENT, "document", "documents"),
]


@require_POST
@requires("publish")
@errors_shown_on("web:ledger", "slug")
def embargo(request: HttpRequest, slug: str) -> HttpResponse:
    """Set (or lift) an embargo on what the selection covers: each selected body's letter, replies and
    documents, and each selected item's document."""
    found = access_campaign(request.user, slug)
    try:
        until = posted_date(request.POST, "embargo_until", "The embargo date")
        if until is None:
            raise DocketError("Give the day the embargo ends: nothing selected is public before it.")
    except DocketError as mistake:  # shown at the date boxes, as typed, with the ticks kept
        typed = {part: request.POST.get(f"embargo_until_{part}", "") for part in ("day", "month", "year")}
        ticked = {
            "recipients": set(request.POST.getlist("recipient")),
            "cells": set(request.POST.getlist("cell")),
        }
        return _matrix_page(request, found, request.POST.get("page"), {"error": str(mistake), **typed, **ticked})
    requests = _selected_requests(found, request)
    if not requests:
        raise DocketError("Select the bodies or items to set an embargo on.")
    cells = _selected_cells(found, request)
    whole = set(form_ids(request.POST.getlist("recipient"), "recipient"))
    actor = actor_of(request)
    publications: list[Publication] = []
    for req in requests:
        if req.recipient_id in whole:
            if req.sent_at is not None:
                publications.append(publishing.letter_publication(req))
            publications += list(req.publications.exclude(kind=Publication.Kind.LETTER))
    for cell in cells:
        cell_request = getattr(cell.recipient, "request", None)
        if cell.evidence is not None and cell_request is not None:
            publications.append(publishing.document_publication(cell.evidence.pk, cell_request))
    unique = {p.pk: p for p in publications}
    for publication in unique.values():
        publishing.set_embargo(publication, until, actor)
    kinds = Counter(publication.kind for publication in unique.values())
    counted = [
        f"{kinds[kind]} {word if kinds[kind] == 1 else plural}" for kind, word, plural in EMBARGOED_KINDS if kinds[kind]
    ]
    said = " and ".join([", ".join(counted[:-1]), counted[-1]] if len(counted) > 1 else counted) or "nothing"
    messages.success(request, f"Embargo until {until:%-d %B %Y} on {said}.")
    return redirect("web:ledger", slug=slug)
