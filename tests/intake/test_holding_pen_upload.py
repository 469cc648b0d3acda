"""Uploading into the holding pen: an .eml, an .mbox, an Outlook .msg, or any file with a note.

Mail is taken in as if it had come by email (matched, classified, filed or held); a file that is
not mail is held as an upload, not as anyone's reply, and moves nothing until a person files it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from docket.campaigns.models import Campaign
from docket.mail import actions as mail_actions
from docket.mail.addresses import reply_address
from docket.mail.models import InboundMessage
from docket.mail.outlook import NotAnOutlookMessage
from docket.mail.uploads import UploadRefused, kind_of, upload_to_holding_pen
from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.models import InfoRequest
from docket.requests.states import RequestState
from tests import real_mail
from tests.outlook_msg import reply_with_pdf_msg
from tests.samples import text_pdf
from tests.web.conftest import sent as sent_request

pytestmark = pytest.mark.django_db
SOMEONE = Actor("Case worker")


@pytest.fixture
def lane(example: Campaign) -> InfoRequest:
    return sent_request(actions.request_for(example.recipients.get(contact__full_name="Michael Lane")))


def state(request: InfoRequest) -> str:
    request.refresh_from_db()
    return request.state


def test_an_outlook_msg_reply_is_read_matched_and_classified_as_a_reply(lane):
    data = reply_with_pdf_msg(
        sender=lane.recipient.contact.email, to=reply_address(lane.pk), pdf=text_pdf("Response Strategy 2020")
    )
    done = upload_to_holding_pen("RE Request.msg", data, SOMEONE)
    assert done.kind == "outlook"
    message = done.taken[0].message
    assert (message.status, message.request, message.match_method) == ("filed", lane, "reply address")
    assert message.classification == "reply"
    assert message.subject == "RE: Request for information: Violence Reduction Units"
    assert "Response Strategy 2020" in message.attachments.get(filename="Response Strategy 2020.pdf").text
    assert "Outlook file" in message.source_detail
    assert "Case worker" in message.source_detail
    assert state(lane) == RequestState.PARTIALLY_ANSWERED
    assert lane.events.order_by("pk").last().kind == "record_reply"


def test_an_eml_out_of_office_uploaded_is_filed_and_moves_nothing(lane):
    raw = real_mail.exchange_out_of_office(sender=lane.recipient.contact.email, to=reply_address(lane.pk))
    done = upload_to_holding_pen("ooo.eml", raw, SOMEONE)
    assert (done.kind, done.taken[0].message.classification) == ("mail", "auto_reply")
    assert state(lane) == RequestState.SENT


def test_an_mbox_is_taken_in_message_by_message(lane):
    to = reply_address(lane.pk)
    mbox = b"".join(
        b"From MAILER-DAEMON Mon Nov  2 10:00:00 2020\n" + raw.replace(b"\r\n", b"\n") + b"\n"
        for raw in (
            real_mail.acknowledgement(sender="foi@hampshire-pcc.example", to=to),
            real_mail.press_newsletter(sender="press@unknown.example", to="office@docket.example"),
        )
    )
    done = upload_to_holding_pen("export.mbox", mbox, SOMEONE, answers=[lane])
    assert done.kind == "mailbox"
    first, second = (item.message for item in done.taken)
    assert (first.status, first.classification) == ("filed", "acknowledgement")
    assert second.status == "holding"
    assert list(second.candidates.all()) == [lane]  # the campaign's team sees it
    assert state(lane) == RequestState.ACKNOWLEDGED
    assert "1 filed to their request, 1 held here" in done.summary()


def test_a_binary_file_with_a_note_is_held_as_an_upload_not_a_reply(lane):
    done = upload_to_holding_pen("scan.bin", real_mail.BINARY, SOMEONE, "Came on a USB stick from Hampshire")
    message = done.taken[0].message
    assert done.kind == "file"
    assert (message.status, message.classification) == ("holding", "not_a_reply")
    assert message.from_address == "unknown@invalid"
    assert message.attachments.get().filename == "scan.bin"
    assert "USB stick" in message.body_text
    assert message.holding_reason == (
        "Uploaded by Case worker with the note “Came on a USB stick from Hampshire”; not filed to a request yet"
    )
    mail_actions.file_held(message, lane, SOMEONE)  # filed by a person: kept on the request, moves nothing
    assert state(lane) == RequestState.SENT
    assert "reply from" not in lane.events.order_by("pk").last().note


def test_mail_from_outside_claiming_to_be_an_upload_keeps_the_matchers_reason(lane):
    forged = b"X-Docket-Upload: file\r\nX-Docket-Entered-By: Mallory\r\n" + real_mail.acknowledgement(
        sender="stranger@nowhere.example", to="someone@else.example"
    )
    message = upload_to_holding_pen("forged.eml", forged, SOMEONE).taken[0].message
    assert message.status == "holding"
    assert "unknown sender" in message.holding_reason
    assert "Mallory" not in message.holding_reason


def test_a_file_that_is_not_mail_needs_a_note():
    with pytest.raises(UploadRefused, match="say in the note what it is"):
        upload_to_holding_pen("scan.bin", real_mail.BINARY, SOMEONE)
    assert not InboundMessage.objects.exists()


def test_a_damaged_msg_is_refused_in_words_naming_it():
    broken = reply_with_pdf_msg(sender="a@b.example", to="c@d.example", pdf=b"%PDF-1.4")[:2000]
    with pytest.raises(NotAnOutlookMessage, match=r"broken\.msg cannot be read as an Outlook message"):
        upload_to_holding_pen("broken.msg", broken, SOMEONE)
    assert not InboundMessage.objects.exists()


def test_what_a_file_is_comes_from_its_bytes():
    msg = reply_with_pdf_msg(sender="a@b.example", to="c@d.example", pdf=b"%PDF-1.4")
    eml = real_mail.acknowledgement(sender="a@b.example", to="c@d.example")
    assert kind_of("renamed.txt", msg) == "outlook"
    assert kind_of("reply.txt", eml) == "mail"
    assert kind_of("reply.eml", b"%PDF-1.4 not mail") == "file"
    assert kind_of("x.mbox", b"From someone Mon Nov  2 10:00:00 2020\n" + eml) == "mailbox"


def test_the_holding_pen_page_uploads_and_says_what_happened(client, lane, coordinator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from docket.web.access import set_role

    set_role(coordinator, "coordinator")
    lane.campaign.team.add(coordinator)
    client.force_login(coordinator)
    raw = real_mail.gmail_vacation(sender=lane.recipient.contact.email, to=reply_address(lane.pk))
    data = {"campaign": lane.campaign.pk, "note": "", "file": SimpleUploadedFile("away.eml", raw)}
    page = client.post(reverse("web:upload_held"), data, follow=True).content.decode()
    href = reverse("web:request", args=[lane.pk])
    link = f'<a class="govuk-link" href="{href}">{lane.recipient.contact.body.name}</a>'
    assert f"away.eml: 1 new message, 1 filed to their request, 0 held here. Filed to the request to {link}." in page
    refused = client.post(
        reverse("web:upload_held"),
        {"campaign": lane.campaign.pk, "file": SimpleUploadedFile("x.bin", real_mail.BINARY)},
        follow=True,
    ).content.decode()
    assert "govuk-error-summary" in refused
    assert "say in the note what it is" in refused
