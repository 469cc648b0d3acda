"""The outbox worker: sends each stored message exactly once, as far as SMTP allows.

For each message: claim it (queued → sending, committed, a batch at a time),
note when only the data is left to send (committed), hand it to the server,
note the server's acceptance (committed together with the next message's
"only the data is left"), then record the batch as sent (→ sent, and the
requests → sent, in one transaction). If the worker dies, the next one finds
the message still "sending", claimed by a process that no longer runs: if its
acceptance was noted it is recorded as sent; if the data had not been reached
it certainly did not go and is queued again; otherwise it is marked
*uncertain* and waits for a person to confirm it went or to send it again.
Nothing is ever resent by itself once the server may have it.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone

from docket.mail import actions as mail_actions
from docket.mail.channels import Channel, DeliveryError
from docket.mail.models import OutboxBody, OutboxMessage, OutboxState
from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.events import EventKind, outbox_kind
from docket.requests.states import WAITING_STATES, RequestState
from docket.rows import update_rows

log = logging.getLogger(__name__)
WORKER = Actor("docket send")
T = TypeVar("T")


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


class Recovered(NamedTuple):
    requeued: int
    uncertain: int
    recorded: int


def recover_interrupted(now: datetime.datetime | None = None) -> Recovered:
    """Settle messages left "sending" by a worker that died.

    Accepted by the server (noted) → recorded as sent; data not reached → queued
    again; data reached and no acceptance noted → uncertain.
    """
    now = now or timezone.now()
    requeued = uncertain = 0
    accepted = []
    for message in OutboxMessage.objects.filter(state=OutboxState.SENDING).select_related("request__campaign"):
        if not claimant_is_gone(message.claimed_by, message.claimed_at, now):
            continue
        if message.sent_at is not None:
            accepted.append(message)
            continue
        with transaction.atomic():
            if message.reached_data:
                last = "the sender stopped while the server was taking it"
                changed = mail_actions.settle(message, OutboxState.UNCERTAIN, last=last)
                if changed:
                    uncertain += 1
                    actions.record_event(
                        message.request,
                        outbox_kind(message.kind, "uncertain"),
                        WORKER,
                        "The sender stopped while the mail server was taking the message: it may or may not have "
                        "gone. Confirm it went, or send it again.",
                    )
            elif mail_actions.settle(message, OutboxState.QUEUED):
                requeued += 1
    return Recovered(requeued, uncertain, record_accepted(accepted))


def due_messages(now: datetime.datetime) -> list[OutboxMessage]:
    ready = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    letters = Q(kind=OutboxMessage.Kind.LETTER, request__state=RequestState.QUEUED)
    chasers = Q(kind=OutboxMessage.Kind.CHASER, request__state__in=WAITING_STATES)
    return list(
        OutboxMessage.objects.filter(ready, letters | chasers, state=OutboxState.QUEUED)
        .select_related("request__campaign")
        .order_by("created_at", "pk")[:100]
    )


CLAIM_BATCH = 20


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


def mark_reached_data(message: OutboxMessage, token: str, accepted: OutboxMessage | None = None) -> None:
    """Only the data is left to send: from now on a failure may have delivered the message.

    ``accepted``, the message sent just before, has its acceptance (``sent_at``,
    ``smtp_response``) written in the same commit, ahead of ``record_accepted``:
    a worker that dies in between leaves it to be recorded as sent, not uncertain.
    """
    mine = {"claimed_by": token, "state": OutboxState.SENDING}
    with transaction.atomic():
        if accepted is not None:
            row = (accepted.pk, accepted.sent_at, accepted.smtp_response)
            update_rows(OutboxMessage, ["sent_at", "smtp_response"], [row], where=mine)
        update_rows(OutboxMessage, ["reached_data"], [(message.pk, True)], where=mine)


def record_accepted(messages: list[OutboxMessage], tally: Tally | None = None) -> int:
    """Settle messages the server accepted (``sent_at`` and ``smtp_response`` set): sent, with their
    requests moved on, in one transaction. Messages no longer "sending" (settled by someone else) are skipped."""
    if not messages:
        return 0
    with transaction.atomic():
        still_sending = set(
            OutboxMessage.objects.select_for_update()
            .filter(pk__in=[m.pk for m in messages], state=OutboxState.SENDING)
            .values_list("pk", flat=True)
        )
        mine = [message for message in messages if message.pk in still_sending]
        mail_actions.record_sent(mine)
        letters = []
        for message in mine:
            assert message.sent_at is not None, "only a message the server accepted is recorded as sent"
            note = f"accepted by the mail server: {message.smtp_response}"
            if message.kind == OutboxMessage.Kind.CHASER:
                actions.record_event(message.request, EventKind.CHASER_SENT, WORKER, note)
            else:
                letters.append((message.request, message.sent_at, note))
        notes = {request.pk: note for request, _, note in letters}
        for request in actions.mark_sent_many(letters, WORKER):
            # Withdrawn while the letter was going: it went all the same, and the log says so.
            note = f"{notes[request.pk]}; the request was already {request.state}"
            actions.record_event(request, EventKind.LETTER_SENT, WORKER, note)
    if tally is not None:
        tally.sent += len(mine)
    return len(mine)


def accept(message: OutboxMessage, reply: str) -> OutboxMessage:
    """Note on the message, in memory, that the server took it with ``reply``."""
    message.sent_at = timezone.now()
    message.smtp_response = reply
    return message


def _failed(message: OutboxMessage, error: DeliveryError, tally: Tally) -> None:
    words = str(error)
    request = message.request
    attempts = OutboxMessage.objects.values_list("attempts", flat=True).get(pk=message.pk)
    with transaction.atomic():
        if error.uncertain:
            if mail_actions.settle(message, OutboxState.UNCERTAIN, last=words):
                tally.uncertain += 1
                actions.record_event(request, outbox_kind(message.kind, "uncertain"), WORKER, words)
        elif error.permanent or attempts >= settings.DOCKET_SEND_MAX_ATTEMPTS:
            if mail_actions.settle(message, OutboxState.FAILED, last=words):
                tally.failed += 1
                if error.permanent and message.kind == OutboxMessage.Kind.LETTER:
                    actions.mark_undeliverable(request, WORKER, f"the mail server refused the letter: {words}")
                else:
                    actions.record_event(
                        request, outbox_kind(message.kind, "failed"), WORKER, f"after {attempts} attempts: {words}"
                    )
        elif mail_actions.settle(
            message, OutboxState.QUEUED, last=words, next_attempt_at=timezone.now() + backoff(attempts)
        ):
            tally.retried += 1


class _Bookkeeper:
    """Does the outbox's database work on a thread of its own, in the order it is given.

    The one write a letter cannot go without, its "reached data" mark (with
    the previous message's acceptance), is written while its envelope goes
    out, and its data waits for it. The rest (recording a chunk as sent,
    claiming the next chunk) is deferred to the moment the data starts to go,
    so that it is done while the server takes the data rather than while the
    sender waits for its turn. Each write still happens before the step that
    depends on it, so the guarantees are those of sending one message after
    another.
    """

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="docket-outbox-db")
        self.pending: list[Future[Any]] = []
        self.deferred: list[tuple[Future[Any], Callable[..., Any], tuple[Any, ...]]] = []

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        future = self.pool.submit(function, *args)
        self.pending.append(future)
        return future

    def defer(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        """Work that may wait until ``release``; its future completes once it has run."""
        future: Future[Any] = Future()
        self.deferred.append((future, function, args))
        self.pending.append(future)
        return future

    def release(self) -> None:
        deferred, self.deferred = self.deferred, []
        for future, function, args in deferred:
            self.pool.submit(_run_into, future, function, args)

    def after(self, written: Future[Any]) -> Callable[[], None]:
        """What to do before the data goes: wait until ``written`` is, then let the deferred work run."""

        def data_may_go() -> None:
            written.result()
            self.release()

        return data_may_go

    def call(self, function: Callable[..., T], *args: Any) -> T:
        result: T = self.pool.submit(function, *args).result()
        return result

    def drain(self) -> None:
        self.release()
        pending, self.pending = self.pending, []
        for future in pending:
            future.result()

    def close(self) -> None:
        try:
            self.drain()
        finally:
            self.pool.submit(connections.close_all).result()
            self.pool.shutdown()


def _run_into(future: Future[Any], function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        future.set_result(function(*args))
    except BaseException as error:  # handed to whoever waits on the future
        future.set_exception(error)


def _claim_with_bodies(messages: list[OutboxMessage], token: str) -> tuple[list[OutboxMessage], dict[int, bytes]]:
    claimed = mail_actions.claim_batch(messages, token)
    bodies = OutboxBody.objects.filter(message_id__in=[m.pk for m in claimed]).values_list("message_id", "raw")
    return claimed, {pk: bytes(raw) for pk, raw in bodies}


def run(
    channel: Channel,
    *,
    until_empty: bool = False,
    rate: int | None = None,
    poll_seconds: float = 5.0,
    wait_for_retries: bool = True,
) -> Tally:
    """Send what is due, then wait for more (or stop once nothing is due, with ``until_empty``).

    With ``until_empty``, a message to be retried within minutes is waited for, unless
    ``wait_for_retries`` is off (a web request must not wait out a mail server's outage).
    """
    token = worker_token()
    # While the server takes a message this thread waits and the bookkeeper computes; when the
    # server answers, this thread should have the interpreter back within 0.5 ms, not Python's 5 ms.
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(min(switch_interval, 0.0005))
    rate = settings.DOCKET_SEND_RATE if rate is None else rate
    interval = 60.0 / rate if rate else 0.0
    tally = Tally()
    last_send = 0.0
    books = _Bookkeeper()
    try:
        while True:
            tally.requeued += books.call(recover_interrupted).requeued
            tally.cancelled += books.call(mail_actions.cancel_withdrawn)
            batch = books.call(due_messages, timezone.now())
            # Claim a few at a time when unthrottled; one at a time when each must wait its turn anyway.
            size = 1 if interval else CLAIM_BATCH
            chunks = [batch[start : start + size] for start in range(0, len(batch), size)]
            claims = [books.submit(_claim_with_bodies, chunks[0], token)] if chunks else []
            for number in range(len(chunks)):
                books.release()  # in case no data went since the claim was deferred
                claimed, bodies = claims[number].result()
                if number + 1 < len(chunks):  # the next chunk is claimed while this one's data goes
                    claims.append(books.defer(_claim_with_bodies, chunks[number + 1], token))
                accepted: list[OutboxMessage] = []
                unnoted: OutboxMessage | None = None  # accepted, not yet written down
                for message in claimed:
                    wait = last_send + interval - time.monotonic()
                    if wait > 0:
                        books.release()  # nothing to overlap with: write it down now
                        time.sleep(wait)
                    last_send = time.monotonic()
                    reached = books.submit(mark_reached_data, message, token, unnoted)
                    unnoted = None
                    try:
                        reply = channel.deliver(
                            message.envelope_from,
                            message.envelope_to,
                            bodies[message.pk],
                            books.after(reached),
                        )
                    except DeliveryError as error:
                        books.submit(_failed, message, error, tally)
                        continue
                    unnoted = accept(message, reply)
                    accepted.append(unnoted)
                # The chunk's last acceptance is written as the chunk is recorded sent.
                books.defer(record_accepted, accepted, tally)
            books.drain()
            if not batch:
                if until_empty and not (wait_for_retries and books.call(_retries_pending)):
                    return tally
                time.sleep(poll_seconds if not until_empty else min(poll_seconds, 1.0))
    finally:
        sys.setswitchinterval(switch_interval)
        channel.close()
        books.close()


def _retries_pending() -> bool:
    """With --until-empty, a message waiting to be retried soon keeps the worker going."""
    soon = timezone.now() + datetime.timedelta(minutes=5)
    return OutboxMessage.objects.filter(state=OutboxState.QUEUED, next_attempt_at__lte=soon).exists()


def dry_run() -> list[str]:
    return [
        f"would send {m.kind} {m.message_id} to {m.envelope_to}: {m.subject!r}" for m in due_messages(timezone.now())
    ]
