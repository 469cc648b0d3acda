"""Every change to a request, as a named action that writes its event in the same transaction.

Views, commands and workers call these and nothing else changes a request's
state. A transition the state diagram (``states.py``) does not allow raises
``TransitionError`` and changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models.expressions import Combinable
from django.utils import timezone

from docket.campaigns.models import Recipient, RecipientItem
from docket.requests import deadlines
from docket.requests.models import Event, Request
from docket.requests.states import ALLOWED_FROM, State
from docket.rows import update_rows


class TransitionError(ValueError):
    """The action is not allowed in the request's current state."""


@dataclass(frozen=True)
class Actor:
    """Who did it: a signed-in person, or a named part of Docket (``docket send``)."""

    name: str
    user: User | None = None

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(getattr(user, "email", "") or user.get_username(), user)


SYSTEM = Actor("Docket")


def today() -> datetime.date:
    return timezone.localdate()


def request_for(recipient: Recipient, actor: Actor = SYSTEM) -> Request:
    """The recipient's request, created as a draft the first time it is needed."""
    with transaction.atomic():
        request, created = Request.objects.get_or_create(
            recipient=recipient, defaults={"campaign_id": recipient.campaign_id}
        )
        if created:
            _event(request, actor, "create", State.DRAFT, State.DRAFT, "")
    return request


def _event(request: Request, actor: Actor, action: str, before: str, after: str, note: str) -> Event:
    event = _event_row(request, actor, action, before, after, note)
    event.save(force_insert=True)
    return event


def _event_row(request: Request, actor: Actor, action: str, before: str, after: str, note: str) -> Event:
    return Event(
        request=request,
        actor=actor.user if actor.user is not None and actor.user.pk else None,
        actor_name=actor.name,
        action=action,
        from_state=before,
        to_state=after,
        note=note,
    )


def transition(
    request: Request, action: str, actor: Actor, to: str | None = None, note: str = "", **changes: Any
) -> Request:
    """Check the action is allowed now, apply it and log it, atomically; returns ``request``, updated.

    ``to`` is the new state (None keeps the current one); ``changes`` are other fields to set.
    The update is conditional on the state we believe the request is in, so a stale copy
    or a concurrent change is noticed and checked again rather than overwritten.
    """
    allowed = ALLOWED_FROM[action]
    refusal: TransitionError | None = None
    # No savepoint (two statements saved per action): a refusal is raised only after the
    # block has ended without writing, so a caller's own transaction stays usable.
    with transaction.atomic(savepoint=False):
        before = request.state
        updated = 0
        if before in allowed:
            updated = Request.objects.filter(pk=request.pk, state=before).update(state=to or before, **changes)
        if not updated:
            current = Request.objects.select_for_update().get(pk=request.pk)
            before = current.state
            if before in allowed:
                Request.objects.filter(pk=request.pk).update(state=to or before, **changes)
            else:
                state = current.get_state_display().lower()
                refusal = TransitionError(
                    f"request #{current.pk} is {state}: {action.replace('_', ' ')} is not allowed"
                )
        if refusal is None:
            _event(request, actor, action, before, to or before, note)
    if refusal is not None:
        request.state = before
        raise refusal
    request.state = to or before
    computed = [name for name, value in changes.items() if isinstance(value, Combinable)]
    for name, value in changes.items():
        if name not in computed:
            setattr(request, name, value)
    if computed:
        request.refresh_from_db(fields=computed)
    return request


def record_event(request: Request, action: str, actor: Actor, note: str = "") -> Event:
    """An event that changes no state (a chaser went, a send was interrupted)."""
    return _event(request, actor, action, request.state, request.state, note)


def approve(request: Request, actor: Actor, note: str = "") -> Request:
    return transition(request, "approve", actor, State.APPROVED, note)


def return_to_draft(request: Request, actor: Actor, note: str = "") -> Request:
    return transition(request, "return_to_draft", actor, State.DRAFT, note)


def _due_after_sending(request: Request, sent_at: datetime.datetime) -> datetime.date:
    return deadlines.add_working_days(timezone.localdate(sent_at), request.campaign.response_working_days)


def mark_sent(request: Request, actor: Actor, sent_at: datetime.datetime, note: str = "") -> Request:
    """The outbox handed the letter to the mail server: the reply clock starts."""
    due = _due_after_sending(request, sent_at)
    return transition(request, "mark_sent", actor, State.SENT, note, sent_at=sent_at, due_date=due)


def mark_sent_many(letters: Sequence[tuple[Request, datetime.datetime, str]], actor: Actor) -> list[Request]:
    """``mark_sent`` for several letters (request, sent at, note) at once, in one transaction.

    The outbox records what the server took a batch at a time: a lock, one
    prepared update and one insert for the batch instead of three statements a
    letter. A request that may no longer move to sent (withdrawn while its
    letter went) is left as it is and returned, so the caller can log that the
    letter went all the same.
    """
    allowed = ALLOWED_FROM["mark_sent"]
    moved: list[Request] = []
    events: list[Event] = []
    refused: list[Request] = []
    with transaction.atomic(savepoint=False):
        ids = [request.pk for request, _, _ in letters]
        current = dict(Request.objects.select_for_update().filter(pk__in=ids).values_list("pk", "state"))
        for request, sent_at, note in letters:
            request.state = before = current[request.pk]
            if before not in allowed:
                refused.append(request)
                continue
            request.state = current[request.pk] = State.SENT
            request.sent_at = sent_at
            request.due_date = _due_after_sending(request, sent_at)
            moved.append(request)
            events.append(_event_row(request, actor, "mark_sent", before, State.SENT, note))
        rows = [(r.pk, State.SENT, r.sent_at, r.due_date) for r in moved]
        update_rows(Request, ["state", "sent_at", "due_date"], rows, where={"state": State.QUEUED})
        Event.objects.bulk_create(events)
    return refused


def mark_undeliverable(request: Request, actor: Actor, diagnostic: str) -> Request:
    return transition(request, "mark_undeliverable", actor, State.UNDELIVERABLE, diagnostic)


def record_acknowledgement(request: Request, actor: Actor, note: str = "") -> Request:
    return transition(request, "record_acknowledgement", actor, State.ACKNOWLEDGED, note)


def _answer_state(request: Request) -> State:
    received = list(
        RecipientItem.objects.filter(recipient_id=request.recipient_id, state=RecipientItem.State.ASK)
        .values_list("received_at", flat=True)
        .order_by()  # in any order: the model's ordering would join the recipient and campaign for nothing
    )
    return _answered_by(received)


def _answered_by(received: Sequence[datetime.datetime | None]) -> State:
    """Answered once every item asked for has come (each received date set); partially answered until then."""
    return State.ANSWERED if received and all(received) else State.PARTIALLY_ANSWERED


def record_replies(replies: Sequence[tuple[Request, str, bool]], actor: Actor) -> None:
    """Several replies (request, note, automatic?) taken in together, in one transaction.

    Each is what taking it in alone would log: ``record_reply`` for a reply to a
    request still waiting for one; an event only for an automatic reply or one
    to a request that has moved on (answered, withdrawn…). A request with
    several replies moves once and logs each. A few statements for the lot
    instead of three a reply: a large import of mail files them a chunk at a time.
    """
    if not replies:
        return
    with transaction.atomic(savepoint=False):
        ids = {request.pk for request, _, _ in replies}
        current = dict(Request.objects.select_for_update().filter(pk__in=ids).values_list("pk", "state"))
        received: dict[int, list[datetime.datetime | None]] = {}
        recipients = {request.recipient_id for request, _, _ in replies}
        asked = RecipientItem.objects.filter(recipient_id__in=recipients, state=RecipientItem.State.ASK)
        for recipient_id, received_at in asked.values_list("recipient_id", "received_at").order_by():
            received.setdefault(recipient_id, []).append(received_at)
        first_state = dict(current)
        events = []
        for request, note, automatic in replies:
            before = current[request.pk]
            if automatic or before not in ALLOWED_FROM["record_reply"]:
                action, after = ("auto_reply" if automatic else "reply_received"), before
            else:
                action, after = "record_reply", _answered_by(received.get(request.recipient_id, []))
            events.append(_event_row(request, actor, action, before, after, note))
            request.state = current[request.pk] = after
        for before in set(first_state.values()):
            moved = [(pk, state) for pk, state in current.items() if first_state[pk] == before and state != before]
            update_rows(Request, ["state"], moved, where={"state": before})
        Event.objects.bulk_create(events)


def record_reply(request: Request, actor: Actor, note: str = "", *, complete: bool = False) -> Request:
    """A reply came in; ``complete`` when it answers everything, else it counts as partial until all items are in."""
    to = State.ANSWERED if complete else _answer_state(request)
    return transition(request, "record_reply", actor, to, note)


def mark_item_received(request: Request, item_key: str, actor: Actor, note: str = "") -> Request:
    """One requested item has arrived; the request is answered once every item asked for has."""
    with transaction.atomic():
        item = RecipientItem.objects.select_for_update().get(recipient_id=request.recipient_id, item__key=item_key)
        if item.state != RecipientItem.State.ASK:
            raise TransitionError(f"request #{request.pk} did not ask for {item_key!r} ({item.get_state_display()})")
        if item.received_at is None:
            item.received_at = timezone.now()
            item.received_note = note[:300]
            item.save(update_fields=["received_at", "received_note"])
        return transition(request, "mark_item_received", actor, _answer_state(request), f"{item_key}: {note}".strip())


def refuse(request: Request, actor: Actor, reason: str) -> Request:
    return transition(request, "refuse", actor, State.REFUSED, reason)


def withdraw(request: Request, actor: Actor, reason: str) -> Request:
    """Stop the request; a letter still waiting in the outbox is then not sent."""
    return transition(request, "withdraw", actor, State.WITHDRAWN, reason)


def reopen(request: Request, actor: Actor, reason: str) -> Request:
    to = State.SENT if request.sent_at else State.DRAFT
    return transition(request, "reopen", actor, to, reason)


def extend_deadline(request: Request, working_days: int, actor: Actor, reason: str) -> Request:
    if request.due_date is None:
        raise TransitionError(f"request #{request.pk} has no due date to extend")
    due = deadlines.add_working_days(request.due_date, working_days)
    return transition(request, "extend_deadline", actor, None, f"+{working_days} working days: {reason}", due_date=due)


def restart_deadline(request: Request, actor: Actor, reason: str, on: datetime.date | None = None) -> Request:
    start = on or today()
    due = deadlines.add_working_days(start, request.campaign.response_working_days)
    return transition(request, "restart_deadline", actor, None, f"from {start.isoformat()}: {reason}", due_date=due)


def set_chasing(request: Request, enabled: bool, actor: Actor, reason: str = "") -> Request:
    action_note = ("chasers on" if enabled else "chasers off") + (f": {reason}" if reason else "")
    return transition(request, "set_chasing", actor, None, action_note, chasing_enabled=enabled)
