"""The named state changes of mail: where an inbound message stands (being read, filed, held, a bounce).

Intake decides what each message is a chunk at a time and writes the chunk in one
transaction; the decisions are made here, on the message in hand, so that the rules for a
message's status live in one place and nothing else writes it. The outbox's own moves
(queued → sending → sent, uncertain, failed, cancelled) are here too: the outbox worker
(``docket.mail.outbox``) decides when, these write.
"""

from __future__ import annotations

from typing import Any, cast

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from docket.campaigns import actions as ledger_actions
from docket.documents.models import Attachment
from docket.errors import DocketError
from docket.evidence.indexing import index_messages
from docket.mail.classification import CORRECTABLE, LABELS, Classification
from docket.mail.models import InboundMessage, OutboxMessage, OutboxState
from docket.requests import actions
from docket.requests.actions import Actor, ReplyKind, TransitionError, mark_sent, record_event
from docket.requests.events import EventKind, outbox_kind
from docket.requests.models import InfoRequest
from docket.requests.states import RequestState
from docket.rows import update_rows

Status = InboundMessage.Status

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
    """Write what reading decided for each message (its fields, status, request): one prepared UPDATE."""

    def value(message: InboundMessage, name: str) -> object:
        return message.request_id if name == "request" else getattr(message, name)

    update_rows(InboundMessage, READ_FIELDS, [(m.pk, *(value(m, name) for name in READ_FIELDS)) for m in messages])


def reply_note(message: InboundMessage, method: str) -> str:
    """The timeline's line for a message filed: what it is, from whom (a file uploaded is from no one)."""
    what = LABELS[Classification(message.classification)].lower()
    if message.source == InboundMessage.Source.MANUAL and message.classification == Classification.NOT_A_REPLY:
        note = f"file uploaded, {message.classification_reason}"
    else:
        note = f"{what} from {message.from_address or 'unknown'}"
    return note + f": {message.subject!r} (matched by {method})"


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
        raise TransitionError(f"message {message.pk} is not in the holding pen ({message.get_status_display()})")
    method = "by hand from the holding pen"
    with transaction.atomic():
        read_as_filed(message, request, method)
        message.save(update_fields=["request", "match_method", "status", "holding_reason"])
        index_messages([message])
        actions.record_replies([(request, reply_note(message, method), reply_kind(message))], actor)
    return message


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
# a letter whose request moved on before it went is cancelled.


def claim_batch(messages: list[OutboxMessage], token: str) -> list[OutboxMessage]:
    """Claim, in one statement, those still queued (another worker may have taken some).

    Claiming ahead of sending is safe: a claimed message whose data was not
    reached when its worker died is simply queued again.
    """
    ids = [message.pk for message in messages]
    OutboxMessage.objects.filter(pk__in=ids, state=OutboxState.QUEUED).update(
        state=OutboxState.SENDING,
        claimed_by=token,
        claimed_at=timezone.now(),
        reached_data=False,
        attempts=F("attempts") + 1,
    )
    mine = set(
        OutboxMessage.objects.filter(pk__in=ids, claimed_by=token, state=OutboxState.SENDING).values_list(
            "pk", flat=True
        )
    )
    for message in messages:
        message.claimed_by = token
    return [message for message in messages if message.pk in mine]


def settle(message: OutboxMessage, state: str, last: str = "", **changes: object) -> bool:
    """Move a claimed message on, only if it is still as we left it (one winner)."""
    mine = OutboxMessage.objects.filter(pk=message.pk, state=OutboxState.SENDING, claimed_by=message.claimed_by)
    updated = mine.update(state=state, **({"smtp_response": last} if last else {}), **changes)
    return updated == 1


def cancel_withdrawn() -> int:
    """Letters whose request was withdrawn (or otherwise moved on) before they went are not sent."""
    return (
        OutboxMessage.objects.filter(state=OutboxState.QUEUED, kind=OutboxMessage.Kind.LETTER)
        .exclude(request__state=RequestState.QUEUED)
        .update(state=OutboxState.CANCELLED)
    )


def record_sent(messages: list[OutboxMessage]) -> None:
    """Messages the server accepted (``sent_at``, ``smtp_response`` set, still "sending"): sent."""
    rows = [(m.pk, OutboxState.SENT, m.sent_at, m.smtp_response) for m in messages]
    update_rows(OutboxMessage, ["state", "sent_at", "smtp_response"], rows, where={"state": OutboxState.SENDING})


def confirm_delivered(message: OutboxMessage, actor: Actor, note: str = "") -> OutboxMessage:
    """A person checked that an uncertain message did arrive (e.g. the body confirmed it)."""
    with transaction.atomic():
        sent_at = message.claimed_at or timezone.now()
        updated = OutboxMessage.objects.filter(pk=message.pk, state=OutboxState.UNCERTAIN).update(
            state=OutboxState.SENT, sent_at=sent_at
        )
        if updated != 1:
            raise TransitionError(f"message {message.message_id} is not uncertain")
        if message.kind == OutboxMessage.Kind.LETTER:
            mark_sent(message.request, actor, sent_at, f"confirmed by a person: {note}".strip(": "))
        else:
            record_event(message.request, EventKind.CHASER_CONFIRMED, actor, note)
    message.refresh_from_db()
    return message


def resend(message: OutboxMessage, actor: Actor, note: str = "") -> OutboxMessage:
    """A person decided an uncertain or failed message should go (again)."""
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(
            pk=message.pk, state__in=[OutboxState.UNCERTAIN, OutboxState.FAILED]
        ).update(state=OutboxState.QUEUED, attempts=0, next_attempt_at=None, claimed_by="")
        if updated != 1:
            raise TransitionError(f"message {message.message_id} is not uncertain or failed")
        record_event(message.request, outbox_kind(message.kind, "resend"), actor, note)
    message.refresh_from_db()
    return message
