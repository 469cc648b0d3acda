"""What may be published, in what state, and the rules that redact it."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone

from docket.campaigns.models import Campaign
from docket.directory.models import Body
from docket.documents.models import Attachment, Blob
from docket.mail.models import InboundMessage
from docket.requests.models import InfoRequest


def new_token() -> str:
    return secrets.token_urlsafe(12)


class PublicationState(models.TextChoices):
    """Where a publication is on its way to the public pages."""

    PRIVATE = "private", "Private"
    APPROVED = "approved", "Approved for publication"
    PUBLISHED = "published", "Published"


class Publication(models.Model):
    """A letter, a reply or a document, and whether (and how) the public may see it.

    private → approved → published; only "published" with no embargo still to run is
    public, and only through ``docket.publishing.published``. What is shown is the
    redacted copy made when it was published.
    """

    class Kind(models.TextChoices):
        LETTER = "letter", "Letter"
        REPLY = "reply", "Reply"
        DOCUMENT = "document", "Document"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    request = models.ForeignKey(InfoRequest, on_delete=models.CASCADE, related_name="publications")
    message = models.OneToOneField(
        InboundMessage, null=True, blank=True, on_delete=models.CASCADE, related_name="publication"
    )
    attachment = models.OneToOneField(
        Attachment, null=True, blank=True, on_delete=models.CASCADE, related_name="publication"
    )
    state = models.CharField(max_length=10, choices=PublicationState.choices, default=PublicationState.PRIVATE)
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    embargo_until = models.DateField(null=True, blank=True, help_text="Not public before this day")
    consent = models.TextField(blank=True, help_text="What the body said about publishing its reply")
    published_at = models.DateTimeField(null=True, blank=True)
    title = models.CharField(max_length=300, blank=True)
    redacted_text = models.TextField(blank=True)
    redacted_pdf = models.ForeignKey(Blob, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    redactions = models.PositiveIntegerField(default=0)
    checked_by_eye = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who confirmed that a document with no readable text was read by eye and holds nothing to redact",
    )
    checked_by_eye_at = models.DateTimeField(null=True, blank=True)
    pdf_tagged = models.BooleanField(
        default=False, help_text="The published PDF is tagged (it was not redacted, so it is the PDF that was sent)"
    )
    redacted_html = models.TextField(blank=True, help_text="The letter as HTML, with its footnotes, redacted")
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "request", name="one_letter_publication_per_request", condition=models.Q(kind="letter")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of request #{self.request_id} ({self.state})"

    @property
    def embargoed(self) -> bool:
        """Published, but its embargo runs still: not public before ``embargo_until`` (as ``published`` reckons)."""
        return (
            self.state == PublicationState.PUBLISHED
            and self.embargo_until is not None
            and self.embargo_until > timezone.localdate()
        )


class RedactionRule(models.Model):
    """Text to remove before anything is published: literal or a regular expression, within a scope."""

    class Scope(models.TextChoices):
        EVERYWHERE = "everywhere", "Everywhere"
        CAMPAIGN = "campaign", "One campaign"
        BODY = "body", "One body"
        REQUEST = "request", "One request"

    pattern = models.CharField(max_length=500)
    is_regex = models.BooleanField(default=False)
    replacement = models.CharField(max_length=100, default="[redacted]")
    scope = models.CharField(max_length=12, choices=Scope.choices, default=Scope.EVERYWHERE)
    campaign = models.ForeignKey(Campaign, null=True, blank=True, on_delete=models.CASCADE)
    body = models.ForeignKey(Body, null=True, blank=True, on_delete=models.CASCADE)
    request = models.ForeignKey(InfoRequest, null=True, blank=True, on_delete=models.CASCADE)
    reason = models.CharField(max_length=300)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return f"{self.pattern!r} ({self.get_scope_display().lower()}): {self.reason}"
