"""The named state changes of an attachment: what reading it found (its status, text, or why not).

An attachment's status is decided once its file has been read (or refused), before its row
is written with the rest of its message; reading it again decides it again. Nothing else
writes it.
"""

from __future__ import annotations

from docket.documents.bounded import Outcome
from docket.documents.models import Attachment, storable


def record_reading(attachment: Attachment, outcome: Outcome) -> None:
    """What reading the file found: its text (extracted, or none), or why it was not read."""
    if outcome.kind == "text":
        attachment.text = storable(outcome.text)
        attachment.pages, attachment.ocr_pages = outcome.pages, outcome.ocr_pages
        attachment.page_starts = list(outcome.page_starts)
        attachment.status = Attachment.Status.EXTRACTED if outcome.text.strip() else Attachment.Status.NO_TEXT
        attachment.error = ""
    elif outcome.kind == "too_large":
        attachment.status, attachment.error = Attachment.Status.TOO_LARGE, too_large_note(outcome.reason)
    elif outcome.kind == "not_readable":
        attachment.status, attachment.error = Attachment.Status.SKIPPED, storable(outcome.reason)
    else:
        attachment.status, attachment.error = Attachment.Status.FAILED, storable(outcome.reason)


def record_not_read(attachment: Attachment, status: Attachment.Status, note: str) -> None:
    """Not read, and why (too large, a kind Docket does not read, an archive it would not open)."""
    attachment.status, attachment.error = status, note


def record_cut(attachment: Attachment, chars: int, note: str) -> None:
    """Only the first ``chars`` of the text read are kept (the message's allowance of text ran out), and why."""
    attachment.text = attachment.text[:chars]
    attachment.page_starts = [start for start in attachment.page_starts if start < chars]
    attachment.error = note


def too_large_note(reason: str) -> str:
    """What a person reads next to an attachment Docket stopped reading."""
    return storable(
        f"Docket did not read this file: {reason}. The file is kept with the message and can be "
        "downloaded, but its text is not searchable."
    )


def save_reading(attachment: Attachment) -> None:
    """Write down what reading a stored attachment again found (its status, text, or why not)."""
    attachment.save(update_fields=["status", "error", "text", "pages", "ocr_pages"])
