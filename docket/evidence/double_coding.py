"""Double coding: a campaign may require each document to be coded by two people, apart.

A document is a reply's text or one of its attachments with text (the unit Cohen's kappa is
measured on, ``docket.evidence.agreement``). It counts as coded by a person when they have coded
at least one passage in it; so the lists here say, per document, who has coded it, and which
documents are still to be coded a first or a second time — the list a team works from.

Each coder's passages stay their own (``Passage.coder_name``): nothing here merges them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse

from docket.campaigns.models import Campaign
from docket.documents.models import Attachment
from docket.evidence.models import Passage
from docket.mail.classification import Classification
from docket.mail.models import InboundMessage

Unit = tuple[int, int | None, str]  # (message, attachment, file): one document, as agreement.py counts it
NEEDED = 2


class Progress:
    NOT_CODED = "not-coded"
    NEEDS_SECOND = "needs-second"
    DOUBLE_CODED = "double-coded"


LABELS = {
    Progress.NOT_CODED: "Not coded yet",
    Progress.NEEDS_SECOND: "Needs a second coder",
    Progress.DOUBLE_CODED: "Coded by two people",
}


@dataclass(frozen=True)
class Document:
    message: InboundMessage
    attachment: Attachment | None
    body: str
    coders: tuple[str, ...]

    @property
    def name(self) -> str:
        if self.attachment is not None:
            return self.attachment.filename or f"Attachment {self.attachment.pk}"
        return f"Reply: {self.message.subject}" if self.message.subject else "Reply"

    @property
    def progress(self) -> str:
        if not self.coders:
            return Progress.NOT_CODED
        return Progress.DOUBLE_CODED if len(self.coders) >= NEEDED else Progress.NEEDS_SECOND

    @property
    def label(self) -> str:
        return LABELS[self.progress]

    @property
    def url(self) -> str:
        if self.attachment is not None:
            return reverse("web:document_page", args=[self.attachment.pk, 1])
        return reverse("web:reply_text", args=[self.message.pk])


def unit_of(message_id: int, attachment_id: int | None, sha256: str) -> Unit:
    return (message_id, attachment_id, sha256)


def coders_by_unit(passages: Iterable[tuple[int, int | None, str, str]]) -> dict[Unit, set[str]]:
    """Who coded each document, from (message, attachment, file, coder) rows."""
    found: dict[Unit, set[str]] = {}
    for message, attachment, sha256, coder in passages:
        found.setdefault(unit_of(message, attachment, sha256), set()).add(coder)
    return found


def coders_of(campaign: Campaign) -> dict[Unit, set[str]]:
    rows = (
        Passage.objects.filter(campaign=campaign)
        .values_list("message_id", "attachment_id", "source_sha256", "coder_name")
        .distinct()
        .order_by()
    )
    return coders_by_unit(rows)


def documents(campaign: Campaign) -> list[Document]:
    """Every reply of the campaign and each of its attachments that has text, with who has coded it (three
    queries), in the order of the bodies' names."""
    coders = coders_of(campaign)
    replies = list(
        InboundMessage.objects.filter(
            request__campaign=campaign,
            status=InboundMessage.Status.FILED,
            classification=Classification.REPLY.value,
        )
        .select_related("request__recipient__contact__body")
        .only("pk", "subject", "received_at", "request__recipient__contact__body__name")
        .order_by("request__recipient__contact__body__name", "received_at", "pk")
    )
    attachments: dict[int, list[Attachment]] = {}
    for attachment in (
        Attachment.objects.filter(message__in=replies)
        .exclude(text="")
        .only("pk", "message_id", "filename", "blob_id")
        .order_by("pk")
    ):
        attachments.setdefault(attachment.message_id, []).append(attachment)
    found = []
    for message in replies:
        assert message.request is not None
        body = message.request.recipient.contact.body.name
        key = unit_of(message.pk, None, "")
        found.append(Document(message, None, body, tuple(sorted(coders.get(key, ())))))
        for attachment in attachments.get(message.pk, []):
            key = unit_of(message.pk, attachment.pk, attachment.blob_id)
            found.append(Document(message, attachment, body, tuple(sorted(coders.get(key, ())))))
    return found


def progress_counts(found: Iterable[Document]) -> Counter[str]:
    return Counter(document.progress for document in found)


def progress_rows(found: Iterable[Document]) -> list[tuple[str, str, int]]:
    """How many documents are coded by nobody, by one person, by two: (key, label, number)."""
    counts = progress_counts(found)
    return [(key, label, counts.get(key, 0)) for key, label in LABELS.items()]
