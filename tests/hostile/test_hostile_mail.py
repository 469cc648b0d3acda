"""Mail made to hurt: each message ends filed or held with a visible reason, quickly, and nothing is lost.

Every message goes through ``ingest`` as an uploaded .eml would, from an
unknown sender to an unknown address, so each is held; the holding pen shows it
with its reason.
"""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from docket.documents.models import Attachment
from docket.mail.intake import ingest
from docket.mail.models import InboundMessage

pytestmark = pytest.mark.django_db
Status = InboundMessage.Status
HEAD = b"From: someone@unknown.example\r\nTo: office@unknown.example\r\nMIME-Version: 1.0\r\n"
SECONDS = 2.0  # each message, at most


def taken_in(raw: bytes) -> InboundMessage:
    start = time.perf_counter()
    message = ingest(raw, InboundMessage.Source.UPLOAD, "hostile.eml", ocr=False).message
    took = time.perf_counter() - start
    message.refresh_from_db()
    assert took < SECONDS, f"taking it in took {took:.1f} s"
    assert message.status in {Status.FILED, Status.HOLDING}, message.status
    assert message.status == Status.FILED or message.holding_reason
    return message


def nested(depth: int) -> bytes:
    opening = b"".join(
        b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (level, level) for level in range(depth)
    )
    closing = b"".join(b"\r\n--b%d--\r\n" % level for level in reversed(range(depth)))
    return HEAD + b"Subject: deep\r\n" + opening + b"Content-Type: text/plain\r\n\r\nthe reply" + closing


def attachment(disposition: bytes, data: bytes, encoding: bytes = b"base64") -> bytes:
    return (
        HEAD + b'Subject: with a file\r\nContent-Type: multipart/mixed; boundary="zz"\r\n\r\n'
        b"--zz\r\nContent-Type: text/plain\r\n\r\nthe reply\r\n"
        b"--zz\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: " + encoding + b"\r\n"
        b"Content-Disposition: " + disposition + b"\r\n\r\n" + data + b"\r\n--zz--\r\n"
    )


def test_a_multipart_nested_1000_deep_is_held_with_its_headers_read():
    message = taken_in(nested(1000))
    assert message.status == Status.HOLDING
    assert message.subject == "deep"
    assert message.from_address == "someone@unknown.example"
    assert "nested too deep" in message.problems


def test_a_header_of_1_mb_is_read_quickly():
    subject = b"Subject: " + b"x" * (1024 * 1024)
    message = taken_in(HEAD.replace(b"To: ", b"X-To: ") + subject + b"\r\n\r\nthe reply\r\n")
    assert message.subject == "x" * 500


def test_a_1_mb_header_of_addresses_is_read_quickly():
    addresses = b"To: " + b"someone@example.org,\r\n " * 45_000 + b"last@example.org\r\n"
    message = taken_in(HEAD.replace(b"To: office@unknown.example\r\n", addresses) + b"Subject: many\r\n\r\nthe reply")
    assert message.status == Status.HOLDING
    assert "only its first" in message.problems


def test_a_message_of_only_headers_is_held():
    message = taken_in(HEAD + b"Subject: only headers\r\nMessage-ID: <only@unknown.example>")
    assert (message.subject, message.body_text) == ("only headers", "")
    assert message.status == Status.HOLDING


def test_raw_utf8_headers_are_read_as_utf8():
    raw = (
        "From: Jürgen Müller <jm@unknown.example>\r\nTo: office@unknown.example\r\n"
        "Subject: Größe und Maße \u2013 Übersicht\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="zz"\r\n\r\n'
        "--zz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nAnbei der Bericht.\r\n"
        '--zz\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="Bericht Größe.pdf"\r\n\r\n'
        "%PDF-1.4\r\n--zz--\r\n"
    ).encode()
    message = taken_in(raw)
    assert (message.from_name, message.subject) == ("Jürgen Müller", "Größe und Maße \u2013 Übersicht")
    assert Attachment.objects.get(message=message).filename == "Bericht Größe.pdf"


def test_raw_latin1_headers_are_still_read():
    message = taken_in(HEAD + "Subject: Größe\r\n\r\nthe reply".encode("latin-1"))
    assert message.subject == "Größe"


def test_broken_mime_boundaries_are_held_with_the_problem():
    raw = (
        HEAD + b'Subject: broken\r\nContent-Type: multipart/mixed; boundary="abc"\r\n\r\n'
        b"--abd\r\nContent-Type: text/plain\r\n\r\nthe reply\r\n--abc\r\nContent-Type: text/plain\r\n\r\nhalf a part"
    )
    message = taken_in(raw)
    assert "CloseBoundaryNotFoundDefect" in message.problems


def test_a_garbage_base64_part_is_kept_with_the_problem():
    message = taken_in(attachment(b"attachment; filename=report.pdf", b"!!!@@@###$$$%%%^^^&&&***(((\r\nZZZ="))
    assert "InvalidBase64" in message.problems
    assert Attachment.objects.filter(message=message, filename="report.pdf").count() == 1


def test_an_attachment_name_with_line_breaks_and_folders_is_made_safe():
    name = b"filename*=utf-8''..%2F..%2Fetc%2Fpasswd%0D%0AX-Evil%3A%201%5Cwin.exe"
    message = taken_in(attachment(b"attachment; " + name, b"JVBERi0xLjQK"))
    filename = Attachment.objects.get(message=message).filename
    assert filename == "win.exe"
    assert "file name" in message.problems
    assert "passwd" in message.problems


def test_every_held_message_is_shown_in_the_holding_pen_with_its_reason(client):
    messages = [taken_in(nested(1000)), taken_in(HEAD + b"Subject: only headers")]
    admin = User.objects.create_superuser("admin@office.example", "admin@office.example", "a-long-test-password")
    client.force_login(admin)
    page = client.get(reverse("web:holding_pen")).content.decode()
    for message in messages:
        assert message.holding_reason.split(":")[0] in page
    assert "nested too deep" in page  # the problems are shown too
