"""Importing bodies and contacts from a CSV or XLSX file.

Columns (headers in the first row; only ``body`` and ``full_name`` are required):

``body``, ``body_kind``, ``area``, ``tags`` (separated by ``;``), ``website``,
``body_phone``, ``body_email`` (the body's public switchboard and mailbox),
``full_name``, ``role``, ``salutation``, ``email``, ``address`` (one line per
line of the cell, or lines separated by ``;``), ``postcode``.

A column present in the file sets its value, blank included; a column left out
leaves what is stored alone. Tags are only ever added. A contact is the same
contact when its email address matches, or, without an email, its body and
full name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from docket.directory.models import Body, Contact, Tag, slug_base
from docket.importing import (
    IMPORT_BATCH,
    CellError,
    ImportFailed,
    ImportReport,
    in_chunks,
    model_errors,
    storable_errors,
    update_fields,
)
from docket.spreadsheets import Row, read_sheet, squashed

CONTACT_COLUMNS = (
    "body",
    "body_kind",
    "area",
    "tags",
    "website",
    "body_phone",
    "body_email",
    "full_name",
    "role",
    "salutation",
    "email",
    "address",
    "postcode",
)
REQUIRED_COLUMNS = ("body", "full_name")
BODY_COLUMNS = {
    "name": "body",
    "kind": "body_kind",
    "area": "area",
    "website": "website",
    "phone": "body_phone",
    "email": "body_email",
}
PERSON_COLUMNS = {
    "full_name": "full_name",
    "role": "role",
    "salutation": "salutation",
    "email": "email",
    "address_lines": "address",
    "postcode": "postcode",
}


@dataclass(frozen=True)
class ContactRow:
    """One row's contact, validated but not yet stored."""

    row: int
    body: dict[str, object]
    tags: tuple[str, ...]
    person: dict[str, object]

    @property
    def identity(self) -> tuple[str, ...]:
        email = str(self.person.get("email", "")).lower()
        return ("email", email) if email else ("name", str(self.body["name"]), str(self.person["full_name"]))


# Headers a person may have given a required column instead of its name (as ``squashed`` writes them): a
# missing column's refusal names the one the file has, to be renamed, rather than calling it unknown.
LOOKALIKES = {
    "full_name": ("name", "contact_name", "contact", "person", "person_name", "fullname", "contact_full_name"),
    "body": ("body_name", "organisation", "organization", "organisation_name", "organization_name", "public_body"),
}


def header_errors(headers: list[str], allowed: set[str] | None = None, others: str = "") -> list[CellError]:
    """``others``: the columns besides the directory's that the caller takes, in words for the message."""
    known = set(CONTACT_COLUMNS) | (allowed or set())
    errors = []
    explained: set[str] = set()  # unknown headers a missing column's refusal already names
    for name in REQUIRED_COLUMNS:
        if name in headers:
            continue
        like = [h for h in headers if h not in known and h not in explained and squashed(h) in LOOKALIKES[name]]
        if like:
            explained.add(like[0])
            reason = f'the file has no {name} column; its column "{like[0]}" looks like it: rename it to {name}'
        else:
            reason = f"the file has no {name} column, and it is required"
        errors.append(CellError(1, name, reason))
    columns = ", ".join(CONTACT_COLUMNS) + (f"; and {others}" if others else "")
    errors += [
        CellError(1, name, f"unknown column; the columns are: {columns}")
        for name in headers
        if name not in known and name not in explained
    ]
    return errors


def parse_contact(row: Row) -> tuple[ContactRow | None, list[CellError]]:
    cells = row.values
    body: dict[str, object] = {name: cells[column] for name, column in BODY_COLUMNS.items() if column in cells}
    person: dict[str, object] = {name: cells[column] for name, column in PERSON_COLUMNS.items() if column in cells}
    if "address_lines" in person:
        person["address_lines"] = "\n".join(_address_lines(cells["address"]))
    # Every problem of the row, not only the first kind found: a blank required cell does not hide a bad
    # email on the same row, so a person fixes the file once, not once per problem.
    errors = storable_errors(row.number, cells)
    errors += [
        CellError(row.number, column, "this cell is required") for column in REQUIRED_COLUMNS if not cells[column]
    ]
    flagged = {error.column for error in errors}
    errors += model_errors(Body(**body), row.number, BODY_COLUMNS, exclude=["tags", *_fields(BODY_COLUMNS, flagged)])
    errors += model_errors(
        Contact(**person), row.number, PERSON_COLUMNS, exclude=["body", *_fields(PERSON_COLUMNS, flagged)]
    )
    tags = tuple(tag.strip() for tag in cells.get("tags", "").split(";") if tag.strip())
    errors += [CellError(row.number, "tags", f"the tag {tag!r} is too long") for tag in tags if len(tag) > 100]
    if errors:
        return None, errors
    return ContactRow(row.number, body, tags, person), []


def _fields(columns: dict[str, str], flagged: set[str]) -> list[str]:
    """The model fields whose column already has a problem (not reported twice)."""
    return [name for name, column in columns.items() if column in flagged]


def _address_lines(cell: str) -> list[str]:
    return [line.strip() for line in cell.replace(";", "\n").splitlines() if line.strip()]


def duplicate_errors(contacts: list[ContactRow]) -> list[CellError]:
    first_row: dict[tuple[str, ...], int] = {}
    errors = []
    for contact in contacts:
        if contact.identity in first_row:
            column = "email" if contact.identity[0] == "email" else "full_name"
            errors.append(
                CellError(contact.row, column, f"the same contact is already on row {first_row[contact.identity]}")
            )
        else:
            first_row[contact.identity] = contact.row
    return errors


def save_contact(data: ContactRow) -> tuple[Contact, bool, bool]:
    """Create or update the body and contact; return (contact, created, changed)."""
    body, body_created = Body.objects.get_or_create(name=data.body["name"], defaults=data.body)
    body_changed = body_created or update_fields(body, data.body)
    if body_changed and not body_created:
        body.save()
    for name in data.tags:
        tag, _ = Tag.objects.get_or_create(name=name)
        if not body.tags.filter(pk=tag.pk).exists():
            body.tags.add(tag)
            body_changed = True
    contact = _find_contact(body, data)
    created = contact is None
    if contact is None:
        contact = Contact(body=body)
    changed = update_fields(contact, {"body": body, **data.person})
    if changed:
        contact.save()
    return contact, created, changed or body_changed


def contacts_with_email(email: str) -> QuerySet[Contact]:
    """The contact with this email, ignoring case: ``lower(email) = …`` among contacts with an email, the
    terms of the unique index contact_email_unique, so that both databases find it by the index
    (``email__iexact`` scanned the table, once a row of every import)."""
    with_email = Contact.objects.exclude(email="").alias(lower_email=Lower("email"))
    return with_email.filter(lower_email=email.lower()).order_by("pk")


def _find_contact(body: Body, data: ContactRow) -> Contact | None:
    email = str(data.person.get("email", ""))
    if email:
        return contacts_with_email(email).first()
    return Contact.objects.filter(body=body, full_name=data.person["full_name"], email="").first()


@dataclass(frozen=True)
class ContactCheck:
    """What a file would import, and every problem of every row; nothing is written to make it."""

    path: Path
    contacts: list[ContactRow]
    errors: list[CellError]

    @property
    def good(self) -> list[ContactRow]:
        bad_rows = {error.row for error in self.errors}
        return [contact for contact in self.contacts if contact.row not in bad_rows]


def check_contacts(path: Path) -> ContactCheck:
    """Read and validate every row (the preview the workspace shows, the check the command runs)."""
    sheet = read_sheet(path, columns=CONTACT_COLUMNS)
    errors = header_errors(sheet.headers)
    if errors:
        return ContactCheck(path, [], errors)
    contacts: list[ContactRow] = []
    for row in sheet.rows:
        contact, row_errors = parse_contact(row)
        errors += row_errors
        if contact:
            contacts.append(contact)
    errors += duplicate_errors(contacts)
    return ContactCheck(path, contacts, sorted(errors, key=lambda error: error.row))


def save_contacts(check: ContactCheck, *, skip_invalid: bool = False) -> ImportReport:
    """Store a checked file: every row, or nothing when any row is bad (unless ``skip_invalid``)."""
    columns_wrong = any(error.row == 1 for error in check.errors)  # the header row: no row can be read right
    if check.errors and (not skip_invalid or columns_wrong):
        raise ImportFailed(check.path, check.errors)
    report = ImportReport(skipped=check.errors)
    with transaction.atomic():
        for contact in check.good:
            report.count(*save_contact(contact)[1:])
    return report


def import_contacts(path: Path, *, skip_invalid: bool = False) -> ImportReport:
    """Import every row, or nothing when any row is bad (unless ``skip_invalid``)."""
    return save_contacts(check_contacts(path), skip_invalid=skip_invalid)


def save_contact_rows(rows: list[ContactRow]) -> list[tuple[Contact, bool, bool]]:
    """``save_contact`` for many rows at once, each (contact, created, changed), in a few statements a file.

    The same rules: a body by its name, a contact by its email ignoring case (the index
    contact_email_unique: ``lower(email) IN (…)``) or, without one, by its body and name; a column
    present sets its value, tags are only added. Each lookup is one query for the whole file and each
    write a bulk statement, so the cost of a row does not grow with the directory or the file.
    Call it inside a transaction.
    """
    names = {str(row.body["name"]) for row in rows}
    bodies = {body.name: body for chunk in in_chunks(names) for body in Body.objects.filter(name__in=chunk)}
    body_changed: dict[str, bool] = {}
    new_bodies: list[Body] = []
    changed_bodies: dict[str, Body] = {}
    fields_set: set[str] = set()
    slugs = set(Body.objects.values_list("slug", flat=True).order_by())  # once a file, not once a row
    for row in rows:
        name = str(row.body["name"])
        body = bodies.get(name)
        if body is None:
            body = Body(**row.body)
            body.slug = _free_slug(name, slugs)
            slugs.add(body.slug)
            bodies[name] = body
            new_bodies.append(body)
            body_changed[name] = True
        elif update_fields(body, row.body) and body.pk is not None:
            changed_bodies[name] = body
            fields_set.update(row.body)
            body_changed[name] = True
        else:
            body_changed.setdefault(name, False)
    Body.objects.bulk_create(new_bodies, batch_size=IMPORT_BATCH)
    if new_bodies and new_bodies[0].pk is None:
        raise RuntimeError("the database did not return the new bodies' keys")
    if changed_bodies:
        now = timezone.now()  # bulk_update leaves auto_now fields alone
        for body in changed_bodies.values():
            body.changed_at = now
        fields = sorted(fields_set | {"changed_at"})
        Body.objects.bulk_update(list(changed_bodies.values()), fields, batch_size=IMPORT_BATCH)
    _add_tags(rows, bodies, body_changed)
    return _save_people(rows, bodies, body_changed)


def _free_slug(name: str, taken: set[str]) -> str:
    """``unique_slug`` against a set kept for the whole file (it copies what it is given: once a row, that
    was a copy of the directory's slugs for every new body)."""
    base = slug_base(name)
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _add_tags(rows: list[ContactRow], bodies: dict[str, Body], body_changed: dict[str, bool]) -> None:
    wanted = {(str(row.body["name"]), tag) for row in rows for tag in row.tags}
    if not wanted:
        return
    tag_names = {tag for _, tag in wanted}
    known = {
        name
        for chunk in in_chunks(tag_names)
        for name in Tag.objects.filter(name__in=chunk).values_list("name", flat=True)
    }
    Tag.objects.bulk_create([Tag(name=name) for name in sorted(tag_names - known)], ignore_conflicts=True)
    tags = {tag.name: tag for chunk in in_chunks(tag_names) for tag in Tag.objects.filter(name__in=chunk)}
    through = Body.tags.through
    body_ids = {bodies[name].pk for name, _ in wanted}
    present = {
        pair
        for chunk in in_chunks(body_ids)
        for pair in through.objects.filter(body_id__in=chunk).values_list("body_id", "tag_id")
    }
    pairs = {(bodies[name].pk, tags[tag].pk): name for name, tag in sorted(wanted)}
    added = [(body_id, tag_id, name) for (body_id, tag_id), name in pairs.items() if (body_id, tag_id) not in present]
    through.objects.bulk_create([through(body_id=b, tag_id=t) for b, t, _ in added], batch_size=IMPORT_BATCH)
    for _, _, name in added:
        body_changed[name] = True


def _save_people(
    rows: list[ContactRow], bodies: dict[str, Body], body_changed: dict[str, bool]
) -> list[tuple[Contact, bool, bool]]:
    emails = {str(row.person.get("email", "")).lower() for row in rows} - {""}
    by_email: dict[str, Contact] = {}
    if emails:
        with_email = Contact.objects.exclude(email="").alias(lower_email=Lower("email"))
        for chunk in in_chunks(emails):
            for known in with_email.filter(lower_email__in=chunk).order_by("pk"):
                by_email.setdefault(known.email.lower(), known)  # the first made, as contacts_with_email(…).first()
    nameless = [row for row in rows if not row.person.get("email")]
    by_name: dict[tuple[int, str], Contact] = {}
    for rows_chunk in in_chunks(nameless):
        same_name = Contact.objects.filter(
            email="",
            body_id__in={bodies[str(row.body["name"])].pk for row in rows_chunk},
            full_name__in={str(row.person["full_name"]) for row in rows_chunk},
        )
        by_name |= {(contact.body_id, contact.full_name): contact for contact in same_name}
    results: list[tuple[Contact, bool, bool]] = []
    new: list[Contact] = []
    changed: list[Contact] = []
    fields_set: set[str] = {"body"}
    for row in rows:
        body = bodies[str(row.body["name"])]
        email = str(row.person.get("email", "")).lower()
        found: Contact | None = by_email.get(email) if email else by_name.get((body.pk, str(row.person["full_name"])))
        created = found is None
        contact = Contact(body=body) if found is None else found
        was_changed = update_fields(contact, {"body": body, **row.person})
        if created:
            new.append(contact)
        elif was_changed:
            changed.append(contact)
            fields_set.update(row.person)
        results.append((contact, created, was_changed or body_changed[str(row.body["name"])]))
    Contact.objects.bulk_create(new, batch_size=IMPORT_BATCH)
    if new and new[0].pk is None:
        raise RuntimeError("the database did not return the new contacts' keys")
    if changed:
        Contact.objects.bulk_update(changed, sorted(fields_set), batch_size=IMPORT_BATCH)
    return results
