"""Publishing from a request's page: each letter, reply and document, its redactions previewed in context."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from docket.documents.models import Attachment
from docket.errors import DocketError
from docket.mail.models import InboundMessage
from docket.publishing import actions
from docket.publishing.models import Publication, PublicationState
from docket.publishing.redaction import Span
from docket.publishing.rules import RuleCannotBeUsed, spans_finder
from docket.requests.models import FrozenLetter, InfoRequest
from docket.web.access import access_request
from docket.web.decorators import actor_of, requires
from docket.web.form_ids import form_id
from docket.web.posted_dates import posted_date
from docket.web.user_errors import errors_shown_on

CONTEXT_CHARS = 40
# Of all the texts of a request's page together, the characters whose redactions it previews: finding them takes
# time in proportion to the text (a message with 60 MB of attachment text made every load of the page take
# 111 seconds). Publishing applies the rules to the whole text, whatever the preview showed.
PREVIEW_CHARS = 500_000


def redaction_preview(text: str, spans_in: Callable[[str], list[Span]]) -> list[dict[str, str]]:
    """Each redaction with a little of the text around it, for a person to check before publishing."""
    return [
        {
            "before": text[max(0, span.start - CONTEXT_CHARS) : span.start],
            "text": span.text,
            "after": text[span.end : span.end + CONTEXT_CHARS],
            "replacement": span.replacement,
            "reason": span.reason,
        }
        for span in spans_in(text)
    ]


def publishables(request: InfoRequest, shown: Iterable[InboundMessage] | None = None) -> list[dict[str, Any]]:
    """The letter and, for ``shown`` messages (else all of the request's), each message and attachment."""
    existing = {(p.kind, p.message_id or p.attachment_id or 0): p for p in request.publications.all()}
    rows: list[dict[str, Any]] = []
    letter = FrozenLetter.objects.filter(request=request).only("text").first()
    if letter is not None:
        rows.append({"kind": "letter", "object": 0, "label": "The letter sent", "text": letter.text})
    replies = request.inbound_messages.all() if shown is None else shown
    for message in (m for m in replies if m.status != InboundMessage.Status.BOUNCE):
        rows.append(
            {
                "kind": "reply",
                "object": message.pk,
                "label": f"Reply: {message.subject}",
                "text": message.reply_text or message.body_text,
            }
        )
        for attachment in message.attachments.all():
            rows.append(
                {
                    "kind": "document",
                    "object": attachment.pk,
                    "label": attachment.filename or "Attachment",
                    "text": attachment.text,
                }
            )
    letter_published = getattr(existing.get(("letter", 0)), "state", "") == PublicationState.PUBLISHED
    try:
        spans_in, problem = spans_finder(request), ""
    except RuleCannotBeUsed as error:  # said once above the texts; publishing refuses with the same words
        spans_in, problem = (lambda text: []), str(error)
    left = PREVIEW_CHARS
    for row in rows:
        row["rules_problem"] = problem
        row["publication"] = existing.get((row["kind"], row["object"]))
        published = getattr(row["publication"], "state", "") == PublicationState.PUBLISHED
        row["waits_for_letter"] = published and row["kind"] != "letter" and not letter_published
        row["unreadable"] = row["kind"] == "document" and not row["text"].strip()
        previewed = row["text"][:left]
        row["redactions"] = redaction_preview(previewed, spans_in) if previewed else []
        row["preview_cut"] = _preview_cut(len(previewed), len(row["text"]))
        left -= len(previewed)
    return rows


def _preview_cut(previewed: int, length: int) -> str:
    """What the page says of a text whose redactions it previews only in part (or not at all); else ""."""
    if previewed == length:
        return ""
    why = (
        f"the page previews at most {PREVIEW_CHARS:,} characters of a request's texts. "
        "Publishing applies the redaction rules to all of it."
    )
    if not previewed:
        return f"This text ({length:,} characters) is not previewed here: {why}"
    return f"Only the first {previewed:,} of this text's {length:,} characters are previewed here: {why}"


# What the page says once each publishing step is done.
DONE = {"approve": "approved for publishing", "publish": "published", "private": "made private"}
NOT_BEFORE_THE_LETTER = "The public sees it once the letter it answers is published too."


def _letter_published(found: InfoRequest) -> bool:
    return found.publications.filter(kind=Publication.Kind.LETTER, state=PublicationState.PUBLISHED).exists()


def _publication(found: InfoRequest, kind: str, object_id: int) -> Publication:
    if kind == "letter":
        return actions.letter_publication(found)
    if kind == "reply":
        message = get_object_or_404(InboundMessage, pk=object_id, request=found)
        return actions.reply_publication(message.pk, found)
    attachment = get_object_or_404(Attachment, pk=object_id, message__request=found)
    return actions.document_publication(attachment.pk, found)


def _form_mistake(request: HttpRequest, found: InfoRequest, mistake: str, box: str = "embargo") -> HttpResponse:
    """The request's page with an item's publication form sent back: the mistake at the box it was typed in
    (``box``: "embargo", the date boxes, or "consent"), what was typed kept in both."""
    from docket.web.request_pages import page_of  # the request's page, which imports this module

    kind, shown = request.POST.get("kind", ""), str(form_id(request.POST.get("object"), "item") or 0)
    typed = {part: request.POST.get(f"embargo_until_{part}", "") for part in ("day", "month", "year")}
    if box == "consent":
        kept = {"error": mistake, "field": f"consent-{kind}", "item": shown, "consent_error": mistake}
    else:
        kept = {"error": mistake, "field": f"embargo_until-{kind}", "item": f"{shown}-day", "embargo_error": mistake}
    kept["embargo_for"] = f"{kind}-{shown}"
    response = page_of(request, found, kept | typed | {"consent": request.POST.get("consent", "")})
    response.status_code = 400
    return response


@require_POST
@requires("publish")
@errors_shown_on("web:request", "pk")
def publication(request: HttpRequest, pk: int) -> HttpResponse:
    found = access_request(request.user, pk)
    actor = actor_of(request)
    what = request.POST.get("action", "")
    if what not in DONE:  # before anything typed beside it is saved
        return HttpResponse("Unknown action", status=404)
    # A mistake (a move not allowed, a bad id or date, a PDF that cannot be redacted) is shown by ShowUserErrors.
    item = _publication(found, request.POST.get("kind", ""), form_id(request.POST.get("object"), "item") or 0)
    try:  # read before anything is written: a mistake in the date leaves the consent typed beside it unsaved too
        embargo = posted_date(request.POST, "embargo_until", "The embargo date")
    except DocketError as mistake:  # said at its date boxes, as typed (not only at the top, the boxes emptied)
        return _form_mistake(request, found, str(mistake))
    consent = request.POST.get("consent", "").strip()
    if too_long := actions.consent_problem(consent):
        return _form_mistake(request, found, too_long, "consent")
    if consent and consent != item.consent:
        item = actions.record_consent(item, consent, actor)
    if embargo is not None:
        item = actions.set_embargo(item, embargo, actor)
    if request.POST.get("checked_by_eye") == "yes" and item.checked_by_eye_at is None:
        item = actions.confirm_checked_by_eye(item, actor, "confirmed on the request's page")
    if what == "approve":
        actions.approve(item, actor)
    elif what == "publish":
        actions.refuse_unchecked(item)
        if item.state == PublicationState.PRIVATE:
            item = actions.approve(item, actor)
        actions.publish(item, actor)
    else:  # "private"
        actions.make_private(item, actor, request.POST.get("note", ""))
    said = f"{item.get_kind_display()}: {DONE[what]}."
    if what == "publish" and item.kind != Publication.Kind.LETTER and not _letter_published(found):
        said += f" {NOT_BEFORE_THE_LETTER}"
    messages.success(request, said)
    return redirect("web:request", pk=pk)
