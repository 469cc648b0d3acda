"""Storing an inbound message's attachments and reading their text, one at a time.

One attachment that cannot be read never stops the others: each gets its own
status and error. ZIP files are opened (within limits) into member attachments.
"""

from __future__ import annotations

import logging

from docket.campaigns.models import RecipientItem
from docket.documents import archives
from docket.documents.extraction import ExtractionError, NotReadable, extract, sniff
from docket.documents.models import Attachment, record_blobs, storable, store_file
from docket.documents.ocr import OcrUnavailable
from docket.documents.suggestions import Candidate, suggest

log = logging.getLogger(__name__)
ZIP_TYPES = {"application/zip", "application/x-zip-compressed"}
MAX_EXTRACT_BYTES = 60 * 1024 * 1024


def take_attachment(
    message_id: int,
    filename: str,
    declared_type: str,
    data: bytes,
    *,
    ocr: bool = True,
    items: list[RecipientItem] | None = None,
    parent: Attachment | None = None,
    depth: int = 0,
) -> list[Attachment]:
    """Store the bytes, read the text (or open the ZIP) and suggest which of ``items`` it is.

    Returns the attachment, followed by the files inside it when it is a ZIP, not yet
    recorded: ``save_attachments`` does that, with the rest of the message's filing.
    """
    attachment = Attachment(
        message_id=message_id,
        parent=parent,
        blob=store_file(data),
        filename=storable(filename)[:300],
        declared_type=storable(declared_type)[:200],
        content_type=sniff(data)[:200],
    )
    if attachment.content_type in ZIP_TYPES:
        return _open_zip(attachment, data, ocr=ocr, items=items, depth=depth)
    _read(attachment, data, ocr=ocr)
    suggest_items([attachment], items or [], save=False)
    return [attachment]


def save_attachments(attachments: list[Attachment]) -> None:
    """Record the blobs and the attachments: one INSERT for the files, one for what was inside ZIP
    files (their parents then known), and so on down."""
    record_blobs(list({attachment.blob.pk: attachment.blob for attachment in attachments}.values()))
    pending = attachments
    while pending:
        ready = [a for a in pending if a.parent is None or a.parent.pk is not None]
        assert ready, "an attachment's parent is neither saved nor among those to save"
        Attachment.objects.bulk_create(ready)
        pending = [a for a in pending if a.pk is None]


def _read(attachment: Attachment, data: bytes, *, ocr: bool) -> None:
    """Extract the text onto the attachment, or the reason it could not be read."""
    try:
        if len(data) > MAX_EXTRACT_BYTES:
            raise NotReadable(f"{len(data)} bytes: larger than the {MAX_EXTRACT_BYTES} bytes Docket reads")
        result = extract(data, attachment.content_type, ocr=ocr)
        attachment.text = storable(result.text)
        attachment.pages = result.pages
        attachment.ocr_pages = result.ocr_pages
        attachment.status = Attachment.Status.EXTRACTED if result.text.strip() else Attachment.Status.NO_TEXT
        attachment.error = ""
    except NotReadable as reason:
        attachment.status, attachment.error = Attachment.Status.SKIPPED, storable(str(reason))
    except (ExtractionError, OcrUnavailable) as error:
        attachment.status, attachment.error = Attachment.Status.FAILED, storable(str(error))
    except Exception as error:  # one attachment must never stop the rest
        log.exception("reading attachment %r failed", attachment.filename)
        attachment.status, attachment.error = Attachment.Status.FAILED, storable(f"{type(error).__name__}: {error}")


def _open_zip(
    attachment: Attachment, data: bytes, *, ocr: bool, items: list[RecipientItem] | None, depth: int
) -> list[Attachment]:
    try:
        members = archives.members(data, depth)
    except archives.ArchiveRefused as reason:
        attachment.status, attachment.error = Attachment.Status.SKIPPED, storable(str(reason))
        return [attachment]
    attachment.status = Attachment.Status.EXTRACTED
    attachment.text = storable("\n".join(member.name for member in members))
    taken = [attachment]
    for member in members:
        taken += take_attachment(
            attachment.message_id,
            member.name,
            "",
            member.data,
            ocr=ocr,
            items=items,
            parent=attachment,
            depth=depth + 1,
        )
    return taken


def suggest_items(attachments: list[Attachment], items: list[RecipientItem], *, save: bool = True) -> None:
    """Point each attachment at the requested item it probably is, for a person to confirm."""
    candidates = [Candidate(item.item.key, tuple(n for n in (item.item.label, item.title) if n)) for item in items]
    by_key = {item.item.key: item for item in items}
    if not candidates:
        return
    for attachment in attachments:
        key = suggest(attachment.filename, attachment.text, candidates)
        if key is not None:
            attachment.suggested_item = by_key[key]
            if save:
                attachment.save(update_fields=["suggested_item"])
