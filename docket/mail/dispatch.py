"""Putting letters and chasers in the outbox.

Queuing renders the letter once, freezes it on the request (PDF, its sha256,
the text) and stores the whole email in the outbox, in the same transaction as
the request's move to "queued" and its event. Nothing is sent here: the
outbox worker (``docket send``) does that.
"""

from __future__ import annotations

import hashlib
from html import escape

from django.db import transaction
from django.utils import timezone

from docket.campaigns.letters import campaign_data, recipient_data
from docket.campaigns.models import Recipient
from docket.letters import LetterError, build_letter
from docket.letters.html import to_html_fragment
from docket.letters.pdf import to_pdf
from docket.letters.text import to_text
from docket.mail.addresses import reply_address
from docket.mail.messages import Outgoing, attachment_name, build_email
from docket.mail.models import OutboxBody, OutboxMessage, OutboxState
from docket.requests.actions import (
    Actor,
    TransitionError,
    approve,
    mark_sent,
    record_event,
    request_for,
    transition,
)
from docket.requests.events import EventKind, outbox_kind
from docket.requests.models import FrozenLetter, InfoRequest
from docket.requests.states import RequestState


def _store(request: InfoRequest, kind: str, outgoing: Outgoing) -> OutboxMessage:
    message = OutboxMessage.objects.create(
        request=request,
        kind=kind,
        message_id=outgoing.message_id,
        envelope_from=outgoing.envelope_from,
        envelope_to=outgoing.envelope_to,
        subject=outgoing.subject,
    )
    OutboxBody.objects.create(message=message, raw=outgoing.raw)
    return message


def queue(request: InfoRequest, actor: Actor, note: str = "") -> OutboxMessage:
    """Render and freeze the letter, store its email in the outbox and mark the request queued."""
    recipient = request.recipient
    contact = recipient.contact
    if not contact.email:
        raise TransitionError(f"request #{request.pk}: {contact.full_name} has no email address to send to")
    campaign = request.campaign
    letter = build_letter(campaign_data(campaign), recipient_data(recipient))
    pdf = to_pdf(letter)
    text = to_text(letter).decode()
    html = f'<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>{escape(letter.title)}</title>'
    html += f"</head><body>{to_html_fragment(letter)}</body></html>"
    outgoing = build_email(
        request_id=request.pk,
        kind=OutboxMessage.Kind.LETTER,
        office_name=campaign.office.name,
        office_email=campaign.office.email,
        to_name=contact.full_name,
        to_email=contact.email,
        reply_to=reply_address(request.pk),
        subject=campaign.email_subject or campaign.title,
        text=text,
        html=html,
        pdf=pdf,
        pdf_name=attachment_name(campaign.office.name, letter.date_text),
    )
    with transaction.atomic():
        transition(request, EventKind.QUEUE, actor, RequestState.QUEUED, note)
        FrozenLetter.objects.create(request=request, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), text=text)
        return _store(request, OutboxMessage.Kind.LETTER, outgoing)


def queue_campaign(
    campaign_recipients: list[Recipient], actor: Actor
) -> tuple[list[OutboxMessage], list[tuple[Recipient, str]]]:
    """Approve (if still a draft) and queue each recipient's letter; returns (queued, skipped with reasons)."""
    queued: list[OutboxMessage] = []
    skipped: list[tuple[Recipient, str]] = []
    for recipient in campaign_recipients:
        request = request_for(recipient, actor)
        try:
            if request.state == RequestState.DRAFT:
                request = approve(request, actor)
            queued.append(queue(request, actor))
        except (TransitionError, LetterError) as error:
            skipped.append((recipient, str(error)))
    return queued, skipped


def confirm_delivered(message: OutboxMessage, actor: Actor, note: str = "") -> OutboxMessage:
    """A person checked that an uncertain message did arrive (e.g. the body confirmed it)."""
    with transaction.atomic():
        sent_at = message.claimed_at or timezone.now()
        updated = OutboxMessage.objects.filter(pk=message.pk, state=OutboxState.UNCERTAIN).update(
            state=OutboxState.SENT, sent_at=sent_at
        )
        if updated != 1:
            raise TransitionError(f"message {message.message_id} is not uncertain")
        if message.kind == OutboxMessage.Kind.LETTER:
            mark_sent(message.request, actor, sent_at, f"confirmed by a person: {note}".strip(": "))
        else:
            record_event(message.request, EventKind.CHASER_CONFIRMED, actor, note)
    message.refresh_from_db()
    return message


def resend(message: OutboxMessage, actor: Actor, note: str = "") -> OutboxMessage:
    """A person decided an uncertain or failed message should go (again)."""
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(
            pk=message.pk, state__in=[OutboxState.UNCERTAIN, OutboxState.FAILED]
        ).update(state=OutboxState.QUEUED, attempts=0, next_attempt_at=None, claimed_by="")
        if updated != 1:
            raise TransitionError(f"message {message.message_id} is not uncertain or failed")
        record_event(message.request, outbox_kind(message.kind, "resend"), actor, note)
    message.refresh_from_db()
    return message
