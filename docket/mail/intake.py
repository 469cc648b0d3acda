"""Taking in replies: store the raw bytes first, then read, match and file them.

``ingest`` is what every source calls (IMAP, an uploaded .eml or .mbox, a
reply entered by hand). The same message arriving twice, by bytes or by
Message-ID, is stored once. Reading can be run again from the stored bytes
(``process``).
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr, make_msgid

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from docket.campaigns.models import RecipientItem
from docket.documents.models import Attachment, Blob, record_blobs, storable, store_file
from docket.documents.processing import save_attachments, suggest_items, take_attachment
from docket.mail.bounces import handle_bounce
from docket.mail.matching import Match, match
from docket.mail.models import InboundMessage
from docket.mail.parsing import parse, quick_message_id
from docket.requests import actions
from docket.requests.actions import SYSTEM, Actor, TransitionError
from docket.requests.models import Request
from docket.requests.states import WAITING_STATES

log = logging.getLogger(__name__)
Status = InboundMessage.Status


@dataclass(frozen=True)
class Ingested:
    message: InboundMessage
    created: bool


def ingest(
    raw: bytes,
    source: str,
    detail: str = "",
    *,
    request: Request | None = None,
    actor: Actor = SYSTEM,
    ocr: bool = True,
) -> Ingested:
    """Store ``raw`` (once) and process it; ``request`` files it there directly (manual entry)."""
    blob = store_file(raw)
    message_id = quick_message_id(raw)
    existing, namesakes = _already_stored(blob, raw, message_id)
    if existing is not None:
        return Ingested(existing, False)
    try:
        # A row before any reading: a message whose reading fails or kills the process is still listed.
        with transaction.atomic():
            record_blobs([blob])
            message = InboundMessage.objects.create(
                blob=blob, message_id=message_id[:500], source=source, source_detail=detail[:300]
            )
    except IntegrityError:  # the same bytes, stored at this moment by another worker
        return Ingested(InboundMessage.objects.get(blob=blob), False)
    process(message, raw, request=request, actor=actor, ocr=ocr, fresh=True, namesakes=namesakes)
    return Ingested(message, True)


def _namesakes_note(message: InboundMessage, namesakes: list[int] | None) -> str:
    """A problem to note when other messages have this one's Message-ID (it differs from them)."""
    if not message.message_id:
        return ""
    if namesakes is None:
        namesakes = list(InboundMessage.objects.filter(message_id=message.message_id).values_list("pk", flat=True))
    others = sorted(pk for pk in namesakes if pk != message.pk)[:5]
    return f"shares its Message-ID with message(s) {', '.join(map(str, others))} but differs" if others else ""


# Headers that mail systems add on the way; two copies of one message differ only in these.
TRACE_HEADERS = re.compile(
    rb"^(received|return-path|delivered-to|x-[\w-]+|envelope-to|dkim-signature|arc-[\w-]+|"
    rb"authentication-results|status|content-length|lines)$",
    re.I,
)


def _already_stored(blob: Blob, raw: bytes, message_id: str) -> tuple[InboundMessage | None, list[int]]:
    """The message already stored as the same bytes, or as a copy that differs only in transport
    headers (fetched by IMAP once and uploaded as .eml once, say); and the others with its Message-ID."""
    same = Q(blob=blob) | Q(message_id=message_id[:500]) if message_id else Q(blob=blob)
    known = list(InboundMessage.objects.filter(same).order_by("pk").values_list("pk", "blob_id"))
    for pk, blob_id in known:
        if blob_id == blob.pk:
            return InboundMessage.objects.get(pk=pk), []
    if known:
        key = content_key(raw)
        for candidate in InboundMessage.objects.filter(pk__in=[pk for pk, _ in known]).select_related("blob"):
            if content_key(candidate.blob.read()) == key:
                return candidate, []
    return None, [pk for pk, _ in known]


def content_key(raw: bytes) -> bytes:
    """A digest of the message without its transport headers, line endings evened out."""
    text = raw.replace(b"\r\n", b"\n")
    head, _, body = text.partition(b"\n\n")
    kept = [
        line
        for line in re.split(rb"\n(?![ \t])", head)  # one item per (unfolded) header
        if not TRACE_HEADERS.match(line.split(b":", 1)[0].strip())
    ]
    return hashlib.sha256(b"\n".join(kept) + b"\n\n" + body.rstrip()).digest()


def process(
    message: InboundMessage,
    raw: bytes | None = None,
    *,
    request: Request | None = None,
    actor: Actor = SYSTEM,
    ocr: bool = True,
    fresh: bool = False,
    namesakes: list[int] | None = None,
) -> InboundMessage:
    """Read the stored bytes: headers, bodies, attachments; then bounce, file or hold.

    ``fresh``: the message was only just stored, so there is nothing of an earlier reading to
    clear; ``namesakes``: the other messages with its Message-ID, when the caller knows them.
    What is read is written with the message's fate, in one transaction.
    """
    raw = message.blob.read() if raw is None else raw
    try:
        mail = parse(raw)
    except Exception as error:  # the parser is tolerant; this is the last line of defence
        log.exception("message %s cannot be parsed", message.pk)
        message.status, message.problems = Status.UNREADABLE, f"cannot be read: {type(error).__name__}: {error}"
        message.save(update_fields=["status", "problems"])
        return message
    message.message_id = storable(mail.message_id or message.message_id)[:500]
    message.from_name, message.from_address = storable(mail.from_name)[:300], storable(mail.from_address)[:300]
    message.to_addresses, message.subject = storable(mail.to), storable(mail.subject)
    message.sent_at = mail.sent_at
    message.in_reply_to = storable(" ".join(mail.in_reply_to))
    message.body_text = storable(mail.text)
    # The reply without what it quotes, kept only when it differs from the whole body.
    message.reply_text = storable(mail.reply_text) if mail.reply_text.strip() != mail.text.strip() else ""
    message.body_html = storable(mail.html)
    message.is_auto_reply = mail.auto_reply
    problems = [*mail.problems, _namesakes_note(message, namesakes)]
    message.problems = storable("; ".join(dict.fromkeys(problem for problem in problems if problem)))

    bounced = handle_bounce(raw, mail.message)
    if bounced is not None:
        message.status, message.request = Status.BOUNCE, bounced.request
        message.save()
        return message

    found = Match(request, "by hand") if request is not None else match(mail)
    if not fresh:
        message.attachments.all().delete()  # processing again starts afresh (the blobs stay)
    items = _items_asked(found.request) if found.request is not None else []
    attachments = [
        attachment
        for part in mail.attachments
        for attachment in take_attachment(
            message.pk, part.filename, part.declared_type, part.data, ocr=ocr, items=items
        )
    ]
    if found.request is None:
        with transaction.atomic():
            message.status, message.holding_reason = Status.HOLDING, found.reason
            message.save()
            save_attachments(attachments)
        return message
    return _file(message, found.request, found.method, actor, attachments)


def _items_asked(request: Request) -> list[RecipientItem]:
    asked = RecipientItem.objects.filter(recipient_id=request.recipient_id, state=RecipientItem.State.ASK)
    # Ordered by the item alone: the model's ordering would join the recipient, campaign and body.
    return list(asked.select_related("item").order_by("item__position", "item__key"))


def _file(
    message: InboundMessage,
    request: Request,
    method: str,
    actor: Actor,
    attachments: list[Attachment] | None = None,
) -> InboundMessage:
    """File the message to the request (saving all of it, and its new ``attachments``) and log the
    reply, in one transaction. Without ``attachments`` (from the holding pen), the stored ones
    were taken before the message had a request: their items are suggested now."""
    with transaction.atomic():
        message.request, message.match_method, message.status = request, method, Status.FILED
        message.holding_reason = ""
        message.save()
        save_attachments(attachments or [])
        note = f"{'automatic reply' if message.is_auto_reply else 'reply'} from {message.from_address or 'unknown'}"
        note += f": {message.subject!r} (matched by {method})"
        if message.is_auto_reply or request.state not in WAITING_STATES:
            actions.record_event(request, "auto_reply" if message.is_auto_reply else "reply_received", actor, note)
        else:
            actions.record_reply(request, actor, note)
    if attachments is None:
        suggest_items(list(message.attachments.all()), _items_asked(request))
    return message


def file_message(message: InboundMessage, request: Request, actor: Actor) -> InboundMessage:
    """Move a message from the holding pen to a request (a person's decision)."""
    if message.status != Status.HOLDING:
        raise TransitionError(f"message {message.pk} is not in the holding pen ({message.get_status_display()})")
    return _file(message, request, "by hand from the holding pen", actor)


def mark_attachment_fulfils(attachment: Attachment, item_key: str, actor: Actor, note: str = "") -> Request:
    """This attachment is the requested item: record it on the attachment and the request."""
    message = attachment.message
    if message.request is None:
        raise TransitionError(f"attachment {attachment.pk} is not filed to a request")
    with transaction.atomic():
        request = actions.mark_item_received(
            message.request, item_key, actor, note or f"{attachment.filename or 'attachment'} ({attachment.pk})"
        )
        attachment.fulfils = RecipientItem.objects.get(recipient_id=request.recipient_id, item__key=item_key)
        attachment.save(update_fields=["fulfils"])
    return request


def enter_by_hand(
    request: Request,
    actor: Actor,
    *,
    sender: str,
    subject: str,
    note: str,
    files: list[tuple[str, bytes]],
    received: str = "",
) -> Ingested:
    """A reply that came by post or by hand: recorded as a message like any other, then filed."""
    contact = request.recipient.contact
    mail = EmailMessage(policy=SMTP)
    mail["From"] = formataddr((contact.full_name, sender or contact.email or "unknown@invalid"))
    mail["Subject"] = subject or f"Reply from {contact.body.name}"
    mail["Date"] = format_datetime(timezone.now())
    mail["Message-ID"] = make_msgid(domain="manual.docket.invalid")
    mail["X-Docket-Entered-By"] = actor.name
    mail.set_content(note or "(entered by hand)")
    for filename, data in files:
        mail.add_attachment(data, maintype="application", subtype="octet-stream", filename=filename)
    detail = f"entered by {actor.name}" + (f", received {received}" if received else "")
    return ingest(mail.as_bytes(), InboundMessage.Source.MANUAL, detail, request=request, actor=actor)
