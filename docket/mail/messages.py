"""Building the emails Docket sends: text and HTML bodies, the letter PDF attached.

An email is stored as its parts (headers, text, HTML, the letter it carries) and made into bytes by
``email_bytes`` when it is handed to the mail server: the same parts give the same bytes every time
(the MIME boundaries come from the Message-ID), so a message sent again after an interruption is the
same message, and the letter's PDF is stored once, as the request's frozen letter, not twice.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr

from django.conf import settings
from django.utils import timezone

# SMTP line endings; long lines allowed so that a Message-ID is never folded over two lines.


class _HeaderClasses(HeaderRegistry):
    """The standard library's header classes, each made once: its registry makes a new class (``type(...)``)
    for every header of every message, a tenth of the time an email takes to build."""

    def __init__(self) -> None:
        super().__init__()
        self.made: dict[str, type[BaseHeader]] = {}

    def __getitem__(self, name: str) -> type[BaseHeader]:
        key = name.lower()
        if key not in self.made:
            self.made[key] = super().__getitem__(name)
        return self.made[key]


POLICY = SMTP.clone(max_line_length=998, header_factory=_HeaderClasses())


@dataclass(frozen=True)
class Outgoing:
    """An email ready for the outbox: the envelope and the parts its bytes are made of."""

    message_id: str
    envelope_from: str
    envelope_to: str
    subject: str
    headers: list[tuple[str, str]]
    text: str
    html: str
    pdf: bytes | None
    pdf_name: str

    @property
    def raw(self) -> bytes:
        return email_bytes(self.message_id, self.headers, self.text, self.html, self.pdf, self.pdf_name)


@dataclass(frozen=True)
class LetterContent:
    """A letter as the outbox is handed it: already rendered (and, for a letter, frozen) by the request side.

    The outbox only wraps these in an email; it never renders anything itself.
    """

    text: str
    html: str
    pdf: bytes | None
    pdf_name: str
    # The reply-by date the letter prints (its template uses ``due_date``): kept with the frozen letter,
    # it becomes the request's due date when the letter is sent. None: the letter prints none.
    due_date: datetime.date | None = None


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
    message_id = new_message_id(request_id, kind)
    headers = [
        ("From", formataddr((one_line(office_name), settings.DOCKET_FROM_EMAIL or office_email))),
        ("To", formataddr((one_line(to_name), to_email))),
        ("Reply-To", reply_to),
        ("Subject", one_line(subject)),
        ("Date", format_datetime(timezone.now())),
        ("Message-ID", message_id),
    ]
    if in_reply_to:
        headers += [("In-Reply-To", in_reply_to), ("References", in_reply_to)]
    headers.append(("Auto-Submitted", "no"))  # written by a person, so out-of-office replies do answer
    # Bounces go to the envelope sender: our per-request address, so each is matched to its request.
    return Outgoing(message_id, reply_to, to_email, subject, headers, text, html, pdf, pdf_name)


def email_bytes(
    message_id: str, headers: Sequence[Sequence[str]], text: str, html: str, pdf: bytes | None, pdf_name: str
) -> bytes:
    """The email made of its parts: text and HTML alternatives, and the PDF attached if there is one.

    The same parts always give the same bytes. The standard library would draw each MIME boundary at
    random and search the whole message for it (a third of the time the email takes); here each
    boundary comes from the Message-ID, and is checked against the texts it separates.
    """
    message = EmailMessage(policy=POLICY)
    for name, value in headers:
        message[name] = value
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message.set_boundary(_boundary(message_id, "alternative", text, html))
    if pdf is not None:
        message.add_attachment(pdf, maintype="application", subtype="pdf", filename=one_line(pdf_name))
        message.set_boundary(_boundary(message_id, "mixed", text, html))  # base64 never holds "=_"
    return message.as_bytes()


def _boundary(message_id: str, part: str, *texts: str) -> str:
    """A boundary made from the Message-ID, not found in ``texts`` ("=_" cannot begin a line of base64 or
    quoted-printable, and the texts are checked whole: one holding it gets the next one)."""
    for attempt in range(100):
        digest = hashlib.sha256(f"{message_id} {part} {attempt}".encode()).hexdigest()[:32]
        boundary = f"=_docket_{part}_{digest}"
        if not any(boundary in text for text in texts):
            return boundary
    raise AssertionError("no boundary could be found")  # a text would have to hold 100 of the hashes
