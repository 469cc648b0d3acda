"""What a person is told when an action does not fit a request's state: plain words that name the
body, say what the request's state rules out, and what to do instead (not "request #4 is withdrawn:
refuse is not allowed")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docket.requests.events import EventKind
from docket.requests.states import END_STATES, RequestState

if TYPE_CHECKING:
    from docket.requests.models import InfoRequest

# A request in each state, after "The request to <body> ".
STATE_PHRASES: dict[str, str] = {
    RequestState.DRAFT: "is still a draft",
    RequestState.APPROVED: "is approved",
    RequestState.QUEUED: "is queued for sending",
    RequestState.SENT: "has been sent",
    RequestState.ACKNOWLEDGED: "has been acknowledged",
    RequestState.PARTIALLY_ANSWERED: "is partly answered",
    RequestState.ANSWERED: "is answered",
    RequestState.REFUSED: "was refused by the body",
    RequestState.WITHDRAWN: "is withdrawn",
    RequestState.UNDELIVERABLE: "could not be delivered",
}

_ITEM_STATUS = "an item's status cannot be recorded on it"
# What the action would have done, after "…, so ".
RULED_OUT: dict[str, str] = {
    EventKind.APPROVE: "it cannot be approved",
    EventKind.RETURN_TO_DRAFT: "it cannot be returned to draft",
    EventKind.QUEUE: "its letter cannot be queued",
    EventKind.MARK_SENT: "it cannot be marked sent",
    EventKind.MARK_UNDELIVERABLE: "it cannot be marked undeliverable",
    EventKind.SEND_AGAIN: "its letter is not sent again (only a letter that could not be delivered is)",
    EventKind.RECORD_ACKNOWLEDGEMENT: "an acknowledgement cannot be recorded on it",
    EventKind.ACKNOWLEDGEMENT_RECEIVED: "an acknowledgement cannot be recorded on it",
    EventKind.RECORD_REPLY: "a reply cannot be recorded on it",
    EventKind.MARK_ITEM_RECEIVED: _ITEM_STATUS,
    EventKind.ITEM_PARTLY_RECEIVED: _ITEM_STATUS,
    EventKind.ITEM_PUBLISHED_ONLINE: _ITEM_STATUS,
    EventKind.ITEM_REFUSED: _ITEM_STATUS,
    EventKind.ITEM_NOT_HELD: _ITEM_STATUS,
    EventKind.ITEM_NOT_APPLICABLE: _ITEM_STATUS,
    EventKind.ITEM_ASKED: _ITEM_STATUS,
    EventKind.REFUSE: "it cannot be marked refused",
    EventKind.WITHDRAW: "it cannot be withdrawn",
    EventKind.REOPEN: "there is nothing to reopen",
    EventKind.EXTEND_DEADLINE: "its deadline cannot be extended",
    EventKind.RESTART_DEADLINE: "its deadline cannot be restarted",
    EventKind.CHASE: "it cannot be chased",
    EventKind.SET_CHASING: "chasing cannot be turned on or off for it",
    EventKind.RECLASSIFY: "a message on it cannot be reclassified",
    EventKind.MESSAGE_MOVED_OUT: "a message cannot be moved out of it",
    EventKind.MESSAGE_MOVED_IN: "a message cannot be moved to it",
    EventKind.MESSAGE_UNFILED: "a message on it cannot be returned to the holding pen",
    EventKind.ITEM_STATES_CHANGED: "the items it asks for cannot be changed",
}

# The hint that a letter is gone already: the bulk jobs' summaries count the letters it was given for.
ALREADY_SENT = "has already been sent"
_NOT_SENT = "Its letter has not been sent yet."
_IN_OUTBOX = "Its letter is waiting in the outbox: try again once it has been sent."
_REOPEN = "Reopen it first, on its page, if it should go on."
# The actions that begin the letter's way out: after it went, the hint says so.
_BEFORE_SENDING = frozenset({EventKind.APPROVE, EventKind.RETURN_TO_DRAFT, EventKind.QUEUE, EventKind.MARK_SENT})
# Those actions asked of a request whose letter went: after "The letter to <body> has already been sent, so ".
_AGAIN: dict[str, str] = {
    EventKind.APPROVE: "the request cannot be approved again",
    EventKind.RETURN_TO_DRAFT: "the request cannot go back to draft",
    EventKind.QUEUE: "it is not queued again",
    EventKind.MARK_SENT: "it cannot be marked sent again",
}


def ruled_out(kind: str) -> str:
    """What the action would have done, as "it cannot be …" (the event's label for one without its own words)."""
    if kind in RULED_OUT:
        return RULED_OUT[kind]
    label = EventKind(kind).label if kind in EventKind.values else kind.replace("_", " ")
    return f"“{label}” cannot be recorded on it"


def _gone(request: InfoRequest, kind: str) -> bool:
    """An action of the letter's way out, asked when the letter went already."""
    return kind in _BEFORE_SENDING and request.sent_at is not None


def what_to_do(request: InfoRequest, kind: str) -> str:
    if kind == EventKind.REOPEN:
        return ""
    if request.state in END_STATES:
        return _REOPEN
    if request.state in (RequestState.DRAFT, RequestState.APPROVED) and kind not in _BEFORE_SENDING:
        return _NOT_SENT
    if request.state == RequestState.QUEUED:
        return _IN_OUTBOX
    return ""


def body_name(request: InfoRequest) -> str:
    """The body the request went (or goes) to; one query if its recipient is not loaded already."""
    from docket.requests.models import InfoRequest

    if InfoRequest.recipient.is_cached(request):
        return request.recipient.contact.body.name
    name = InfoRequest.objects.filter(pk=request.pk).values_list("recipient__contact__body__name", flat=True).first()
    return name or f"request #{request.pk}"


def why_not(request: InfoRequest, kind: str) -> str:
    """``is withdrawn, so it cannot be marked refused. Reopen it first…``: after "The request (to …)"."""
    state = STATE_PHRASES.get(request.state, f"is {request.get_state_display().lower()}")
    hint = what_to_do(request, kind)
    return f"{state}, so {ruled_out(kind)}." + (f" {hint}" if hint else "")


def refusal_message(request: InfoRequest, kind: str) -> str:
    """``The request to Hampshire PCC is withdrawn, so it cannot be marked refused. Reopen it first…``"""
    if _gone(request, kind):
        return f"The letter to {body_name(request)} {ALREADY_SENT}, so {_AGAIN[kind]}."
    return f"The request to {body_name(request)} {why_not(request, kind)}"


def why_not_queued(request: InfoRequest) -> str:
    """Why a letter in a bulk job is not queued (the job's list names the recipient and the body before it)."""
    if _gone(request, EventKind.QUEUE):
        return f"The letter {ALREADY_SENT}, so {_AGAIN[EventKind.QUEUE]}."
    return f"The request {why_not(request, EventKind.QUEUE)}"
