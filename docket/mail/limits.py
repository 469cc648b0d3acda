"""A mail provider's limits (``ServerLimit``: messages a minute, recipients a day), honoured by every worker.

Every claim of a message for a server sets its ``claimed_at`` and ``server``: the messages claimed for a
server in the last minute (or 24 hours) are what was handed to it then, or may have been. A worker claims
only as many as leave both counts within the limits, and it counts while holding the limit's row locked,
so that two workers never both take the last place (on SQLite the claiming transaction holds the whole
database's write lock). Each message has one recipient: recipients a day are messages a day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet

from docket.mail.models import OutboxMessage, OutboxState, ServerLimit

MINUTE = datetime.timedelta(minutes=1)
DAY = datetime.timedelta(days=1)
NO_LIMIT = 1_000_000


def room(server: str, now: datetime.datetime) -> int:
    """How many more messages may be claimed for ``server`` at ``now``. Call it inside the claiming transaction:
    it locks the server's limit until that transaction ends."""
    limit = _limit(server)
    if limit is None:
        return NO_LIMIT
    free = NO_LIMIT
    if limit.messages_per_minute is not None:
        free = min(free, limit.messages_per_minute - used(server, now, MINUTE))
    if limit.recipients_per_day is not None:
        free = min(free, limit.recipients_per_day - used(server, now, DAY))
    return max(free, 0)


def used(server: str, now: datetime.datetime, window: datetime.timedelta) -> int:
    """How many messages were claimed for ``server`` in the ``window`` before ``now`` and may have been handed to
    it (what its limits count): those being sent, and those whose data was reached. A claim that ended before the
    data (the server could not be reached, or said "not now" or "never" to the envelope) handed it nothing."""
    return _handed(server).filter(claimed_at__gt=now - window).count()


def _handed(server: str) -> QuerySet[OutboxMessage]:
    """The messages claimed for ``server`` that it may have been handed (``used`` counts them)."""
    return OutboxMessage.objects.filter(Q(state=OutboxState.SENDING) | Q(reached_data=True), server=server)


def _limit(server: str) -> ServerLimit | None:
    """The server's limit, locked; made from DOCKET_SMTP_PER_MINUTE and _PER_DAY if they are set and it has none."""
    per_minute, per_day = settings.DOCKET_SMTP_PER_MINUTE or None, settings.DOCKET_SMTP_PER_DAY or None
    if per_minute or per_day:
        defaults = {"messages_per_minute": per_minute, "recipients_per_day": per_day}
        ServerLimit.objects.get_or_create(server=server, defaults=defaults)
    return ServerLimit.objects.select_for_update().filter(server=server).first()


def next_room_at(server: str, now: datetime.datetime) -> datetime.datetime | None:
    """When a place frees up for ``server`` if there is none now (the oldest claim leaves its window), else None."""
    if room(server, now) > 0:
        return None
    limit = ServerLimit.objects.get(server=server)
    claims = _handed(server).order_by("-claimed_at").values_list("claimed_at", flat=True)
    times = []
    for count, window in ((limit.messages_per_minute, MINUTE), (limit.recipients_per_day, DAY)):
        if count is not None:
            recent = [at for at in claims.filter(claimed_at__gt=now - window)[: max(count, 1)] if at is not None]
            if len(recent) >= max(count, 1):
                times.append(recent[-1] + window)  # the count-th newest leaves the window then
    return max(times) if times else now


@dataclass(frozen=True)
class Hold:
    """The server's limit that holds what is due: a minute's or a day's, how much of it was used, and when the
    next message may go."""

    window: datetime.timedelta  # MINUTE or DAY
    limit: int
    used: int
    until: datetime.datetime


def holding(server: str, now: datetime.datetime) -> Hold | None:
    """The limit of ``server`` that leaves no room at ``now`` (the day's if both: it holds longer), or None."""
    with transaction.atomic():  # next_room_at counts with the limit's row locked, as a claim does
        until = next_room_at(server, now)
    if until is None:
        return None
    limit = ServerLimit.objects.get(server=server)
    last_day = used(server, now, DAY)
    if limit.recipients_per_day is not None and last_day >= limit.recipients_per_day:
        return Hold(DAY, limit.recipients_per_day, last_day, until)
    return Hold(MINUTE, limit.messages_per_minute or 0, used(server, now, MINUTE), until)


@dataclass(frozen=True)
class Standing:
    """A server's limits and what has been used of them, as a page shows them."""

    server: str
    messages_per_minute: int | None
    recipients_per_day: int | None
    last_minute: int
    last_day: int
    sending_through: bool  # the server of DOCKET_SMTP_URL, that the workers send through now
    from_settings: bool  # no limit of its own saved yet: what DOCKET_SMTP_PER_MINUTE and _PER_DAY start it with


def standings(sending_through: str, now: datetime.datetime) -> list[Standing]:
    """Each server with limits kept, or claims in the last 24 hours, or sent through now (first); read only."""
    kept = {limit.server: limit for limit in ServerLimit.objects.all()}
    recent = OutboxMessage.objects.filter(claimed_at__gt=now - DAY, server__isnull=False).order_by()
    servers = {sending_through, *kept, *recent.values_list("server", flat=True).distinct()}
    ordered = [sending_through, *sorted(s for s in servers - {sending_through} if s)]
    found = []
    for server in ordered:
        limit = kept.get(server)
        per_minute: int | None = None
        per_day: int | None = None
        if limit is not None:
            per_minute, per_day = limit.messages_per_minute, limit.recipients_per_day
        elif server == sending_through:  # what _limit makes its row from when a worker first claims
            per_minute, per_day = settings.DOCKET_SMTP_PER_MINUTE or None, settings.DOCKET_SMTP_PER_DAY or None
        found.append(
            Standing(
                server=server,
                messages_per_minute=per_minute,
                recipients_per_day=per_day,
                last_minute=used(server, now, MINUTE),
                last_day=used(server, now, DAY),
                sending_through=server == sending_through,
                from_settings=limit is None and bool(per_minute or per_day),
            )
        )
    return found
