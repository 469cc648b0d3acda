"""What each kind of message does to its request, and how a person puts a mistake right.

Auto-replies and messages that are not replies are kept and logged and move nothing; an
acknowledgement moves a sent request to acknowledged only; a reply moves it towards answered.
A correction (reclassify, move to another request, return to the holding pen) re-derives the
state of every request it touches and logs it.
"""

from __future__ import annotations

import pytest

from docket.campaigns.models import Campaign, RecipientItem
from docket.errors import DocketError
from docket.mail import actions as mail_actions
from docket.mail.addresses import reply_address
from docket.mail.intake import enter_by_hand, ingest, mark_attachment_fulfils, process
from docket.mail.models import InboundMessage
from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.models import InfoRequest
from docket.requests.states import RequestState
from tests import real_mail
from tests.web.conftest import sent as sent_request

pytestmark = pytest.mark.django_db
UPLOAD = InboundMessage.Source.UPLOAD
SOMEONE = Actor("Case worker")


@pytest.fixture
def sent(example: Campaign) -> dict[str, InfoRequest]:
    names = ["Michael Lane", "Paddy Tipping"]
    return {name: sent_request(actions.request_for(example.recipients.get(contact__full_name=name))) for name in names}


def taken_in(builder, request: InfoRequest) -> InboundMessage:
    email = request.recipient.contact.email
    return ingest(builder(sender=email, to=reply_address(request.pk)), UPLOAD).message


def state(request: InfoRequest) -> str:
    request.refresh_from_db()
    return request.state


def kinds(request: InfoRequest) -> list[tuple[str, str, str]]:
    return list(request.events.order_by("pk").values_list("kind", "from_state", "to_state"))[-1:]


@pytest.mark.parametrize("builder", [real_mail.exchange_out_of_office, real_mail.gmail_vacation])
def test_an_out_of_office_is_kept_and_moves_nothing(sent, builder):
    lane = sent["Michael Lane"]
    message = taken_in(builder, lane)
    assert (message.status, message.classification) == ("filed", "auto_reply")
    assert state(lane) == RequestState.SENT
    assert kinds(lane) == [("auto_reply", "sent", "sent")]


def test_an_acknowledgement_moves_a_sent_request_to_acknowledged_only(sent):
    lane = sent["Michael Lane"]
    message = taken_in(real_mail.acknowledgement, lane)
    assert message.classification == "acknowledgement"
    assert state(lane) == RequestState.ACKNOWLEDGED
    assert kinds(lane) == [("acknowledgement_received", "sent", "acknowledged")]
    taken_in(real_mail.reply_with_pdf, lane)
    assert state(lane) == RequestState.PARTIALLY_ANSWERED
    second = ingest(
        real_mail.acknowledgement(sender="foi@x.example", to=reply_address(lane.pk)).replace(b"ack-1187", b"ack-1188"),
        UPLOAD,
    ).message
    assert second.classification == "acknowledgement"
    assert state(lane) == RequestState.PARTIALLY_ANSWERED  # a late acknowledgement takes nothing back
    assert kinds(lane) == [("acknowledgement_received", "partially_answered", "partially_answered")]


def test_a_reply_with_a_pdf_is_a_reply(sent):
    lane = sent["Michael Lane"]
    message = taken_in(real_mail.reply_with_pdf, lane)
    assert message.classification == "reply"
    assert "annual report" in message.attachments.get().text
    assert state(lane) == RequestState.PARTIALLY_ANSWERED


def test_a_press_newsletter_filed_by_its_domain_moves_nothing(sent):
    lane = sent["Michael Lane"]
    message = taken_in(real_mail.press_newsletter, lane)
    assert message.classification == "not_a_reply"
    assert state(lane) == RequestState.SENT
    assert kinds(lane) == [("not_a_reply", "sent", "sent")]


def test_an_unreadable_upload_is_kept_as_an_attachment_not_a_reply(sent):
    lane = sent["Michael Lane"]
    message = enter_by_hand(
        lane, SOMEONE, sender="", subject="Document: x.bin", note="", files=[("x.bin", real_mail.BINARY)], upload=True
    ).message
    assert message.classification == "not_a_reply"
    assert message.attachments.count() == 1
    assert state(lane) == RequestState.SENT
    note = lane.events.order_by("pk").last().note
    assert note.startswith("file uploaded, an uploaded file with no readable text")
    assert "reply from" not in note


def test_a_readable_upload_is_a_reply(sent):
    lane = sent["Michael Lane"]
    pdf = real_mail.text_pdf("The strategy, as requested.")
    message = enter_by_hand(
        lane, SOMEONE, sender="", subject="Document: s.pdf", note="", files=[("s.pdf", pdf)], upload=True
    ).message
    assert message.classification == "reply"
    assert state(lane) == RequestState.PARTIALLY_ANSWERED


def test_a_correction_re_derives_the_state_and_logs_it(sent):
    lane = sent["Michael Lane"]
    message = taken_in(real_mail.gmail_vacation, lane)
    mail_actions.reclassify(message, "reply", SOMEONE, "a real answer, sent from a phone")
    assert state(lane) == RequestState.PARTIALLY_ANSWERED
    event = lane.events.order_by("pk").last()
    assert (event.kind, event.from_state, event.to_state) == ("reclassify", "sent", "partially_answered")
    assert "automatic reply → reply" in event.note
    mail_actions.reclassify(message, "acknowledgement", SOMEONE)
    assert state(lane) == RequestState.ACKNOWLEDGED
    mail_actions.reclassify(message, "not_a_reply", SOMEONE)
    assert state(lane) == RequestState.SENT
    with pytest.raises(DocketError):
        mail_actions.reclassify(message, "bounce", SOMEONE)


def test_reading_a_message_again_keeps_what_a_person_said_it_is(sent):
    message = taken_in(real_mail.gmail_vacation, sent["Michael Lane"])
    mail_actions.reclassify(message, "reply", SOMEONE)
    process(message)
    message.refresh_from_db()
    assert (message.classification, message.classification_reason) == ("reply", "set by Case worker")


def test_a_misfiled_reply_moved_to_its_request_leaves_both_right(sent):
    lane, tipping = sent["Michael Lane"], sent["Paddy Tipping"]
    taken_in(real_mail.acknowledgement, lane)
    misfiled = taken_in(real_mail.reply_with_pdf, lane)  # Tipping's answer, sent from Lane's office
    attachment = misfiled.attachments.get()
    item = RecipientItem.objects.filter(recipient=lane.recipient, state="ask").select_related("item").first()
    mark_attachment_fulfils(attachment, item.item.key, SOMEONE)
    assert state(lane) in {RequestState.PARTIALLY_ANSWERED, RequestState.ANSWERED}

    mail_actions.move_message(misfiled, tipping, SOMEONE, "Tipping's answer")

    assert state(lane) == RequestState.ACKNOWLEDGED  # its own acknowledgement still stands
    item.refresh_from_db()
    assert item.received_at is None
    attachment.refresh_from_db()
    assert attachment.fulfils is None
    assert state(tipping) == RequestState.PARTIALLY_ANSWERED
    out = lane.events.order_by("pk").last()
    assert (out.kind, out.to_state) == ("message_moved_out", "acknowledged")
    assert f"request #{tipping.pk}" in out.note
    assert item.item.key in out.note
    moved_in = tipping.events.order_by("pk").last()
    assert (moved_in.kind, moved_in.from_state, moved_in.to_state) == ("message_moved_in", "sent", "partially_answered")
    misfiled.refresh_from_db()
    assert (misfiled.request, misfiled.match_method) == (tipping, "moved by hand")


def test_a_message_returned_to_the_holding_pen_is_held_and_its_request_re_derived(sent):
    lane = sent["Michael Lane"]
    message = taken_in(real_mail.reply_with_pdf, lane)
    mail_actions.unfile_message(message, SOMEONE, "not theirs")
    message.refresh_from_db()
    assert (message.status, message.request) == ("holding", None)
    assert "not theirs" in message.holding_reason
    assert list(message.candidates.all()) == [lane]  # its team can still see and file it
    assert state(lane) == RequestState.SENT
    assert kinds(lane) == [("message_unfiled", "partially_answered", "sent")]
    # and filed again, from the holding pen: undone
    mail_actions.file_held(message, lane, SOMEONE)
    assert state(lane) == RequestState.PARTIALLY_ANSWERED


def test_a_refusal_stays_when_a_message_moves_out(sent):
    lane, tipping = sent["Michael Lane"], sent["Paddy Tipping"]
    message = taken_in(real_mail.reply_with_pdf, lane)
    actions.refuse(lane, SOMEONE, "section 12")
    mail_actions.move_message(message, tipping, SOMEONE)
    assert state(lane) == RequestState.REFUSED
    assert kinds(lane) == [("message_moved_out", "refused", "refused")]


def test_a_message_not_filed_cannot_be_moved(sent):
    message = taken_in(real_mail.reply_with_pdf, sent["Michael Lane"])
    mail_actions.unfile_message(message, SOMEONE)
    with pytest.raises(actions.TransitionError):
        mail_actions.move_message(message, sent["Paddy Tipping"], SOMEONE)
    with pytest.raises(actions.TransitionError):
        mail_actions.unfile_message(message, SOMEONE)


def test_a_published_message_is_not_moved_until_it_is_private(sent):
    from docket.publishing import actions as publishing

    lane, tipping = sent["Michael Lane"], sent["Paddy Tipping"]
    message = taken_in(real_mail.reply_with_pdf, lane)
    document = publishing.approve(publishing.document_publication(message.attachments.get().pk, lane), SOMEONE)
    with pytest.raises(actions.TransitionError, match="make it private first"):
        mail_actions.move_message(message, tipping, SOMEONE)
    with pytest.raises(actions.TransitionError, match="make it private first"):
        mail_actions.unfile_message(message, SOMEONE)
    assert state(lane) == RequestState.PARTIALLY_ANSWERED
    publishing.make_private(document, SOMEONE)
    mail_actions.move_message(message, tipping, SOMEONE)
    document.refresh_from_db()
    assert document.request == tipping
