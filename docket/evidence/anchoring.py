"""Where a quoted passage is in a text, and finding coded passages again after a document is read again.

A quote is found by its words, whatever the spaces and line breaks between them (a selection in a
browser, or words typed from the page, rarely keep the text's own), and whichever apostrophes,
quotation marks and dashes it is typed with ("workers' right" finds it with a curly apostrophe); of several
places, the one nearest where it was (or where the person selected it) is taken. The place found
is the text's own characters: a passage records those, not what was typed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from docket.documents.models import Attachment
from docket.mail.models import InboundMessage

MAX_QUOTE_CHARS = 5000


# Characters typed for one another: each matches any of its group.
ALIKE = (
    "'\u2019\u2018\u02bc\u2032",  # apostrophes, single quotation marks and the prime
    '"\u201c\u201d\u201e\u2033',  # double quotation marks and the double prime
    "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212",  # hyphens, dashes and the minus sign
)
CLASS_OF = {char: "[" + re.escape(group) + "]" for group in ALIKE for char in group}


def pattern(quote: str) -> re.Pattern[str] | None:
    words = quote.split()
    if not words:
        return None
    return re.compile(r"\s+".join("".join(CLASS_OF.get(char) or re.escape(char) for char in word) for word in words))


def locate(text: str, quote: str, *, near: int = 0, lo: int = 0, hi: int | None = None) -> tuple[int, int] | None:
    """(start, end) of the quote in ``text[lo:hi]`` nearest ``near``, or None if its words are not there."""
    found = pattern(quote[:MAX_QUOTE_CHARS])
    if found is None:
        return None
    places = [(m.start(), m.end()) for m in found.finditer(text, lo, len(text) if hi is None else hi)]
    if not places:
        return None
    return min(places, key=lambda place: abs(place[0] - near))


def source_text(message: InboundMessage, attachment: Attachment | None) -> str:
    """The text a passage's offsets count in: the document's whole text, or the reply's."""
    if attachment is not None:
        return attachment.text
    return message.reply_text or message.body_text


def page_bounds(attachment: Attachment | None, page: int, text: str) -> tuple[int, int]:
    """Where a page of the document begins and ends in its text (the whole text for a reply)."""
    if attachment is None or not page:
        return 0, len(text)
    starts = [0, *attachment.page_starts]
    if not 1 <= page <= len(starts):
        return 0, len(text)
    end = starts[page] if page < len(starts) else len(text)
    return starts[page - 1], end


def follow(messages: Iterable[InboundMessage]) -> None:
    """Coded passages follow their message: to the request it is filed to now, and into its documents read again."""
    from docket.evidence.models import Passage

    messages = list(messages)
    for message in messages:
        if message.request is not None:
            Passage.objects.filter(message=message).exclude(request_id=message.request.pk).update(
                request_id=message.request.pk, campaign_id=message.request.campaign_id
            )
    reanchor(messages)


def reanchor(messages: Iterable[InboundMessage]) -> int:
    """Find again the passages of these messages whose document was read again; the passages moved.

    Reading a message again makes its attachments afresh (their old rows deleted): a passage
    left without its attachment is given the new one with the same file, and its quote is found
    again in the new text, nearest where it was. One whose words are gone is kept, marked unanchored.
    """
    from docket.evidence.models import Passage

    messages = list(messages)
    stranded = Passage.objects.filter(message__in=messages, attachment__isnull=True).exclude(source_sha256="")
    moved = 0
    for passage in stranded.select_related("message"):
        attachment = (
            Attachment.objects.filter(message=passage.message, blob_id=passage.source_sha256).order_by("pk").first()
        )
        if attachment is None:
            continue  # the file is gone from the message: the passage keeps its quote, without a place
        place = locate(attachment.text, passage.quote, near=passage.start)
        passage.attachment = attachment
        passage.anchored = place is not None
        if place is not None:
            passage.start, passage.end = place
            passage.page = attachment.page_of(place[0])
        passage.save(update_fields=["attachment", "anchored", "start", "end", "page"])
        moved += 1
    return moved
