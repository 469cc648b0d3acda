"""The letter as a tagged PDF (PDF/UA-1), compiled in-process by Typst.

The layout lives in ``letter.typ``; the letter itself is passed as JSON in
``sys.inputs``, so nothing a recipient's data contains can be read as Typst
markup. Fonts ship with Docket and system fonts are ignored, so the same
letter gives the same bytes on every machine.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import Any

import typst

from docket.letters.images import UnreadablePicture, refuse_unreadable
from docket.letters.model import Letter

HERE = Path(__file__).resolve().parent
LAYOUT = HERE / "letter.typ"
FONTS = HERE / "fonts"


@cache
def compiler() -> typst.Compiler:
    """One compiler per process: fonts and the layout are loaded once."""
    return typst.Compiler(str(LAYOUT), root="/", font_paths=[str(FONTS)], ignore_system_fonts=True)


def letter_json(letter: Letter) -> str:
    data: dict[str, Any] = asdict(letter)
    data["date"] = letter.date.isoformat() if letter.date else None
    data["letterhead"]["contact_lines"] = list(letter.letterhead.contact_lines)
    return json.dumps(data, ensure_ascii=False)


def to_pdf(letter: Letter, *, archive: bool = False) -> bytes:
    """PDF/UA-1; with ``archive``, also PDF/A-2a for long-term keeping.

    Raises UnreadablePicture (a LetterError) if the office's logo or signature is not a picture it can print.
    """
    refuse_unreadable(letter.letterhead.logo, letter.signature.image)
    day = letter.date or datetime.date(2000, 1, 1)
    timestamp = int(datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC).timestamp())
    try:
        result = compiler().compile(
            format="pdf",
            sys_inputs={"letter": letter_json(letter)},
            pdf_standards=["ua-1", "a-2a"] if archive else ["ua-1"],
            timestamp=timestamp,
        )
    except typst.TypstError as error:
        if "decode image" not in str(error):
            raise
        # Pillow read it but Typst cannot (a damaged picture): the office's pictures are the letter's only images.
        raise UnreadablePicture(
            "", "", None, "The office's logo or signature picture cannot be read: upload them again on the Office page."
        ) from None
    assert isinstance(result, bytes)
    return result
