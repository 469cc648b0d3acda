"""Delivery status notifications and plain bounces for our letters."""

import pytest

from docket.campaigns.models import Campaign
from docket.mail.bounces import handle_bounce
from docket.mail.channels.smtp import SmtpSettings
from docket.mail.models import OutboxMessage
from docket.requests.states import RequestState
from tests.mailserver import sent_example

# The outbox writes from a thread of its own, which must see committed data.
pytestmark = pytest.mark.django_db(transaction=True)


def dsn(message: OutboxMessage, action: str = "failed", status: str = "5.1.1") -> bytes:
    return f"""\
From: Mail Delivery System <MAILER-DAEMON@mx.hampshire-pcc.example>
To: {message.envelope_from}
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain

This is the mail system at host mx.hampshire-pcc.example. Your message could not be delivered.

--BOUNDARY
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.hampshire-pcc.example

Final-Recipient: rfc822; {message.envelope_to}
Original-Recipient: rfc822;{message.envelope_to}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; 550 5.1.1 <{message.envelope_to}>: Recipient address
    rejected: User unknown in virtual mailbox table

--BOUNDARY
Content-Type: text/rfc822-headers

From: Independent Anti-Slavery Commissioner <shelley.perera@iasc.independent.gov.uk>
Subject: {message.subject}
Message-ID: {message.message_id}

--BOUNDARY--
""".replace("\n", "\r\n").encode()


def sent_letters(example: Campaign, config: SmtpSettings) -> list[OutboxMessage]:
    """The example's letters, sent over SMTP, in the order of its recipients."""
    return [OutboxMessage.objects.get(request=request) for request in sent_example(example, config).values()]


def test_a_dsn_marks_the_request_undeliverable_with_the_diagnostic(example, smtp_server):
    letter = sent_letters(example, smtp_server[1])[2]
    bounced = handle_bounce(dsn(letter))
    assert bounced == letter
    assert "User unknown in virtual mailbox table" in bounced.bounce_diagnostic
    request = letter.request
    request.refresh_from_db()
    assert request.state == RequestState.UNDELIVERABLE
    assert "550 5.1.1" in request.events.last().note


def test_a_delay_notice_is_not_a_failure(example, smtp_server):
    letter = sent_letters(example, smtp_server[1])[0]
    assert handle_bounce(dsn(letter, action="delayed", status="4.4.7")) is None
    letter.request.refresh_from_db()
    assert letter.request.state == RequestState.SENT


def test_a_plain_bounce_sent_back_to_the_reply_address_is_matched(example, smtp_server):
    letter = sent_letters(example, smtp_server[1])[1]
    raw = (
        f"From: postmaster@nottinghamshire-pcc.example\r\nTo: {letter.envelope_from}\r\n"
        "Subject: Undeliverable: Violence Reduction Units\r\n\r\n"
        "Delivery has failed to these recipients or groups:\r\n"
        "pcc@nottinghamshire-pcc.example\r\n"
        "Remote Server returned '550 5.4.1 Recipient address rejected: Access denied'\r\n"
    ).encode()
    assert handle_bounce(raw) == letter
    letter.request.refresh_from_db()
    assert letter.request.state == RequestState.UNDELIVERABLE
    assert "550 5.4.1" in letter.request.events.last().note


def test_an_out_of_office_reply_is_not_a_bounce(example, smtp_server):
    letter = sent_letters(example, smtp_server[1])[0]
    raw = (
        f"From: Anthony Stansfeld <pcc@thamesvalley-pcc.example>\r\nTo: {letter.envelope_from}\r\n"
        "Subject: Automatic reply: Violence Reduction Units\r\nAuto-Submitted: auto-replied\r\n\r\n"
        "I am out of the office until Monday.\r\n"
    ).encode()
    assert handle_bounce(raw) is None
