"""The public side of the search index: the redacted text of what is published, page by page.

``follow`` is called by every publication action, in its transaction: a publication that is
published gets rows of its redacted text (its title, as published, for theirs); any other
state has none. Whether a row may be shown is still decided at search time by
``docket.publishing.published`` (an embargo ends by itself at midnight).

A document's pages: the redacted text is the attachment's text with each redacted span
replaced, so each page boundary moves by what was replaced before it (a span across a
boundary ends its page). If the redacted text is not that (it was made otherwise), the whole
redacted text is one row: nothing but the published text is ever indexed.
"""

from __future__ import annotations

from collections.abc import Iterator

from docket.evidence.indexing import BATCH, day, indexable, parts
from docket.evidence.models import Audience, Kind, SearchEntry
from docket.publishing.models import Publication, PublicationState
from docket.publishing.redaction import Span, redact
from docket.publishing.rules import RuleCannotBeUsed, spans_in
from docket.requests.models import InfoRequest


def follow(publication: Publication) -> None:
    """The publication's public rows, as its state now says."""
    SearchEntry.objects.filter(audience=Audience.PUBLIC, publication=publication).delete()
    if publication.state == PublicationState.PUBLISHED:
        SearchEntry.objects.bulk_create(_rows(publication), batch_size=BATCH)


def reindex() -> None:
    published = Publication.objects.filter(state=PublicationState.PUBLISHED).select_related(
        "request__recipient__contact", "attachment__message", "message"
    )
    for publication in published.order_by("pk").iterator(chunk_size=BATCH):
        follow(publication)


def _rows(publication: Publication) -> Iterator[SearchEntry]:
    request = publication.request
    attachment, message = publication.attachment, publication.message
    if attachment is not None:
        message = attachment.message
    when = day(message.received_at if message is not None else request.sent_at)
    common = {
        "audience": Audience.PUBLIC,
        "kind": {"letter": Kind.LETTER, "reply": Kind.REPLY}.get(publication.kind, Kind.DOCUMENT),
        "campaign_id": request.campaign_id,
        "request_id": request.pk,
        "body_id": request.recipient.contact.body_id,
        "message": message,
        "attachment": attachment,
        "publication": publication,
        "title": publication.title[:300] or publication.get_kind_display(),
        "date": when,
    }
    pages = [(0, publication.redacted_text)]
    if attachment is not None:
        pages = redacted_pages(attachment.text, attachment.page_starts, publication.redacted_text, request)
    for page, text in pages:
        for part in parts(text):  # a long page in parts, as on the staff side
            if part.strip():
                yield SearchEntry(page=page, text=indexable(part), **common)


def redacted_pages(text: str, page_starts: list[int], redacted: str, request: InfoRequest) -> list[tuple[int, str]]:
    """(page, redacted text of the page) of a document whose redacted text is ``redacted``: one page when the
    rules' redactions no longer give that text (a rule changed, or one now cannot be used) - it was redacted when
    it was published, and it is indexed as it was published, never from the text before redaction."""
    try:
        spans = spans_in(text, request)
    except RuleCannotBeUsed:
        return [(1, redacted)]
    return split_redacted(text, page_starts, spans, redacted)


def split_redacted(text: str, page_starts: list[int], spans: list[Span], redacted: str) -> list[tuple[int, str]]:
    if redact(text, spans) != redacted:
        return [(1, redacted)]
    starts = [0, *(_moved(start, spans) for start in page_starts), len(redacted)]
    return [(number, redacted[starts[number - 1] : starts[number]]) for number in range(1, len(starts))]


def _moved(boundary: int, spans: list[Span]) -> int:
    """Where a boundary of the text falls in the redacted text."""
    shift = 0
    for span in spans:
        if span.end <= boundary:
            shift += len(span.replacement) - (span.end - span.start)
        elif span.start < boundary:  # the span crosses the boundary: the page ends after its replacement
            return span.start + shift + len(span.replacement)
        else:
            break
    return boundary + shift
