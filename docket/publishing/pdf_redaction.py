"""Redacting PDFs so that the text is really gone, not hidden under a black box.

A page that holds something to redact is replaced by a picture of itself with
those places blacked out, and a fresh text layer made by OCR from that picture,
so what remains can still be searched and copied but what was redacted cannot.
Pages with nothing to redact are kept as they were, without their annotations.
The document's metadata, outline, structure tree, form fields and attachments
are not carried over. Scanned pages (no text layer) are searched through OCR
with word positions, and blacked out the same way. Last, the result is checked:
if any redacted string can still be found anywhere in it (page text or any
object, decompressed), the page is rasterised too, and if it is not on a page
the redaction fails rather than publish it.

Libraries: pypdfium2 (Apache-2.0 / BSD-3) to find text and render pages,
pikepdf (MPL-2.0, on qpdf, Apache-2.0) to assemble the result. PyMuPDF, which
has a redaction API, is AGPL: not usable in a product offices deploy as they like.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass

import pikepdf
import pypdfium2
from PIL import Image, ImageDraw

DPI = 200
SCALE = DPI / 72
MIN_TEXT = 20
Box = tuple[float, float, float, float]  # left, top, right, bottom in pixels
Finder = Callable[[str], list[tuple[int, int]]]  # text -> spans to redact


class RedactionFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class PageHits:
    index: int
    boxes: list[Box]
    strings: list[str]


def _ocr(image: Image.Image, *args: str) -> bytes:
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        raise RedactionFailed("Tesseract is needed to redact PDFs (Debian package tesseract-ocr)")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(DPI, DPI))
    result = subprocess.run(
        [tesseract, "stdin", "stdout", "-l", "eng", "--dpi", str(DPI), *args],
        input=buffer.getvalue(),
        capture_output=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0:
        raise RedactionFailed(f"Tesseract failed: {result.stderr.decode(errors='replace')[:300]}")
    return result.stdout


def _text_hits(page: pypdfium2.PdfPage, index: int, find: Finder) -> PageHits | None:
    textpage = page.get_textpage()
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count else ""
    if len(text.strip()) < MIN_TEXT:
        return None
    spans = find(text)
    if not spans:
        return PageHits(index, [], [])
    height = page.get_height()
    boxes = []
    for start, end in spans:
        for char in range(start, min(end, count)):
            left, bottom, right, top = textpage.get_charbox(char)
            if right > left or top > bottom:
                boxes.append(
                    (left * SCALE - 2, (height - top) * SCALE - 2, right * SCALE + 2, (height - bottom) * SCALE + 2)
                )
    return PageHits(index, boxes, [text[start:end] for start, end in spans])


def _scan_hits(image: Image.Image, index: int, find: Finder) -> PageHits:
    """A page with no text layer: find words by OCR, with their positions."""
    rows = _ocr(image, "tsv").decode("utf-8", "replace").splitlines()[1:]
    words: list[tuple[int, int, Box]] = []
    text = ""
    for row in rows:
        cells = row.split("\t")
        if len(cells) < 12 or not cells[11].strip():
            continue
        left, top, width, height = (float(cells[n]) for n in (6, 7, 8, 9))
        start = len(text) + (1 if text else 0)
        text = f"{text} {cells[11]}" if text else cells[11]
        words.append((start, len(text), (left - 3, top - 3, left + width + 3, top + height + 3)))
    spans = find(text)
    boxes = [box for start, end in spans for w_start, w_end, box in words if w_start < end and w_end > start]
    return PageHits(index, boxes, [text[start:end] for start, end in spans])


def _rasterised(page: pypdfium2.PdfPage, boxes: list[Box]) -> pikepdf.Pdf:
    """The page as a picture with the boxes blacked out, under an invisible OCR text layer.

    The text layer is read from a copy with the boxes blank rather than black, so that
    the black boxes do not come back as OCR noise.
    """
    image = page.render(scale=SCALE).to_pil().convert("RGB")
    blanked, blacked = image.copy(), image
    for picture, colour in ((blanked, "white"), (blacked, "black")):
        draw = ImageDraw.Draw(picture)
        for box in boxes:
            draw.rectangle(box, fill=colour)
    picture_pdf = io.BytesIO()
    blacked.save(picture_pdf, format="PDF", resolution=DPI)
    result = pikepdf.open(io.BytesIO(picture_pdf.getvalue()))
    with pikepdf.open(io.BytesIO(_ocr(blanked, "-c", "textonly_pdf=1", "pdf"))) as text_layer:
        page_box = pikepdf.Rectangle(result.pages[0].mediabox)
        result.pages[0].add_overlay(text_layer.pages[0], page_box)
    return result


def _leftovers(data: bytes, strings: list[str]) -> tuple[set[int], bool]:
    """Pages whose text still holds a redacted string, and whether any object (anywhere) does."""
    needles = {s.lower() for s in strings if s.strip()}
    pages: set[int] = set()
    if not needles:
        return pages, False
    document = pypdfium2.PdfDocument(data)
    for index, page in enumerate(document):
        text = page.get_textpage().get_text_range().lower()
        if any(needle in text for needle in needles):
            pages.add(index)
    document.close()
    forms = {form for needle in needles for form in (needle.encode("latin-1", "ignore"), needle.encode("utf-16-be"))}
    anywhere = False
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            raw = b""
            if isinstance(obj, pikepdf.Stream):
                try:
                    raw = obj.read_bytes()
                except pikepdf.PdfError:
                    raw = obj.read_raw_bytes()
            elif isinstance(obj, pikepdf.String):
                raw = bytes(obj)
            if any(form and form in raw.lower() for form in forms):
                anywhere = True
    return pages, anywhere


def redact_pdf(data: bytes, find: Finder) -> tuple[bytes, int]:
    """The PDF with every span ``find`` reports removed; returns (bytes, number of redactions)."""
    source = pypdfium2.PdfDocument(data)
    hits: dict[int, PageHits] = {}
    for index, page in enumerate(source):
        found = _text_hits(page, index, find)
        if found is None:
            found = _scan_hits(page.render(scale=SCALE).to_pil().convert("RGB"), index, find)
        if found.boxes:
            hits[index] = found
    strings = [s for h in hits.values() for s in h.strings]
    raster = set(hits)
    for _ in range(3):
        result = _assemble(data, source, hits, raster)
        pages, anywhere = _leftovers(result, strings)
        if not pages - raster and not anywhere:
            source.close()
            return result, len(strings)
        raster |= pages if pages - raster else set(range(len(source)))
    source.close()
    raise RedactionFailed("a redacted string is still in the PDF after every page was rasterised")


def _assemble(data: bytes, source: pypdfium2.PdfDocument, hits: dict[int, PageHits], raster: set[int]) -> bytes:
    output = pikepdf.new()
    with pikepdf.open(io.BytesIO(data)) as original:
        for index, page in enumerate(original.pages):
            if index in raster:
                boxes = hits[index].boxes if index in hits else []
                with _rasterised(source[index], boxes) as replacement:
                    output.pages.append(replacement.pages[0])
            else:
                output.pages.append(page)
                copied = output.pages[-1]
                for key in ("/Annots", "/StructParents", "/PieceInfo", "/Metadata"):
                    if key in copied.obj:
                        del copied.obj[key]
        buffer = io.BytesIO()
        output.save(buffer, deterministic_id=True, linearize=False)
    return buffer.getvalue()
