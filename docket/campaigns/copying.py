"""Starting a campaign: from scratch, or from an existing one's letter, references, items and settings.

What a new campaign is made from; the campaign itself is made by the named action
``docket.campaigns.actions.create_campaign``, which logs it.

A copy takes what makes the letter (the template, the references it cites, the items it asks
for), how replies are chased and whether two people code each document; never recipients nor
requests, which belong to the campaign they were sent in. The settings come from the person's
form (shown filled in from the source), so a copy may change its letter date or working days as
it is made.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.text import slugify

from docket.campaigns.models import Campaign, Reference, RequestedItem
from docket.errors import DocketError

# Settings a copy starts from (shown on the form, which the person may change before creating).
COPIED_SETTINGS = (
    "email_subject",
    "office",
    "response_working_days",
    "very_overdue_working_days",
    "max_chasers",
    "chase_interval_working_days",
    "chaser_template",
    "double_coding",
)
RESERVED_SLUGS = {"new"}  # /campaigns/new/ is the page that makes one


class SlugTaken(DocketError):
    pass


def suggest_slug(title: str, taken: Iterable[str]) -> str:
    """The title as a campaign's address, with ``-2``, ``-3``… when another campaign has it."""
    base = slugify(title)[:90] or "campaign"
    used = set(taken) | RESERVED_SLUGS
    slug, number = base, 1
    while slug in used:
        number += 1
        slug = f"{base}-{number}"
    return slug


def settings_of(source: Campaign) -> dict[str, Any]:
    """What a copy of ``source`` starts with, for the form's initial values."""
    initial = {name: getattr(source, name) for name in COPIED_SETTINGS}
    initial["office"] = source.office_id
    return initial | {"title": f"Copy of {source.title}", "letter_date": source.letter_date}


def copy_contents(source: Campaign, campaign: Campaign) -> None:
    Reference.objects.bulk_create(
        Reference(campaign=campaign, key=r.key, author=r.author, year=r.year, title=r.title, url=r.url)
        for r in source.references.all()
    )
    RequestedItem.objects.bulk_create(
        RequestedItem(campaign=campaign, key=i.key, label=i.label, position=i.position) for i in source.items.all()
    )
