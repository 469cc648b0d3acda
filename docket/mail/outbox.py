"""The outbox worker: sends each stored message exactly once, as far as SMTP allows.

For each message: claim it (queued → sending, committed, a few at a time; several workers share the
queue, each skipping what another is claiming), note when only the data is left to send (committed,
before the data goes, and only if the claim is still this worker's), hand it to the server, note the
server's acceptance (written down just before the next message's "only the data is left"), then record
the few as sent (→ sent, and the requests → sent, in one transaction). If the worker dies, another
finds the message still "sending", claimed by a process that no longer runs (on this machine) or
whose lease has run out: if its acceptance was noted it is recorded as sent; if the data had not been
reached it certainly did not go and is queued again; otherwise it is marked *uncertain* and waits for
a person to confirm it went or to send it again. Nothing is ever resent by itself once the server may
have it. Every step is a move of the outbox's machine (``docket.mail.actions``), conditional on the
message being where this worker left it.
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from docket import words
from docket.mail import actions as mail_actions
from docket.mail import limits
from docket.mail.channels import UNREACHABLE, Channel, DeliveryError
from docket.mail.models import OutboxBody, OutboxMessage, OutboxState
from docket.requests.states import WAITING_STATES, RequestState

log = logging.getLogger(__name__)
CLAIM_BATCH = 20
# One turn of sending (a round of ``docket worker``, or the task an "approve and send" job asks for) sends for
# at most this long, then gives the other work (a ZIP file, an import, a report) its turn: at a provider's 30
# messages a minute, a campaign would otherwise hold them for hours. What is left is sent by the next turns.
SEND_FOR_AT_MOST = 30.0
# How often a worker with nothing to claim looks again while another worker is still sending: about the time a
# batch takes (CLAIM_BATCH letters to a nearby server), so that the last of a queue does not wait a whole second.
OTHERS_SENDING_POLL = 0.1


def worker_token() -> str:
    """Names this worker: its machine and process (so that a worker on the same machine can tell whether it
    still runs), and a random part (two workers in one process, or a process id used again, differ)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: nothing is sent, the process is only looked for
    except ProcessLookupError:
        return False
    except PermissionError:  # it runs, as another user
        return True
    return True


def claimant_is_gone(token: str, claimed_at: datetime.datetime | None, now: datetime.datetime) -> bool:
    """Whether the worker that claimed something has stopped: its lease has run out, or it ran on this
    machine and its process is gone."""
    lease = datetime.timedelta(seconds=settings.DOCKET_SEND_LEASE_SECONDS)
    if claimed_at is None or now - claimed_at > lease:
        return True
    host, _, rest = token.partition(":")
    pid = rest.partition(":")[0]
    return host == socket.gethostname() and pid.isdigit() and not _running(int(pid))


class Recovered(NamedTuple):
    requeued: int
    uncertain: int
    recorded: int


UNCERTAIN_NOTE = (
    "The sender stopped while the mail server was taking the message: it may or may not have gone. "
    "Confirm it went, or send it again."
)


def recover_interrupted(now: datetime.datetime | None = None) -> Recovered:
    """Settle messages left "sending" by a worker that stopped.

    Accepted by the server (noted) → recorded as sent; data not reached → queued again; data reached
    and no acceptance noted → uncertain. Each move expects the message as it was read here, so a
    worker that was not gone after all, and moved it meanwhile, wins.
    """
    now = now or timezone.now()
    requeued = uncertain = 0
    accepted = []
    for message in OutboxMessage.objects.filter(state=OutboxState.SENDING).select_related("request__campaign"):
        if not claimant_is_gone(message.claimed_by, message.claimed_at, now):
            continue
        if message.sent_at is not None:
            accepted.append(message)
        elif message.reached_data:
            words = "the sender stopped while the server was taking it"
            uncertain += mail_actions.mark_uncertain(message, words, UNCERTAIN_NOTE)
        else:
            requeued += mail_actions.requeue(message)
    return Recovered(requeued, uncertain, mail_actions.record_sent(accepted) if accepted else 0)


def due(now: datetime.datetime) -> QuerySet[OutboxMessage]:
    """Queued messages whose time has come: letters of requests still queued, chasers of requests still waiting."""
    ready = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    letters = Q(kind=OutboxMessage.Kind.LETTER, request__state=RequestState.QUEUED)
    chasers = Q(kind=OutboxMessage.Kind.CHASER, request__state__in=WAITING_STATES)
    return (
        OutboxMessage.objects.filter(ready, letters | chasers, state=OutboxState.QUEUED)
        .select_related("request__campaign")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class Waiting:
    """The letters and chasers waiting to go, and whether the mail server could be reached for them."""

    queued: int
    unreachable: int  # of them, those whose last attempt could not reach the mail server
    next_try: datetime.datetime | None  # the earliest time one of those is tried again
    chasers: int = 0  # of the queued, the chasers (the others are letters)

    @property
    def words(self) -> str:
        """'3 letters and 2 chasers', '1 chaser': what waits, each kind named as the pages name it."""
        return words.counts((self.queued - self.chasers, "letter"), (self.chasers, "chaser"))

    @property
    def the_words(self) -> str:
        """'the letter', 'the chaser', 'the 3 letters and 2 chasers': what waits, after "so … waiting cannot go"."""
        if self.queued == 1:
            return "the chaser" if self.chasers else "the letter"
        return f"the {self.words}"

    @property
    def kinds(self) -> str:
        """'letters', 'chasers' or 'letters and chasers': the kinds that wait, before "are waiting"."""
        letters = self.queued > self.chasers
        return " and ".join(kind for kind, waits in (("letters", letters), ("chasers", self.chasers > 0)) if waits)

    @property
    def server_down(self) -> bool:
        return self.unreachable > 0


def waiting(messages: QuerySet[OutboxMessage], *, taken_too: bool = False) -> Waiting:
    """What of ``messages`` waits to go (queued), and how many of those could not reach the mail server.

    With ``taken_too``, those a worker took to send also wait (when no worker is running, the one that
    took them stopped: they stay "sending" until a worker runs again and settles them).
    """
    queued = messages.filter(state__in=[OutboxState.QUEUED, OutboxState.SENDING] if taken_too else [OutboxState.QUEUED])
    down = queued.filter(state=OutboxState.QUEUED, smtp_response__startswith=UNREACHABLE)
    if reached_since(down):
        down = down.none()  # the server took a message after those tries failed: they wait for their turn, not for it
    return Waiting(
        queued.count(),
        down.count(),
        down.order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first(),
        queued.filter(kind=OutboxMessage.Kind.CHASER).count(),
    )


def reached_since(unreachable: QuerySet[OutboxMessage]) -> bool:
    """Whether the mail server took a message after the last of these tries that could not reach it."""
    last_try = unreachable.aggregate(last=Max("claimed_at"))["last"]
    if last_try is None:
        return False
    return OutboxMessage.objects.filter(sent_at__gt=last_try).exists()


def due_messages(now: datetime.datetime) -> list[OutboxMessage]:
    return list(due(now)[:100])


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
    lost: int = 0  # claims another worker took over before the data went (nothing sent)
    cut_short: bool = False  # stopped at its time limit (``for_at_most``) after sending: more may be due

    def __str__(self) -> str:
        return (
            f"{self.sent} sent, {self.retried} to retry, {self.failed} failed, {self.uncertain} uncertain, "
            f"{self.cancelled} cancelled"
        )


class ClaimLost(Exception):
    """The message is no longer this worker's to send (another took it over): its data must not go."""


def accept(message: OutboxMessage, reply: str, now: datetime.datetime) -> OutboxMessage:
    """Note on the message, in memory, that the server took it with ``reply``."""
    message.sent_at = now
    message.smtp_response = reply
    return message


def _failed(message: OutboxMessage, error: DeliveryError, now: datetime.datetime, tally: Tally) -> None:
    words = str(error)
    if error.uncertain:
        tally.uncertain += mail_actions.mark_uncertain(message, words, words)
    elif error.permanent and message.kind == OutboxMessage.Kind.LETTER:
        tally.failed += mail_actions.refused(message, words)
    elif error.permanent or message.attempts >= settings.DOCKET_SEND_MAX_ATTEMPTS:
        tally.failed += mail_actions.give_up(message, words, f"after {message.attempts} attempts: {words}")
    else:
        tally.retried += mail_actions.retry_later(message, words, now + backoff(message.attempts))


@dataclass
class Sender:
    """One worker: claims what is due and sends it through ``channel``, one message after another.

    ``clock`` gives the time written on claims and acceptances (a test passes a fake one); ``rate``
    spaces this worker's messages (messages a minute, 0: no spacing); the server's limits in the
    database bound all workers together.
    """

    channel: Channel
    rate: int = 0
    clock: Callable[[], datetime.datetime] = timezone.now
    token: str = field(default_factory=worker_token)
    tally: Tally = field(default_factory=Tally)
    last_send: float = 0.0

    @property
    def server(self) -> str:
        return self.channel.server

    def send_due(self) -> int:
        """Settle what stopped workers left, then claim a few due messages and send them; how many were claimed."""
        now = self.clock()
        self.tally.requeued += recover_interrupted(now).requeued
        self.tally.cancelled += mail_actions.cancel_withdrawn()
        size = 1 if self.rate else CLAIM_BATCH  # one at a time when each must wait its turn anyway
        claimed = mail_actions.claim(due(now), self.token, self.server, now, size)
        if claimed:
            bodies = OutboxBody.objects.filter(message_id__in=[m.pk for m in claimed])
            bodies = bodies.select_related("message", "letter")
            self._send(claimed, {body.pk: body for body in bodies})
        return len(claimed)

    def _send(self, claimed: list[OutboxMessage], bodies: dict[int, OutboxBody]) -> None:
        accepted: list[OutboxMessage] = []
        unnoted: list[OutboxMessage] = []  # the acceptance not yet written down (at most one)
        for message in claimed:
            self._wait_turn()

            def data_may_go(message: OutboxMessage = message) -> None:
                previous = unnoted.pop() if unnoted else None
                if not mail_actions.reach_data(message, previous):
                    raise ClaimLost(message.message_id)

            try:
                reply = self.channel.deliver(
                    message.envelope_from, message.envelope_to, bodies[message.pk].as_bytes(), data_may_go
                )
            except ClaimLost:
                self.tally.lost += 1
                log.warning("outbox: %s was taken over by another worker before its data went", message.message_id)
                continue
            except DeliveryError as error:
                _failed(message, error, self.clock(), self.tally)
                continue
            unnoted.append(accept(message, reply, self.clock()))
            accepted.append(message)
        # The last acceptance is written down as the few are recorded sent.
        self.tally.sent += mail_actions.record_sent(accepted, unnoted[0] if unnoted else None) if accepted else 0

    def _wait_turn(self) -> None:
        if self.rate:
            wait = self.last_send + 60.0 / self.rate - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        self.last_send = time.monotonic()

    def waiting_for(self, wait_for_retries: bool) -> float | None:
        """Nothing was claimed: seconds until something may be (a retry soon, a place under the server's limits,
        a stopped worker's claim to settle), or None if nothing is left for this worker to wait for."""
        now = self.clock()
        if not wait_for_retries:
            return None
        soon = now + datetime.timedelta(minutes=5)
        queued = OutboxMessage.objects.filter(state=OutboxState.QUEUED)
        if due(now).exists():  # due, but over the server's limits
            free = limits.next_room_at(self.server, now)
            return max((free - now).total_seconds(), 0.05) if free else 0.05
        if queued.filter(next_attempt_at__lte=soon).exists():
            return 1.0
        if OutboxMessage.objects.filter(state=OutboxState.SENDING).exclude(claimed_by=self.token).exists():
            return OTHERS_SENDING_POLL  # another worker's: it settles them, or it stopped and they are settled here
        return None


def run(
    channel: Channel,
    *,
    until_empty: bool = False,
    rate: int | None = None,
    poll_seconds: float = 5.0,
    wait_for_retries: bool = True,
    for_at_most: float | None = None,
) -> Tally:
    """Send what is due, then wait for more (or stop once nothing is due, with ``until_empty``).

    With ``until_empty``, a message to be retried within minutes, one over the server's limits, and
    one another worker is sending are waited for, unless ``wait_for_retries`` is off (a web request
    or a round of ``docket worker`` must not wait out a mail server's outage). ``for_at_most``
    seconds: stop after the few messages being sent then, and say so in the tally (a round of
    ``docket worker`` gives the other work its turn: a throttled campaign takes hours).
    """
    sender = Sender(channel, settings.DOCKET_SEND_RATE if rate is None else rate)
    deadline = None if for_at_most is None else time.monotonic() + for_at_most
    try:
        while True:
            if sender.send_due():
                if deadline is not None and time.monotonic() >= deadline:
                    sender.tally.cut_short = True
                    return sender.tally
                continue
            wait = sender.waiting_for(wait_for_retries)
            if until_empty and wait is None:
                return sender.tally
            time.sleep(min(wait or poll_seconds, poll_seconds))
    finally:
        channel.close()


def dry_run() -> list[str]:
    return [
        f"would send {m.kind} {m.message_id} to {m.envelope_to}: {m.subject!r}" for m in due_messages(timezone.now())
    ]
