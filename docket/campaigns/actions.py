"""The named state changes of a campaign's recipients, item by item: what the letter asks for
each, and what the body did about it (the evidence ledger).

A recipient's item ``state`` says whether the letter asks for the item, notes it is already
published, or leaves it out. It is set when a recipient is imported or learnt from a letter.

An item's ``status`` is the ledger: asked, received (the attachment and page that are it),
partly received, published online (the URL), refused (the reason, quoted), not held or not
applicable. A person sets it with ``set_item_status``, which logs a typed event on the request
and re-derives the request's state from the ledger: answered once every item asked for is
settled. Both are changed only here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from docket.campaigns.models import ItemStatus, Recipient, RecipientItem, RequestedItem, status_for_state
from docket.documents.models import Attachment
from docket.errors import DocketError
from docket.requests.actions import Actor, TransitionError, rederive_state
from docket.requests.events import EventKind
from docket.requests.models import InfoRequest
from docket.requests.states import ALLOWED_FROM

Status = RecipientItem.Status

# Each status a person can record, and the event that records it.
STATUS_EVENTS: dict[str, EventKind] = {
    Status.ASKED: EventKind.ITEM_ASKED,
    Status.RECEIVED: EventKind.MARK_ITEM_RECEIVED,
    Status.PARTLY_RECEIVED: EventKind.ITEM_PARTLY_RECEIVED,
    Status.PUBLISHED_ONLINE: EventKind.ITEM_PUBLISHED_ONLINE,
    Status.REFUSED: EventKind.ITEM_REFUSED,
    Status.NOT_HELD: EventKind.ITEM_NOT_HELD,
    Status.NOT_APPLICABLE: EventKind.ITEM_NOT_APPLICABLE,
}
NOTE_CHARS = 2000


class LedgerError(DocketError):
    """A status that cannot be recorded as given (no URL for "published online", no reason for a refusal…)."""


def set_item_state(item_state: RecipientItem, state: str, title: str, url: str) -> bool:
    """Ask for, note as published (with its title and URL), or leave out one item; whether anything changed.

    An item whose ledger has nothing recorded by a person yet takes the status its new state
    implies (asked, published online at the URL, not applicable).
    """
    wanted: dict[str, object] = {"state": state, "title": title, "url": url}
    untouched = item_state.status_at is None
    if untouched:
        wanted["status"] = status_for_state(state)
        wanted["evidence_url"] = url if state == RecipientItem.State.PUBLISHED else ""
    if all(getattr(item_state, name) == value for name, value in wanted.items()):
        return False
    for name, value in wanted.items():
        setattr(item_state, name, value)
    item_state.save(update_fields=list(wanted))
    return True


def add_item_states(recipient: Recipient, states: Iterable[tuple[RequestedItem, str, str]]) -> None:
    """A new recipient's item states: (item, state, the body's own title for it)."""
    RecipientItem.objects.bulk_create(
        RecipientItem(recipient=recipient, item=item, state=state, title=title, status=status_for_state(state))
        for item, state, title in states
    )


@dataclass(frozen=True)
class Evidence:
    """What backs a status: a note (the reason for a refusal, what is missing), the URL where
    it is published, the attachment that is it and the page of it where it starts."""

    note: str = ""
    url: str = ""
    attachment: Attachment | None = None
    page: int | None = None


def set_item_status(
    request: InfoRequest, item_key: str, status: str, actor: Actor, evidence: Evidence | None = None
) -> InfoRequest:
    """Record what the body did about one item it was asked for; the request's state follows.

    Refused (with ``TransitionError`` or ``LedgerError``, nothing changed) when the request is
    not waiting for a reply or answered, the letter did not ask for the item, or the status
    lacks what it needs: received, an attachment of this request or a note saying how it came;
    partly received, an attachment or a note of what is missing; published online, a web
    address; refused, the body's reason. Recording the same again changes nothing and logs nothing.
    """
    evidence = evidence or Evidence()
    if status not in STATUS_EVENTS:
        raise LedgerError(f"{status[:40]!r} is not a status an item can have.")
    kind = STATUS_EVENTS[status]
    with transaction.atomic():
        current = InfoRequest.objects.select_for_update().get(pk=request.pk)
        if current.state not in ALLOWED_FROM[kind]:
            state = current.get_state_display().lower()
            when = "once the letter has gone" if current.sent_at is None else "while it is open: reopen it first"
            raise TransitionError(f"Request #{current.pk} is {state}: an item's status is recorded {when}.")
        item = (
            RecipientItem.objects.select_for_update()
            .select_related("item")
            .filter(recipient_id=current.recipient_id, item__key=item_key)
            .first()
        )
        if item is None:
            raise LedgerError(f"Request #{current.pk} has no requested item {item_key[:40]!r}.")
        label = item.title or item.item.label
        if not item.asked:
            raise TransitionError(f"The letter did not ask for the {label} ({item.get_state_display().lower()}).")
        fields = _fields(current, Status(status), evidence, label)
        if all(getattr(item, name) == value for name, value in fields.items()):
            request.state = current.state
            return request
        now = timezone.now()
        fields["status_at"] = now
        fields["received_at"] = (item.received_at or now) if status == Status.RECEIVED else None
        old_evidence = item.evidence_id
        for name, value in fields.items():
            setattr(item, name, value)
        item.save(update_fields=list(fields))
        _link_attachment(item, old_evidence)
        return rederive_state(request, kind, actor, _event_note(item, label))


def _fields(request: InfoRequest, status: ItemStatus, evidence: Evidence, label: str) -> dict[str, object]:
    note = evidence.note.strip()
    if len(note) > NOTE_CHARS:
        raise LedgerError(f"The note for the {label} is {len(note)} characters long: keep it under {NOTE_CHARS}.")
    url = evidence.url.strip()
    attachment, page = evidence.attachment, evidence.page
    if status == Status.PUBLISHED_ONLINE:
        _check_url(url, label)
    elif url:
        raise LedgerError(f"A web address is only for an item published online, not for one {status.label.lower()}.")
    if status == Status.REFUSED and not note:
        raise LedgerError(f"Give the body's reason for refusing the {label}, in its words.")
    if status in (Status.RECEIVED, Status.PARTLY_RECEIVED) and attachment is None and not note:
        what = "how it came (by post, in the body of an email…)" if status == Status.RECEIVED else "what is missing"
        raise LedgerError(f"Choose the attachment that is the {label}, or say {what}.")
    if attachment is not None:
        if status not in (Status.RECEIVED, Status.PARTLY_RECEIVED):
            raise LedgerError(f"An attachment is only for an item received, not for one {status.label.lower()}.")
        _check_attachment(request, attachment, page, label)
    elif page is not None:
        raise LedgerError(f"A page number is only for an attachment: choose the attachment that holds the {label}.")
    return {
        "status": status,
        "status_note": note,
        "evidence_url": url,
        "evidence": attachment,
        "evidence_page": page if attachment is not None else None,
    }


def _check_url(url: str, label: str) -> None:
    if not url:
        raise LedgerError(f"Give the web address where the {label} is published.")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise LedgerError(f"{url[:80]!r} is not a web address (it should start with https://).") from None
    if len(url) > 500:
        raise LedgerError(f"The web address for the {label} is longer than 500 characters.")


def _check_attachment(request: InfoRequest, attachment: Attachment, page: int | None, label: str) -> None:
    if attachment.message.request_id != request.pk:
        raise LedgerError(f"{attachment.filename or 'That attachment'} did not come with a reply to this request.")
    if page is not None:
        if page < 1:
            raise LedgerError(f"Page {page} is not a page: pages are numbered from 1.")
        if attachment.pages and page > attachment.pages:
            raise LedgerError(
                f"{attachment.filename or 'The attachment'} has {attachment.pages} pages: there is no page {page}."
            )


def _link_attachment(item: RecipientItem, old_evidence: int | None) -> None:
    """The attachment now named as the item is marked as it; one no longer named is unmarked."""
    if old_evidence is not None and old_evidence != item.evidence_id:
        Attachment.objects.filter(pk=old_evidence, fulfils=item).update(fulfils=None)
    if item.evidence_id is not None:
        Attachment.objects.filter(pk=item.evidence_id).update(fulfils=item)


def _event_note(item: RecipientItem, label: str) -> str:
    parts = [f"{item.item.key}: {item.get_status_display().lower()}"]
    if item.evidence is not None:
        where = f", page {item.evidence_page}" if item.evidence_page else ""
        parts.append(f"{item.evidence.filename or 'attachment'} ({item.evidence.pk}){where}")
    if item.evidence_url:
        parts.append(item.evidence_url)
    if item.status_note:
        parts.append(f"“{item.status_note}”" if item.status == Status.REFUSED else item.status_note)
    return "; ".join(parts)


def evidence_withdrawn(attachments: Iterable[int]) -> list[RecipientItem]:
    """The attachments no longer belong to the request whose items they were (their message
    was moved or unfiled): an item received or partly received through them is asked again.
    The caller logs the move (and re-derives the request's state); the items changed are returned."""
    ids = list(attachments)
    items = list(
        RecipientItem.objects.select_for_update()
        .filter(evidence_id__in=ids, status__in=[Status.RECEIVED, Status.PARTLY_RECEIVED])
        .select_related("item")
    )
    changed = []
    for item in items:
        # Another attachment still marked as the item (it came in two parts) stands in for it.
        other = Attachment.objects.filter(fulfils=item).exclude(pk__in=ids).order_by("pk").first()
        item.evidence, item.evidence_page = other, None
        if other is None:
            item.status, item.received_at = Status.ASKED, None
            changed.append(item)
        item.status_at = timezone.now()
        item.save(update_fields=["status", "evidence", "evidence_page", "received_at", "status_at"])
    return changed
