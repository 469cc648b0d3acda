"""A worker busy with one long piece of work is still seen to be running, and a round of throttled sending
gives the other work its turn."""

from __future__ import annotations

import datetime
import threading
import time

import pytest
from django.utils import timezone

from docket.mail import outbox
from docket.mail.models import OutboxMessage, OutboxState
from docket.requests.actions import Actor
from docket.requests.letters import queue_campaign
from docket.worker import rounds
from docket.worker.models import WorkerBeat

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_round_of_throttled_sending_stops_at_its_time_limit_and_says_so(example, smtp_server, settings, monkeypatch):
    recorder, _ = smtp_server
    queue_campaign(list(example.recipients.order_by("pk")), Actor("test"))
    settings.DOCKET_SEND_RATE = 6000  # one message at a time, 10 ms apart
    monkeypatch.setattr(outbox, "SEND_FOR_AT_MOST", 0.0)
    tally = rounds.send_due()
    assert (tally.sent, tally.cut_short) == (1, True)
    assert OutboxMessage.objects.filter(state=OutboxState.QUEUED).count() == 2  # the next round sends them
    monkeypatch.setattr(outbox, "SEND_FOR_AT_MOST", 60.0)
    tally = rounds.send_due()
    assert (tally.sent, tally.cut_short) == (2, False)
    assert len(recorder.received) == 3


def test_the_send_task_an_approve_and_send_job_asks_for_stops_at_the_same_time_limit(
    example, smtp_server, settings, monkeypatch
):
    """The task the last chunk of "approve and send" enqueues sends for one turn, as a round does, so a campaign
    of thousands at a provider's limit does not hold the worker's other tasks for hours; the rounds send the rest."""
    from docket.mail.tasks import send_outbox

    recorder, _ = smtp_server
    queue_campaign(list(example.recipients.order_by("pk")), Actor("test"))
    settings.DOCKET_SEND_RATE = 6000  # one message at a time, 10 ms apart
    monkeypatch.setattr(outbox, "SEND_FOR_AT_MOST", 0.0)
    assert send_outbox.call() == {"sent": 1, "retried": 0, "failed": 0, "uncertain": 0, "cut_short": 1}
    assert OutboxMessage.objects.filter(state=OutboxState.QUEUED).count() == 2
    monkeypatch.setattr(outbox, "SEND_FOR_AT_MOST", 60.0)
    assert rounds.send_due().sent == 2  # the worker's next round sends what is left, each once
    assert len(recorder.received) == 3


def test_the_heartbeat_goes_on_while_a_round_takes_long(monkeypatch):
    monkeypatch.setattr(rounds, "BEAT_EVERY", 0.05)
    stop = threading.Event()
    seen: list[datetime.datetime] = []

    def long_round(worker_id, started_at, plan, now):  # a ZIP file of many letters, say
        first = WorkerBeat.objects.get(worker=worker_id).seen_at
        time.sleep(0.5)
        seen.extend([first, WorkerBeat.objects.get(worker=worker_id).seen_at])
        stop.set()
        return rounds.Round()

    monkeypatch.setattr(rounds, "run_round", long_round)
    rounds.serve(stop, poll_seconds=0.01)
    first, during = seen
    assert during > first  # beaten while the round went on
    assert rounds.last_seen(timezone.now()).running is False  # stopped: said so when it ended


def test_a_round_cut_short_is_followed_at_once_by_the_next(monkeypatch):
    stop = threading.Event()
    done: list[float] = []

    def sending_round(worker_id, started_at, plan, now):
        done.append(time.monotonic())
        if len(done) == 2:
            stop.set()
        return rounds.Round(tally=outbox.Tally(sent=1, cut_short=len(done) == 1))

    monkeypatch.setattr(rounds, "run_round", sending_round)
    started = time.monotonic()
    rounds.serve(stop, poll_seconds=30)
    assert len(done) == 2
    assert time.monotonic() - started < 10  # not the 30 s a round with nothing more to send waits
