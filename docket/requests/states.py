"""The states of a request, and which named action may move it where.

::

    draft ──approve──► approved ──queue──► queued ──(sent by the outbox)──► sent
      ▲                   │                  │                               │
      └──return_to_draft──┘                  │                 record_acknowledgement
                                             │                               ▼
                                             │                         acknowledged
                                             │                               │
                                             │        record_reply / mark_item_received
                                             │                               ▼
                                             │      partially answered ──► answered (all items in)
                                             │
    from any open state:  withdraw ──► withdrawn
    from queued/sent/acknowledged:  mark_undeliverable (bounce or SMTP 5xx) ──► undeliverable
    from undeliverable:  send_again (the frozen letter, to the contact's corrected address) ──► queued
    from sent/acknowledged/partially answered:  refuse ──► refused
    from an end state:  reopen ──► what the request holds gives (sent, acknowledged, partially
                        answered) if a letter went, else draft

End states: answered, refused, withdrawn, undeliverable. "Overdue" and "very
overdue" are not states: they are computed from the due date while a request
waits (sent, acknowledged, partially answered).
"""

from __future__ import annotations

from django.db import models

from docket.requests.events import EventKind


class RequestState(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    PARTIALLY_ANSWERED = "partially_answered", "Partially answered"
    ANSWERED = "answered", "Answered"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"
    UNDELIVERABLE = "undeliverable", "Undeliverable"


END_STATES = frozenset(
    {RequestState.ANSWERED, RequestState.REFUSED, RequestState.WITHDRAWN, RequestState.UNDELIVERABLE}
)
WAITING_STATES = frozenset({RequestState.SENT, RequestState.ACKNOWLEDGED, RequestState.PARTIALLY_ANSWERED})
OPEN_STATES = frozenset(RequestState) - END_STATES
# The states that follow from what came in; the others (draft…queued, refused, withdrawn, undeliverable)
# are a person's or the outbox's decision, which no filing of mail undoes.
DERIVED_STATES = WAITING_STATES | {RequestState.ANSWERED}

# each named action -> the states it may start from
ALLOWED_FROM: dict[EventKind, frozenset[RequestState]] = {
    EventKind.APPROVE: frozenset({RequestState.DRAFT}),
    EventKind.RETURN_TO_DRAFT: frozenset({RequestState.APPROVED}),
    EventKind.QUEUE: frozenset({RequestState.APPROVED}),
    EventKind.MARK_SENT: frozenset({RequestState.QUEUED}),
    EventKind.MARK_UNDELIVERABLE: frozenset({RequestState.QUEUED, RequestState.SENT, RequestState.ACKNOWLEDGED}),
    EventKind.SEND_AGAIN: frozenset({RequestState.UNDELIVERABLE}),
    EventKind.RECORD_ACKNOWLEDGEMENT: frozenset({RequestState.SENT}),
    EventKind.ACKNOWLEDGEMENT_RECEIVED: frozenset({RequestState.SENT}),
    EventKind.RECORD_REPLY: WAITING_STATES,
    EventKind.MARK_ITEM_RECEIVED: WAITING_STATES | {RequestState.ANSWERED},
    **dict.fromkeys(
        [
            EventKind.ITEM_PARTLY_RECEIVED,
            EventKind.ITEM_PUBLISHED_ONLINE,
            EventKind.ITEM_REFUSED,
            EventKind.ITEM_NOT_HELD,
            EventKind.ITEM_NOT_APPLICABLE,
            EventKind.ITEM_ASKED,
        ],
        WAITING_STATES | {RequestState.ANSWERED},
    ),
    EventKind.REFUSE: WAITING_STATES,
    EventKind.WITHDRAW: OPEN_STATES,
    EventKind.REOPEN: END_STATES,
    EventKind.EXTEND_DEADLINE: WAITING_STATES,
    EventKind.RESTART_DEADLINE: WAITING_STATES,
    EventKind.CHASE: WAITING_STATES,
    EventKind.SET_CHASING: OPEN_STATES,
    # Mail put right by a person: the state is derived again from what the request holds.
    EventKind.RECLASSIFY: DERIVED_STATES,
    EventKind.MESSAGE_MOVED_OUT: DERIVED_STATES,
    EventKind.MESSAGE_MOVED_IN: DERIVED_STATES,
    EventKind.MESSAGE_UNFILED: DERIVED_STATES,
    # What a recipient is asked for, changed by a person (the last item awaited now "not applicable": answered).
    EventKind.ITEM_STATES_CHANGED: DERIVED_STATES,
}
# Any other kind (an automatic reply, a chaser sent, a publication approved…) is logged in any state and moves nothing.
