"""Keeping the staff side of the search index in step with what Docket holds.

Each call writes in the caller's transaction, so the index changes with the text it
indexes or not at all: intake (a message read or read again) calls ``index_messages`` (which also moves coded passages
with their message, ``anchoring.follow``),
filing, moving or unfiling a message calls it for that message, queueing a letter calls
``index_letters``. A row points at its message or attachment, so deleting either (reading a
message again deletes its attachments) deletes its rows. ``reindex`` rebuilds everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone

from docket.documents.models import Attachment
from docket.evidence import anchoring
from docket.evidence.models import Audience, Kind, SearchEntry
from docket.mail.models import InboundMessage
from docket.requests.models import FrozenLetter, InfoRequest

BATCH = 500
# Snippets mark the words found with these two characters; the text indexed never holds them.
MARK_START, MARK_END = "\x02", "\x03"


# The most characters one row of the index holds. A longer text (a Word or text file is one page however
# long; an email's body may be anything) is indexed in parts, split between words, each found, ranked and
# quoted on its own: a snippet reads its whole row (FTS5's snippet(), PostgreSQL's ts_headline), so a row of
# 30 MB held a search for minutes; and PostgreSQL refuses a tsvector over 1 MB.
PART_CHARS = 20_000


def indexable(text: str) -> str:
    return text.replace(MARK_START, " ").replace(MARK_END, " ")


def parts(text: str, size: int = PART_CHARS) -> Iterator[str]:
    """``text`` in pieces of at most ``size`` characters, cut at the last space or line break before the limit
    (a piece with none is cut at the limit)."""
    start = 0
    while len(text) - start > size:
        limit = start + size
        cut = max(text.rfind(" ", start, limit), text.rfind("\n", start, limit))
        end = cut + 1 if cut > start else limit
        yield text[start:end]
        start = end
    yield text[start:]


def day(moment: datetime | None) -> date:
    return timezone.localdate(moment) if moment is not None else timezone.localdate()


def index_messages(messages: Iterable[InboundMessage]) -> None:
    """The rows of these messages and their attachments, written again from what they hold now.

    Only a message filed to a request is indexed: a held one belongs to no campaign yet.
    """
    messages = list(messages)
    if not messages:
        return
    SearchEntry.objects.filter(audience=Audience.STAFF, message__in=[m.pk for m in messages]).delete()
    filed = [m for m in messages if m.status == InboundMessage.Status.FILED and m.request_id is not None]
    SearchEntry.objects.bulk_create(_message_rows(filed), batch_size=BATCH)
    anchoring.follow(filed)  # coded passages too: to the message's request, into its documents read again


def _message_rows(messages: list[InboundMessage]) -> Iterator[SearchEntry]:
    requests = _requests({m.request_id for m in messages if m.request_id is not None})
    attachments: dict[int, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(message__in=[m.pk for m in messages]).order_by("pk"):
        attachments.setdefault(attachment.message_id, []).append(attachment)
    for message in messages:
        assert message.request_id is not None
        request = requests[message.request_id]
        received = day(message.received_at)
        text = message.reply_text or message.body_text
        title = message.subject or f"Reply from {request.recipient.contact.body.name}"
        for part in parts(text):
            if part.strip():
                yield _row(request, Kind.REPLY, title[:300], received, part, message=message)
        for attachment in attachments.get(message.pk, []):
            title = (attachment.filename or f"Attachment {attachment.pk}")[:300]
            for page, page_text in attachment.page_texts():
                for part in parts(page_text):
                    if part.strip():
                        yield _row(
                            request,
                            Kind.DOCUMENT,
                            title,
                            received,
                            part,
                            message=message,
                            attachment=attachment,
                            page=page,
                        )


def _requests(pks: Iterable[int]) -> dict[int, InfoRequest]:
    return InfoRequest.objects.select_related("recipient__contact__body").in_bulk(list(pks))


def _row(request: InfoRequest, kind: str, title: str, when: date, text: str, **links: object) -> SearchEntry:
    return SearchEntry(
        audience=Audience.STAFF,
        kind=kind,
        campaign_id=request.campaign_id,
        request=request,
        body_id=request.recipient.contact.body_id,
        title=title,
        date=when,
        text=indexable(text),
        **links,
    )


def index_letters(letters: Sequence[FrozenLetter]) -> None:
    """The letters as they were frozen to be sent (a chunk queued together: three statements)."""
    requests = _requests(letter.request_id for letter in letters)
    SearchEntry.objects.filter(audience=Audience.STAFF, kind=Kind.LETTER, request__in=list(requests)).delete()
    SearchEntry.objects.bulk_create(
        (
            _row(
                requests[letter.request_id],
                Kind.LETTER,
                f"Letter to {requests[letter.request_id].recipient.contact.body.name}"[:300],
                day(requests[letter.request_id].sent_at or letter.frozen_at),
                letter.text,
            )
            for letter in letters
            if letter.text.strip()
        ),
        batch_size=BATCH,
    )


def reindex() -> int:
    """Rebuild the whole index from what Docket holds (staff and public); the rows written."""
    from docket.evidence import public_index

    with transaction.atomic():
        SearchEntry.objects.all().delete()
        if connection.vendor == "sqlite":  # the FTS5 table rebuilt from the rows, whatever drift it had
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO evidence_fts(evidence_fts) VALUES ('rebuild')")
        letters = FrozenLetter.objects.order_by("pk").defer("pdf")
        for start in range(0, letters.count(), BATCH):
            index_letters(list(letters[start : start + BATCH]))
        filed = InboundMessage.objects.filter(status=InboundMessage.Status.FILED, request__isnull=False)
        pks = list(filed.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(pks), BATCH):
            index_messages(InboundMessage.objects.filter(pk__in=pks[start : start + BATCH]))
        public_index.reindex()
    return SearchEntry.objects.count()
