"""Putting letters and chasers in the outbox.

The outbox is handed a letter already rendered (see :mod:`docket.requests.letters`): it
wraps it in an email and, in one transaction with the request's move to "queued" and its
event, freezes the letter on the request (PDF, its sha256, the text) and stores the email.
Nothing is rendered here and nothing is sent: the outbox worker (``docket send``) sends.
"""

from __future__ import annotations

import hashlib

from django.db import transaction

from docket.evidence.indexing import index_letter
from docket.mail.addresses import reply_address
from docket.mail.messages import LetterContent, Outgoing, build_email
from docket.mail.models import OutboxBody, OutboxMessage
from docket.requests.actions import Actor, TransitionError, transition
from docket.requests.events import EventKind
from docket.requests.models import FrozenLetter, InfoRequest
from docket.requests.states import RequestState


def store(request: InfoRequest, kind: str, outgoing: Outgoing) -> OutboxMessage:
    """Store an email in the outbox, waiting to be sent (the one way a message enters it)."""
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


def check_addressed(request: InfoRequest) -> None:
    """Refuse a request whose contact has no email address (checked before anything is rendered)."""
    contact = request.recipient.contact
    if not contact.email:
        raise TransitionError(f"request #{request.pk}: {contact.full_name} has no email address to send to")


def queue(request: InfoRequest, letter: LetterContent, actor: Actor, note: str = "") -> OutboxMessage:
    """Freeze the rendered ``letter`` on the request, store its email in the outbox and mark the request queued."""
    check_addressed(request)
    campaign = request.campaign
    contact = request.recipient.contact
    assert letter.pdf is not None, "a letter is always sent with its PDF"
    outgoing = build_email(
        request_id=request.pk,
        kind=OutboxMessage.Kind.LETTER,
        office_name=campaign.office.name,
        office_email=campaign.office.email,
        to_name=contact.full_name,
        to_email=contact.email,
        reply_to=reply_address(request.pk),
        subject=campaign.email_subject or campaign.title,
        text=letter.text,
        html=letter.html,
        pdf=letter.pdf,
        pdf_name=letter.pdf_name,
    )
    with transaction.atomic():
        transition(request, EventKind.QUEUE, actor, RequestState.QUEUED, note)
        frozen = FrozenLetter.objects.create(
            request=request, pdf=letter.pdf, sha256=hashlib.sha256(letter.pdf).hexdigest(), text=letter.text
        )
        index_letter(frozen)
        return store(request, OutboxMessage.Kind.LETTER, outgoing)
