"""A mail provider's limits (``ServerLimit``: messages a minute, recipients a day), honoured by every worker.

Every claim of a message for a server sets its ``claimed_at`` and ``server``: the messages claimed for a
server in the last minute (or 24 hours) are what was handed to it then, or may have been. A worker claims
only as many as leave both counts within the limits, and it counts while holding the limit's row locked,
so that two workers never both take the last place (on SQLite the claiming transaction holds the whole
database's write lock). Each message has one recipient: recipients a day are messages a day.
"""

from __future__ import annotations

import datetime

from django.conf import settings

from docket.mail.models import OutboxMessage, ServerLimit

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
    claimed = OutboxMessage.objects.filter(server=server)
    if limit.messages_per_minute is not None:
        free = min(free, limit.messages_per_minute - claimed.filter(claimed_at__gt=now - MINUTE).count())
    if limit.recipients_per_day is not None:
        free = min(free, limit.recipients_per_day - claimed.filter(claimed_at__gt=now - DAY).count())
    return max(free, 0)


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
    claims = OutboxMessage.objects.filter(server=server).order_by("-claimed_at").values_list("claimed_at", flat=True)
    times = []
    for count, window in ((limit.messages_per_minute, MINUTE), (limit.recipients_per_day, DAY)):
        if count is not None:
            recent = [at for at in claims.filter(claimed_at__gt=now - window)[: max(count, 1)] if at is not None]
            if len(recent) >= max(count, 1):
                times.append(recent[-1] + window)  # the count-th newest leaves the window then
    return max(times) if times else now
