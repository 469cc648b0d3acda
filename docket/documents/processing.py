"""Storing an inbound message's attachments and reading their text, one at a time.

One attachment that cannot be read never stops the others: each gets its own
status and error. ZIP files are opened (within limits) into member attachments.
Text is read in a child process bounded in memory and time (``bounded``): a file
past a limit is kept and marked "too large to read", and its message is filed.

One message is bounded as a whole too (``Allowance``): the files unpacked from its ZIP files
together, and the text kept of all its attachments together. Before, a 300 kB message with a
ZIP of 199 files of 1 MB each put 800 MB of text in the database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Sum
from django.db.models.functions import Length

from docket.campaigns.models import RecipientItem
from docket.documents import actions, archives
from docket.documents.bounded import Budget, Outcome, read_bounded
from docket.documents.extraction import Caps, decode_text, is_plain_text, refusal, sniff
from docket.documents.models import Attachment, record_blobs, storable, store_file
from docket.documents.suggestions import Candidate, suggest

log = logging.getLogger(__name__)
ZIP_TYPES = {"application/zip", "application/x-zip-compressed"}
MAX_EXTRACT_BYTES = 60 * 1024 * 1024
MB = 1024 * 1024


@dataclass
class Allowance:
    """What is left to read of one message: bytes to unpack from its ZIP files, characters of text to keep."""

    unpacked_bytes: int
    text_chars: int

    @classmethod
    def of_a_message(cls) -> Allowance:
        """The whole allowance of a message, from the DOCKET_READ_MAX_UNPACKED_MB and _MESSAGE_TEXT_MB settings."""
        return cls(settings.DOCKET_READ_MAX_UNPACKED_MB * MB, settings.DOCKET_READ_MAX_MESSAGE_TEXT_MB * MB)


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
    allowance: Allowance | None = None,
) -> list[Attachment]:
    """Store the bytes, read the text (or open the ZIP) and suggest which of ``items`` it is.

    Returns the attachment, followed by the files inside it when it is a ZIP, not yet
    recorded: ``save_attachments`` does that, with the rest of the message's filing.
    ``allowance`` is what is left of the message's (shared by all its attachments): a whole one if none.
    """
    allowance = allowance or Allowance.of_a_message()
    attachment = Attachment(
        message_id=message_id,
        parent=parent,
        blob=store_file(data),
        filename=storable(filename)[:300],
        declared_type=storable(declared_type)[:200],
        content_type=sniff(data)[:200],
    )
    if attachment.content_type in ZIP_TYPES:
        return _open_zip(attachment, data, ocr=ocr, items=items, depth=depth, allowance=allowance)
    _read(attachment, data, ocr=ocr, allowance=allowance)
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


def _read(attachment: Attachment, data: bytes, *, ocr: bool, allowance: Allowance) -> None:
    """Extract the text onto the attachment (what is left of the message's allowance of it), or the reason
    it could not be read.

    Plain text is decoded here: that is linear in its size (at most ``MAX_EXTRACT_BYTES``),
    with nothing to unpack or parse, so it cannot ask for more than a few times its size.
    Every other reader runs in a bounded child process, whose limits are settings.
    """
    reason = refusal(attachment.content_type, ocr=ocr)
    if allowance.text_chars <= 0:
        note = actions.too_large_note(
            f"the message's other files already hold the {_text_limit()} of text Docket keeps of one message "
            "(the setting DOCKET_READ_MAX_MESSAGE_TEXT_MB)"
        )
        actions.record_not_read(attachment, Attachment.Status.TOO_LARGE, note)
    elif len(data) > MAX_EXTRACT_BYTES:
        note = actions.too_large_note(f"it is {len(data):,} bytes, and Docket reads at most {MAX_EXTRACT_BYTES:,}")
        actions.record_not_read(attachment, Attachment.Status.TOO_LARGE, note)
    elif reason is not None:
        actions.record_not_read(attachment, Attachment.Status.SKIPPED, storable(reason))
    elif is_plain_text(attachment.content_type):
        actions.record_reading(attachment, Outcome("text", decode_text(data)))
    else:
        caps, budget = limits()
        try:
            outcome = read_bounded(data, attachment.content_type, ocr=ocr, caps=caps, budget=budget)
        except Exception as error:  # one attachment must never stop the rest
            log.exception("reading attachment %r failed", attachment.filename)
            outcome = Outcome("failed", reason=f"{type(error).__name__}: {error}")
        actions.record_reading(attachment, outcome)
    _keep_within(attachment, allowance)


def _keep_within(attachment: Attachment, allowance: Allowance) -> None:
    """Cut the attachment's text to what is left of the message's allowance, saying so, and take it from that."""
    if len(attachment.text) > allowance.text_chars:
        kept = max(allowance.text_chars, 0)
        actions.record_cut(
            attachment,
            kept,
            f"Only the first {archives.megabytes(kept)} of this file's text was read: Docket keeps at most "
            f"{_text_limit()} of text of one message (the setting DOCKET_READ_MAX_MESSAGE_TEXT_MB). The file is "
            "kept with the message and can be downloaded, but the rest of its text is not searchable.",
        )
    allowance.text_chars -= len(attachment.text)


def _text_limit() -> str:
    return archives.megabytes(settings.DOCKET_READ_MAX_MESSAGE_TEXT_MB * MB)


def limits() -> tuple[Caps, Budget]:
    """The limits on reading one attachment, from the DOCKET_READ_* settings."""
    return (
        Caps(
            max_pages=settings.DOCKET_READ_MAX_PAGES,
            max_ocr_pages=settings.DOCKET_READ_MAX_OCR_PAGES,
            max_pixels=settings.DOCKET_READ_MAX_PIXELS,
            max_cells=settings.DOCKET_READ_MAX_CELLS,
            max_unzipped_bytes=settings.DOCKET_READ_MAX_UNZIPPED_MB * 1024 * 1024,
        ),
        Budget(
            memory_mb=settings.DOCKET_READ_MEMORY_MB,
            cpu_seconds=settings.DOCKET_READ_CPU_SECONDS,
            wall_seconds=settings.DOCKET_READ_WALL_SECONDS,
        ),
    )


def _open_zip(
    attachment: Attachment,
    data: bytes,
    *,
    ocr: bool,
    items: list[RecipientItem] | None,
    depth: int,
    allowance: Allowance,
) -> list[Attachment]:
    try:
        limit = settings.DOCKET_READ_MAX_UNPACKED_MB * MB
        members = archives.members(data, depth, limit, already=limit - allowance.unpacked_bytes)
    except archives.ArchiveRefused as reason:
        actions.record_not_read(attachment, Attachment.Status.SKIPPED, storable(str(reason)))
        return [attachment]
    allowance.unpacked_bytes -= sum(len(member.data) for member in members)
    actions.record_reading(attachment, Outcome("text", "\n".join(member.name for member in members)))
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
            allowance=allowance,
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


def read_again(attachment: Attachment, *, ocr: bool = True) -> None:
    """Read a stored attachment's text again from its bytes (after a reading that failed), and save it.

    A reading that now finds text also suggests which requested item the file is.
    """
    others = Attachment.objects.filter(message_id=attachment.message_id).exclude(pk=attachment.pk)
    held = others.aggregate(chars=Sum(Length("text")))["chars"] or 0
    allowance = Allowance.of_a_message()
    allowance.text_chars -= held
    _read(attachment, attachment.blob.read(), ocr=ocr, allowance=allowance)
    actions.save_reading(attachment)
    request = attachment.message.request
    if attachment.status == Attachment.Status.EXTRACTED and request is not None and attachment.suggested_item is None:
        items = list(RecipientItem.objects.filter(recipient_id=request.recipient_id).select_related("item"))
        suggest_items([attachment], items)
