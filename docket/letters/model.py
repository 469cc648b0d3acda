"""The letter as a document: what every writer (PDF, DOCX, HTML, text, Markdown) reads.

Plain frozen dataclasses with no behaviour beyond small conveniences, so a
letter can be serialised to JSON for Typst and compared in tests.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Run:
    """A stretch of inline text with one style, or a footnote reference (``note``)."""

    text: str = ""
    bold: bool = False
    italic: bool = False
    href: str | None = None
    note: int | None = None
    first_reference: bool = True  # False when the same footnote is cited again
    line_break: bool = False


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]
    kind: str = "paragraph"


@dataclass(frozen=True)
class Heading:
    level: int
    runs: tuple[Run, ...]
    kind: str = "heading"


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[tuple[Run, ...], ...]
    kind: str = "list"


Block = Paragraph | Heading | ListBlock


@dataclass(frozen=True)
class Footnote:
    number: int
    runs: tuple[Run, ...]


@dataclass(frozen=True)
class Letterhead:
    name: str  # the signatory with honours, e.g. "Dame Sara Thornton DBE QPM"
    office: str
    address: tuple[str, ...]
    phone: str = ""
    email: str = ""
    logo: str | None = None  # path to an image file

    @property
    def contact_lines(self) -> tuple[str, ...]:
        lines = []
        if self.phone:
            lines.append(f"Tel: {self.phone}")
        if self.email:
            lines.append(f"Email: {self.email}")
        return tuple(lines)


@dataclass(frozen=True)
class Signature:
    lines: tuple[str, ...]
    image: str | None = None  # path to an image file
    image_description: str = ""


@dataclass(frozen=True)
class Letter:
    title: str
    author: str
    letterhead: Letterhead
    date: datetime.date | None
    date_text: str
    recipient_address: tuple[str, ...]
    salutation: str
    blocks: tuple[Block, ...]
    closing: str
    signature: Signature
    footnotes: tuple[Footnote, ...] = field(default=())
    language: str = "en-GB"
