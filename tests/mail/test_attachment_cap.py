"""A message with more attachments than DOCKET_MAIL_MAX_ATTACHMENTS keeps the first ones as attachments;
its problems say the rest are only in the original message file, which is kept whole."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from docket.mail.intake import ingest
from docket.mail.models import InboundMessage
from docket.mail.parsing import parse


def _with_attachments(count: int) -> bytes:
    mail = EmailMessage()
    mail["From"] = "clerk@council.example"
    mail["To"] = "us@office.example"
    mail["Subject"] = "Our documents"
    mail["Message-ID"] = "<many@council.example>"
    mail.set_content("Please find our documents attached.")
    for n in range(count):
        mail.add_attachment(f"Document {n}".encode(), maintype="text", subtype="plain", filename=f"doc{n}.txt")
    return mail.as_bytes()


def test_parsing_keeps_the_first_attachments_and_says_where_the_rest_are(settings):
    settings.DOCKET_MAIL_MAX_ATTACHMENTS = 3
    parsed = parse(_with_attachments(5))
    assert [part.filename for part in parsed.attachments] == ["doc0.txt", "doc1.txt", "doc2.txt"]
    assert parsed.text.strip() == "Please find our documents attached."
    assert (
        "it has 5 attachments: the first 3 are kept as attachments; the other 2 are only in the original "
        "message file, which is kept"
    ) in parsed.problems


def test_a_message_at_the_limit_keeps_them_all_and_says_nothing(settings):
    settings.DOCKET_MAIL_MAX_ATTACHMENTS = 3
    parsed = parse(_with_attachments(3))
    assert len(parsed.attachments) == 3
    assert not any("attachments" in problem for problem in parsed.problems)


@pytest.mark.django_db
def test_intake_stores_only_the_first_attachments_and_the_whole_original(settings):
    settings.DOCKET_MAIL_MAX_ATTACHMENTS = 2
    raw = _with_attachments(6)
    message = ingest(raw, InboundMessage.Source.UPLOAD, "many.eml", ocr=False).message
    message.refresh_from_db()
    assert message.attachments.count() == 2
    assert "the other 4 are only in the original message file" in message.problems
    assert message.blob.read() == raw
