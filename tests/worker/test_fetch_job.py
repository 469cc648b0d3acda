"""The worker's fetching job: a mailbox that cannot be reached is said in words and tried again later."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.utils import timezone

from docket.mail.imap_settings import ImapSettings
from docket.worker import rounds
from docket.worker.models import JobMark
from docket.worker.schedule import LEASE, Job, Plan, due_jobs
from tests.mailserver import free_port

PLAN = Plan(fetch_every=datetime.timedelta(minutes=10), chase_at=datetime.time(9, 30))


@pytest.mark.django_db
def test_a_mailbox_that_cannot_be_reached_is_logged_in_words_and_tried_again_after_the_lease(settings, caplog):
    settings.DOCKET_IMAP = ImapSettings.from_url(f"imap://someone:secret@127.0.0.1:{free_port()}/INBOX")
    now = timezone.localtime()
    with caplog.at_level(logging.ERROR, logger="docket.worker.rounds"):
        done = rounds.run_scheduled(PLAN, now)
    assert not any(line.startswith("fetch-mail") for line in done)
    (record,) = [r for r in caplog.records if "fetch-mail failed" in r.getMessage()]
    assert "cannot read the mailbox" in record.getMessage()
    assert record.exc_info is None  # no traceback for a mailbox that refuses
    mark = JobMark.objects.get(job=Job.FETCH_MAIL.value)
    assert mark.finished_at is None

    assert Job.FETCH_MAIL not in due_jobs(PLAN, now + datetime.timedelta(minutes=20), rounds.read_marks())
    assert Job.FETCH_MAIL in due_jobs(PLAN, now + LEASE, rounds.read_marks())
