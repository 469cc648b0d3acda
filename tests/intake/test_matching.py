"""Replies find their request, by reply address, thread, sender or domain; the rest wait in the holding pen."""

import pytest

from docket.campaigns.models import Campaign
from docket.mail.addresses import reply_address
from docket.mail.channels.smtp import SmtpSettings
from docket.mail.intake import Incoming, enter_by_hand, file_message, ingest, ingest_many, process
from docket.mail.models import InboundMessage, OutboxMessage
from docket.requests.actions import Actor
from docket.requests.models import InfoRequest
from docket.requests.states import RequestState
from tests.mailserver import Recorder, sent_example
from tests.samples import reply

pytestmark = pytest.mark.django_db(transaction=True)
UPLOAD = InboundMessage.Source.UPLOAD


@pytest.fixture
def sent(example: Campaign, smtp_server: tuple[Recorder, SmtpSettings]) -> dict[str, InfoRequest]:
    return sent_example(example, smtp_server[1])


def test_by_reply_address(sent):
    hampshire = sent["Michael Lane"]
    raw = reply(sender="someone.else@elsewhere.example", to=reply_address(hampshire.pk))
    message = ingest(raw, UPLOAD).message
    assert (message.request, message.match_method) == (hampshire, "reply address")


def test_a_reply_address_with_a_wrong_code_is_held_with_the_reason(sent):
    address = reply_address(sent["Michael Lane"].pk)
    local, domain = address.split("@")
    altered = f"{local[:-1]}{'a' if local[-1] != 'a' else 'b'}@{domain}"
    message = ingest(reply(sender="x@unknown.example", to=altered), UPLOAD).message
    assert message.status == InboundMessage.Status.HOLDING
    assert "code is wrong" in message.holding_reason


def test_by_thread(sent):
    letter = OutboxMessage.objects.get(request=sent["Paddy Tipping"])
    raw = reply(sender="x@unknown.example", to="office@commissioner.example", in_reply_to=letter.message_id)
    message = ingest(raw, UPLOAD).message
    assert (message.request, message.match_method) == (sent["Paddy Tipping"], "thread")


def test_by_sender_and_by_domain(sent):
    by_sender = ingest(reply(sender="PCC@Thamesvalley-PCC.example", to="office@x.example"), UPLOAD).message
    assert (by_sender.request, by_sender.match_method) == (sent["Anthony Stansfeld"], "sender")
    by_domain = ingest(reply(sender="deputy@hampshire-pcc.example", to="office@x.example"), UPLOAD).message
    assert (by_domain.request, by_domain.match_method) == (sent["Michael Lane"], "sender's domain")


def test_an_unknown_sender_waits_in_the_holding_pen_until_filed(sent, coordinator):
    message = ingest(reply(sender="clerk@unknown.example", to="office@x.example"), UPLOAD).message
    assert message.status == InboundMessage.Status.HOLDING
    assert "no request matches" in message.holding_reason
    request = sent["Paddy Tipping"]
    file_message(message, request, Actor.of(coordinator))
    message.refresh_from_db()
    assert (message.status, message.request) == (InboundMessage.Status.FILED, request)
    request.refresh_from_db()
    assert request.state == RequestState.PARTIALLY_ANSWERED
    assert request.events.get(kind="record_reply").actor == coordinator


def test_two_requests_to_one_address_are_ambiguous(sent, example):
    for request in sent.values():
        contact = request.recipient.contact
        contact.email = f"shared{request.pk}@shared.example"
        contact.save()
    message = ingest(reply(sender="other@shared.example", to="office@x.example"), UPLOAD).message
    assert message.status == InboundMessage.Status.HOLDING
    assert "matches 3 requests" in message.holding_reason


def test_an_automatic_reply_is_filed_but_is_not_an_answer(sent):
    hampshire = sent["Michael Lane"]
    raw = reply(sender="pcc@hampshire-pcc.example", to=reply_address(hampshire.pk), subject="Automatic reply: away")
    message = ingest(raw, UPLOAD).message
    assert message.is_auto_reply
    hampshire.refresh_from_db()
    assert hampshire.state == RequestState.SENT
    assert hampshire.events.filter(kind="auto_reply").exists()


def test_the_same_message_from_the_mailbox_and_from_a_file_is_stored_once(sent):
    raw = reply(sender="pcc@hampshire-pcc.example", to="office@x.example", message_id="<same@hampshire.example>")
    first = ingest(raw, InboundMessage.Source.IMAP)
    from_server = b"Received: from mx.example by imap.example; Mon, 2 Nov 2020 10:00:01 +0000\r\n" + raw
    second = ingest(from_server, UPLOAD)
    assert first.created
    assert not second.created
    assert second.message == first.message
    different = raw.replace(b"Please find", b"Here are")
    assert ingest(different, UPLOAD).created  # same Message-ID, other content: kept, and flagged
    assert "shares its Message-ID" in InboundMessage.objects.order_by("-pk").first().problems


def test_copies_within_one_batch_are_stored_once_and_namesakes_flagged(sent):
    hampshire = sent["Michael Lane"]
    earlier = reply(sender="pcc@hampshire-pcc.example", to="office@x.example", message_id="<earlier@h.example>")
    assert ingest(earlier, UPLOAD).created
    same = reply(sender="pcc@hampshire-pcc.example", to=reply_address(hampshire.pk), message_id="<same@h.example>")
    relayed = b"Received: from mx.example by imap.example; Mon, 2 Nov 2020 10:00:01 +0000\r\n" + same
    twin = reply(sender="x@elsewhere.example", to="office@x.example", message_id="<twin@h.example>", body="One")
    other_twin = twin.replace(b"One", b"Two")
    batch = [same, earlier, same, relayed, twin, other_twin]
    results = ingest_many([Incoming(raw, UPLOAD, f"item {n}") for n, raw in enumerate(batch)])
    assert [result.created for result in results] == [True, False, False, False, True, True]
    assert results[2].message == results[3].message == results[0].message
    assert results[1].message.message_id == "<earlier@h.example>"
    assert (results[0].message.status, results[0].message.request) == (InboundMessage.Status.FILED, hampshire)
    assert f"shares its Message-ID with message {results[4].message.pk}" in results[5].message.problems
    assert InboundMessage.objects.count() == 4
    stored = InboundMessage.objects.get(pk=results[5].message.pk)  # what was written, not only what is in memory
    assert (stored.status, stored.subject, stored.source_detail) == (
        InboundMessage.Status.HOLDING,
        results[5].message.subject,
        "item 5",
    )
    # One reply logged for the earlier message (matched by sender), one for the batch's copies of "same".
    assert InfoRequest.objects.get(pk=hampshire.pk).events.filter(kind="record_reply").count() == 2


def test_processing_again_from_the_stored_bytes_gives_the_same_result(sent):
    message = ingest(reply(sender="pcc@hampshire-pcc.example", to="office@x.example"), UPLOAD).message
    before = (message.subject, message.body_text, message.request_id)
    process(message)
    message.refresh_from_db()
    assert (message.subject, message.body_text, message.request_id) == before


def test_a_reply_by_post_is_entered_by_hand(sent, coordinator):
    notts = sent["Paddy Tipping"]
    result = enter_by_hand(
        notts,
        Actor.of(coordinator),
        sender="",
        subject="Letter of 2 November",
        note="Reply received by post; scanned.",
        files=[("update.txt", b"Progress on delivery: all on track.")],
        received="2 November 2020",
    )
    message = result.message
    assert (message.request, message.source) == (notts, InboundMessage.Source.MANUAL)
    assert "entered by coordinator@office.example" in message.source_detail
    assert message.attachments.get().text == "Progress on delivery: all on track."
