"""Changing what is public: named actions, each logged on its request's timeline in the same transaction.

``publish`` makes the redacted copy that the public sees (text, and a PDF whose
redacted text is really removed); it is made again by publishing again after a
rule changes.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from docket.documents.models import store
from docket.evidence import public_index
from docket.publishing.models import Publication, PublicationState
from docket.publishing.pdf_redaction import RedactionFailed, redact_pdf
from docket.publishing.rules import redact_for, spans_in
from docket.requests.actions import Actor, TransitionError, record_event
from docket.requests.events import EventKind
from docket.requests.models import FrozenLetter, InfoRequest

State = PublicationState


def letter_publication(request: InfoRequest) -> Publication:
    if request.sent_at is None or not FrozenLetter.objects.filter(request=request).exists():
        raise TransitionError(f"request #{request.pk} has no letter sent to publish")
    publication, _ = Publication.objects.get_or_create(request=request, kind=Publication.Kind.LETTER)
    return publication


def reply_publication(message_id: int, request: InfoRequest) -> Publication:
    publication, _ = Publication.objects.get_or_create(
        message_id=message_id, defaults={"request": request, "kind": Publication.Kind.REPLY}
    )
    return publication


def document_publication(attachment_id: int, request: InfoRequest) -> Publication:
    publication, _ = Publication.objects.get_or_create(
        attachment_id=attachment_id, defaults={"request": request, "kind": Publication.Kind.DOCUMENT}
    )
    return publication


def _move(
    publication: Publication,
    allowed: set[str],
    to: str,
    actor: Actor,
    kind: EventKind,
    note: str = "",
    **changes: object,
) -> Publication:
    with transaction.atomic():
        current = Publication.objects.select_for_update().get(pk=publication.pk)
        if current.state not in allowed:
            what = kind.label.lower()
            raise TransitionError(f"{current} is {current.get_state_display().lower()}: it cannot be {what}")
        current.state = to
        for name, value in changes.items():
            setattr(current, name, value)
        current.save()
        public_index.follow(current)
        detail = f"{current.get_kind_display()}" + (f": {note}" if note else "")
        record_event(current.request, kind, actor, detail)
    return current


def approve(publication: Publication, actor: Actor) -> Publication:
    return _move(publication, {State.PRIVATE}, State.APPROVED, actor, EventKind.PUBLICATION_APPROVED)


def make_private(publication: Publication, actor: Actor, reason: str = "") -> Publication:
    return _move(
        publication,
        {State.APPROVED, State.PUBLISHED},
        State.PRIVATE,
        actor,
        EventKind.PUBLICATION_MADE_PRIVATE,
        reason,
        published_at=None,
    )


def set_embargo(publication: Publication, until: datetime.date | None, actor: Actor) -> Publication:
    with transaction.atomic():
        Publication.objects.filter(pk=publication.pk).update(embargo_until=until, changed_at=timezone.now())
        record_event(publication.request, EventKind.PUBLICATION_EMBARGO, actor, f"until {until}" if until else "lifted")
    publication.refresh_from_db()
    return publication


def record_consent(publication: Publication, consent: str, actor: Actor) -> Publication:
    with transaction.atomic():
        Publication.objects.filter(pk=publication.pk).update(consent=consent, changed_at=timezone.now())
        record_event(publication.request, EventKind.PUBLICATION_CONSENT, actor, consent)
    publication.refresh_from_db()
    return publication


def _content(publication: Publication) -> tuple[str, str, bytes | None]:
    """(title, text, pdf) of what is to be published, before redaction."""
    request = publication.request
    if publication.kind == Publication.Kind.LETTER:
        letter = FrozenLetter.objects.get(request=request)
        return f"Letter to {request.recipient.contact.body.name}", letter.text, bytes(letter.pdf)
    if publication.kind == Publication.Kind.REPLY:
        assert publication.message is not None
        message = publication.message
        return f"Reply from {request.recipient.contact.body.name}", message.reply_text or message.body_text, None
    assert publication.attachment is not None
    attachment = publication.attachment
    data = attachment.blob.read()
    pdf = data if attachment.content_type == "application/pdf" else None
    return attachment.filename or "Document", attachment.text, pdf


def publish(publication: Publication, actor: Actor) -> Publication:
    """Make the redacted copy and make it public (from "approved" only).

    If a PDF cannot be redacted for certain, nothing is published: the item is made private
    again (it needs a person's decision) and ``RedactionFailed`` says why.
    """
    if publication.state != State.APPROVED:
        raise TransitionError(f"{publication} is {publication.get_state_display().lower()}: approve it first")
    request = publication.request
    title, text, pdf = _content(publication)
    redacted_title, title_spans = redact_for(title, request)
    redacted_text, spans = redact_for(text, request)
    redacted_pdf = None
    pdf_redactions = 0
    if pdf is not None:
        try:
            cleaned, pdf_redactions = redact_pdf(
                pdf, lambda page_text: [(s.start, s.end) for s in spans_in(page_text, request)]
            )
        except RedactionFailed as error:
            # Fail closed, and visibly: the item goes back to private with the reason on its timeline.
            make_private(publication, actor, f"the PDF could not be redacted: {error}")
            raise
        redacted_pdf = store(cleaned)
    return _move(
        publication,
        {State.APPROVED},
        State.PUBLISHED,
        actor,
        EventKind.PUBLICATION_PUBLISHED,
        title=redacted_title,
        redacted_text=redacted_text,
        redacted_pdf=redacted_pdf,
        redactions=len(spans) + len(title_spans) + pdf_redactions,
        published_at=timezone.now(),
    )
