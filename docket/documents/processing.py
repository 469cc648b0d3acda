"""Storing an inbound message's attachments and reading their text, one at a time.

One attachment that cannot be read never stops the others: each gets its own
status and error. ZIP files are opened (within limits) into member attachments.
"""

from __future__ import annotations

import logging

from docket.campaigns.models import RecipientItem
from docket.documents import archives
from docket.documents.extraction import ExtractionError, NotReadable, extract, sniff
from docket.documents.models import Attachment, storable, store
from docket.documents.ocr import OcrUnavailable
from docket.documents.suggestions import Candidate, suggest

log = logging.getLogger(__name__)
ZIP_TYPES = {"application/zip", "application/x-zip-compressed"}
MAX_EXTRACT_BYTES = 60 * 1024 * 1024


def add_attachment(
    message_id: int, filename: str, declared_type: str, data: bytes, parent: Attachment | None = None
) -> Attachment:
    """Store the bytes and record the attachment (text not read yet)."""
    return Attachment.objects.create(
        message_id=message_id,
        parent=parent,
        blob=store(data),
        filename=storable(filename)[:300],
        declared_type=storable(declared_type)[:200],
        content_type=sniff(data)[:200],
    )


def read_attachment(attachment: Attachment, data: bytes, *, ocr: bool = True, depth: int = 0) -> None:
    """Extract the text (or open the ZIP); record the outcome on the attachment."""
    try:
        if attachment.content_type in ZIP_TYPES:
            _open_zip(attachment, data, ocr=ocr, depth=depth)
            return
        if len(data) > MAX_EXTRACT_BYTES:
            raise NotReadable(f"{len(data)} bytes: larger than the {MAX_EXTRACT_BYTES} bytes Docket reads")
        result = extract(data, attachment.content_type, ocr=ocr)
        attachment.text = storable(result.text)
        attachment.pages = result.pages
        attachment.ocr_pages = result.ocr_pages
        attachment.status = Attachment.Status.EXTRACTED if result.text.strip() else Attachment.Status.NO_TEXT
        attachment.error = ""
    except (NotReadable, archives.ArchiveRefused) as reason:
        attachment.status, attachment.error = Attachment.Status.SKIPPED, storable(str(reason))
    except (ExtractionError, OcrUnavailable) as error:
        attachment.status, attachment.error = Attachment.Status.FAILED, storable(str(error))
    except Exception as error:  # one attachment must never stop the rest
        log.exception("reading attachment %s failed", attachment.pk)
        attachment.status, attachment.error = Attachment.Status.FAILED, storable(f"{type(error).__name__}: {error}")
    attachment.save(update_fields=["text", "pages", "ocr_pages", "status", "error"])


def _open_zip(attachment: Attachment, data: bytes, *, ocr: bool, depth: int) -> None:
    members = archives.members(data, depth)
    for member in members:
        child = add_attachment(attachment.message_id, member.name, "", member.data, parent=attachment)
        read_attachment(child, member.data, ocr=ocr, depth=depth + 1)
    attachment.status = Attachment.Status.EXTRACTED
    attachment.text = storable("\n".join(member.name for member in members))
    attachment.save(update_fields=["status", "text"])


def suggest_items(attachments: list[Attachment], items: list[RecipientItem]) -> None:
    """Point each attachment at the requested item it probably is, for a person to confirm."""
    candidates = [Candidate(item.item.key, tuple(n for n in (item.item.label, item.title) if n)) for item in items]
    by_key = {item.item.key: item for item in items}
    for attachment in attachments:
        key = suggest(attachment.filename, attachment.text, candidates)
        if key is not None:
            attachment.suggested_item = by_key[key]
            attachment.save(update_fields=["suggested_item"])
