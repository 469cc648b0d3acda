"""The page shown after too many failed sign-ins (django-axes calls ``locked_out``; see AXES_LOCKOUT_CALLABLE).

It says, in the workspace's look, how long signing in stays locked and whom to ask; the
lock is per email address, so it names no one else's account and no admin's address.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from docket.campaigns.models import Office


def duration(length: datetime.timedelta) -> str:
    """1 hour, 2 hours, 30 minutes, 1 hour and 30 minutes."""
    hours, rest = divmod(int(length.total_seconds()), 3600)
    minutes = rest // 60
    parts = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in ((hours, "hour"), (minutes, "minute")) if n]
    return " and ".join(parts) or "a few moments"


def cool_off() -> datetime.timedelta:
    value = settings.AXES_COOLOFF_TIME
    if isinstance(value, datetime.timedelta):
        return value
    return datetime.timedelta(hours=float(value))


def locked_out(request: HttpRequest, *args: object) -> HttpResponse:
    office = Office.objects.order_by("pk").first()
    context = {
        "duration": duration(cool_off()),
        "attempts": settings.AXES_FAILURE_LIMIT,
        "office_email": office.email if office else "",
    }
    return render(request, "web/locked_out.html", context, status=429)
