"""Whether each of some requests may be chased now, and why not: the ledger's chase and the request
page's ask the same rules (:func:`docket.mail.chasing.why_not_chase`), given here what they need for
many requests in a few queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from docket.campaigns.models import SETTLED, RecipientItem
from docket.mail import chasing
from docket.mail.models import OutboxMessage
from docket.requests.models import InfoRequest
from docket.web.mail_headers import header_problem


@dataclass
class ChaseRow:
    request: InfoRequest
    last_written: datetime.datetime | None
    last_what: str
    blocked: str = ""
    # The address the last message sent to it went to ("" if none went): not always the contact's now.
    last_to: str = ""


def chase_rows(requests: list[InfoRequest]) -> list[ChaseRow]:
    """Each request to chase, when it was last written to, and why a chaser cannot go now (if not).

    The rules are :func:`docket.mail.chasing.why_not_chase` (the ledger's chase and the request
    page's keep the same ones); here they are given what they need for many requests in a few queries,
    and what cannot go into an email's headers is added.
    """
    today = timezone.localdate()
    sent = OutboxMessage.objects.filter(request__in=requests, sent_at__isnull=False)
    last_sent: dict[int, tuple[datetime.datetime | None, str]] = {}
    for request_id, at, to in sent.order_by("sent_at", "pk").values_list("request", "sent_at", "envelope_to"):
        last_sent[request_id] = (at, to)
    waiting = set(
        OutboxMessage.objects.filter(
            request__in=requests, kind=OutboxMessage.Kind.CHASER, state__in=chasing.WAITING_CHASER
        ).values_list("request", flat=True)
    )
    asked = RecipientItem.objects.filter(recipient__request__in=requests, state=RecipientItem.State.ASK)
    counts = asked.order_by().values("recipient").annotate(open=Count("pk", filter=~Q(status__in=SETTLED)))
    outstanding = {row["recipient"]: row["open"] for row in counts}
    rows = []
    for req in requests:
        went_at, went_to = last_sent.get(req.pk, (None, ""))
        candidates = [(req.sent_at, "the letter"), (req.last_chased_at, "a chaser"), (went_at, "")]
        dated = [(at, what) for at, what in candidates if at is not None]
        last, what = max(dated, key=lambda pair: pair[0]) if dated else (None, "")
        row = ChaseRow(req, last, what or ("a chaser" if req.chasers_sent else "the letter"), last_to=went_to)
        row.blocked = chasing.why_not_chase(
            req,
            today,
            last_written=last,
            chaser_waiting=req.pk in waiting,
            outstanding=outstanding.get(req.recipient_id),
            last_what=row.last_what,
        ) or header_problem(req.recipient.contact, req.campaign.office)
        rows.append(row)
    return rows
