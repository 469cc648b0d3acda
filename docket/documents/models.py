"""Stored files and the attachments that point at them."""

from __future__ import annotations

import bisect

from django.db import models

from docket.campaigns.models import RecipientItem
from docket.documents import blobstore
from docket.documents.extraction import PAGE_GAP


class Blob(models.Model):
    """A stored file, by the sha256 of its bytes (the bytes are in the blob store)."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.sha256[:12]}… ({self.size} bytes)"

    def read(self) -> bytes:
        return blobstore.read(self.sha256)


def storable(text: str) -> str:
    """Text a database text column can hold: PostgreSQL refuses the NUL character."""
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


def store(data: bytes) -> Blob:
    """Write the bytes to the store (once) and record them (once)."""
    blob = store_file(data)
    record_blobs([blob])
    return blob


def store_file(data: bytes) -> Blob:
    """Write the bytes to the store (once); the Blob returned is recorded later, with ``record_blobs``."""
    return Blob(sha256=blobstore.write(data), size=len(data))


def record_blobs(blobs: list[Blob]) -> None:
    # One INSERT that does nothing for blobs already known: cheaper than a SELECT first.
    Blob.objects.bulk_create(blobs, ignore_conflicts=True)


class Attachment(models.Model):
    """A file that came with an inbound message (or inside a ZIP file that did), and its text."""

    class Status(models.TextChoices):
        PENDING = "pending", "Not yet read"
        EXTRACTED = "extracted", "Text extracted"
        NO_TEXT = "no_text", "No text found"
        FAILED = "failed", "Could not be read"
        SKIPPED = "skipped", "Not read (type or size)"
        TOO_LARGE = "too_large", "Too large to read"

    message = models.ForeignKey("mail.InboundMessage", on_delete=models.CASCADE, related_name="attachments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="members")
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="attachments")
    filename = models.CharField(max_length=300, blank=True)
    declared_type = models.CharField(max_length=200, blank=True, help_text="What the sender's mail program said")
    content_type = models.CharField(max_length=200, blank=True, help_text="What the bytes are")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    text = models.TextField(blank=True)
    pages = models.PositiveIntegerField(default=0)
    ocr_pages = models.PositiveIntegerField(default=0, help_text="Pages whose text came from OCR")
    page_starts = models.JSONField(
        default=list, blank=True, help_text="Where each page after the first begins in the text (character offsets)"
    )
    suggested_item = models.ForeignKey(
        RecipientItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggested_attachments"
    )
    fulfils = models.ForeignKey(
        RecipientItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )

    class Meta:
        ordering = ["message", "pk"]

    def __str__(self) -> str:
        return self.filename or f"attachment {self.pk}"

    @property
    def size(self) -> int:
        return self.blob.size

    def page_texts(self) -> list[tuple[int, str]]:
        """(page number, its text) of each page; a text without pages (a Word file) is page 1."""
        starts = [0, *self.page_starts]
        ends = [start - len(PAGE_GAP) for start in self.page_starts] + [len(self.text)]
        return [(number, self.text[start:end]) for number, (start, end) in enumerate(zip(starts, ends, strict=True), 1)]

    def page_of(self, offset: int) -> int:
        """The page on which the character at ``offset`` of the text is."""
        return bisect.bisect_right(self.page_starts, offset) + 1
