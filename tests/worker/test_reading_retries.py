"""The worker reads again, a few times and spaced out, the attachments whose text extraction failed."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from docket.documents import processing
from docket.documents.models import Attachment, store
from docket.mail.models import InboundMessage
from docket.worker import retries, rounds
from docket.worker.schedule import Job

pytestmark = pytest.mark.django_db


def failed_attachment(text: bytes = b"Our Response Strategy 2020, in plain words.") -> Attachment:
    raw = b"From: x@unknown.example\r\nSubject: files\r\n\r\nbody"
    message = InboundMessage.objects.create(blob=store(raw), source="upload", subject="files", status="holding")
    return Attachment.objects.create(
        message=message,
        blob=store(text),
        filename="strategy.txt",
        content_type="text/plain",
        status=Attachment.Status.FAILED,
        error="the reader gave no usable answer",
    )


def test_a_failed_reading_is_read_again_and_its_text_found():
    attachment = failed_attachment()
    now = timezone.now()
    assert retries.read_failed_again(now) == "1 failed attachment read again, 0 still failing"
    attachment.refresh_from_db()
    assert (attachment.status, attachment.error) == ("extracted", "")
    assert "Response Strategy" in attachment.text
    assert (
        retries.read_failed_again(now + datetime.timedelta(days=1))
        == "0 failed attachments read again, 0 still failing"
    )


def test_one_still_failing_is_tried_three_times_an_hour_apart_then_left_for_a_person(monkeypatch):
    attachment = failed_attachment()
    tries = []

    def still_failing(found: Attachment, *, ocr: bool = True) -> None:
        tries.append(found.pk)
        raise RuntimeError("the reader crashed again")

    monkeypatch.setattr(retries, "read_again", still_failing)
    now = timezone.now()
    for minutes in (0, 30, 60, 120, 180, 240):
        retries.read_failed_again(now + datetime.timedelta(minutes=minutes))
    assert tries == [attachment.pk] * retries.MAX_ATTEMPTS  # at 0, 60 and 120 minutes; never again
    attachment.refresh_from_db()
    assert attachment.status == "failed"


def test_the_worker_runs_it_as_a_scheduled_job():
    failed_attachment()
    done = rounds.run_scheduled(rounds.plan_from_settings(), timezone.localtime())
    assert f"{Job.RETRY_READING.value}: 1 failed attachment read again, 0 still failing" in done


def test_reading_again_uses_the_stored_bytes(monkeypatch):
    attachment = failed_attachment(b"Second try")
    processing.read_again(attachment)
    assert Attachment.objects.get(pk=attachment.pk).text == "Second try"
