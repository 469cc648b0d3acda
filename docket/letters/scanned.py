"""Reading a letter that is a scan: a PDF with no text layer, read by OCR (Tesseract).

Tesseract reads a letter's words well but its footnote markers badly: a small
raised "2" comes back as "?", "3" as "®". So the page is read as hOCR with a box
for every character; a run of characters set smaller and higher than the line
they stand on (a marker after a word, or a footnote's number at the start of
its line) is cut out of the page, enlarged and read again as digits only, and
written ``^N`` as the other readers write markers. Tesseract runs as a program,
one page at a time, with a time limit; the pages and markers read are capped.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import statistics
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree
from PIL import Image

SCALE = 300 / 72  # pages rendered at 300 dpi
MAX_PAGES = 10  # a letter is a page or three; each page takes seconds to read
MAX_MARKERS = 200  # raised digits read again, in one letter
PAGE_SECONDS = 60
MARKER_SECONDS = 10
BOX = re.compile(r"(?:bbox|x_bboxes) (\d+) (\d+) (\d+) (\d+)")


class ScanError(ValueError):
    """The scan could not be read; the message says why, for the reader to name the file."""


@dataclass(frozen=True)
class Glyph:
    text: str
    left: int
    top: int
    right: int
    bottom: int

    @property
    def height(self) -> int:
        return self.bottom - self.top


def ocr_pages(images: Iterable[Image.Image]) -> str:
    """The pages' text, paragraphs apart, footnote markers written ^N (the caller caps the pages)."""
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        raise ScanError("the PDF has no text layer (a scan) and Tesseract, which reads scans, is not installed")
    budget = [MAX_MARKERS]
    return "\n\n".join(_page_text(tesseract, image, budget) for image in images)


def _run(command: list[str], image: Image.Image, seconds: int) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)  # lossless still; twice as quick to write
    # One thread: a page is read in a second or so alone, but in several times that when Tesseract's
    # threads wait on each other on a machine whose cores are busy (the same text either way).
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        result = subprocess.run(
            command, input=buffer.getvalue(), capture_output=True, timeout=seconds, check=False, env=env
        )
    except subprocess.TimeoutExpired:
        raise ScanError(f"reading the scan by OCR took longer than {seconds} s a page") from None
    if result.returncode != 0:
        raise ScanError("Tesseract could not read the scan: " + result.stderr.decode(errors="replace").strip()[:200])
    return result.stdout.decode("utf-8", "replace")


def _page_text(tesseract: str, image: Image.Image, budget: list[int]) -> str:
    command = [tesseract, "stdin", "stdout", "-l", "eng", "--psm", "3", "-c", "hocr_char_boxes=1", "hocr"]
    hocr = _run(command, image, PAGE_SECONDS)
    if not hocr.strip():
        return ""
    root = etree.fromstring(hocr.encode(), etree.HTMLParser())
    paragraphs = []
    for paragraph in _spans(root, "ocr_par", "p"):
        lines = [_line_text(tesseract, image, line, budget) for line in _spans(paragraph, "ocr_line", "span")]
        paragraphs.append("\n".join(line for line in lines if line))
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def _spans(root: etree._Element, kind: str, tag: str) -> list[etree._Element]:
    return [element for element in root.iter(tag) if element.get("class") == kind]


def _glyphs(word: etree._Element) -> list[Glyph]:
    glyphs = []
    for char in _spans(word, "ocrx_cinfo", "span"):
        box = BOX.search(char.get("title", ""))
        if box and char.text:
            glyphs.append(Glyph(char.text, *(int(n) for n in box.groups())))
    return glyphs


def _line_text(tesseract: str, image: Image.Image, line: etree._Element, budget: list[int]) -> str:
    words = [_glyphs(word) for word in _spans(line, "ocrx_word", "span")]
    letters = [glyph for glyphs in words for glyph in glyphs if glyph.text.isalnum()]
    if not letters:
        return " ".join("".join(glyph.text for glyph in glyphs) for glyphs in words)
    baseline = statistics.median(glyph.bottom for glyph in letters)
    tallest = max(glyph.height for glyph in letters)
    out: list[str] = []
    for glyphs in words:
        raised = len(glyphs)
        while raised and _is_raised(glyphs[raised - 1], baseline, tallest):
            raised -= 1
        marker = _marker(tesseract, image, glyphs[raised:], budget) if raised < len(glyphs) else None
        if marker is None:
            out.append("".join(glyph.text for glyph in glyphs))
        elif raised == 0 and out:
            out[-1] += f"^{marker}"  # a marker OCR set apart from its word
        else:
            out.append("".join(glyph.text for glyph in glyphs[:raised]) + f"^{marker}")
    return " ".join(word for word in out if word)


def _is_raised(glyph: Glyph, baseline: float, tallest: int) -> bool:
    """Smaller than the line's letters and sitting well above its baseline, but not a mere
    apostrophe or quotation mark (those are under half the height of a raised digit)."""
    return glyph.bottom < baseline - 0.3 * tallest and 0.45 * tallest <= glyph.height <= 0.8 * tallest


def _marker(tesseract: str, image: Image.Image, glyphs: list[Glyph], budget: list[int]) -> str | None:
    """The raised glyphs read again, enlarged, as digits only; None when they are not digits."""
    if budget[0] <= 0:
        return None
    budget[0] -= 1
    # Cut tight (a margin would catch the letter before), then framed in white for Tesseract.
    box = (
        max(min(g.left for g in glyphs) - 1, 0),
        max(min(g.top for g in glyphs) - 1, 0),
        min(max(g.right for g in glyphs) + 2, image.width),
        min(max(g.bottom for g in glyphs) + 2, image.height),
    )
    crop = image.crop(box)
    crop = crop.resize((crop.width * 3, crop.height * 3), Image.Resampling.LANCZOS)
    framed = Image.new(crop.mode, (crop.width + 60, crop.height + 60), 255)
    framed.paste(crop, (30, 30))
    command = [tesseract, "stdin", "stdout", "--psm", "8", "-c", "tessedit_char_whitelist=0123456789"]
    digits = _run(command, framed, MARKER_SECONDS).strip()
    return digits if digits.isdigit() and len(digits) <= 3 else None
