"""The outbox worker: sends each stored message exactly once, as far as SMTP allows.

For each message: claim it (queued → sending, committed), note when only the
data is left to send (committed), hand it to the server, record the server's
acceptance (→ sent, and the request → sent, in one transaction). If the worker
dies, the next one finds the message still "sending", claimed by a process
that no longer runs: if the data had not been reached the message certainly
did not go and is queued again; otherwise it is marked *uncertain* and waits
for a person to confirm it went or to send it again. Nothing is ever resent
by itself once the server may have it.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from docket.mail.channels import Channel, DeliveryError
from docket.mail.models import OutboxMessage
from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.states import WAITING_STATES, State

log = logging.getLogger(__name__)
WORKER = Actor("docket send")
State_ = OutboxMessage.State


def _process_start(pid: int) -> str | None:
    """The process's start time in clock ticks since boot, or None if it is not running."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[19]


def worker_token() -> str:
    """Names this process so that a later worker can tell whether it still runs."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_process_start(pid) or 0}"


def claimant_is_gone(token: str, claimed_at: datetime.datetime | None, now: datetime.datetime) -> bool:
    host, _, rest = token.partition(":")
    pid, _, started = rest.partition(":")
    if host == socket.gethostname() and pid.isdigit():
        return _process_start(int(pid)) != started
    # Another machine's worker: trust it until its lease runs out.
    lease = datetime.timedelta(seconds=settings.DOCKET_SEND_LEASE_SECONDS)
    return claimed_at is None or now - claimed_at > lease


def recover_interrupted(now: datetime.datetime | None = None) -> tuple[int, int]:
    """Settle messages left "sending" by a worker that died; returns (queued again, uncertain)."""
    now = now or timezone.now()
    requeued = uncertain = 0
    for message in OutboxMessage.objects.filter(state=State_.SENDING).select_related("request"):
        if not claimant_is_gone(message.claimed_by, message.claimed_at, now):
            continue
        with transaction.atomic():
            if message.reached_data:
                changed = _settle(message, State_.UNCERTAIN, last="the sender stopped while the server was taking it")
                if changed:
                    uncertain += 1
                    actions.record_event(
                        message.request,
                        f"{message.kind}_uncertain",
                        WORKER,
                        "The sender stopped while the mail server was taking the message: it may or may not have "
                        "gone. Confirm it went, or send it again.",
                    )
            elif _settle(message, State_.QUEUED):
                requeued += 1
    return requeued, uncertain


def _settle(message: OutboxMessage, state: str, last: str = "", **changes: object) -> bool:
    """Move a claimed message on, only if it is still as we left it (one winner)."""
    updated = OutboxMessage.objects.filter(pk=message.pk, state=State_.SENDING, claimed_by=message.claimed_by).update(
        state=state, **({"smtp_response": last} if last else {}), **changes
    )
    return updated == 1


def cancel_withdrawn() -> int:
    """Letters whose request was withdrawn (or otherwise moved on) before they went are not sent."""
    return (
        OutboxMessage.objects.filter(state=State_.QUEUED, kind=OutboxMessage.Kind.LETTER)
        .exclude(request__state=State.QUEUED)
        .update(state=State_.CANCELLED)
    )


def due_messages(now: datetime.datetime) -> list[OutboxMessage]:
    ready = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    letters = Q(kind=OutboxMessage.Kind.LETTER, request__state=State.QUEUED)
    chasers = Q(kind=OutboxMessage.Kind.CHASER, request__state__in=WAITING_STATES)
    return list(
        OutboxMessage.objects.filter(ready, letters | chasers, state=State_.QUEUED)
        .defer("raw")
        .order_by("created_at", "pk")[:100]
    )


def claim(message: OutboxMessage, token: str) -> bool:
    claimed = OutboxMessage.objects.filter(pk=message.pk, state=State_.QUEUED).update(
        state=State_.SENDING,
        claimed_by=token,
        claimed_at=timezone.now(),
        reached_data=False,
        attempts=F("attempts") + 1,
    )
    return claimed == 1


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(60 * 2 ** max(attempts - 1, 0), 3600))


@dataclass
class Tally:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    uncertain: int = 0
    cancelled: int = 0
    requeued: int = 0
    seen: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.sent} sent, {self.retried} to retry, {self.failed} failed, {self.uncertain} uncertain, "
            f"{self.cancelled} cancelled"
        )


def send_one(channel: Channel, message: OutboxMessage, token: str, tally: Tally) -> None:
    message.claimed_by = token
    raw = bytes(OutboxMessage.objects.values_list("raw", flat=True).get(pk=message.pk))

    def before_data() -> None:
        OutboxMessage.objects.filter(pk=message.pk, claimed_by=token).update(reached_data=True)

    try:
        accepted = channel.deliver(message.envelope_from, message.envelope_to, raw, before_data)
    except DeliveryError as error:
        _failed(message, error, tally)
        return
    with transaction.atomic():
        sent_at = timezone.now()
        if not _settle(message, State_.SENT, last=accepted, sent_at=sent_at):
            return
        request = message.request
        if message.kind == OutboxMessage.Kind.LETTER:
            actions.mark_sent(request, WORKER, sent_at, f"accepted by the mail server: {accepted}")
        else:
            actions.record_event(request, "chaser_sent", WORKER, f"accepted by the mail server: {accepted}")
    tally.sent += 1


def _failed(message: OutboxMessage, error: DeliveryError, tally: Tally) -> None:
    words = str(error)
    request = message.request
    attempts = OutboxMessage.objects.values_list("attempts", flat=True).get(pk=message.pk)
    with transaction.atomic():
        if error.uncertain:
            if _settle(message, State_.UNCERTAIN, last=words):
                tally.uncertain += 1
                actions.record_event(request, f"{message.kind}_uncertain", WORKER, words)
        elif error.permanent or attempts >= settings.DOCKET_SEND_MAX_ATTEMPTS:
            if _settle(message, State_.FAILED, last=words):
                tally.failed += 1
                if error.permanent and message.kind == OutboxMessage.Kind.LETTER:
                    actions.mark_undeliverable(request, WORKER, f"the mail server refused the letter: {words}")
                else:
                    actions.record_event(
                        request, f"{message.kind}_failed", WORKER, f"after {attempts} attempts: {words}"
                    )
        elif _settle(message, State_.QUEUED, last=words, next_attempt_at=timezone.now() + backoff(attempts)):
            tally.retried += 1


def run(
    channel: Channel,
    *,
    until_empty: bool = False,
    rate: int | None = None,
    poll_seconds: float = 5.0,
    on_send: Callable[[OutboxMessage], None] | None = None,
) -> Tally:
    """Send what is due, then wait for more (or stop once nothing is due, with ``until_empty``)."""
    token = worker_token()
    rate = settings.DOCKET_SEND_RATE if rate is None else rate
    interval = 60.0 / rate if rate else 0.0
    tally = Tally()
    last_send = 0.0
    try:
        while True:
            tally.requeued += recover_interrupted()[0]
            tally.cancelled += cancel_withdrawn()
            batch = due_messages(timezone.now())
            for message in batch:
                wait = last_send + interval - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                if not claim(message, token):
                    continue  # another worker took it
                last_send = time.monotonic()
                send_one(channel, message, token, tally)
                if on_send:
                    on_send(message)
            if not batch:
                if until_empty and not _retries_pending():
                    return tally
                time.sleep(poll_seconds if not until_empty else min(poll_seconds, 1.0))
    finally:
        channel.close()


def _retries_pending() -> bool:
    """With --until-empty, a message waiting to be retried soon keeps the worker going."""
    soon = timezone.now() + datetime.timedelta(minutes=5)
    return OutboxMessage.objects.filter(state=State_.QUEUED, next_attempt_at__lte=soon).exists()


def dry_run() -> list[str]:
    return [
        f"would send {m.kind} {m.message_id} to {m.envelope_to}: {m.subject!r}" for m in due_messages(timezone.now())
    ]
