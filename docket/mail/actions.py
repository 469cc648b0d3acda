"""The named state changes of mail: where an inbound message stands (being read, filed, held, a bounce).

Intake decides what each message is a chunk at a time and writes the chunk in one
transaction; the decisions are made here, on the message in hand, so that the rules for a
message's status live in one place and nothing else writes it. The outbox's own moves
(queued → sending → sent, uncertain, failed, cancelled) are here too: the outbox worker
(``docket.mail.outbox``) decides when, these write.
"""

from __future__ import annotations

import datetime
import logging
from enum import StrEnum
from typing import Any, cast

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from docket.campaigns import actions as ledger_actions
from docket.documents.models import Attachment
from docket.errors import DocketError
from docket.evidence.indexing import index_messages
from docket.mail import limits
from docket.mail.classification import CORRECTABLE, LABELS, Classification
from docket.mail.models import InboundMessage, OutboxMessage, OutboxState, ServerLimit, how_filed
from docket.requests import actions
from docket.requests.actions import Actor, ReplyKind, TransitionError, mark_sent
from docket.requests.events import EventKind, outbox_kind
from docket.requests.models import Event, InfoRequest
from docket.requests.refusals import body_name
from docket.requests.states import RequestState
from docket.requests.transitions import Machine, Move, StaleRow

Status = InboundMessage.Status
log = logging.getLogger(__name__)

# What reading a message sets on its row.
READ_FIELDS = [
    "message_id",
    "from_name",
    "from_address",
    "to_addresses",
    "subject",
    "sent_at",
    "in_reply_to",
    "body_text",
    "reply_text",
    "body_html",
    "classification",
    "classification_reason",
    "problems",
    "status",
    "request",
    "match_method",
    "holding_reason",
]


def record_readings(messages: list[InboundMessage]) -> None:
    """Write what reading decided for each message (its fields, status, request), in one UPDATE a batch."""
    written = InboundMessage.objects.bulk_update(messages, READ_FIELDS)
    if written != len(messages):
        raise StaleRow(f"{written} of {len(messages)} messages read were written: some are gone")


def reply_note(message: InboundMessage, method: str) -> str:
    """The timeline's line for a message filed: what it is, from whom (a file uploaded is from no one)."""
    what = LABELS[Classification(message.classification)].lower()
    if message.source == InboundMessage.Source.MANUAL and message.classification == Classification.NOT_A_REPLY:
        note = f"file uploaded, {message.classification_reason}"
    elif message.uploaded_by_hand:
        note = f"{what}, {message.from_name[0].lower()}{message.from_name[1:]}"  # "reply, uploaded by …"
    else:
        note = f"{what} from {message.from_address or 'unknown'}"
    return note + f": {message.subject!r} ({how_filed(method)})"


def reply_kind(message: InboundMessage) -> ReplyKind:
    """What the message is for its request (a bounce is never filed)."""
    return cast(ReplyKind, str(message.classification))


# The reason a person's correction gives: reading the message again keeps what the person said.
BY_A_PERSON = "set by "


def classify_as(message: InboundMessage, classification: Classification, reason: str) -> None:
    """What reading found the message to be (written with the rest of the reading), unless a person said."""
    if message.classification_reason.startswith(BY_A_PERSON) and not reason.startswith(BY_A_PERSON):
        return
    message.classification, message.classification_reason = classification, reason[:300]


def read_as_bounce(message: InboundMessage, request: InfoRequest | None) -> None:
    """A bounce of one of our messages: dealt with by the bounce handler, never filed as a reply."""
    message.status, message.request = Status.BOUNCE, request
    classify_as(message, Classification.BOUNCE, "a delivery report of one of our messages")


def read_as_held(message: InboundMessage, reason: str, *, unreadable: bool = False) -> None:
    """Held for a person to file, with why; a message that cannot be read carries the reason as its problem too."""
    message.status, message.holding_reason = Status.HOLDING, reason
    if unreadable:
        message.problems = reason


def read_as_filed(message: InboundMessage, request: InfoRequest, method: str) -> None:
    """Filed to ``request`` (matched by ``method``); the reply is recorded on it with the chunk."""
    message.status, message.holding_reason = Status.FILED, ""
    message.request, message.match_method = request, method


def hold_unread(message: InboundMessage, token: str, reason: str) -> bool:
    """Hold a message that could not be read, if the process ``token`` still holds its claim; whether it did."""
    held = InboundMessage.objects.filter(pk=message.pk, status=Status.STORED, claimed_by=token).update(
        status=Status.HOLDING, holding_reason=reason, problems=reason
    )
    read_as_held(message, reason, unreadable=True)
    return held == 1


def file_held(message: InboundMessage, request: InfoRequest, actor: Actor) -> InboundMessage:
    """Move a message from the holding pen to a request (a person's decision), recording the reply on it."""
    if message.status != Status.HOLDING:
        raise TransitionError(not_filed(message, actor))
    method = "by hand from the holding pen"
    with transaction.atomic():
        # Only if it is still held in the database: one set aside or filed by someone else meanwhile is refused.
        filed = InboundMessage.objects.filter(pk=message.pk, status=Status.HOLDING).update(
            status=Status.FILED, holding_reason="", request=request, match_method=method
        )
        if filed != 1:
            message.refresh_from_db()
            raise TransitionError(not_filed(message, actor))
        read_as_filed(message, request, method)
        index_messages([message])
        actions.record_replies([(request, reply_note(message, method), reply_kind(message))], actor)
    return message


# Set aside: held mail that is not a reply (spam, a newsletter, a message about something else) leaves the
# holding pen, kept with who set it aside, when and why; nothing is deleted, and it can be returned.
SET_ASIDE_REASON_LENGTH = 300


def set_aside(message: InboundMessage, actor: Actor, reason: str) -> InboundMessage:
    """A held message that is not a reply, out of the holding pen (kept, with who, when and why).

    Only from the holding pen, checked in the database's own row: one filed or set aside by someone
    else since the page was loaded is refused in words, not overwritten."""
    if message.status != Status.HOLDING:
        raise TransitionError(f"{where_now(message)}, so it cannot be set aside.")
    reason = " ".join(reason.split())[:SET_ASIDE_REASON_LENGTH]
    if not reason:
        raise DocketError("Say why the message is set aside.")
    now = timezone.now()
    changes = {"set_aside_by": actor.name, "set_aside_at": now, "set_aside_reason": reason}
    moved = InboundMessage.objects.filter(pk=message.pk, status=Status.HOLDING).update(
        status=Status.SET_ASIDE, **changes
    )
    if moved != 1:
        message.refresh_from_db()
        raise TransitionError(f"{where_now(message)}, so it cannot be set aside. Reload the page to see it now.")
    message.status, message.set_aside_by, message.set_aside_at = Status.SET_ASIDE, actor.name, now
    message.set_aside_reason = reason
    log.info("%s set aside %s: %s", actor.name, _described(message), reason)
    return message


def return_to_pen(message: InboundMessage, actor: Actor) -> InboundMessage:
    """A message set aside, back in the holding pen; why it was set aside is added to why it is held."""
    if message.status != Status.SET_ASIDE:
        raise TransitionError(f"{where_now(message)}, so it cannot be returned to the holding pen.")
    when = timezone.localtime(message.set_aside_at).strftime("%-d %B %Y %H:%M") if message.set_aside_at else "?"
    was = f"set aside by {message.set_aside_by} on {when} ({message.set_aside_reason}), returned by {actor.name}"
    reason = f"{message.holding_reason}; {was}" if message.holding_reason else was
    moved = InboundMessage.objects.filter(
        pk=message.pk, status=Status.SET_ASIDE, set_aside_at=message.set_aside_at
    ).update(status=Status.HOLDING, holding_reason=reason, set_aside_by="", set_aside_at=None, set_aside_reason="")
    if moved != 1:
        message.refresh_from_db()
        raise TransitionError(f"{where_now(message)}, so it cannot be returned to the holding pen. Reload the page.")
    message.status, message.holding_reason = Status.HOLDING, reason
    message.set_aside_by, message.set_aside_at, message.set_aside_reason = "", None, ""
    log.info("%s returned %s to the holding pen", actor.name, _described(message))
    return message


def where_now(message: InboundMessage) -> str:
    """Where a message is now, in words: 'The message "Offer" was filed to a request by someone'."""
    subject = message.subject[:80] or "(no subject)"
    where = {
        Status.HOLDING: "is in the holding pen",
        Status.SET_ASIDE: f"was set aside by {message.set_aside_by or 'someone'}",
        Status.FILED: "was filed to a request meanwhile",
        Status.STORED: "is still being read",
        Status.BOUNCE: "is a bounce",
    }.get(Status(message.status), f"is {message.get_status_display().lower()}")
    return f"The message “{subject}” {where}"


def not_filed(message: InboundMessage, actor: Actor) -> str:
    """Why ``message`` was not filed when ``actor`` filed it: it is no longer held (the page may already show it
    where it is now, so no "reload the page")."""
    if message.status == Status.SET_ASIDE:
        subject = message.subject[:80] or "(no subject)"
        by = "you" if message.set_aside_by == actor.name else message.set_aside_by or "someone else"
        return (
            f"“{subject}” was set aside (by {by}) before you filed it, so it was not filed. It is listed under "
            "“Set aside” below; return it to the holding pen to file it."
        )
    return f"{where_now(message)}, so it was not filed."


def _described(message: InboundMessage) -> str:
    return f"message {message.pk} from {message.from_address or 'unknown'}, {message.subject[:80]!r}"


def _filed(message: InboundMessage) -> InfoRequest:
    if message.status != Status.FILED or message.request is None:
        raise TransitionError(f"Message {message.pk} is not filed to a request ({message.get_status_display()}).")
    return message.request


def _publications(request: InfoRequest, message: InboundMessage) -> QuerySet[Any]:
    """The publication rows of the message and its documents (through the request: mail knows no publishing)."""
    return request.publications.filter(Q(message=message) | Q(attachment__message=message))


def _movable(request: InfoRequest, message: InboundMessage) -> None:
    """A message approved or published (or any of its documents) is not moved: it would be public under the
    wrong body. Made private first, it can be."""
    if _publications(request, message).exclude(state="private").exists():
        raise TransitionError(
            f"Message {message.pk}, or a document of it, is approved or published for request #{request.pk}: "
            "make it private first (under Publication), then move it."
        )


def reclassify(message: InboundMessage, classification: str, actor: Actor, note: str = "") -> InboundMessage:
    """A person says what a filed message is; its request's state is re-derived and logged."""
    if classification not in CORRECTABLE:
        raise DocketError(f"{classification[:40]!r} is not something a message can be marked as.")
    request = _filed(message)
    new = Classification(classification)
    before = LABELS[Classification(message.classification)]
    with transaction.atomic():
        classify_as(message, new, f"{BY_A_PERSON}{actor.name}" + (f": {note}" if note else ""))
        message.save(update_fields=["classification", "classification_reason"])
        why = f"{_described(message)}: {before.lower()} → {LABELS[new].lower()}" + (f" ({note})" if note else "")
        actions.rederive_state(request, EventKind.RECLASSIFY, actor, why)
    return message


def _unlink_items(message: InboundMessage) -> list[str]:
    """Its attachments no longer stand for the old request's items; an item received only
    through them is asked again (the ledger's ``evidence_withdrawn``). The keys of those items."""
    attachments = Attachment.objects.filter(message=message)
    withdrawn = ledger_actions.evidence_withdrawn(attachments.values_list("pk", flat=True))
    attachments.update(fulfils=None, suggested_item=None)
    return [item.item.key for item in withdrawn]


def move_message(message: InboundMessage, to: InfoRequest, actor: Actor, note: str = "") -> InboundMessage:
    """A message filed to the wrong request, moved to ``to``; both requests' states re-derived and logged."""
    old = _filed(message)
    if to.pk == old.pk:
        raise DocketError(f"Message {message.pk} is already filed to request #{to.pk}.")
    _movable(old, message)
    with transaction.atomic():
        _publications(old, message).update(request=to)  # private: their notes follow the message
        unlinked = _unlink_items(message)
        message.request, message.match_method = to, "moved by hand"
        message.save(update_fields=["request", "match_method"])
        index_messages([message])
        why = _described(message) + (f": {note}" if note else "")
        undone = f"; no longer received: {', '.join(unlinked)}" if unlinked else ""
        actions.rederive_state(old, EventKind.MESSAGE_MOVED_OUT, actor, f"{why} → request #{to.pk}{undone}")
        actions.rederive_state(to, EventKind.MESSAGE_MOVED_IN, actor, f"{why} ← request #{old.pk}")
    return message


def unfile_message(message: InboundMessage, actor: Actor, note: str = "") -> InboundMessage:
    """Back to the holding pen (the old request stays a candidate, so its team still sees it); re-derived."""
    old = _filed(message)
    _movable(old, message)
    with transaction.atomic():
        _publications(old, message).delete()  # private, of a request it no longer belongs to
        unlinked = _unlink_items(message)
        reason = f"returned to the holding pen by {actor.name} from request #{old.pk}" + (f": {note}" if note else "")
        message.status, message.request, message.holding_reason = Status.HOLDING, None, reason
        message.match_method = ""
        message.save(update_fields=["status", "request", "holding_reason", "match_method"])
        index_messages([message])
        message.candidates.add(old)
        undone = f"; no longer received: {', '.join(unlinked)}" if unlinked else ""
        actions.rederive_state(old, EventKind.MESSAGE_UNFILED, actor, _described(message) + undone)
    return message


# The outbox: queued → sending (claimed by a worker) → sent, or back to queued, failed, uncertain;
# a letter whose request moved on before it went is cancelled. The worker (docket.mail.outbox)
# decides when; these write, each through the outbox's machine.


class Step(StrEnum):
    """The outbox's moves; ``OUTBOX_MOVES`` says from which states each may start."""

    CLAIM = "claim"  # queued → sending: a worker takes it
    REACH_DATA = "reach_data"  # (sending) only its data is left to send: from now on it may go
    NOTE_ACCEPTED = "note_accepted"  # (sending) the server took it: its words and the time written down
    RECORD_SENT = "record_sent"  # sending → sent
    RETRY = "retry"  # sending → queued, to be tried again later (the server said "not now")
    GIVE_UP = "give_up"  # sending → failed: too many tries, or a chaser refused for good
    REFUSED = "refused"  # sending → failed: a letter refused for good (its request becomes undeliverable)
    MARK_UNCERTAIN = "mark_uncertain"  # sending → uncertain: the server may have it
    REQUEUE = "requeue"  # sending → queued: its sender stopped before the data, so it did not go
    CANCEL = "cancel"  # queued → cancelled: its request moved on before it went
    CONFIRM = "confirm"  # uncertain → sent: a person checked it arrived
    RESEND = "resend"  # uncertain or failed → queued: a person decided it should go


OUTBOX_MOVES: dict[str, frozenset[str]] = {
    Step.CLAIM: frozenset({OutboxState.QUEUED}),
    Step.REACH_DATA: frozenset({OutboxState.SENDING}),
    Step.NOTE_ACCEPTED: frozenset({OutboxState.SENDING}),
    Step.RECORD_SENT: frozenset({OutboxState.SENDING}),
    Step.RETRY: frozenset({OutboxState.SENDING}),
    Step.GIVE_UP: frozenset({OutboxState.SENDING}),
    Step.REFUSED: frozenset({OutboxState.SENDING}),
    Step.MARK_UNCERTAIN: frozenset({OutboxState.SENDING}),
    Step.REQUEUE: frozenset({OutboxState.SENDING}),
    Step.CANCEL: frozenset({OutboxState.QUEUED}),
    Step.CONFIRM: frozenset({OutboxState.UNCERTAIN}),
    Step.RESEND: frozenset({OutboxState.UNCERTAIN, OutboxState.FAILED}),
}

# The moves a request's timeline shows, as what happened to a letter or a chaser (``outbox_kind``). A
# letter's going (sent, confirmed) and its refusal for good are logged by its request's own move instead.
_LOGGED = {Step.GIVE_UP: "failed", Step.MARK_UNCERTAIN: "uncertain", Step.RESEND: "resend"}
_LOGGED_FOR_CHASERS = {Step.RECORD_SENT: EventKind.CHASER_SENT, Step.CONFIRM: EventKind.CHASER_CONFIRMED}


def _outbox_event(message: OutboxMessage, step: str, before: str, after: str, note: str, actor: Actor) -> Event | None:
    if step in _LOGGED:
        kind = outbox_kind(message.kind, _LOGGED[Step(step)])
    elif message.kind == OutboxMessage.Kind.CHASER and step in _LOGGED_FOR_CHASERS:
        kind = _LOGGED_FOR_CHASERS[Step(step)]
    else:
        return None
    request = message.request
    return actions.event_row(request, actor, kind, request.state, request.state, note)


# What each step would have done, after "so it cannot be".
_STEP_WORDS = {
    Step.CLAIM: "taken by a worker to send",
    Step.REACH_DATA: "recorded as being sent",
    Step.NOTE_ACCEPTED: "recorded as accepted by the mail server",
    Step.RECORD_SENT: "recorded as sent",
    Step.RETRY: "queued to be tried again",
    Step.GIVE_UP: "given up on",
    Step.REFUSED: "recorded as refused by the mail server",
    Step.MARK_UNCERTAIN: "marked as perhaps not gone",
    Step.REQUEUE: "queued again",
    Step.CANCEL: "cancelled",
    Step.CONFIRM: "confirmed as sent",
    Step.RESEND: "sent again",
}
_OUTBOX_STATES = {
    OutboxState.QUEUED: "is waiting in the outbox",
    OutboxState.SENDING: "is being sent now",
    OutboxState.SENT: "has been sent",
    OutboxState.FAILED: "could not be sent",
    OutboxState.UNCERTAIN: "may not have gone",
    OutboxState.CANCELLED: "was cancelled",
}


def _outbox_refusal(message: OutboxMessage, step: str) -> TransitionError:
    what = message.get_kind_display().lower()
    state = _OUTBOX_STATES.get(OutboxState(message.state), f"is {message.get_state_display().lower()}")
    done = _STEP_WORDS.get(Step(step), step.replace("_", " ")) if step in Step else step.replace("_", " ")
    return TransitionError(
        f"The {what} to {body_name(message.request)} {state}, so it cannot be {done}. "
        "Reload the outbox to see where it is now."
    )


OUTBOX = Machine(
    OutboxMessage, OUTBOX_MOVES, _outbox_event, _outbox_refusal, unlogged={Step.REACH_DATA, Step.NOTE_ACCEPTED}
)
WORKER = Actor("Docket (sending)")  # as the event log names who sent a letter


def _mine(message: OutboxMessage, **also: object) -> dict[str, object]:
    """What a worker's move expects: the message still claimed by the worker that claimed it."""
    return {"claimed_by": message.claimed_by, **also}


def claim(
    due: QuerySet[OutboxMessage], token: str, server: str, now: datetime.datetime, size: int
) -> list[OutboxMessage]:
    """Claim for the worker ``token`` up to ``size`` of the messages ``due`` (queued, their time come), as many as
    ``server``'s limits allow now. A message another worker is claiming is skipped, not waited for."""
    with transaction.atomic():
        size = min(size, limits.room(server, now))
        if size <= 0:
            return []
        rows = list(due.select_for_update(skip_locked=True, of=("self",))[:size])
        moves = [
            Move(
                message,
                Step.CLAIM,
                OutboxState.SENDING,
                changes={
                    "claimed_by": token,
                    "claimed_at": now,
                    "server": server,
                    "reached_data": False,
                    "attempts": message.attempts + 1,  # read under the lock just taken
                },
            )
            for message in rows
        ]
        return [move.row for move in OUTBOX.apply(moves, WORKER, skip_locked=True).moved]


def reach_data(message: OutboxMessage, accepted: OutboxMessage | None = None) -> bool:
    """Only the data is left to send: from now on a failure may have delivered the message. Whether the worker
    still holds its claim (if not, the data must not go: another worker has it, or it was settled).

    ``accepted``, the message sent just before, has its acceptance (``sent_at``, ``smtp_response``) written first,
    ahead of ``record_sent``: a worker that dies after that leaves it to be recorded as sent (and one that dies
    between the two writes leaves this message with its data not reached: it certainly did not go).
    A message written down as accepted is never taken for one whose data is only reached."""
    moves = [Move(message, Step.REACH_DATA, changes={"reached_data": True}, expect=_mine(message, sent_at=None))]
    if accepted is not None:
        moves.insert(0, _noted(accepted))
    done = OUTBOX.apply(moves, WORKER)
    return any(move.row is message for move in done.moved)


def record_sent(messages: list[OutboxMessage], unnoted: OutboxMessage | None = None) -> int:
    """Messages the server accepted (their acceptance written down, still "sending", claimed as they were read):
    sent, and their requests with them, in one transaction. ``unnoted``, one of them whose acceptance is only in
    memory, has it written first. Those settled meanwhile are left; how many were recorded."""
    moves = [_noted(unnoted)] if unnoted is not None else []
    for message in messages:
        assert message.sent_at is not None, "only a message the server accepted is recorded as sent"
        note = f"accepted by the mail server: {message.smtp_response}"
        moves.append(Move(message, Step.RECORD_SENT, OutboxState.SENT, note, expect=_mine(message, reached_data=True)))
    with transaction.atomic():
        done = OUTBOX.apply(moves, WORKER)
        recorded = [move.row for move in done.moved if move.action == Step.RECORD_SENT]
        letters = [
            (letter.request, letter.sent_at, f"accepted by the mail server: {letter.smtp_response}")
            for letter in recorded
            if letter.kind == OutboxMessage.Kind.LETTER and letter.sent_at is not None
        ]
        actions.mark_sent_many(letters, WORKER)
    return len(recorded)


def _noted(accepted: OutboxMessage) -> Move[OutboxMessage]:
    """Write down that the server took ``accepted`` (its words and when), while it is still this worker's."""
    acceptance = {"sent_at": accepted.sent_at, "smtp_response": accepted.smtp_response}
    return Move(accepted, Step.NOTE_ACCEPTED, changes=acceptance, expect=_mine(accepted, reached_data=True))


def retry_later(message: OutboxMessage, words: str, at: datetime.datetime) -> bool:
    """The server said "not now": queued again, to be tried from ``at``."""
    changes = {"smtp_response": words, "next_attempt_at": at}
    return _settle(Move(message, Step.RETRY, OutboxState.QUEUED, changes=changes, expect=_mine(message)))


def give_up(message: OutboxMessage, words: str, note: str) -> bool:
    """Failed for good (too many tries, or a chaser refused); its request's timeline says so."""
    changes = {"smtp_response": words}
    return _settle(Move(message, Step.GIVE_UP, OutboxState.FAILED, note, changes, expect=_mine(message)))


def refused(message: OutboxMessage, words: str) -> bool:
    """The server refused a letter for good: failed, and its request undeliverable with the server's words."""
    with transaction.atomic():
        move = Move(message, Step.REFUSED, OutboxState.FAILED, changes={"smtp_response": words}, expect=_mine(message))
        if not _settle(move):
            return False
        actions.mark_undeliverable(message.request, WORKER, f"the mail server refused the letter: {words}")
    return True


def mark_uncertain(message: OutboxMessage, words: str, note: str) -> bool:
    """The server may have it (the connection broke during the data, or its sender stopped then): a person decides."""
    expect = _mine(message, reached_data=True, sent_at=None)
    changes = {"smtp_response": words}
    return _settle(Move(message, Step.MARK_UNCERTAIN, OutboxState.UNCERTAIN, note, changes, expect))


def requeue(message: OutboxMessage) -> bool:
    """Its sender stopped before the data: it did not go, and goes back in the queue."""
    expect = _mine(message, reached_data=False, sent_at=None)
    return _settle(Move(message, Step.REQUEUE, OutboxState.QUEUED, expect=expect))


def _settle(move: Move[OutboxMessage]) -> bool:
    """One worker's move of one message; False if it no longer may (settled by another, or claimed again)."""
    return bool(OUTBOX.apply([move], WORKER).moved)


def cancel_withdrawn() -> int:
    """Letters whose request was withdrawn (or otherwise moved on) before they went are not sent."""
    stale = OutboxMessage.objects.filter(state=OutboxState.QUEUED, kind=OutboxMessage.Kind.LETTER).exclude(
        request__state=RequestState.QUEUED
    )
    return len(OUTBOX.apply([Move(message, Step.CANCEL, OutboxState.CANCELLED) for message in stale], WORKER).moved)


def confirm_delivered(message: OutboxMessage, actor: Actor, note: str = "") -> OutboxMessage:
    """A person checked that an uncertain message did arrive (e.g. the body confirmed it)."""
    with transaction.atomic():
        sent_at = message.claimed_at or timezone.now()
        OUTBOX.move(Move(message, Step.CONFIRM, OutboxState.SENT, note, {"sent_at": sent_at}), actor)
        if message.kind == OutboxMessage.Kind.LETTER:
            mark_sent(message.request, actor, sent_at, f"confirmed by a person: {note}".strip(": "))
    return message


def resend(message: OutboxMessage, actor: Actor, note: str = "") -> OutboxMessage:
    """A person decided an uncertain or failed message should go (again)."""
    changes = {"attempts": 0, "next_attempt_at": None, "claimed_by": ""}
    return OUTBOX.move(Move(message, Step.RESEND, OutboxState.QUEUED, note, changes), actor)


# A mail provider's limits (mail.limits honours them).

# The most a limit may be: above it, the workers count it as no limit (``limits.NO_LIMIT``).
LARGEST_LIMIT = limits.NO_LIMIT


class LimitRefused(DocketError):
    """A mail server's limit that cannot be set as asked."""


def set_server_limits(server: str, per_minute: int | None, per_day: int | None, actor: Actor) -> list[str]:
    """Set what ``server`` accepts (messages a minute, recipients a day; None: no limit); the names changed.

    Every worker reads the new limits at its next claim. The office's settings (the office profile, the
    users) are not campaigns' events, so the change is written to the log (who, from what to what).
    """
    for words, value in (("Messages a minute", per_minute), ("Recipients a day", per_day)):
        if value is not None and not 1 <= value <= LARGEST_LIMIT:
            raise LimitRefused(f"{words} must be a whole number from 1 to {LARGEST_LIMIT:,}, or empty for no limit.")
    values = {"messages_per_minute": per_minute, "recipients_per_day": per_day}
    with transaction.atomic():
        limit, made = ServerLimit.objects.select_for_update().get_or_create(server=server, defaults=values)
        before = {name: "none saved" if made else getattr(limit, name) for name in values}
        changed = [name for name, value in values.items() if before[name] != value]
        if not made and changed:
            for name in changed:
                setattr(limit, name, values[name])
            limit.save(update_fields=changed)
    if changed:
        words = "; ".join(
            f"{name.replace('_', ' ')}: {_limit_shown(before[name])} → {_limit_shown(values[name])}" for name in changed
        )
        log.info("%s changed the limits of %s: %s", actor.name, server, words)
    return changed


def _limit_shown(value: object) -> str:
    return "no limit" if value is None else str(value)
