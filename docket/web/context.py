"""What every workspace page needs: the navigation for this person's role, the office's name."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from docket.campaigns.models import Office
from docket.web.access import can

NAVIGATION = [
    ("Dashboard", "dashboard", "view"),
    ("Search", "search", "view"),
    ("Directory", "directory", "view"),
    ("Holding pen", "holding_pen", "file"),
    ("Outbox", "outbox", "send"),
    ("Office", "office", "edit_office"),
    ("Users", "users", "manage_users"),
]


def workspace(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {}
    office = Office.objects.order_by("pk").values_list("name", flat=True).first()
    return {
        "nav_items": [(label, name) for label, name, capability in NAVIGATION if can(request.user, capability)],
        "office_name": office,
        "may": {
            capability: can(request.user, capability)
            for capability in ("edit", "send", "file", "publish", "edit_office")
        },
    }
