"""Every change to a request, as a named action that writes its event in the same transaction.

Views, commands and workers call these and nothing else changes a request's
state. A transition the state diagram (``states.py``) does not allow raises
``TransitionError`` and changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.utils import timezone

from docket.campaigns.models import SETTLED, Recipient, RecipientItem
from docket.errors import DocketError
from docket.requests import deadlines
from docket.requests.events import EventKind
from docket.requests.models import Event, FrozenLetter, InfoRequest
from docket.requests.refusals import refusal_message
from docket.requests.states import ALLOWED_FROM, RequestState
from docket.requests.transitions import SYSTEM, Actor, Applied, Machine, Move

__all__ = ["SYSTEM", "Actor", "TransitionError"]


class TransitionError(DocketError):
    """The action is not allowed in the request's current state."""


def event_row(request: InfoRequest, actor: Actor, kind: str, before: str, after: str, note: str) -> Event:
    """An event on ``request``'s timeline (not yet saved: the transition machines write them)."""
    return Event(
        campaign_id=request.campaign_id,
        request=request,
        actor=actor.user if actor.user is not None and actor.user.pk else None,
        actor_name=actor.name,
        kind=kind,
        from_state=before,
        to_state=after,
        note=note,
    )


def _request_event(request: InfoRequest, kind: str, before: str, after: str, note: str, actor: Actor) -> Event:
    return event_row(request, actor, kind, before, after, note)


def _refusal(request: InfoRequest, kind: str) -> TransitionError:
    return TransitionError(refusal_message(request, kind))


# A request's moves: which named action may start from which state (states.py), each logged as itself.
REQUESTS = Machine(InfoRequest, ALLOWED_FROM, _request_event, _refusal)


def today() -> datetime.date:
    return timezone.localdate()


def request_for(recipient: Recipient, actor: Actor = SYSTEM) -> InfoRequest:
    """The recipient's request, created as a draft the first time it is needed."""
    with transaction.atomic():
        request, created = InfoRequest.objects.get_or_create(
            recipient=recipient, defaults={"campaign_id": recipient.campaign_id}
        )
        if created:
            REQUESTS.move(Move(request, EventKind.CREATE), actor)
    return request


def requests_for(recipients: Sequence[Recipient], actor: Actor = SYSTEM) -> list[InfoRequest]:
    """``request_for`` of each recipient, in their order: those missing created as drafts in one insert,
    with their events. If another process created one meanwhile, each is taken one at a time instead."""
    with transaction.atomic():
        found = {r.recipient_id: r for r in InfoRequest.objects.filter(recipient__in=[r.pk for r in recipients])}
        missing = [InfoRequest(recipient=r, campaign_id=r.campaign_id) for r in recipients if r.pk not in found]
        try:
            with transaction.atomic():
                created = InfoRequest.objects.bulk_create(missing)
                REQUESTS.apply([Move(request, EventKind.CREATE) for request in created], actor)
        except IntegrityError:
            return [request_for(recipient, actor) for recipient in recipients]
    found.update((request.recipient_id, request) for request in created)
    return [found[recipient.pk] for recipient in recipients]


def transition(
    request: InfoRequest, action: EventKind, actor: Actor, to: str | None = None, note: str = "", **changes: Any
) -> InfoRequest:
    """Check the action is allowed now, apply it and log it, atomically; returns ``request``, updated.

    ``to`` is the new state (None keeps the current one); ``changes`` are other fields to set.
    A move the request's current state (read under lock, not the copy in hand) does not allow
    raises ``TransitionError`` and changes nothing.
    """
    return REQUESTS.move(Move(request, action, to, note, changes), actor)


def record_event(request: InfoRequest, kind: EventKind, actor: Actor, note: str = "") -> InfoRequest:
    """An event that changes no state (a chaser went, a send was interrupted)."""
    return REQUESTS.move(Move(request, kind, note=note), actor)


def approve(request: InfoRequest, actor: Actor, note: str = "") -> InfoRequest:
    return transition(request, EventKind.APPROVE, actor, RequestState.APPROVED, note)


def approve_many(requests: Sequence[InfoRequest], actor: Actor) -> list[tuple[InfoRequest, TransitionError]]:
    """``approve`` for several requests in one transaction; returns those refused, each with why."""
    return _refused(REQUESTS.apply([Move(r, EventKind.APPROVE, RequestState.APPROVED) for r in requests], actor))


def mark_queued_many(
    requests: Sequence[InfoRequest], actor: Actor, note: str = ""
) -> list[tuple[InfoRequest, TransitionError]]:
    """The requests' letters are in the outbox (the outbox calls this in its own transaction); returns
    those refused (no longer approved), each with why."""
    return _refused(REQUESTS.apply([Move(r, EventKind.QUEUE, RequestState.QUEUED, note) for r in requests], actor))


def _refused(applied: Applied[InfoRequest]) -> list[tuple[InfoRequest, TransitionError]]:
    return [(move.row, _refusal(move.row, move.action)) for move in applied.refused]


def return_to_draft(request: InfoRequest, actor: Actor, note: str = "") -> InfoRequest:
    return transition(request, EventKind.RETURN_TO_DRAFT, actor, RequestState.DRAFT, note)


def _due_after_sending(
    request: InfoRequest, sent_at: datetime.datetime, printed: datetime.date | None = None
) -> datetime.date:
    """The reply-by date the letter printed (``printed``, kept when it was frozen), else the campaign's
    working days from the day it went: a letter sent a day late still promises what it says."""
    if printed is not None:
        return printed
    return deadlines.add_working_days(timezone.localdate(sent_at), request.campaign.response_working_days)


def _printed_due_dates(requests: Sequence[InfoRequest]) -> dict[int, datetime.date]:
    """The reply-by date each request's frozen letter printed, by request id (those that printed one)."""
    rows = FrozenLetter.objects.filter(request__in=[r.pk for r in requests], due_date__isnull=False)
    return {request_id: due for request_id, due in rows.values_list("request_id", "due_date") if due is not None}


def mark_sent(request: InfoRequest, actor: Actor, sent_at: datetime.datetime, note: str = "") -> InfoRequest:
    """The outbox handed the letter to the mail server: the reply clock starts (at the date the letter
    printed, if it printed one)."""
    due = _due_after_sending(request, sent_at, _printed_due_dates([request]).get(request.pk))
    return transition(request, EventKind.MARK_SENT, actor, RequestState.SENT, note, sent_at=sent_at, due_date=due)


def mark_sent_many(letters: Sequence[tuple[InfoRequest, datetime.datetime, str]], actor: Actor) -> None:
    """``mark_sent`` for several letters (request, sent at, note) at once, in one transaction.

    The outbox records what the server took a batch at a time. A request that may no longer
    move to sent (withdrawn while its letter went) keeps its state, and its timeline says the
    letter went all the same (``LETTER_SENT``).
    """
    printed = _printed_due_dates([request for request, _, _ in letters])
    moves = [
        Move(
            request,
            EventKind.MARK_SENT,
            RequestState.SENT,
            note,
            {"sent_at": sent_at, "due_date": _due_after_sending(request, sent_at, printed.get(request.pk))},
            otherwise=EventKind.LETTER_SENT,
        )
        for request, sent_at, note in letters
    ]
    REQUESTS.apply(moves, actor)


def mark_undeliverable(request: InfoRequest, actor: Actor, diagnostic: str) -> InfoRequest:
    return transition(request, EventKind.MARK_UNDELIVERABLE, actor, RequestState.UNDELIVERABLE, diagnostic)


def send_again(request: InfoRequest, actor: Actor, note: str) -> InfoRequest:
    """The frozen letter of an undeliverable request is in the outbox again, to a corrected address (the
    outbox calls this in the transaction that stores the new message): queued, for the outbox to send."""
    return transition(request, EventKind.SEND_AGAIN, actor, RequestState.QUEUED, note)


def record_acknowledgement(request: InfoRequest, actor: Actor, note: str = "") -> InfoRequest:
    return transition(request, EventKind.RECORD_ACKNOWLEDGEMENT, actor, RequestState.ACKNOWLEDGED, note)


def _ledger(recipient_id: int) -> list[str]:
    """The ledger's status of each item the recipient's letter asked for."""
    return list(
        RecipientItem.objects.filter(recipient_id=recipient_id, state=RecipientItem.State.ASK)
        .values_list("status", flat=True)
        .order_by()  # in any order: the model's ordering would join the recipient and campaign for nothing
    )


def _answer_state(request: InfoRequest) -> RequestState:
    return _answered_by(_ledger(request.recipient_id))


def _answered_by(statuses: Sequence[str]) -> RequestState:
    """Answered once every item asked for is settled in the ledger (received, published online,
    refused, not held, not applicable); partially answered until then."""
    return (
        RequestState.ANSWERED if statuses and all(s in SETTLED for s in statuses) else RequestState.PARTIALLY_ANSWERED
    )


# What an inbound message is, as far as its request is concerned (mail.classification names them so).
ReplyKind = Literal["reply", "acknowledgement", "auto_reply", "not_a_reply"]
# The event each kind writes when it moves nothing.
_KEPT = {
    "reply": EventKind.REPLY_RECEIVED,
    "acknowledgement": EventKind.ACKNOWLEDGEMENT_RECEIVED,
    "auto_reply": EventKind.AUTO_REPLY,
    "not_a_reply": EventKind.NOT_A_REPLY,
}


def record_replies(replies: Sequence[tuple[InfoRequest, str, ReplyKind]], actor: Actor) -> None:
    """Several messages (request, note, what it is) taken in together, in one transaction.

    Each is what taking it in alone would log: ``record_reply`` for a reply to a
    request still waiting for one; an acknowledgement moves a sent request to
    acknowledged and nothing else; an automatic reply, a message that is not a
    reply, or one to a request that has moved on (answered, withdrawn…) is logged
    and moves nothing. A request with several messages moves once and logs each.
    A few statements for the lot instead of three a reply: a large import of mail
    files them a chunk at a time.
    """
    if not replies:
        return
    received: dict[int, list[str]] = {}
    recipients = {request.recipient_id for request, _, _ in replies}
    asked = RecipientItem.objects.filter(recipient_id__in=recipients, state=RecipientItem.State.ASK)
    for recipient_id, status in asked.values_list("recipient_id", "status").order_by():
        received.setdefault(recipient_id, []).append(status)
    moves = []
    for request, note, what in replies:
        if what == "reply":
            answered = _answered_by(received.get(request.recipient_id, []))
            moves.append(Move(request, EventKind.RECORD_REPLY, answered, note, otherwise=_KEPT[what]))
        elif what == "acknowledgement":
            moves.append(Move(request, _KEPT[what], RequestState.ACKNOWLEDGED, note, otherwise=_KEPT[what]))
        else:
            moves.append(Move(request, _KEPT[what], note=note))
    REQUESTS.apply(moves, actor)


def rederive_state(request: InfoRequest, kind: EventKind, actor: Actor, note: str = "") -> InfoRequest:
    """Set the request's state from what it holds now, logged as ``kind`` (from → to), atomically.

    Used when mail filed to it changes (a message reclassified, moved away or in,
    returned to the holding pen). What it holds decides: any item asked for that
    has come, or any reply filed, makes it partially answered, or answered once
    every item asked for has come; else an acknowledgement (filed, or recorded by
    hand) makes it acknowledged; else it is sent. Only a state that follows from
    replies is recomputed (``DERIVED_STATES``, the states ``kind`` may start from):
    a refusal or a withdrawal stays, and the event is logged all the same.
    """
    return REQUESTS.move(Move(request, kind, _derived_state(request), note, otherwise=kind), actor)


def _derived_state(request: InfoRequest) -> RequestState:
    ledger = _ledger(request.recipient_id)
    # Through the reverse relation: what came in is mail's, the rule for the state is here.
    filed = set(request.inbound_messages.filter(status="filed").values_list("classification", flat=True))
    if "reply" in filed or any(status != RecipientItem.Status.ASKED for status in ledger):
        return _answered_by(ledger)
    if "acknowledgement" in filed or request.events.filter(kind=EventKind.RECORD_ACKNOWLEDGEMENT).exists():
        return RequestState.ACKNOWLEDGED
    return RequestState.SENT


def record_reply(request: InfoRequest, actor: Actor, note: str = "") -> InfoRequest:
    """A reply came in: answered if the ledger has every item asked for settled, else partially answered."""
    return transition(request, EventKind.RECORD_REPLY, actor, _answer_state(request), note)


def mark_item_received(request: InfoRequest, item_key: str, actor: Actor, note: str = "") -> InfoRequest:
    """One requested item has arrived (``note``: how); the ledger's ``set_item_status``, as received."""
    from docket.campaigns import actions as ledger_actions  # the ledger's actions build on this module's

    return ledger_actions.set_item_status(
        request, item_key, RecipientItem.Status.RECEIVED, actor, ledger_actions.Evidence(note=note or "received")
    )


def refuse(request: InfoRequest, actor: Actor, reason: str) -> InfoRequest:
    """The body refused the whole request; its reason is required (as an item's refusal needs one)."""
    if not reason.strip():
        raise TransitionError("Give the body's reason for refusing the request.")
    return transition(request, EventKind.REFUSE, actor, RequestState.REFUSED, reason)


def withdraw(request: InfoRequest, actor: Actor, reason: str) -> InfoRequest:
    """Stop the request; a letter still waiting in the outbox is then not sent."""
    return transition(request, EventKind.WITHDRAW, actor, RequestState.WITHDRAWN, reason)


def reopen(request: InfoRequest, actor: Actor, reason: str) -> InfoRequest:
    """Open an ended request again, in the state what it holds gives it (``rederive_state``'s rule):
    sent, acknowledged or partially answered once a letter went (waiting again, so partially answered
    even if every item has come), else a draft."""
    to = RequestState.DRAFT
    if request.sent_at:
        to = _derived_state(request)
        if to == RequestState.ANSWERED:
            to = RequestState.PARTIALLY_ANSWERED
    return transition(request, EventKind.REOPEN, actor, to, reason)


def extend_deadline(request: InfoRequest, working_days: int, actor: Actor, reason: str) -> InfoRequest:
    if request.due_date is None:
        raise TransitionError(f"request #{request.pk} has no due date to extend")
    due = deadlines.add_working_days(request.due_date, working_days)
    note = f"+{working_days} working days: {reason}"
    return transition(request, EventKind.EXTEND_DEADLINE, actor, None, note, due_date=due)


def restart_deadline(request: InfoRequest, actor: Actor, reason: str, on: datetime.date | None = None) -> InfoRequest:
    start = on or today()
    due = deadlines.add_working_days(start, request.campaign.response_working_days)
    note = f"from {start.isoformat()}: {reason}"
    return transition(request, EventKind.RESTART_DEADLINE, actor, None, note, due_date=due)


def set_chasing(request: InfoRequest, enabled: bool, actor: Actor, reason: str = "") -> InfoRequest:
    action_note = ("chasers on" if enabled else "chasers off") + (f": {reason}" if reason else "")
    return transition(request, EventKind.SET_CHASING, actor, None, action_note, chasing_enabled=enabled)
