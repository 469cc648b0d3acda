"""Importing a campaign's recipients from a CSV or XLSX file.

The contact columns of :mod:`docket.directory.importing`, plus:

- ``field:NAME``: a per-recipient template field, available as ``fields.NAME``;
- ``item:KEY``: what this recipient is asked for the requested item KEY:
  ``ask`` (the default when blank), ``published`` or ``n/a``;
- ``item:KEY:title``: what this body calls the item, if not the item's label;
- ``item:KEY:url``: where the body has published it.

Re-importing a file updates the recipients it names; it never duplicates them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from docket import words
from docket.campaigns import actions
from docket.campaigns.models import Campaign, Recipient, RecipientItem
from docket.campaigns.web_addresses import web_address
from docket.directory.importing import (
    CONTACT_COLUMNS,
    ContactRow,
    duplicate_errors,
    header_errors,
    parse_contact,
    save_contact_rows,
)
from docket.directory.models import Contact
from docket.importing import IMPORT_BATCH, CellError, ImportFailed, ImportReport, in_chunks, model_errors
from docket.letters.used_fields import fields_a_blank_stops
from docket.requests.actions import SYSTEM, Actor
from docket.requests.events import EventKind
from docket.spreadsheets import Row, read_sheet

FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
STATE_WORDS = {
    "": RecipientItem.State.ASK,
    "ask": RecipientItem.State.ASK,
    "published": RecipientItem.State.PUBLISHED,
    "already published": RecipientItem.State.PUBLISHED,
    "n/a": RecipientItem.State.NOT_APPLICABLE,
    "na": RecipientItem.State.NOT_APPLICABLE,
    "not applicable": RecipientItem.State.NOT_APPLICABLE,
}


@dataclass(frozen=True)
class ItemCells:
    state: str
    title: str = ""
    url: str = ""


@dataclass(frozen=True)
class RecipientRow:
    contact: ContactRow
    fields: dict[str, str]
    items: dict[str, ItemCells] = field(default_factory=dict)


def campaign_header_errors(campaign: Campaign, headers: list[str]) -> list[CellError]:
    item_keys = set(campaign.items.values_list("key", flat=True))
    extra: set[str] = set()
    errors = []
    for header in headers:
        kind, _, rest = header.partition(":")
        if kind == "field":
            if FIELD_NAME.match(rest):
                extra.add(header)
            else:
                errors.append(CellError(1, header, "a field name uses letters, digits and underscores"))
        elif kind == "item":
            key, _, part = rest.partition(":")
            if key not in item_keys:
                known = ", ".join(sorted(item_keys)) or "none yet"
                errors.append(CellError(1, header, f"no requested item {key!r} in this campaign (it has: {known})"))
            elif part not in {"", "title", "url"}:
                errors.append(CellError(1, header, "use item:KEY, item:KEY:title or item:KEY:url"))
            else:
                extra.add(header)
    keys = ", ".join(sorted(item_keys)) or "none yet"
    others = (
        "field:NAME for each field of the letter, item:KEY (ask, published or n/a), item:KEY:title and "
        f"item:KEY:url for each requested item (its keys: {keys})"
    )
    return errors + header_errors(headers, extra | {error.column for error in errors}, others)


def parse_recipient(row: Row) -> tuple[RecipientRow | None, list[CellError]]:
    contact, errors = parse_contact(row)
    fields = {name[6:]: value for name, value in row.values.items() if name.startswith("field:")}
    errors += [
        CellError(
            row.number, f"field:{name}", f"{len(value):,} characters: a field holds at most {actions.FIELD_CHARS:,}"
        )
        for name, value in fields.items()
        if len(value) > actions.FIELD_CHARS
    ]
    items: dict[str, ItemCells] = {}
    keys = {name.split(":")[1] for name in row.values if name.startswith("item:")}
    for key in sorted(keys):
        cells, item_errors = _item_cells(row, key)
        errors += item_errors
        items[key] = cells
    if contact is None or errors:
        return None, errors
    return RecipientRow(contact, fields, items), []


def _item_cells(row: Row, key: str) -> tuple[ItemCells, list[CellError]]:
    column = f"item:{key}"
    word = row.values.get(column, "").strip().lower()
    title = row.values.get(f"{column}:title", "")
    url = row.values.get(f"{column}:url", "")
    errors = []
    state = STATE_WORDS.get(word)
    if state is None:
        errors.append(CellError(row.number, column, f"{row.values.get(column)!r} is not one of: ask, published, n/a"))
        state = RecipientItem.State.ASK
    if url:
        kept = web_address(url)
        if kept is None:
            errors.append(CellError(row.number, f"{column}:url", f"{url!r} is not a web address"))
        else:
            url = kept  # one written without https:// is given it, as on a request's page
        if state != RecipientItem.State.PUBLISHED:
            errors.append(CellError(row.number, f"{column}:url", "a URL is only for an item that is published"))
    if not (title or url):  # blank cells: nothing to check (a model built and checked a row was a third of the time)
        return ItemCells(state, title, url), errors
    unsaved = RecipientItem(title=title, url=url)  # only to check the lengths the columns allow
    lengths = model_errors(
        unsaved,
        row.number,
        {"title": f"{column}:title", "url": f"{column}:url"},
        exclude=["recipient", "item", "state"] + (["url"] if errors else []),
    )
    return ItemCells(state, title, url), errors + lengths


@dataclass(frozen=True)
class RecipientCheck:
    """What a file would import into a campaign, and every problem of every row; nothing is written to make it."""

    path: Path
    recipients: list[RecipientRow]
    errors: list[CellError]

    @property
    def good(self) -> list[RecipientRow]:
        bad_rows = {error.row for error in self.errors}
        return [recipient for recipient in self.recipients if recipient.contact.row not in bad_rows]

    @property
    def fields(self) -> list[str]:
        return sorted({name for recipient in self.recipients for name in recipient.fields})


def check_recipients(campaign: Campaign, path: Path) -> RecipientCheck:
    """Read and validate every row (the preview the workspace shows, the check the command runs)."""
    sheet = read_sheet(path, columns=CONTACT_COLUMNS)
    errors = campaign_header_errors(campaign, sheet.headers)
    if errors:
        return RecipientCheck(path, [], errors)
    recipients: list[RecipientRow] = []
    for row in sheet.rows:
        recipient, row_errors = parse_recipient(row)
        errors += row_errors
        if recipient:
            recipients.append(recipient)
    errors += duplicate_errors([recipient.contact for recipient in recipients])
    return RecipientCheck(path, recipients, sorted(errors, key=lambda error: error.row))


BLANK_WARNINGS_SHOWN = 50  # rows named on the check page; the rest are counted


@dataclass(frozen=True)
class BlankFieldWarnings:
    """The rows a file would import whose letter cannot be made, as a field the template uses would be blank:
    the first ``shown`` in words, and how many more there are."""

    shown: list[str]
    more: int


def blank_field_warnings(
    campaign: Campaign, check: RecipientCheck, limit: int = BLANK_WARNINGS_SHOWN
) -> BlankFieldWarnings:
    """A warning for each row to import whose ``field:`` cell is blank where the letter uses that field (the
    import stores the blank over any value the recipient had, and the letter then cannot be made). Not a
    refusal: a field is often filled in later, on the recipient's page."""
    needed = fields_a_blank_stops(campaign.template_source)
    shown: list[str] = []
    more = 0
    if not needed:
        return BlankFieldWarnings(shown, more)
    for row in check.good:
        blank = [name for name in sorted(needed) if name in row.fields and not row.fields[name].strip()]
        if not blank:
            continue
        if len(shown) == limit:
            more += 1
            continue
        names = blank[0] if len(blank) == 1 else f"{', '.join(blank[:-1])} and {blank[-1]}"
        are, them, they = ("is", "it", "it is") if len(blank) == 1 else ("are", "them", "they are")
        shown.append(
            f"Row {row.contact.row} ({row.contact.body['name']}): {names} {are} blank, and the letter uses {them}: "
            f"the letter cannot be made until {they} filled in on the recipient's page."
        )
    return BlankFieldWarnings(shown, more)


def import_recipients(
    campaign: Campaign, path: Path, *, skip_invalid: bool = False, actor: Actor = SYSTEM
) -> ImportReport:
    """Import every row, or nothing when any row is bad (unless ``skip_invalid``)."""
    return save_recipients(campaign, check_recipients(campaign, path), skip_invalid=skip_invalid, actor=actor)


def save_recipients(
    campaign: Campaign,
    check: RecipientCheck,
    *,
    skip_invalid: bool = False,
    actor: Actor = SYSTEM,
    file_name: str = "",
) -> ImportReport:
    """Store a checked file: every row, or nothing when any row is bad (unless ``skip_invalid``).

    In bulk: contacts looked up by index (``save_contact_rows``), recipients and their item states
    read in one query each and written in bulk statements; one event in the campaign's log.
    """
    columns_wrong = any(error.row == 1 for error in check.errors)
    if check.errors and (not skip_invalid or columns_wrong):
        raise ImportFailed(check.path, check.errors)
    report = ImportReport(skipped=check.errors)
    rows = check.good
    with transaction.atomic():
        contacts = save_contact_rows([row.contact for row in rows])
        outcomes = _save_recipients(campaign, rows, [contact for contact, _, _ in contacts])
        for (_, _, contact_changed), (created, changed) in zip(contacts, outcomes, strict=True):
            report.count(created, changed or contact_changed)
        skipped = len({error.row for error in report.skipped})
        note = (
            f"{file_name or check.path.name}: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged"
            + (f", {words.count(skipped, 'row')} with problems skipped" if skipped else "")
        )
        actions.log(campaign, actor, EventKind.RECIPIENTS_IMPORTED, note)
    return report


def _save_recipients(campaign: Campaign, rows: list[RecipientRow], contacts: list[Contact]) -> list[tuple[bool, bool]]:
    existing = {
        r.contact_id: r
        for chunk in in_chunks(c.pk for c in contacts)
        for r in campaign.recipients.filter(contact_id__in=chunk)
    }
    changed: dict[int, bool] = {}  # by contact
    new = []
    changed_fields = []
    for row, contact in zip(rows, contacts, strict=True):
        recipient = existing.get(contact.pk)
        if recipient is None:
            new.append(Recipient(campaign=campaign, contact=contact, fields=dict(row.fields)))
            changed[contact.pk] = True
            continue
        merged = {**recipient.fields, **row.fields}
        changed[contact.pk] = merged != recipient.fields
        if changed[contact.pk]:
            recipient.fields = merged
            changed_fields.append(recipient)
    Recipient.objects.bulk_create(new, batch_size=IMPORT_BATCH)
    if new and new[0].pk is None:
        raise RuntimeError("the database did not return the new recipients' keys")
    Recipient.objects.bulk_update(changed_fields, ["fields"], batch_size=IMPORT_BATCH)
    created = {recipient.contact_id for recipient in new}
    recipients = existing | {recipient.contact_id: recipient for recipient in new}
    items = list(campaign.items.all())
    have = {
        (state.recipient_id, state.item_id): state
        for chunk in in_chunks(r.pk for r in existing.values())
        for state in RecipientItem.objects.filter(recipient__in=chunk).order_by()
    }
    new_states: list[tuple[int, int, str, str, str]] = []
    changed_states: list[tuple[RecipientItem, str, str, str]] = []
    for row, contact in zip(rows, contacts, strict=True):
        recipient = recipients[contact.pk]
        for item in items:
            cells = row.items.get(item.key) or ItemCells(RecipientItem.State.ASK)
            state = have.get((recipient.pk, item.pk))
            if state is None:
                new_states.append((recipient.pk, item.pk, cells.state, cells.title, cells.url))
                changed[contact.pk] = True
            elif item.key in row.items and (state.state, state.title, state.url) != (
                cells.state,
                cells.title,
                cells.url,
            ):
                changed_states.append((state, cells.state, cells.title, cells.url))
                changed[contact.pk] = True
    actions.write_item_states(new_states, changed_states)
    return [(contact.pk in created, changed[contact.pk]) for contact in contacts]
