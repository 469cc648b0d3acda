"""A message is never left in between: stranded ones are read again, unreadable ones held with the reason."""

from __future__ import annotations

import datetime
import socket

import pytest
from django.utils import timezone

from docket.documents.models import store
from docket.documents.processing import take_attachment
from docket.mail import intake
from docket.mail.addresses import reply_address
from docket.mail.intake import Incoming, ingest_many, take_in_stranded
from docket.mail.models import InboundMessage
from docket.mail.outbox import worker_token
from docket.mail.parsing import parse
from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.events import EventKind
from tests.samples import reply

pytestmark = pytest.mark.django_db
Status = InboundMessage.Status
DEAD = f"{socket.gethostname()}:999999999:0"  # a reader on this machine that no longer runs


@pytest.fixture
def hampshire(example):
    actor = Actor("test")
    request = actions.request_for(example.recipients.get(contact__full_name="Michael Lane"))
    request = actions.transition(actions.approve(request, actor), EventKind.QUEUE, actor, "queued")
    return actions.mark_sent(request, actor, timezone.now())


def stranded(raw: bytes, claimed_by: str = DEAD, attempts: int = 1, ago: int = 0) -> InboundMessage:
    """A message as a reader left it when it stopped: stored, claimed, not read."""
    return InboundMessage.objects.create(
        blob=store(raw),
        source=InboundMessage.Source.UPLOAD,
        claimed_by=claimed_by,
        claimed_at=timezone.now() - datetime.timedelta(minutes=ago),
        read_attempts=attempts,
    )


def test_it_files_a_message_whose_reader_died_and_only_once(hampshire):
    message = stranded(reply(sender="pcc@hampshire.example", to=reply_address(hampshire.pk)))
    assert [m.pk for m in take_in_stranded(ocr=False)] == [message.pk]
    message.refresh_from_db()
    assert (message.status, message.request, message.read_attempts) == (Status.FILED, hampshire, 2)
    assert take_in_stranded(ocr=False) == []
    assert hampshire.events.filter(kind="record_reply").count() == 1


def test_it_leaves_a_message_whose_reader_still_runs(hampshire):
    running = stranded(reply(sender="a@one.example", to="x@y.example"), claimed_by=worker_token())
    elsewhere = stranded(reply(sender="b@two.example", to="x@y.example"), claimed_by="elsewhere:12:34", ago=5)
    lapsed = stranded(reply(sender="c@three.example", to="x@y.example"), claimed_by="elsewhere:12:34", ago=31)
    assert [m.pk for m in take_in_stranded(ocr=False)] == [lapsed.pk]
    assert set(InboundMessage.objects.filter(status=Status.STORED)) == {running, elsewhere}


def test_it_holds_unread_a_message_that_stopped_its_reader_three_times(hampshire):
    message = stranded(reply(sender="pcc@hampshire.example", to=reply_address(hampshire.pk)), attempts=3)
    take_in_stranded(ocr=False)
    message.refresh_from_db()
    assert message.status == Status.HOLDING
    assert "stopped the process 3 times" in message.holding_reason
    assert hampshire.events.filter(kind="record_reply").count() == 0


def test_it_holds_with_the_reason_a_message_that_fails_while_read_and_takes_in_the_rest(hampshire, monkeypatch):
    real = take_attachment

    def failing(message_id, filename, *args, **kwargs):
        if filename == "poison.pdf":
            raise MemoryError("the attachment would not fit")
        return real(message_id, filename, *args, **kwargs)

    monkeypatch.setattr(intake, "take_attachment", failing)
    to = reply_address(hampshire.pk)
    raws = [
        reply(sender="pcc@hampshire.example", to=to, message_id="<good-1@h.example>"),
        reply(
            sender="pcc@hampshire.example",
            to=to,
            message_id="<bad@h.example>",
            attachments=[("poison.pdf", "application/pdf", b"%PDF-1.4")],
        ),
        reply(sender="pcc@hampshire.example", to=to, message_id="<good-2@h.example>"),
    ]
    results = ingest_many([Incoming(raw, InboundMessage.Source.UPLOAD) for raw in raws], ocr=False)
    statuses = {result.message.message_id: InboundMessage.objects.get(pk=result.message.pk) for result in results}
    assert statuses["<good-1@h.example>"].status == Status.FILED
    assert statuses["<good-2@h.example>"].status == Status.FILED
    held = statuses["<bad@h.example>"]
    assert held.status == Status.HOLDING
    assert "reading it failed: MemoryError: the attachment would not fit" in held.holding_reason
    assert hampshire.events.filter(kind="record_reply").count() == 2


def test_a_message_that_cannot_be_parsed_is_held_with_the_reason(monkeypatch):
    def broken(raw):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(intake, "parse", broken)
    message = ingest_many([Incoming(b"Subject: x\r\n\r\nx", InboundMessage.Source.UPLOAD)], ocr=False)[0].message
    message.refresh_from_db()
    assert message.status == Status.HOLDING
    assert "it cannot be read: RecursionError" in message.holding_reason


def test_a_message_taken_over_by_another_reader_is_not_written_twice(hampshire, monkeypatch):
    message = stranded(reply(sender="pcc@hampshire.example", to=reply_address(hampshire.pk)))
    real = parse

    def slow_reader(raw):  # while this reader reads, another one claims the message
        InboundMessage.objects.filter(pk=message.pk).update(claimed_by="elsewhere:1:1")
        return real(raw)

    monkeypatch.setattr(intake, "parse", slow_reader)
    monkeypatch.setattr(intake, "READ_LEASE", datetime.timedelta(0))  # as if the reading took longer than it
    take_in_stranded(ocr=False)
    message.refresh_from_db()
    assert (message.status, message.claimed_by) == (Status.STORED, "elsewhere:1:1")
    assert hampshire.events.filter(kind="record_reply").count() == 0
