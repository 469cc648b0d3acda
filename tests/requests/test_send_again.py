"""Sending an undeliverable request's letter again, to its contact's corrected address."""

from __future__ import annotations

import email
import hashlib
from email.message import EmailMessage
from email.policy import default

import pytest
from django.utils import timezone

from docket.errors import DocketError
from docket.mail import actions as mail_actions
from docket.mail.bounces import handle_bounce
from docket.mail.dispatch import queue_again
from docket.mail.models import OutboxMessage, OutboxState
from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.events import EventKind
from docket.requests.letters import queue
from docket.requests.states import RequestState
from tests.mail.test_bounces import dsn

ACTOR = Actor("test")
pytestmark = pytest.mark.django_db


@pytest.fixture
def bounced(example):
    """Michael Lane's letter, sent and bounced: the request is undeliverable."""
    request = actions.approve(actions.request_for(example.recipients.get(contact__full_name="Michael Lane")), ACTOR)
    letter = queue(request, ACTOR)
    OutboxMessage.objects.filter(pk=letter.pk).update(state=OutboxState.SENT, sent_at=timezone.now())
    actions.mark_sent(request, ACTOR, timezone.now())
    letter.refresh_from_db()
    assert handle_bounce(dsn(letter)) == letter
    request.refresh_from_db()
    assert request.state == RequestState.UNDELIVERABLE
    return request


def parsed(message: OutboxMessage) -> EmailMessage:
    result = email.message_from_bytes(message.body.as_bytes(), policy=default)
    assert isinstance(result, EmailMessage)
    return result


def corrected(request, address: str) -> None:
    contact = request.recipient.contact
    contact.email = address
    contact.save()


def test_the_same_letter_goes_again_to_the_corrected_address(bounced):
    first = bounced.outbox.get()
    old = first.envelope_to
    corrected(bounced, "pcc.office@hampshire-pcc.example")
    again = queue_again(bounced, ACTOR)

    assert again.pk != first.pk
    assert again.message_id != first.message_id
    assert again.kind == OutboxMessage.Kind.LETTER
    assert again.state == OutboxState.QUEUED
    assert again.envelope_to == "pcc.office@hampshire-pcc.example"
    assert "pcc.office@hampshire-pcc.example" in parsed(again)["To"]
    first.refresh_from_db()  # the bounced message stays as it was in the record
    assert first.envelope_to == old
    assert first.bounced_at is not None
    assert first.state == OutboxState.SENT

    frozen = bounced.letter
    sent, original = parsed(again), parsed(first)
    pdf = next(part for part in sent.iter_attachments() if part.get_content_type() == "application/pdf")
    assert pdf.get_content() == bytes(frozen.pdf)
    assert hashlib.sha256(pdf.get_content()).hexdigest() == frozen.sha256
    old_pdf = next(part for part in original.iter_attachments() if part.get_content_type() == "application/pdf")
    assert pdf.get_filename() == old_pdf.get_filename()
    assert sent.get_body(("plain",)).get_content() == original.get_body(("plain",)).get_content()
    assert sent.get_body(("html",)).get_content() == original.get_body(("html",)).get_content()

    bounced.refresh_from_db()
    assert bounced.state == RequestState.QUEUED
    event = bounced.events.last()
    assert event.kind == EventKind.SEND_AGAIN
    assert event.get_kind_display() == "Letter sent again to a corrected address"
    assert (event.from_state, event.to_state) == (RequestState.UNDELIVERABLE, RequestState.QUEUED)
    assert "pcc.office@hampshire-pcc.example" in event.note
    assert old in event.note
    # The outbox sends it (a queued letter of a queued request is not cancelled), and it is then sent.
    assert mail_actions.cancel_withdrawn() == 0
    actions.mark_sent(bounced, ACTOR, timezone.now())
    assert bounced.state == RequestState.SENT


def test_it_is_refused_while_the_address_is_the_one_that_bounced(bounced):
    old = bounced.outbox.get().envelope_to
    corrected(bounced, old.upper())  # the same address, however it is written
    with pytest.raises(DocketError, match="The address is still the one the letter bounced from: correct it first"):
        queue_again(bounced, ACTOR)
    assert bounced.outbox.count() == 1
    bounced.refresh_from_db()
    assert bounced.state == RequestState.UNDELIVERABLE


def test_it_is_refused_without_an_address(bounced):
    corrected(bounced, "")
    with pytest.raises(DocketError, match="has no email address to send to: add one in the directory"):
        queue_again(bounced, ACTOR)
    assert bounced.outbox.count() == 1


def test_only_an_undeliverable_request_is_sent_again(bounced):
    corrected(bounced, "pcc.office@hampshire-pcc.example")
    actions.reopen(bounced, ACTOR, "the address is corrected")
    assert bounced.state == RequestState.SENT
    with pytest.raises(DocketError, match="has been sent, so its letter is not sent again"):
        queue_again(bounced, ACTOR)
    assert bounced.outbox.count() == 1
