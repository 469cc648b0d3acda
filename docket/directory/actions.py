"""The named state changes of the directory: retiring a body or a contact, and bringing it back.

Retired means no longer written to (a body abolished or merged, a person who left, a mailbox
closed). Nothing is deleted: a retired body or contact keeps its requests, letters and replies,
and its page still shows them. It is left out of the directory's list unless asked for, and a
campaign may not add it as a new recipient (``addable``); recipients it already is stay.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from docket.directory.models import Body, Contact, Tag


def set_body_retired(body: Body, retired: bool) -> bool:
    """Retire a body (and so every contact of it for new campaigns) or bring it back; whether it changed."""
    if body.retired == retired:
        return False
    body.retired = retired
    body.save(update_fields=["retired", "changed_at"])
    return True


def set_contact_retired(contact: Contact, retired: bool) -> bool:
    """Retire one contact, or bring it back; whether it changed."""
    if contact.retired == retired:
        return False
    contact.retired = retired
    contact.save(update_fields=["retired"])
    return True


def addable() -> QuerySet[Contact]:
    """The contacts a campaign may add as new recipients: neither they nor their body retired."""
    return Contact.objects.filter(retired=False, body__retired=False)


@transaction.atomic
def set_tags(body: Body, tags: list[Tag], new_names: list[str]) -> None:
    """The body's tags: the chosen ones and new ones by name (created once, reused after)."""
    created = [Tag.objects.get_or_create(name=name)[0] for name in new_names]
    body.tags.set([*tags, *created])
