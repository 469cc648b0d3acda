"""What a message is, read from real senders' messages alone (no database)."""

from __future__ import annotations

import pytest

from docket.mail.classification import Classification, Read, classify
from docket.mail.outlook import msg_to_mail
from docket.mail.parsing import header, parse
from tests import real_mail
from tests.outlook_msg import reply_with_pdf_msg
from tests.samples import reply

SENDER, TO = "pcc@hampshire-pcc.example", "office@docket.example"


def classified(raw: bytes) -> tuple[Classification, str]:
    mail = parse(raw)
    read = Read(
        header=lambda name: header(mail.message, name),
        subject=mail.subject,
        text=mail.reply_text,
        has_files=bool(mail.attachments),
    )
    return classify(read)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (real_mail.exchange_out_of_office(sender=SENDER, to=TO), Classification.AUTO_REPLY),
        (real_mail.gmail_vacation(sender=SENDER, to=TO), Classification.AUTO_REPLY),
        (real_mail.acknowledgement(sender=SENDER, to=TO), Classification.ACKNOWLEDGEMENT),
        (real_mail.reply_with_pdf(sender=SENDER, to=TO), Classification.REPLY),
        (real_mail.press_newsletter(sender=SENDER, to=TO), Classification.NOT_A_REPLY),
        (reply(sender=SENDER, to=TO, body="We do not hold this information."), Classification.REPLY),
        (
            msg_to_mail(reply_with_pdf_msg(sender=SENDER, to=TO, pdf=real_mail.text_pdf("Strategy"))),
            Classification.REPLY,
        ),
    ],
    ids=[
        "exchange-ooo",
        "gmail-vacation",
        "acknowledgement",
        "reply-with-pdf",
        "press-newsletter",
        "plain-reply",
        "outlook-msg-reply",
    ],
)
def test_it_classifies_real_messages(raw, expected):
    assert classified(raw)[0] == expected


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Auto-Submitted", "auto-generated"),
        ("X-Autorespond", "yes"),
        ("Precedence", "junk"),
        ("Precedence", "auto_reply"),
    ],
)
def test_it_reads_each_automatic_header(name, value):
    raw = reply(sender=SENDER, to=TO, body="Your message was received.").replace(
        b"Subject:", f"{name}: {value}\r\nSubject:".encode(), 1
    )
    kind, why = classified(raw)
    assert (kind, name.lower() in why.lower() or value in why) == (Classification.AUTO_REPLY, True)


def test_auto_submitted_no_is_a_person():
    raw = reply(sender=SENDER, to=TO, body="Here is the strategy.")
    raw = raw.replace(b"Subject:", b"Auto-Submitted: no\r\nSubject:")
    assert classified(raw)[0] == Classification.REPLY


def test_an_out_of_office_text_without_headers_is_automatic():
    raw = reply(sender=SENDER, to=TO, body="I'm currently on annual leave and will respond on my return.")
    assert classified(raw)[0] == Classification.AUTO_REPLY


def test_an_acknowledgement_with_the_document_attached_is_a_reply():
    raw = reply(
        sender=SENDER,
        to=TO,
        body="We acknowledge receipt of your request; the strategy is attached.",
        attachments=[("strategy.pdf", "application/pdf", b"%PDF-1.4")],
    )
    assert classified(raw)[0] == Classification.REPLY


def test_an_unreadable_upload_is_not_a_reply_until_a_person_says_so():
    read = Read(
        header=lambda _: "", subject="Document: x.bin", text="", has_files=True, files_readable=False, upload=True
    )
    assert classify(read)[0] == Classification.NOT_A_REPLY
    assert classify(Read(header=lambda _: "", subject="x", text="", has_files=True, files_readable=False))[0] == (
        Classification.REPLY  # mail from a body with a scan not yet read is still their reply
    )


def test_the_kinds_a_request_knows_are_the_classifications():
    from typing import get_args

    from docket.requests.actions import ReplyKind

    assert set(get_args(ReplyKind)) == {kind.value for kind in Classification} - {"bounce"}
