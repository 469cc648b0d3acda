"""The office's pictures (logo, signature): are they PNG or JPEG pictures a letter can print.

Checked with Pillow when one is uploaded, and again before a letter is made into a PDF, so a
picture stored before uploads were checked (or damaged since) stops the letter with words a
person can act on, not Typst's "failed to decode image".
"""

from __future__ import annotations

import os
import warnings
from functools import lru_cache
from typing import IO

from PIL import Image

from docket.letters.templating import LetterError

KINDS = {"PNG", "JPEG"}
MOST_BYTES = 10 * 1024 * 1024  # a logo or a signature is a few hundred kilobytes at most
MOST_PIXELS = 25_000_000  # 5000 by 5000: past any letterhead, short of a decompression bomb
WHAT = {"logo": "The office's logo", "signature": "The office's signature picture"}


class UnreadablePicture(LetterError):
    """A letter's logo or signature cannot be read as a picture; its words are the whole message."""

    def __str__(self) -> str:
        return self.problem


def picture_problem(source: str | IO[bytes]) -> str:
    """What is wrong with this picture as a PNG or JPEG for a letter ("" if nothing): a path or an open file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source, formats=sorted(KINDS)) as image:
                width, height = image.size
                if width * height > MOST_PIXELS:
                    return f"is too large ({width} by {height} pixels; at most {MOST_PIXELS:,} pixels in all)"
                image.verify()
    except FileNotFoundError:
        return "is missing from Docket's files"
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "is not a PNG or JPEG picture"
    return ""


@lru_cache(maxsize=16)
def _stored_problem(path: str, size: int, modified: int) -> str:
    if size > MOST_BYTES:
        return f"is too large ({size // (1024 * 1024)} MB; at most {MOST_BYTES // (1024 * 1024)} MB)"
    return picture_problem(path)


def stored_problem(path: str | None, which: str) -> str:
    """Why the stored ``which`` picture ("logo" or "signature") cannot go in a letter, in words, or ""."""
    if not path:
        return ""
    try:
        found = os.stat(path)
    except OSError:
        problem = "is missing from Docket's files"
    else:  # checked once while the file is unchanged
        problem = _stored_problem(path, found.st_size, found.st_mtime_ns)
    if not problem:
        return ""
    return (
        f"{WHAT[which]} cannot be read as a picture (it {problem}): upload it again on the Office page, or remove it."
    )


def letter_pictures_problem(logo: str | None, signature: str | None) -> str:
    """The first of the two pictures that cannot go in a letter, in words, or ""."""
    return stored_problem(logo, "logo") or stored_problem(signature, "signature")


def refuse_unreadable(logo: str | None, signature: str | None) -> None:
    """Raise UnreadablePicture if the logo or the signature cannot be printed."""
    if problem := letter_pictures_problem(logo, signature):
        raise UnreadablePicture("", "", None, problem)
