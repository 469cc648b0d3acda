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

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction

from docket.campaigns import actions
from docket.campaigns.models import Campaign, Recipient, RecipientItem
from docket.directory.importing import ContactRow, duplicate_errors, header_errors, parse_contact, save_contact
from docket.importing import CellError, ImportFailed, ImportReport, model_errors
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
    return errors + header_errors(headers, extra | {error.column for error in errors})


def parse_recipient(row: Row) -> tuple[RecipientRow | None, list[CellError]]:
    contact, errors = parse_contact(row)
    fields = {name[6:]: value for name, value in row.values.items() if name.startswith("field:")}
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
        try:
            URLValidator()(url)
        except ValidationError:
            errors.append(CellError(row.number, f"{column}:url", f"{url!r} is not a web address"))
        if state != RecipientItem.State.PUBLISHED:
            errors.append(CellError(row.number, f"{column}:url", "a URL is only for an item that is published"))
    unsaved = RecipientItem(title=title, url=url)  # only to check the lengths the columns allow
    lengths = model_errors(
        unsaved,
        row.number,
        {"title": f"{column}:title", "url": f"{column}:url"},
        exclude=["recipient", "item", "state"] + (["url"] if errors else []),
    )
    return ItemCells(state, title, url), errors + lengths


def import_recipients(campaign: Campaign, path: Path, *, skip_invalid: bool = False) -> ImportReport:
    """Import every row, or nothing when any row is bad (unless ``skip_invalid``)."""
    sheet = read_sheet(path)
    errors = campaign_header_errors(campaign, sheet.headers)
    if errors:
        raise ImportFailed(path, errors)
    recipients: list[RecipientRow] = []
    for row in sheet.rows:
        recipient, row_errors = parse_recipient(row)
        errors += row_errors
        if recipient:
            recipients.append(recipient)
    errors += duplicate_errors([recipient.contact for recipient in recipients])
    if errors and not skip_invalid:
        raise ImportFailed(path, errors)
    bad_rows = {error.row for error in errors}
    report = ImportReport(skipped=errors)
    with transaction.atomic():
        for recipient in recipients:
            if recipient.contact.row not in bad_rows:
                report.count(*save_recipient(campaign, recipient))
    return report


def save_recipient(campaign: Campaign, data: RecipientRow) -> tuple[bool, bool]:
    contact, _, contact_changed = save_contact(data.contact)
    recipient, created = Recipient.objects.get_or_create(campaign=campaign, contact=contact)
    merged = {**recipient.fields, **data.fields}
    changed = merged != recipient.fields
    if changed:
        recipient.fields = merged
        recipient.save(update_fields=["fields"])
    for item in campaign.items.all():
        cells = data.items.get(item.key)
        state, item_created = RecipientItem.objects.get_or_create(recipient=recipient, item=item)
        if cells and actions.set_item_state(state, cells.state, cells.title, cells.url):
            changed = True
        changed = changed or item_created
    return created, changed or contact_changed
