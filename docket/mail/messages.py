"""Building the emails Docket sends: text and HTML bodies, the letter PDF attached."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr

from django.conf import settings
from django.utils import timezone

# SMTP line endings; long lines allowed so that a Message-ID is never folded over two lines.
POLICY = SMTP.clone(max_line_length=998)


@dataclass(frozen=True)
class Outgoing:
    """An email ready for the outbox: the bytes and the envelope."""

    message_id: str
    envelope_from: str
    envelope_to: str
    subject: str
    raw: bytes


@dataclass(frozen=True)
class LetterContent:
    """A letter as the outbox is handed it: already rendered (and, for a letter, frozen) by the request side.

    The outbox only wraps these in an email; it never renders anything itself.
    """

    text: str
    html: str
    pdf: bytes | None
    pdf_name: str


def one_line(text: str) -> str:
    """``text`` as one header line: line breaks (which would end the header, or start a forged one such as
    ``Bcc:``) and runs of spaces become single spaces. Names are checked for line breaks when they are
    entered; this keeps a letter going for one stored before that check."""
    return " ".join(text.split())


def new_message_id(request_id: int, kind: str) -> str:
    return f"<docket.{request_id}.{kind}.{uuid.uuid4().hex}@{settings.DOCKET_REPLY_DOMAIN}>"


def attachment_name(office_name: str, date_text: str) -> str:
    name = f"Letter from the {office_name} {date_text}".strip()
    return re.sub(r"[^\w .()-]+", "", name)[:120] + ".pdf"


def build_email(
    *,
    request_id: int,
    kind: str,
    office_name: str,
    office_email: str,
    to_name: str,
    to_email: str,
    reply_to: str,
    subject: str,
    text: str,
    html: str,
    pdf: bytes | None,
    pdf_name: str,
    in_reply_to: str = "",
) -> Outgoing:
    message = EmailMessage(policy=POLICY)
    message_id = new_message_id(request_id, kind)
    message["From"] = formataddr((one_line(office_name), settings.DOCKET_FROM_EMAIL or office_email))
    message["To"] = formataddr((one_line(to_name), to_email))
    message["Reply-To"] = reply_to
    message["Subject"] = one_line(subject)
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message["Auto-Submitted"] = "no"  # written by a person, so out-of-office replies do answer
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    if pdf is not None:
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename=one_line(pdf_name))
    # Bounces go to the envelope sender: our per-request address, so each is matched to its request.
    return Outgoing(message_id, reply_to, to_email, subject, message.as_bytes())
