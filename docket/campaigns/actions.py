"""The named state changes of a campaign's recipients: what each is asked for, item by item.

A recipient's item state says whether the letter asks for the item, notes it is already
published, or leaves it out. It is set when a recipient is imported or learnt from a letter,
and changed only here.
"""

from __future__ import annotations

from collections.abc import Iterable

from docket.campaigns.models import Recipient, RecipientItem, RequestedItem


def set_item_state(item_state: RecipientItem, state: str, title: str, url: str) -> bool:
    """Ask for, note as published (with its title and URL), or leave out one item; whether anything changed."""
    wanted = {"state": state, "title": title, "url": url}
    if all(getattr(item_state, name) == value for name, value in wanted.items()):
        return False
    for name, value in wanted.items():
        setattr(item_state, name, value)
    item_state.save(update_fields=list(wanted))
    return True


def add_item_states(recipient: Recipient, states: Iterable[tuple[RequestedItem, str, str]]) -> None:
    """A new recipient's item states: (item, state, the body's own title for it)."""
    RecipientItem.objects.bulk_create(
        RecipientItem(recipient=recipient, item=item, state=state, title=title) for item, state, title in states
    )
