"""The search index's rows: one per page of text a person may look for.

A row is a letter sent, a message's body, or one page of an attachment, as staff see it
(``audience`` staff: the text as received) or as the public does (``audience`` public: the
redacted text of a publication). The full-text index over ``text`` is the database's own, kept
in step with these rows by the database itself: an FTS5 table and triggers on SQLite, a stored
``tsvector`` column with a GIN index on PostgreSQL (migration 0001). Rows are written only by
``docket.evidence.indexing`` and ``docket.evidence.public_index``; deleting what a row points at
deletes the row (and its index entry) in the same transaction.
"""

from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    LETTER = "letter", "Letter sent"
    REPLY = "reply", "Reply"
    DOCUMENT = "document", "Document"


class Audience(models.TextChoices):
    STAFF = "staff", "Staff"
    PUBLIC = "public", "Public"


class SearchEntry(models.Model):
    audience = models.CharField(max_length=6, choices=Audience.choices)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey("requests.InfoRequest", on_delete=models.CASCADE, related_name="+")
    body = models.ForeignKey("directory.Body", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey("mail.InboundMessage", null=True, on_delete=models.CASCADE, related_name="+")
    attachment = models.ForeignKey("documents.Attachment", null=True, on_delete=models.CASCADE, related_name="+")
    publication = models.ForeignKey("publishing.Publication", null=True, on_delete=models.CASCADE, related_name="+")
    page = models.PositiveIntegerField(default=0, help_text="The page of the document; 0 for a letter or a message")
    title = models.CharField(max_length=300)
    date = models.DateField(help_text="When it was sent or received")
    text = models.TextField()

    class Meta:
        indexes = [
            models.Index(fields=["audience", "campaign"], name="evidence_audience_campaign"),
            models.Index(fields=["message"], name="evidence_message"),
        ]

    def __str__(self) -> str:
        where = f", page {self.page}" if self.page else ""
        return f"{self.title}{where} ({self.audience})"
