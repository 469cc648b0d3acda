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
    from sent/acknowledged/partially answered:  refuse ──► refused
    from an end state:  reopen ──► sent (if a letter went) or draft

End states: answered, refused, withdrawn, undeliverable. "Overdue" and "very
overdue" are not states: they are computed from the due date while a request
waits (sent, acknowledged, partially answered).
"""

from __future__ import annotations

from django.db import models


class State(models.TextChoices):
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


END_STATES = frozenset({State.ANSWERED, State.REFUSED, State.WITHDRAWN, State.UNDELIVERABLE})
WAITING_STATES = frozenset({State.SENT, State.ACKNOWLEDGED, State.PARTIALLY_ANSWERED})
OPEN_STATES = frozenset(State) - END_STATES

# action name -> the states it may start from
ALLOWED_FROM: dict[str, frozenset[State]] = {
    "approve": frozenset({State.DRAFT}),
    "return_to_draft": frozenset({State.APPROVED}),
    "queue": frozenset({State.APPROVED}),
    "mark_sent": frozenset({State.QUEUED}),
    "mark_undeliverable": frozenset({State.QUEUED, State.SENT, State.ACKNOWLEDGED}),
    "record_acknowledgement": frozenset({State.SENT}),
    "record_reply": WAITING_STATES,
    "mark_item_received": WAITING_STATES | {State.ANSWERED},
    "refuse": WAITING_STATES,
    "withdraw": OPEN_STATES,
    "reopen": END_STATES,
    "extend_deadline": WAITING_STATES,
    "restart_deadline": WAITING_STATES,
    "chase": WAITING_STATES,
    "set_chasing": OPEN_STATES,
}
