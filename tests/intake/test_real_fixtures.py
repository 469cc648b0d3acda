"""Real message files, as they arrive (tests/intake/mail/): each taken in through the holding pen's upload,
classified, and moving its request only where it should.

The files are as mail systems write them: Exchange's out-of-office (multipart/alternative,
quoted-printable, ``Auto-Submitted: auto-generated``), Gmail's vacation responder (``Precedence: bulk``,
``X-Autoreply``), a records office's acknowledgement sent from Outlook (quoting our letter), a reply
with its PDF (base64), a colleague's Outlook ``.msg`` of a reply, and a binary file that is not mail.
They answer the example campaign's Hampshire and Nottinghamshire letters, matched by their sender.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docket.campaigns.models import Campaign
from docket.mail import actions as mail_actions
from docket.mail.uploads import upload_to_holding_pen
from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.models import InfoRequest
from tests.web.conftest import sent as sent_request

pytestmark = pytest.mark.django_db
MAIL = Path(__file__).parent / "mail"
SOMEONE = Actor("Case worker")


@pytest.fixture
def sent(example: Campaign) -> dict[str, InfoRequest]:
    names = {"hampshire": "Michael Lane", "notts": "Paddy Tipping"}
    return {
        key: sent_request(actions.request_for(example.recipients.get(contact__full_name=name)))
        for key, name in names.items()
    }


def state(request: InfoRequest) -> str:
    request.refresh_from_db()
    return request.state


def last_event(request: InfoRequest) -> tuple[str, str, str]:
    event = request.events.order_by("pk").last()
    assert event is not None
    return event.kind, event.from_state, event.to_state


@pytest.mark.parametrize(
    ("file", "kind", "whose", "classification", "event", "after"),
    [
        ("exchange-out-of-office.eml", "mail", "hampshire", "auto_reply", "auto_reply", "sent"),
        ("gmail-vacation.eml", "mail", "notts", "auto_reply", "auto_reply", "sent"),
        ("acknowledgement.eml", "mail", "hampshire", "acknowledgement", "acknowledgement_received", "acknowledged"),
        ("reply-with-pdf.eml", "mail", "hampshire", "reply", "record_reply", "partially_answered"),
        ("reply-saved-from-outlook.msg", "outlook", "notts", "reply", "record_reply", "partially_answered"),
    ],
)
def test_each_real_message_is_classified_and_moves_only_what_it_should(
    sent, file, kind, whose, classification, event, after
):
    done = upload_to_holding_pen(file, (MAIL / file).read_bytes(), SOMEONE)
    message = done.taken[0].message
    assert done.kind == kind
    assert (message.status, message.request, message.classification) == ("filed", sent[whose], classification)
    assert last_event(sent[whose]) == (event, "sent", after)
    other = sent["notts" if whose == "hampshire" else "hampshire"]
    assert state(other) == "sent"


def test_the_reply_s_pdf_is_read(sent):
    message = upload_to_holding_pen("r.eml", (MAIL / "reply-with-pdf.eml").read_bytes(), SOMEONE).taken[0].message
    attachment = message.attachments.get()
    assert attachment.filename == "Response Strategy 2020.pdf"
    assert "Response Strategy 2020" in attachment.text


def test_a_binary_upload_is_held_and_not_a_reply(sent):
    done = upload_to_holding_pen("scan.bin", (MAIL / "scan.bin").read_bytes(), SOMEONE, "Scan posted to us")
    message = done.taken[0].message
    assert (done.kind, message.status, message.classification) == ("file", "holding", "not_a_reply")
    assert message.attachments.get().filename == "scan.bin"
    mail_actions.file_held(message, sent["hampshire"], SOMEONE)
    assert last_event(sent["hampshire"]) == ("not_a_reply", "sent", "sent")


def test_a_misfiled_real_reply_moved_leaves_both_requests_right(sent):
    hampshire, notts = sent["hampshire"], sent["notts"]
    upload_to_holding_pen("ack.eml", (MAIL / "acknowledgement.eml").read_bytes(), SOMEONE)
    reply = upload_to_holding_pen("r.eml", (MAIL / "reply-with-pdf.eml").read_bytes(), SOMEONE).taken[0].message
    assert state(hampshire) == "partially_answered"
    mail_actions.move_message(reply, notts, SOMEONE, "Nottinghamshire's answer, sent from Hampshire")
    assert last_event(hampshire) == ("message_moved_out", "partially_answered", "acknowledged")
    assert last_event(notts) == ("message_moved_in", "sent", "partially_answered")
    mail_actions.unfile_message(reply, SOMEONE, "not theirs either")
    assert last_event(notts) == ("message_unfiled", "partially_answered", "sent")
    assert state(hampshire) == "acknowledged"
