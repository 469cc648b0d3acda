"""The outbox keeps an email's parts, not its bytes: the letter's PDF once, on the request, and the same bytes
made from the parts each time the email is handed to the mail server."""

import email
import hashlib
from email.message import EmailMessage
from email.policy import default

import pytest

from docket.mail.messages import email_bytes
from docket.mail.models import OutboxBody, OutboxMessage
from docket.requests.actions import Actor
from docket.requests.letters import queue_campaign
from docket.requests.models import InfoRequest
from tests.mailserver import send_all

pytestmark = pytest.mark.django_db(transaction=True)

HEADERS = [("From", "Office <office@example.org>"), ("To", "Body <body@example.org>"), ("Subject", "Evidence")]
MESSAGE_ID = "<docket.1.letter.0123@replies.example.org>"


def test_a_letter_is_stored_once_and_sent_as_the_bytes_its_parts_make(example, smtp_server):
    recorder, config = smtp_server
    queued, _ = queue_campaign(list(example.recipients.order_by("pk")), Actor("test"))
    bodies = OutboxBody.objects.select_related("message", "letter").order_by("pk")
    assert [body.raw for body in bodies] == [b"", b"", b""]  # no second copy of the PDF in the outbox
    for body in bodies:
        assert body.letter is not None
        assert body.letter.request_id == body.message.request_id
    made = {body.message.message_id: body.as_bytes() for body in bodies}
    assert {body.message.message_id: body.as_bytes() for body in bodies} == made  # the same bytes each time

    assert send_all(config).sent == 3
    for item in recorder.received:
        message_id = str(item.message["Message-ID"])
        assert item.data.replace(b"\r\n", b"\n") == made[message_id].replace(b"\r\n", b"\n")
        request = InfoRequest.objects.get(outbox__message_id=message_id)
        pdf = next(part for part in item.message.iter_attachments() if part.get_content_type() == "application/pdf")
        assert hashlib.sha256(pdf.get_content()).hexdigest() == request.letter.sha256
        assert item.message["Date"]
        assert item.message["Auto-Submitted"] == "no"
    assert {message.kind for message in queued} == {OutboxMessage.Kind.LETTER}


def test_a_text_holding_the_boundary_gets_another_and_keeps_its_words():
    plain = email_bytes(MESSAGE_ID, HEADERS, "Dear Sir,\n", "<p>Dear Sir,</p>\n", b"%PDF-1.7 letter", "letter.pdf")
    taken = _alternative(plain).get_boundary()
    assert taken.startswith("=_docket_alternative_")
    text = f"Dear Sir,\n--{taken}\nA line written to break the email in two.\n"
    raw = email_bytes(MESSAGE_ID, HEADERS, text, "<p>Dear Sir,</p>\n", b"%PDF-1.7 letter", "letter.pdf")
    message = email.message_from_bytes(raw, policy=default)
    assert _alternative(raw).get_boundary() != taken
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == text
    assert message.get_body(("html",)).get_content().replace("\r\n", "\n") == "<p>Dear Sir,</p>\n"
    [pdf] = list(message.iter_attachments())
    assert (pdf.get_content(), pdf.get_filename()) == (b"%PDF-1.7 letter", "letter.pdf")


def _alternative(raw: bytes) -> EmailMessage:
    """The email's text-and-HTML part (the first part of the mixed one)."""
    message = email.message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)
    part = next(message.iter_parts())
    assert isinstance(part, EmailMessage)
    assert part.get_content_type() == "multipart/alternative"
    return part


def test_a_message_stored_as_bytes_before_bodies_were_kept_in_parts_is_sent_as_stored(example, smtp_server):
    recorder, config = smtp_server
    queue_campaign(list(example.recipients.order_by("pk")[:1]), Actor("test"))
    body = OutboxBody.objects.select_related("message").get()
    old = b"From: office@example.org\r\nSubject: stored whole\r\nMessage-ID: " + body.message.message_id.encode()
    body.raw = old + b"\r\n\r\nA letter stored as its bytes.\r\n"
    body.save()
    assert send_all(config).sent == 1
    [item] = recorder.received
    assert item.message["Subject"] == "stored whole"
    assert "stored as its bytes" in item.message.get_content()
