"""Bounces: a delivery status notification (RFC 3464) or a plain bounce for one of our messages.

A bounce marks its request undeliverable with the mail system's diagnostic; it
is never filed as a reply. It is matched to our message by the original
Message-ID it quotes, else by the per-request address it was sent back to
(our envelope sender), else by a Message-ID of ours anywhere in its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes
from email.message import Message
from email.policy import compat32
from email.utils import getaddresses

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from docket.mail.addresses import request_id_from_address
from docket.mail.models import OutboxMessage
from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.events import EventKind
from docket.requests.states import ALLOWED_FROM

BOUNCER = Actor("bounce handling")
BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|mailerdaemon)@", re.I)
BOUNCE_SUBJECTS = re.compile(
    r"undeliver|delivery (status notification|failure|has failed)|returned mail|mail delivery failed|failure notice",
    re.I,
)


@dataclass(frozen=True)
class Bounce:
    diagnostic: str
    original_message_id: str = ""
    recipient: str = ""


def _our_message_ids(text: str) -> list[str]:
    domain = re.escape(settings.DOCKET_REPLY_DOMAIN)
    return re.findall(rf"<docket\.\d+\.\w+\.[0-9a-f]+@{domain}>", text, flags=re.I)


def _text_of(message: Message) -> str:
    parts = []
    for part in message.walk():
        if part.get_content_maintype() == "text" or part.get_content_type() in {
            "message/delivery-status",
            "message/rfc822-headers",
        }:
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                parts.append(payload.decode(part.get_content_charset() or "utf-8", errors="replace"))
        if part.get_content_type() == "message/rfc822":
            for inner in part.get_payload() or []:
                if isinstance(inner, Message):
                    parts.append(str(inner.get("Message-ID", "")))
    return "\n".join(parts)


def _delivery_status(message: Message) -> Bounce | None:
    """The failure an RFC 3464 report describes, or None if it reports none (e.g. only a delay)."""
    failed: list[tuple[str, str]] = []
    original = ""
    for part in message.walk():
        content_type = part.get_content_type()
        if content_type == "message/delivery-status":
            for block in part.get_payload() or []:
                if not isinstance(block, Message):
                    continue
                action = str(block.get("Action", "")).strip().lower()
                status = str(block.get("Status", "")).strip()
                if action == "failed" or status.startswith("5"):
                    diagnostic = str(block.get("Diagnostic-Code", "")).strip() or f"status {status}"
                    recipient = str(block.get("Final-Recipient", block.get("Original-Recipient", ""))).strip()
                    failed.append((" ".join(diagnostic.split()), recipient.split(";")[-1].strip()))
        elif content_type in {"message/rfc822", "text/rfc822-headers", "message/rfc822-headers"}:
            ids = _our_message_ids(_text_of(part) if content_type != "message/rfc822" else _text_of(message))
            original = original or (ids[0] if ids else "")
    if not failed:
        return None
    return Bounce(failed[0][0], original, failed[0][1])


def parse_bounce(message: Message) -> Bounce | None:
    """What bounced and why, if this is a bounce of ours; None for anything else."""
    content_type = message.get_content_type()
    if content_type == "multipart/report" and message.get_param("report-type") == "delivery-status":
        return _delivery_status(message)
    sender = str(message.get("From", ""))
    addresses = [address for _, address in getaddresses([sender])]
    looks_like_bounce = any(BOUNCE_SENDERS.match(a) for a in addresses) or (
        not addresses or not any(a for a in addresses)
    )
    if not (looks_like_bounce and BOUNCE_SUBJECTS.search(str(message.get("Subject", "")))):
        return None
    text = _text_of(message)
    ids = _our_message_ids(text)
    lines = [line.strip() for line in text.splitlines() if re.search(r"\b[45]\d\d\b|\b[45]\.\d+\.\d+\b", line)]
    diagnostic = " ".join(lines[:3]) or " ".join(text.split())[:300]
    return Bounce(diagnostic[:1000], ids[0] if ids else "")


def find_outbox_message(message: Message, bounce: Bounce) -> OutboxMessage | None:
    if bounce.original_message_id:
        found = OutboxMessage.objects.filter(message_id=bounce.original_message_id).first()
        if found:
            return found
    for header in ("To", "Delivered-To", "X-Original-To", "Envelope-To"):
        for _, address in getaddresses([str(value) for value in message.get_all(header, [])]):
            request_id = request_id_from_address(address)
            if request_id is not None:
                return OutboxMessage.objects.filter(request_id=request_id).order_by("-pk").first()
    return None


def handle_bounce(raw: bytes, message: Message | None = None) -> OutboxMessage | None:
    """If ``raw`` (or its parsed ``message``) bounces one of our messages, record it and mark
    the request undeliverable."""
    message = message if message is not None else message_from_bytes(raw, policy=compat32)
    bounce = parse_bounce(message)
    if bounce is None:
        return None
    outbox = find_outbox_message(message, bounce)
    if outbox is None:
        return None
    with transaction.atomic():
        OutboxMessage.objects.filter(pk=outbox.pk).update(
            bounced_at=timezone.now(), bounce_diagnostic=bounce.diagnostic
        )
        request = outbox.request
        note = f"{outbox.get_kind_display()} bounced: {bounce.diagnostic}"
        if request.state in ALLOWED_FROM[EventKind.MARK_UNDELIVERABLE]:
            actions.mark_undeliverable(request, BOUNCER, note)
        else:
            actions.record_event(request, EventKind.BOUNCE, BOUNCER, note)
    outbox.refresh_from_db()
    return outbox
