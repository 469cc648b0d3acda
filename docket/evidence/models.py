"""The search index's rows: one per page of text a person may look for.

A row is a letter sent, a message's body, or one page of an attachment, as staff see it
(``audience`` staff: the text as received) or as the public does (``audience`` public: the
redacted text of a publication). The full-text index over ``text`` is the database's own, kept
in step with these rows by the database itself: an FTS5 table and triggers on SQLite, a stored
``tsvector`` column with a GIN index on PostgreSQL (migration 0001). Rows are written only by
``docket.evidence.indexing`` and ``docket.evidence.public_index``; deleting what a row points at
deletes the row (and its index entry) in the same transaction.

A later migration that alters ``SearchEntry``'s table on SQLite remakes the table, which drops its
triggers: such a migration must create them again (migration 0001's ``SQLITE``), then
``docket reindex``.
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


class Theme(models.Model):
    """A code of a campaign's codebook: a name, what it means, a colour; a theme may sit under one other
    (one level: a theme with a parent has no children). ``keywords`` are searched to suggest passages."""

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="themes")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    colour = models.CharField(max_length=7, default="#1d70b8")
    keywords = models.CharField(max_length=300, blank=True, help_text="Searched for suggested passages")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["campaign", "position", "name"]
        constraints = [models.UniqueConstraint("campaign", "name", name="theme_name_unique_in_campaign")]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id and self.parent else self.name


class Passage(models.Model):
    """A passage of a reply's text or of a document's, coded with themes by one person (its coder).

    Anchored by where it is (the page, and offsets in the source's whole text) and by what it
    says (``quote``): a document read again gets new offsets, and the passage is found again
    by its words (``docket.evidence.anchoring``); one whose words are gone is kept, unanchored.
    ``source_sha256`` is the document's file, which reading it again does not change.
    """

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey("requests.InfoRequest", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey("mail.InboundMessage", on_delete=models.CASCADE, related_name="+")
    attachment = models.ForeignKey(
        "documents.Attachment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_sha256 = models.CharField(max_length=64, blank=True, help_text="The document's file; blank: the reply")
    source_name = models.CharField(max_length=300)
    page = models.PositiveIntegerField(default=0)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    memo = models.TextField(blank=True)
    themes = models.ManyToManyField(Theme, related_name="passages")
    coder = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    coder_name = models.CharField(max_length=200)
    anchored = models.BooleanField(
        default=True, help_text="False: its words were not found when the document was read again"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    in_report = models.BooleanField(default=False, help_text="Quoted in the campaign's report")

    class Meta:
        ordering = ["request", "source_name", "start", "pk"]

    def __str__(self) -> str:
        where = f", page {self.page}" if self.page else ""
        return f"“{self.quote[:60]}” ({self.source_name}{where})"


class Suggestion(models.Model):
    """A passage the search suggests for a theme (its keywords found there), until a person accepts or dismisses it."""

    class State(models.TextChoices):
        OPEN = "open", "Suggested"
        ACCEPTED = "accepted", "Accepted"
        DISMISSED = "dismissed", "Dismissed"

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="suggestions")
    request = models.ForeignKey("requests.InfoRequest", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey("mail.InboundMessage", on_delete=models.CASCADE, related_name="+")
    attachment = models.ForeignKey("documents.Attachment", null=True, on_delete=models.CASCADE, related_name="+")
    source_name = models.CharField(max_length=300)
    page = models.PositiveIntegerField(default=0)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    quote = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    decided_by = models.CharField(max_length=200, blank=True)
    passage = models.ForeignKey(Passage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["theme", "request", "source_name", "start"]

    def __str__(self) -> str:
        return f"{self.theme}: “{self.quote[:60]}”"


class ThemeSummary(models.Model):
    """An analyst's short summary of what one recipient's replies say about one theme (a cell of the themes matrix)."""

    MAX_CHARS = 1000

    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey("campaigns.Recipient", on_delete=models.CASCADE, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="summaries")
    text = models.TextField()
    written_by = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint("recipient", "theme", name="theme_summary_unique")]

    def __str__(self) -> str:
        return f"{self.theme}: {self.text[:60]}"
