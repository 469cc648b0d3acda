"""Putting letters and chasers in the outbox.

The outbox is handed a letter already rendered (see :mod:`docket.requests.letters`): it
wraps it in an email (``address``) and, in one transaction with the request's move to "queued"
and its event, freezes the letter on the request (PDF, its sha256, the text) and stores the
email (``queue``; ``queue_many`` does the same for a chunk of letters in a few statements).
Nothing is rendered here and nothing is sent: the outbox worker (``docket send``) sends.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

from django.db import transaction
from django.db.models import Q

from docket.evidence.indexing import index_letters
from docket.mail.addresses import reply_address
from docket.mail.messages import LetterContent, Outgoing, build_email
from docket.mail.models import OutboxBody, OutboxMessage, OutboxState
from docket.requests import actions
from docket.requests.actions import Actor, TransitionError, mark_queued_many
from docket.requests.events import EventKind
from docket.requests.models import FrozenLetter, InfoRequest
from docket.requests.refusals import refusal_message
from docket.requests.states import RequestState


def store(request: InfoRequest, kind: str, outgoing: Outgoing) -> OutboxMessage:
    """Store an email in the outbox, waiting to be sent (the one way a message enters it)."""
    message = _message(request, kind, outgoing)
    message.save()
    letter = FrozenLetter.objects.filter(request=request).first() if outgoing.pdf is not None else None
    _body(message, outgoing, letter).save()
    return message


def _body(message: OutboxMessage, outgoing: Outgoing, letter: FrozenLetter | None) -> OutboxBody:
    """The email's parts; the PDF it attaches is always the request's frozen letter, stored there, not here."""
    if outgoing.pdf is not None and (letter is None or bytes(letter.pdf) != outgoing.pdf):
        raise ValueError(f"{outgoing.message_id} would attach a PDF that is not its request's frozen letter")
    return OutboxBody(
        message=message,
        headers=outgoing.headers,
        text=outgoing.text,
        html=outgoing.html,
        letter=letter,
        attachment_name=outgoing.pdf_name if letter is not None else "",
    )


def _message(request: InfoRequest, kind: str, outgoing: Outgoing) -> OutboxMessage:
    return OutboxMessage(
        request=request,
        kind=kind,
        message_id=outgoing.message_id,
        envelope_from=outgoing.envelope_from,
        envelope_to=outgoing.envelope_to,
        subject=outgoing.subject,
    )


def check_addressed(request: InfoRequest) -> None:
    """Refuse a request whose contact has no email address (checked before anything is rendered)."""
    contact = request.recipient.contact
    if not contact.email:
        raise TransitionError(
            f"{contact.full_name} ({contact.body.name}) has no email address to send to: add one in the directory."
        )


@dataclass(frozen=True)
class Addressed:
    """A rendered letter wrapped in its email to its request's contact, ready for the outbox."""

    request: InfoRequest
    letter: LetterContent
    email: Outgoing


def address(request: InfoRequest, letter: LetterContent) -> Addressed:
    """The letter's email (built outside any transaction: it writes nothing); refused if there is no address."""
    check_addressed(request)
    campaign = request.campaign
    contact = request.recipient.contact
    assert letter.pdf is not None, "a letter is always sent with its PDF"
    email = build_email(
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
    return Addressed(request, letter, email)


def queue(request: InfoRequest, letter: LetterContent, actor: Actor, note: str = "") -> OutboxMessage:
    """Freeze the rendered ``letter`` on the request, store its email in the outbox and mark the request queued."""
    messages, refused = queue_many([address(request, letter)], actor, note)
    if refused:
        raise refused[0][1]
    return messages[0]


def queue_many(
    letters: Sequence[Addressed], actor: Actor, note: str = ""
) -> tuple[list[OutboxMessage], list[tuple[InfoRequest, TransitionError]]]:
    """``queue`` for several letters in one transaction, a few statements whatever their number: the requests
    moved to queued with their events, the letters frozen and indexed, the emails stored. Returns the
    messages stored and the requests refused (no longer approved), each with why; those change nothing."""
    with transaction.atomic():
        refused = mark_queued_many([addressed.request for addressed in letters], actor, note)
        stopped = {request.pk for request, _ in refused}
        going = [addressed for addressed in letters if addressed.request.pk not in stopped]
        frozen = FrozenLetter.objects.bulk_create(
            FrozenLetter(
                request=a.request,
                pdf=a.letter.pdf,
                sha256=_sha256(a.letter.pdf),
                text=a.letter.text,
                due_date=a.letter.due_date,
            )
            for a in going
        )
        index_letters(frozen)
        kind = OutboxMessage.Kind.LETTER
        messages = OutboxMessage.objects.bulk_create(_message(a.request, kind, a.email) for a in going)
        OutboxBody.objects.bulk_create(
            _body(message, a.email, letter) for message, a, letter in zip(messages, going, frozen, strict=True)
        )
    return messages, refused


def _sha256(pdf: bytes | None) -> str:
    assert pdf is not None, "a letter is always sent with its PDF"
    return hashlib.sha256(pdf).hexdigest()


# Sending the letter again: an undeliverable request's frozen letter, to its contact's corrected address.


def undelivered(request: InfoRequest) -> OutboxMessage | None:
    """The latest message to the request that bounced or that the mail server refused for good (None: none did)."""
    failed = request.outbox.filter(Q(bounced_at__isnull=False) | Q(state=OutboxState.FAILED))
    return failed.order_by("-pk").first()


def _undelivered_addresses(request: InfoRequest) -> set[str]:
    failed = request.outbox.filter(Q(bounced_at__isnull=False) | Q(state=OutboxState.FAILED))
    return {address.strip().lower() for address in failed.values_list("envelope_to", flat=True)}


def letter_as_sent(request: InfoRequest) -> LetterContent:
    """The request's letter as it was frozen and first emailed: the frozen PDF and text, and the HTML body
    and attachment's name of its first email. Nothing is rendered again."""
    frozen = FrozenLetter.objects.filter(request=request).first()
    if frozen is None:
        raise TransitionError(f"Request #{request.pk} has no letter frozen to send again.")
    first = request.outbox.filter(kind=OutboxMessage.Kind.LETTER).select_related("body").order_by("pk").first()
    html, pdf_name = "", f"letter-{request.pk}.pdf"
    if first is not None and not first.body.raw:
        html, pdf_name = first.body.html, first.body.attachment_name or pdf_name
    elif first is not None:  # stored before bodies were kept in parts
        parsed = message_from_bytes(bytes(first.body.raw), policy=default)
        if isinstance(parsed, EmailMessage):
            body = parsed.get_body(("html",))
            html = body.get_content().replace("\r\n", "\n") if body is not None else ""
            for part in parsed.iter_attachments():
                if part.get_content_type() == "application/pdf":
                    pdf_name = part.get_filename() or pdf_name
    return LetterContent(
        text=frozen.text, html=html or f"<pre>{_escaped(frozen.text)}</pre>", pdf=bytes(frozen.pdf), pdf_name=pdf_name
    )


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def queue_again(request: InfoRequest, actor: Actor) -> OutboxMessage:
    """Send an undeliverable request's letter again: its frozen letter, unchanged, in a new email (its own
    Message-ID) to the contact's current address, which must not be one a message to it bounced from; the
    request is queued again with an event naming the address. The message that bounced stays as it was."""
    if request.state != RequestState.UNDELIVERABLE:
        raise TransitionError(refusal_message(request, EventKind.SEND_AGAIN))
    check_addressed(request)
    contact = request.recipient.contact
    if contact.email.strip().lower() in _undelivered_addresses(request):
        raise TransitionError(
            "The address is still the one the letter bounced from: correct it first. "
            f"{contact.email}, {contact.full_name}'s address in the directory, is where the letter to "
            f"{contact.body.name} could not be delivered."
        )
    failed = undelivered(request)
    addressed = address(request, letter_as_sent(request))
    before = f" (it could not be delivered to {failed.envelope_to})" if failed is not None else ""
    with transaction.atomic():
        actions.send_again(request, actor, f"to {contact.email}{before}")
        return store(request, OutboxMessage.Kind.LETTER, addressed.email)
