"""The named changes of a campaign's setup: its letter, settings, references, requested items, recipients,
their per-recipient fields and what each is asked for, item by item.

Each writes an ``Event`` (who, when, what kind, what changed) in the same transaction: the campaign's
activity log shows them, and a request's timeline those about its recipient. A person's mistake (removing
a reference the letter still cites, removing a recipient whose letter has gone) is a ``SetupError`` and
changes nothing.

A recipient's item state says whether the letter asks for the item, notes it is already published, or
leaves it out. It is set when a recipient is added, imported or learnt from a letter, and changed only
here; a change that moves a request (the last item still awaited marked "not applicable": the request is
answered) goes through the request's own actions and shows on its timeline.

An item's ``status`` is the evidence ledger: asked, received (the attachment and page that are it),
partly received, published online (the URL), refused (the reason, quoted), not held or not
applicable. A person sets it with ``set_item_status``, which logs a typed event on the request
and re-derives the request's state from the ledger: answered once every item asked for is settled.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone

from docket.campaigns import copying
from docket.campaigns.item_names import the_item
from docket.campaigns.models import (
    Campaign,
    ItemStatus,
    Recipient,
    RecipientItem,
    Reference,
    RequestedItem,
    status_for_state,
)
from docket.campaigns.web_addresses import web_address
from docket.directory.models import Contact
from docket.documents.models import Attachment
from docket.errors import DocketError
from docket.importing import IMPORT_BATCH
from docket.requests import actions as requests
from docket.requests.actions import Actor, TransitionError, rederive_state
from docket.requests.events import EventKind
from docket.requests.models import Event, InfoRequest
from docket.requests.states import ALLOWED_FROM, DERIVED_STATES, RequestState

# A recipient may be removed, with its request, until its letter is queued: after that it has gone, or may have.
REMOVABLE_STATES = {RequestState.DRAFT, RequestState.APPROVED}
FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
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
# The most a per-recipient field's value holds: what the fields grid edits and the recipients import accepts.
FIELD_CHARS = 2000


class SetupError(DocketError):
    """A change to a campaign's setup that cannot be made as asked."""


class LedgerError(DocketError):
    """A status that cannot be recorded as given (no URL for "published online", no reason for a refusal…);
    ``field``: the part of the form to correct (note, url, attachment, page), for the page to link to it."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _event(campaign_id: int, actor: Actor, kind: EventKind, note: str, request: InfoRequest | None = None) -> Event:
    state = request.state if request is not None else ""
    return Event(
        campaign_id=campaign_id,
        request=request,
        actor=actor.user if actor.user is not None and actor.user.pk else None,
        actor_name=actor.name,
        kind=kind,
        from_state=state,
        to_state=state,
        note=note,
    )


def log(campaign: Campaign, actor: Actor, kind: EventKind, note: str, request: InfoRequest | None = None) -> Event:
    event = _event(campaign.pk, actor, kind, note, request)
    event.save(force_insert=True)
    return event


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    text = "" if value is None else str(value)
    return repr(text[:60] + ("…" if len(text) > 60 else ""))


def _changes(instance: Any, values: Mapping[str, Any]) -> list[str]:
    """Set the values that differ; the names of those that did."""
    changed = []
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


# Creating a campaign.


def create_campaign(
    values: Mapping[str, Any],
    actor: Actor,
    *,
    copy_from: Campaign | None = None,
    learned_from: int | None = None,
    creator: Any = None,
) -> Campaign:
    """A new campaign with these settings (``values``: model field -> value), its creator on its team.

    With ``copy_from``: also its template, references and requested items (never its recipients or
    requests). ``learned_from``: the number of letters it was learned from (the caller adds what they
    taught). The campaign's activity log starts with the event this writes, naming who and how.
    """
    with transaction.atomic():
        slug = values.get("slug") or copying.suggest_slug(
            values["title"], Campaign.objects.values_list("slug", flat=True)
        )
        if slug in copying.RESERVED_SLUGS or Campaign.objects.filter(slug=slug).exists():
            raise copying.SlugTaken(f"The address {slug!r} is taken: choose another.")
        campaign = Campaign(**(dict(values) | {"slug": slug}))
        if copy_from is not None:
            campaign.template_source = copy_from.template_source
        campaign.save()
        if copy_from is not None:
            copying.copy_contents(copy_from, campaign)
        if creator is not None:
            campaign.team.add(creator)
        if copy_from is not None:
            how = f"Copied from {copy_from.title}"
        elif learned_from is not None:
            how = f"Learned from {learned_from} letter{'' if learned_from == 1 else 's'}"
        else:
            how = "Started from scratch"
        log(campaign, actor, EventKind.CAMPAIGN_CREATED, how)
    return campaign


# The letter and the settings.


def save_template(campaign: Campaign, source: str, actor: Actor) -> bool:
    """Store the letter template (an error in it is allowed: work in progress); whether it changed."""
    with transaction.atomic():
        current = Campaign.objects.select_for_update().get(pk=campaign.pk)
        campaign.template_source = source
        if current.template_source == source:
            return False
        Campaign.objects.filter(pk=campaign.pk).update(template_source=source)
        before, after = current.template_source.count("\n") + 1, source.count("\n") + 1
        log(campaign, actor, EventKind.TEMPLATE_SAVED, f"{after} lines (was {before})")
    return True


def change_settings(campaign: Campaign, values: Mapping[str, Any], actor: Actor) -> list[str]:
    """Set the campaign's settings (title, letter date, subject, office, working days, chasers, double
    coding); the names changed."""
    with transaction.atomic():
        current = Campaign.objects.select_for_update().get(pk=campaign.pk)
        before = {name: getattr(current, name) for name in values}
        changed = _changes(current, values)
        for name in values:
            setattr(campaign, name, getattr(current, name))
        if not changed:
            return []
        current.save(update_fields=[*changed, "changed_at"])  # auto_now is saved only when named
        note = "; ".join(
            f"{name.replace('_', ' ')}: {_shown(before[name])} → {_shown(values[name])}" for name in changed
        )
        log(campaign, actor, EventKind.SETTINGS_CHANGED, note)
    return changed


# References.


def citing_lines(source: str, key: str) -> list[int]:
    """The template lines that cite the reference ``key``."""
    pattern = re.compile(r"""cite\(\s*(["'])""" + re.escape(key) + r"""\1\s*\)""")
    return [number for number, line in enumerate(source.splitlines(), 1) if pattern.search(line)]


def _described(reference: Reference) -> str:
    year = f" ({reference.year})" if reference.year else ""
    return f"{reference.author}{year}, {reference.title}"


def add_reference(campaign: Campaign, values: Mapping[str, Any], actor: Actor) -> Reference:
    with transaction.atomic():
        if campaign.references.filter(key=values["key"]).exists():
            raise SetupError(f"This campaign already has a reference with the key {values['key']!r}: choose another.")
        reference = Reference.objects.create(campaign=campaign, **values)
        log(campaign, actor, EventKind.REFERENCE_ADDED, f"{reference.key}: {_described(reference)}")
    return reference


def change_reference(reference: Reference, values: Mapping[str, Any], actor: Actor) -> list[str]:
    """Change a reference; its key only when the template does not cite it by the old one."""
    campaign = reference.campaign
    with transaction.atomic():
        old_key = Reference.objects.get(pk=reference.pk).key
        if values.get("key", old_key) != old_key:
            _refuse_if_cited(campaign, old_key, "change the key of")
            if campaign.references.filter(key=values["key"]).exists():
                raise SetupError(f"This campaign already has a reference with the key {values['key']!r}.")
        changed = _changes(reference, values)
        if changed:
            reference.save(update_fields=changed)
            log(campaign, actor, EventKind.REFERENCE_CHANGED, f"{old_key}: {', '.join(changed)} changed")
    return changed


def _refuse_if_cited(campaign: Campaign, key: str, what: str) -> None:
    lines = citing_lines(Campaign.objects.get(pk=campaign.pk).template_source, key)
    if lines:
        where = ", ".join(str(n) for n in lines)
        raise SetupError(
            f"The letter template still cites the reference {key!r} on line{'s' if len(lines) > 1 else ''} {where} "
            f'(cite("{key}")). Take the citation out of the letter first, then {what} the reference.'
        )


def remove_reference(reference: Reference, actor: Actor) -> None:
    """Remove a reference the letter no longer cites; one it cites is refused, naming the line."""
    campaign = reference.campaign
    with transaction.atomic():
        _refuse_if_cited(campaign, reference.key, "remove")
        reference.delete()
        log(campaign, actor, EventKind.REFERENCE_REMOVED, f"{reference.key}: {_described(reference)}")


# Requested items.


def add_item(campaign: Campaign, key: str, label: str, actor: Actor) -> RequestedItem:
    """A new item, asked of every recipient (each can then be set to "published" or "not applicable")."""
    with transaction.atomic():
        if campaign.items.filter(key=key).exists():
            raise SetupError(f"This campaign already asks for an item with the key {key!r}: choose another.")
        last = campaign.items.aggregate(last=Max("position"))["last"]
        item = RequestedItem.objects.create(campaign=campaign, key=key, label=label, position=(last or 0) + 1)
        recipients = campaign.recipients.values_list("pk", flat=True)
        RecipientItem.objects.bulk_create(
            RecipientItem(recipient_id=pk, item=item, state=RecipientItem.State.ASK) for pk in recipients.iterator()
        )
        log(campaign, actor, EventKind.ITEM_ADDED, f"{key}: {label}")
    return item


def change_item(item: RequestedItem, label: str, actor: Actor) -> bool:
    with transaction.atomic():
        before = RequestedItem.objects.get(pk=item.pk).label
        if before == label:
            return False
        item.label = label
        item.save(update_fields=["label", "changed_at"])
        log(item.campaign, actor, EventKind.ITEM_CHANGED, f"{item.key}: {_shown(before)} → {_shown(label)}")
    return True


def remove_item(item: RequestedItem, actor: Actor) -> None:
    """Remove an item no letter has yet asked for (a letter queued or sent asking for it keeps it)."""
    campaign = item.campaign
    with transaction.atomic():
        gone = item.recipient_states.filter(state=RecipientItem.State.ASK, recipient__request__isnull=False).exclude(
            recipient__request__state__in=REMOVABLE_STATES
        )
        if count := gone.count():
            raise SetupError(
                f"{count} letter{'s have' if count > 1 else ' has'} already gone asking for {item.label!r} "
                f"({item.key}): it stays. Set it to “not applicable” for a recipient instead."
            )
        item.delete()
        log(campaign, actor, EventKind.ITEM_REMOVED, f"{item.key}: {item.label}")


def move_item(item: RequestedItem, step: int, actor: Actor) -> bool:
    """Move an item up (-1) or down (+1) in the list; the letters list them in this order."""
    campaign = item.campaign
    with transaction.atomic():
        items = list(campaign.items.select_for_update().order_by("position", "key"))
        index = next(i for i, found in enumerate(items) if found.pk == item.pk)
        target = index + step
        if not 0 <= target < len(items):
            return False
        items[index], items[target] = items[target], items[index]
        now = timezone.now()  # bulk_update leaves auto_now fields alone
        for position, found in enumerate(items):
            found.position, found.changed_at = position, now
        RequestedItem.objects.bulk_update(items, ["position", "changed_at"])
        log(campaign, actor, EventKind.ITEMS_REORDERED, ", ".join(found.key for found in items))
    return True


# Recipients.


def add_recipients(campaign: Campaign, contacts: Iterable[Contact], actor: Actor) -> list[Recipient]:
    """Add contacts as recipients, each asked for every item; those already recipients are left as they are."""
    with transaction.atomic():
        wanted = {contact.pk: contact for contact in contacts}
        retired = [c for c in wanted.values() if c.retired or c.body.retired]
        if retired:
            names = ", ".join(f"{c.full_name} ({c.body.name})" for c in retired[:5])
            raise SetupError(f"Retired contacts cannot be added to a campaign: {names}.")
        present = set(campaign.recipients.filter(contact_id__in=wanted).values_list("contact_id", flat=True))
        made = Recipient.objects.bulk_create(
            Recipient(campaign=campaign, contact=contact, fields={})
            for pk, contact in wanted.items()
            if pk not in present
        )
        if not made:
            return []
        if made[0].pk is None:  # a database that does not return the new keys
            made = list(campaign.recipients.filter(contact_id__in=[r.contact_id for r in made]))
        items = list(campaign.items.all())
        RecipientItem.objects.bulk_create(
            RecipientItem(recipient=recipient, item=item, state=RecipientItem.State.ASK)
            for recipient in made
            for item in items
        )
        Event.objects.bulk_create(
            _event(campaign.pk, actor, EventKind.RECIPIENT_ADDED, f"{r.contact.full_name}, {r.contact.body.name}")
            for r in made
        )
    return made


def why_recipient_stays(recipient: Recipient) -> str:
    """Why the recipient cannot be removed from the campaign now ("the letter is sent"), or "" if it can be:
    what its page says instead of offering to remove it."""
    return _why_it_stays(InfoRequest.objects.filter(recipient=recipient).first())


def _why_it_stays(request: InfoRequest | None) -> str:
    if request is None:
        return ""
    if request.publications.exists():
        return "something of this recipient's request is set to be published"
    if request.state not in REMOVABLE_STATES:
        return f"the letter is {request.get_state_display().lower()}"
    if request.outbox.exists() or request.inbound_messages.exists():
        return "mail or documents are filed to this recipient's request"
    return ""


def remove_recipient(recipient: Recipient, actor: Actor) -> None:
    """Remove a recipient whose letter has not gone (no request, or a draft or approved one, removed with it)."""
    campaign = recipient.campaign
    name = f"{recipient.contact.full_name}, {recipient.contact.body.name}"
    with transaction.atomic():
        request = InfoRequest.objects.select_for_update().filter(recipient=recipient).first()
        if why := _why_it_stays(request):
            gone = request is not None and request.state not in REMOVABLE_STATES
            raise SetupError(
                f"{name}: {why}, so the recipient stays{' (withdraw the request instead)' if gone else ''}."
            )
        log(campaign, actor, EventKind.RECIPIENT_REMOVED, name, request)
        try:
            if request is not None:
                request.delete()  # its events stay in the campaign's log
            recipient.delete()
        except ProtectedError as error:
            raise SetupError(
                f"{name}: mail or documents are filed to this recipient's request, so it stays."
            ) from error


def _requests_of(recipients: Sequence[Recipient]) -> dict[int, InfoRequest]:
    found = InfoRequest.objects.filter(recipient__in=recipients)
    return {request.recipient_id: request for request in found}


def set_fields(changes: Mapping[Recipient, Mapping[str, str]], actor: Actor) -> int:
    """Set per-recipient fields (a blank value is kept as blank); each recipient changed logs its own event."""
    changed: list[tuple[Recipient, list[str]]] = []
    for recipient, values in changes.items():
        names = [name for name, value in values.items() if str(recipient.fields.get(name, "")) != value]
        for name in names:
            if len(values[name]) > FIELD_CHARS:
                raise SetupError(
                    f"{recipient.contact.body.name}'s {name} has {len(values[name]):,} characters: "
                    f"a field holds at most {FIELD_CHARS:,}. Nothing was changed."
                )
        if names:
            recipient.fields = {**recipient.fields, **{name: values[name] for name in names}}
            changed.append((recipient, names))
    if not changed:
        return 0
    with transaction.atomic():
        Recipient.objects.bulk_update([recipient for recipient, _ in changed], ["fields"])
        requests_ = _requests_of([recipient for recipient, _ in changed])
        Event.objects.bulk_create(
            _event(
                recipient.campaign_id,
                actor,
                EventKind.FIELDS_CHANGED,
                f"{recipient.contact.body.name}: {', '.join(names)}",
                requests_.get(recipient.pk),
            )
            for recipient, names in changed
        )
    return len(changed)


def _field_name(name: str) -> str:
    if not FIELD_NAME.match(name):
        raise SetupError(
            f"{name!r} cannot be a field's name: use letters, digits and underscores, starting with a letter "
            "(for example area_sentence)."
        )
    return name


def field_names(campaign: Campaign) -> list[str]:
    """Every field any recipient of the campaign has, in order."""
    names: set[str] = set()
    for fields in campaign.recipients.values_list("fields", flat=True).iterator():
        names.update(fields)
    return sorted(names)


def add_field(campaign: Campaign, name: str, value: str, actor: Actor) -> int:
    """Give every recipient the field (``value``, often blank, for each to fill in); those that have it keep theirs."""
    _field_name(name)
    with transaction.atomic():
        missing = [r for r in campaign.recipients.select_for_update() if name not in r.fields]
        if not missing and name in field_names(campaign):
            raise SetupError(f"Every recipient already has the field {name!r}.")
        for recipient in missing:
            recipient.fields = {**recipient.fields, name: value}
        Recipient.objects.bulk_update(missing, ["fields"], batch_size=500)
        count = f"{len(missing)} recipient{'s' if len(missing) != 1 else ''}"
        detail = f"{name}, {_shown(value)} for {count}" if value else f"{name}, blank for {count} to fill in"
        log(campaign, actor, EventKind.FIELD_ADDED, detail)
    return len(missing)


def rename_field(campaign: Campaign, old: str, new: str, actor: Actor) -> int:
    """Rename a field for every recipient (the template's ``fields.OLD`` must then be changed too)."""
    _field_name(new)
    with transaction.atomic():
        recipients = list(campaign.recipients.select_for_update())
        if not any(old in r.fields for r in recipients):
            raise SetupError(f"No recipient has a field named {old!r}.")
        if old != new and any(new in r.fields for r in recipients):
            raise SetupError(f"There is already a field named {new!r}: choose another name.")
        having = [r for r in recipients if old in r.fields]
        for recipient in having:
            recipient.fields = {(new if key == old else key): value for key, value in recipient.fields.items()}
        Recipient.objects.bulk_update(having, ["fields"], batch_size=500)
        log(
            campaign,
            actor,
            EventKind.FIELD_RENAMED,
            f"{old} → {new} for {len(having)} recipient{'s' if len(having) != 1 else ''}",
        )
    return len(having)


# What each recipient is asked for.


def set_item_state(item_state: RecipientItem, state: str, title: str, url: str) -> bool:
    """Ask for, note as published (with its title and URL), or leave out one item; whether anything changed.

    The bare change, for imports and learning, which log their own event; a person's change goes through
    ``set_item_states``.
    """
    wanted: dict[str, object] = {"state": state, "title": title, "url": url}
    if item_state.status_at is None:  # nothing recorded by a person yet: the status its state implies
        wanted["status"] = status_for_state(state)
        wanted["evidence_url"] = url if state == RecipientItem.State.PUBLISHED else ""
    if all(getattr(item_state, name) == value for name, value in wanted.items()):
        return False
    for name, value in wanted.items():
        setattr(item_state, name, value)
    item_state.save(update_fields=[*wanted, "changed_at"])
    return True


def set_item_states(
    recipient: Recipient, changes: Iterable[tuple[RecipientItem, str, str, str]], actor: Actor
) -> list[str]:
    """A person's change to what one recipient is asked for: (item state, state, title, url) each.

    Logged on the recipient's request when it has one, and a request waiting for replies has its
    state worked out again through the request's actions (the last item awaited now "not applicable":
    answered).
    """
    with transaction.atomic():
        said = []
        for item_state, state, title, url in changes:
            before = item_state.get_state_display()
            if set_item_state(item_state, state, title, url):
                after = item_state.get_state_display()
                said.append(f"{item_state.item.key}: {before} → {after}" if before != after else item_state.item.key)
        if not said:
            return []
        note = f"{recipient.contact.body.name}: {'; '.join(said)}"
        request = InfoRequest.objects.filter(recipient=recipient).first()
        if request is not None and request.state in DERIVED_STATES:
            requests.rederive_state(request, EventKind.ITEM_STATES_CHANGED, actor, note)
        else:
            log(recipient.campaign, actor, EventKind.ITEM_STATES_CHANGED, note, request)
    return said


def add_item_states(recipient: Recipient, states: Iterable[tuple[RequestedItem, str, str]]) -> None:
    """A new recipient's item states: (item, state, the body's own title for it)."""
    RecipientItem.objects.bulk_create(
        RecipientItem(recipient=recipient, item=item, state=state, title=title, status=status_for_state(state))
        for item, state, title in states
    )


def write_item_states(
    new: Iterable[tuple[int, int, str, str, str]], changed: Sequence[tuple[RecipientItem, str, str, str]]
) -> None:
    """An import's item states, in bulk: new ones (recipient id, item id, state, title, url) and changes to
    existing ones (item state, state, title, url). The import logs its own event."""
    RecipientItem.objects.bulk_create(
        (
            RecipientItem(recipient_id=r, item_id=i, state=s, title=t, url=u, status=status_for_state(s))
            for r, i, s, t, u in new
        ),
        batch_size=IMPORT_BATCH,
    )
    now = timezone.now()  # bulk_update leaves auto_now fields alone
    for item_state, state, title, url in changed:
        item_state.state, item_state.title, item_state.url, item_state.changed_at = state, title, url, now
        if item_state.status_at is None:  # nothing recorded by a person yet: the status its state implies
            item_state.status = status_for_state(state)
            item_state.evidence_url = url if state == RecipientItem.State.PUBLISHED else ""
    RecipientItem.objects.bulk_update(
        [c[0] for c in changed],
        ["state", "title", "url", "status", "evidence_url", "changed_at"],
        batch_size=IMPORT_BATCH,
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
        raise LedgerError(f"{status[:40]!r} is not a status an item can have.", field="status")
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
            raise TransitionError(f"The letter did not ask for {the_item(label)} ({item.get_state_display().lower()}).")
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
        item.save(update_fields=[*fields, "changed_at"])
        _link_attachment(item, old_evidence)
        return rederive_state(request, kind, actor, _event_note(item, label))


def refuse_request(request: InfoRequest, actor: Actor, reason: str) -> InfoRequest:
    """The body refused the whole request: the request is refused, and each item still awaited from it
    (asked for, nothing of it come) is recorded refused with the same reason, each with its event, so
    that the ledger counts them refused rather than awaited. Items already settled or partly received
    keep what they have. Reopening the request later leaves the items as they are, to be changed one
    by one."""
    with transaction.atomic():
        refused = requests.refuse(request, actor, reason)
        awaited = (
            RecipientItem.objects.select_for_update(of=("self",))
            .select_related("item")
            .filter(recipient_id=request.recipient_id, state=RecipientItem.State.ASK, status=Status.ASKED)
            .order_by("item__position", "pk")
        )
        now = timezone.now()
        for item in awaited:
            label = item.title or item.item.label
            fields = _fields(refused, Status.REFUSED, Evidence(note=reason), label) | {"status_at": now}
            for name, value in fields.items():
                setattr(item, name, value)
            item.save(update_fields=[*fields, "changed_at"])
            rederive_state(refused, STATUS_EVENTS[Status.REFUSED], actor, _event_note(item, label))  # logged; stays
    return refused


def _fields(request: InfoRequest, status: ItemStatus, evidence: Evidence, label: str) -> dict[str, object]:
    note = evidence.note.strip()
    if len(note) > NOTE_CHARS:
        raise LedgerError(
            f"The note for {the_item(label)} is {len(note)} characters long: keep it under {NOTE_CHARS}.", field="note"
        )
    url = evidence.url.strip()
    attachment, page = evidence.attachment, evidence.page
    if status == Status.PUBLISHED_ONLINE:
        url = _checked_url(url, label)
    elif url:
        raise LedgerError(
            f"A web address is only for an item published online, not for one {status.label.lower()}.", field="url"
        )
    if status == Status.REFUSED and not note:
        raise LedgerError(f"Give the body's reason for refusing {the_item(label)}, in its words.", field="note")
    if status in (Status.RECEIVED, Status.PARTLY_RECEIVED) and attachment is None and not note:
        what = "how it came (by post, in the body of an email…)" if status == Status.RECEIVED else "what is missing"
        raise LedgerError(f"Choose the attachment that is {the_item(label)}, or say {what}.", field="attachment")
    if attachment is not None:
        if status not in (Status.RECEIVED, Status.PARTLY_RECEIVED):
            raise LedgerError(
                f"An attachment is only for an item received, not for one {status.label.lower()}.", field="attachment"
            )
        _check_attachment(request, attachment, page, label)
    elif page is not None:
        raise LedgerError(
            f"A page number is only for an attachment: choose the attachment that holds {the_item(label)}.",
            field="attachment",
        )
    return {
        "status": status,
        "status_note": note,
        "evidence_url": url,
        "evidence": attachment,
        "evidence_page": page if attachment is not None else None,
    }


def _checked_url(url: str, label: str) -> str:
    """The web address as stored: one typed without its scheme (www.pcc.example/profile) gets https://, as
    Django's URLField gives it; one with another scheme (ftp:, javascript:) is refused."""
    if not url:
        raise LedgerError(f"Give the web address where {the_item(label)} is published.", field="url")
    kept = web_address(url)
    if kept is None:
        raise LedgerError(
            f"Enter the web address where {the_item(label)} is published, starting with https://", field="url"
        )
    url = kept
    if len(url) > 500:
        raise LedgerError(f"The web address for {the_item(label)} is longer than 500 characters.", field="url")
    return url


def _check_attachment(request: InfoRequest, attachment: Attachment, page: int | None, label: str) -> None:
    if attachment.message.request_id != request.pk:
        raise LedgerError(
            f"{attachment.filename or 'That attachment'} did not come with a reply to this request.", field="attachment"
        )
    if page is not None:
        if page < 1:
            raise LedgerError(f"Page {page} is not a page: pages are numbered from 1.", field="page")
        count = attachment.pages  # a PDF's, once read
        if not count and attachment.status == Attachment.Status.EXTRACTED:
            count = len(attachment.page_starts) + 1  # a text or Word file is one page
        if count and page > count:  # not read yet (or unreadable): its pages are not known, so not checked
            raise LedgerError(
                f"{attachment.filename or 'The attachment'} has {count} page{'s' if count != 1 else ''}: "
                f"give a page from 1 to {count}, or leave the page empty.",
                field="page",
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
        item.save(update_fields=["status", "evidence", "evidence_page", "received_at", "status_at", "changed_at"])
    return changed
