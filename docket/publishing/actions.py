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
from docket.publishing.html_redaction import redact_html
from docket.publishing.models import Publication, PublicationState
from docket.publishing.pdf_redaction import RedactionFailed, redact_pdf
from docket.publishing.public_letter import is_tagged, letter_html, nothing_to_redact_in_objects
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


def unreadable(publication: Publication) -> bool:
    """A document with no text that could be read: what redaction searches is empty, so nothing would be found."""
    attachment = publication.attachment
    return publication.kind == Publication.Kind.DOCUMENT and attachment is not None and not attachment.text.strip()


def confirm_checked_by_eye(publication: Publication, actor: Actor, note: str = "") -> Publication:
    """A person says they read a document with no readable text by eye and it holds nothing to redact.

    Until then it cannot be published: the rules search text, and it has none.
    """
    if not unreadable(publication):
        raise TransitionError(f"{publication} has readable text: redaction reads it, there is nothing to confirm")
    with transaction.atomic():
        Publication.objects.filter(pk=publication.pk).update(
            checked_by_eye=actor.name[:200], checked_by_eye_at=timezone.now(), changed_at=timezone.now()
        )
        what = publication.attachment.filename if publication.attachment else "document"
        record_event(publication.request, EventKind.PUBLICATION_CHECKED_BY_EYE, actor, f"{what}: {note}".strip(": "))
    publication.refresh_from_db()
    return publication


def refuse_unchecked(publication: Publication) -> None:
    """A document with no readable text, not yet checked by eye, is not published (nor approved on the way)."""
    if unreadable(publication) and publication.checked_by_eye_at is None:
        raise TransitionError(
            f"{publication.attachment.filename if publication.attachment else 'The document'} has no text Docket "
            "could read, so redaction cannot check it: open it, read it by eye, and tick that you have checked it "
            "before publishing."
        )


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
    refuse_unchecked(publication)
    request = publication.request
    title, text, pdf = _content(publication)
    redacted_title, title_spans = redact_for(title, request)
    redacted_text, spans = redact_for(text, request)
    redacted_pdf = None
    pdf_redactions = 0
    tagged = False
    html = ""

    def finder(page_text: str) -> list[tuple[int, int]]:
        return [(s.start, s.end) for s in spans_in(page_text, request)]

    try:
        if publication.kind == Publication.Kind.LETTER:
            html, _ = redact_html(letter_html(request, text), lambda t: spans_in(t, request))
        if pdf is not None:
            cleaned, pdf_redactions = redact_pdf(pdf, finder)
            # The letter we sent, with nothing to redact, is published as sent: tagged, as the body received it.
            as_sent = publication.kind == Publication.Kind.LETTER and pdf_redactions == 0
            if as_sent and nothing_to_redact_in_objects(pdf, finder):
                cleaned = pdf
            tagged = is_tagged(cleaned)
            redacted_pdf = store(cleaned)
    except RedactionFailed as error:
        # Fail closed, and visibly: the item goes back to private with the reason on its timeline.
        make_private(publication, actor, f"it could not be redacted: {error}")
        raise
    return _move(
        publication,
        {State.APPROVED},
        State.PUBLISHED,
        actor,
        EventKind.PUBLICATION_PUBLISHED,
        title=redacted_title,
        redacted_text=redacted_text,
        redacted_pdf=redacted_pdf,
        redacted_html=html,
        pdf_tagged=tagged,
        redactions=len(spans) + len(title_spans) + pdf_redactions,
        published_at=timezone.now(),
    )
