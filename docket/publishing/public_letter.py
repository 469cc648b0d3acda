"""The letter as the public sees it: the HTML rendering with real footnotes, and the tagged PDF that was sent.

The letter sent is frozen as its PDF and its text. Its HTML is rendered again from the campaign
and the recipient, and used only if that rendering's text is the frozen text word for word: a
template edited since the letter went would otherwise put words on the public page that were
never sent (the page then shows the frozen text).

A letter PDF with nothing to redact is published as the bytes that were sent (tagged, PDF/UA),
once every object in it, decompressed, has been read with the same rules (its metadata is text
too); otherwise the redacted copy, whose pages are pictures with a text layer, is published and
is not tagged, and the public page says so.
"""

from __future__ import annotations

import io

import pikepdf

from docket.campaigns.letters import campaign_data, recipient_data
from docket.letters import LetterError, build_letter
from docket.letters.html import to_html_fragment
from docket.letters.text import to_text
from docket.publishing.pdf_redaction import Finder
from docket.requests.models import FrozenLetter, InfoRequest

PREFIX = "letter-"


def letter_html(request: InfoRequest, frozen_text: str) -> str:
    """The letter's HTML fragment, or "" when it cannot be rendered as it was sent."""
    # The reply-by date the letter printed, not the one a letter dated today would print.
    printed = FrozenLetter.objects.filter(request=request).values_list("due_date", flat=True).first()
    try:
        letter = build_letter(campaign_data(request.campaign, due_date=printed), recipient_data(request.recipient))
    except LetterError:
        return ""
    if " ".join(to_text(letter).decode().split()) != " ".join(frozen_text.split()):
        return ""
    return to_html_fragment(letter, prefix=PREFIX)


def is_tagged(pdf: bytes) -> bool:
    """A tagged PDF: marked content with a structure tree (what ``pdfinfo`` reports as "Tagged: yes")."""
    try:
        with pikepdf.open(io.BytesIO(pdf)) as document:
            mark_info = document.Root.get("/MarkInfo")
            marked = isinstance(mark_info, pikepdf.Dictionary) and bool(mark_info.get("/Marked", False))
            return marked and "/StructTreeRoot" in document.Root
    except pikepdf.PdfError:
        return False


def nothing_to_redact_in_objects(pdf: bytes, find: Finder) -> bool:
    """No rule matches any text the PDF carries besides its pages: every string (document information,
    link targets, the structure tree's alternative texts) and its XMP metadata. Content streams and
    fonts are numbers and glyph codes (the pages' text was searched as shown); read as text they only
    look like phone numbers."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for obj in document.objects:
            if isinstance(obj, pikepdf.Stream) and obj.get("/Type") == pikepdf.Name.Metadata:
                raw = obj.read_bytes()
            elif isinstance(obj, pikepdf.String):
                raw = bytes(obj)
            elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Array)):
                raw = b"\n".join(bytes(value) for value in _strings_in(obj))
            else:
                continue
            readings = [raw.decode("latin-1")]
            if b"\xfe\xff" in raw or b"\xff\xfe" in raw:
                readings.append(raw.decode("utf-16", "replace"))
            if any(find(text) for text in readings):
                return False
    return True


def _strings_in(container: pikepdf.Object) -> list[pikepdf.String]:
    """The strings held directly in a dictionary or an array (most strings are not objects of their own)."""
    values = container.values() if isinstance(container, pikepdf.Dictionary) else list(container)
    found: list[pikepdf.String] = []
    for value in values:
        if isinstance(value, pikepdf.String):
            found.append(value)
        elif isinstance(value, (pikepdf.Dictionary, pikepdf.Array)) and not value.is_indirect:
            found += _strings_in(value)
    return found
