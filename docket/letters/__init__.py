"""Letters: templates rendered to PDF, DOCX, HTML, plain text and Markdown.

Pure Python with no Django import. ``build_letter`` makes the document from a
campaign and a recipient; ``render`` writes it in one format.
"""

from __future__ import annotations

from collections.abc import Callable

from docket.letters.compose import build_letter
from docket.letters.inputs import CampaignData, ItemData, OfficeData, RecipientData, ReferenceData
from docket.letters.model import Letter
from docket.letters.templating import LetterError, compile_template

FORMATS = ("pdf", "docx", "html", "txt", "md")


def writer(fmt: str) -> Callable[[Letter], bytes]:
    if fmt == "pdf":
        from docket.letters.pdf import to_pdf

        return to_pdf
    if fmt == "docx":
        from docket.letters.docx import to_docx

        return to_docx
    if fmt == "html":
        from docket.letters.html import to_html

        return to_html
    if fmt == "txt":
        from docket.letters.text import to_text

        return to_text
    if fmt == "md":
        from docket.letters.text import to_markdown

        return to_markdown
    raise ValueError(f"unknown format {fmt!r}; the formats are: {', '.join(FORMATS)}")


def render(campaign: CampaignData, recipient: RecipientData, fmt: str) -> bytes:
    return writer(fmt)(build_letter(campaign, recipient))


__all__ = [
    "FORMATS",
    "CampaignData",
    "ItemData",
    "Letter",
    "LetterError",
    "OfficeData",
    "RecipientData",
    "ReferenceData",
    "build_letter",
    "compile_template",
    "render",
    "writer",
]
