"""Redacting PDFs so that the text is really gone, not hidden under a black box, and refusing when in doubt.

Every page is searched twice: its text layer (whatever its size, colour or visibility) and a
picture of the page as shown, read by OCR, so a name in an image, a scan or a drawn-over
annotation is found as well as one in text. Both are matched over *normalised* text
(``layout_text``): spaces collapsed, soft hyphens and hyphenation at line ends undone,
ligatures split, pdfium's ``\\ufffe`` dropped, an address broken over two lines joined, with a
map from each normalised character back to the one it came from, so the boxes come from the
original characters. Boxes are mapped to the picture through pdfium's own page-to-device
transform, so a page turned by ``/Rotate``, cropped away from 0,0 or scaled by ``/UserUnit`` is
covered where its text is shown.

A page with anything to redact is replaced by its picture with every box (text layer and OCR)
blacked out, each the full height of its line and a margin more, under a fresh text layer made
by OCR, so what remains can still be searched and copied but what was redacted cannot. Other
pages are copied with only what draws them (contents, resources in use, boxes, rotation): no
thumbnails, annotations, unused XObjects, nor anything not reached from the page tree. The
document's metadata, outline, structure tree, form fields, scripts and attachments are not
carried over.

Last, the result is checked on every page, whatever was rasterised: its text layer and OCR of
the page as shown are searched again with the same rules, and every object, decompressed, for
what was redacted in Latin-1 and UTF-16. A leftover on a page that was kept is rasterised once
more; anything else refuses the redaction (``RedactionFailed``), so nothing is published.

Libraries: pypdfium2 (Apache-2.0 / BSD-3) to find text and render pages, pikepdf (MPL-2.0, on
qpdf, Apache-2.0) to assemble the result, Tesseract for OCR. PyMuPDF, which has a redaction API,
is AGPL: not usable in a product offices deploy as they like.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageDraw

from docket.errors import DocketError
from docket.publishing.redaction import layout_text, squashed

DPI = 200
SCALE = DPI / 72
MARGIN = 3  # pixels around every bar, beyond the line's full height
Box = tuple[float, float, float, float]  # left, top, right, bottom in pixels of the page as shown
Finder = Callable[[str], list[tuple[int, int]]]  # text -> spans to redact

PAGE_KEYS = ("/MediaBox", "/CropBox", "/Rotate", "/UserUnit", "/Resources", "/Contents", "/Group")
INHERITED = frozenset({"/MediaBox", "/CropBox", "/Rotate", "/Resources"})


class RedactionFailed(DocketError):
    """The PDF could not be redacted for certain: a message for the person who asked to publish it."""


@dataclass
class PageHits:
    boxes: list[Box] = field(default_factory=list)
    strings: list[str] = field(default_factory=list)
    count: int = 0


# ---- normalised text (``redaction.layout_text``) mapped back to a page's characters ------------------------


def matches(chars: Sequence[str], find: Finder) -> list[tuple[int, int, str]]:
    """Spans to redact as (first, last) original indexes and the text matched, over every reading of hyphens."""
    found: dict[tuple[int, int], str] = {}
    for hyphens in ("hyphenation", "kept", "dropped"):
        text, origin = layout_text(chars, hyphens)
        for start, end in find(text):
            if end > start:
                found.setdefault((origin[start], origin[end - 1]), text[start:end])
    return [(first, last, matched) for (first, last), matched in sorted(found.items())]


# ---- OCR ------------------------------------------------------------------------------------------------------


# OCR of the same picture with the same arguments gives the same output, so it is read once: a page kept
# as it was is rendered again, pixel for pixel, by the check of the result, and publishing again after a
# rule changes renders every page again. Keyed by a hash of the pixels; a few pages' worth are kept.
OCR_CACHE_SIZE = 64
_ocr_cache: OrderedDict[bytes, bytes] = OrderedDict()
_ocr_cache_lock = threading.Lock()


def _ocr(image: Image.Image, *args: str) -> bytes:
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        raise RedactionFailed("Tesseract is needed to redact PDFs (Debian package tesseract-ocr)")
    key = _ocr_key(image, tesseract, args)
    with _ocr_cache_lock:
        if key in _ocr_cache:
            _ocr_cache.move_to_end(key)
            return _ocr_cache[key]
    output = _run_tesseract(tesseract, image, args)
    with _ocr_cache_lock:
        _ocr_cache[key] = output
        while len(_ocr_cache) > OCR_CACHE_SIZE:
            _ocr_cache.popitem(last=False)
    return output


def _ocr_key(image: Image.Image, tesseract: str, args: Sequence[str]) -> bytes:
    digest = hashlib.sha256(repr((tesseract, DPI, args, image.mode, image.size)).encode())
    digest.update(image.tobytes())
    return digest.digest()


def _run_tesseract(tesseract: str, image: Image.Image, args: Sequence[str]) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(DPI, DPI), compress_level=1)  # lossless still; twice as quick to write
    try:
        result = subprocess.run(
            [tesseract, "stdin", "stdout", "-l", "eng", "--dpi", str(DPI), *args],
            input=buffer.getvalue(),
            capture_output=True,
            timeout=300,
            check=False,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # one page is small: threads only cost here
        )
    except subprocess.TimeoutExpired as error:
        raise RedactionFailed("OCR of a page took more than 5 minutes: the PDF was not redacted") from error
    if result.returncode != 0:
        raise RedactionFailed(f"Tesseract failed: {result.stderr.decode(errors='replace')[:300]}")
    return result.stdout


@dataclass(frozen=True)
class OcrWord:
    text: str
    box: Box  # the word's width, its line's full height


def ocr_words(image: Image.Image) -> list[list[OcrWord]]:
    """The words on a picture, line by line, each with a box as tall as its line."""
    lines: dict[tuple[str, ...], tuple[Box, list[OcrWord]]] = {}
    for row in _ocr(image, "tsv").decode("utf-8", "replace").splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12:
            continue
        left, top, width, height = (float(cells[n]) for n in (6, 7, 8, 9))
        key = tuple(cells[1:5])
        if cells[0] == "4":
            lines[key] = ((left, top, left + width, top + height), [])
        elif cells[0] == "5" and cells[11].strip() and key in lines:
            line_box, words = lines[key]
            tall = (left, min(top, line_box[1]), left + width, max(top + height, line_box[3]))
            words.append(OcrWord(cells[11], tall))
    return [words for _, words in lines.values() if words]


def ocr_text(image: Image.Image) -> str:
    return "\n".join(" ".join(word.text for word in line) for line in ocr_words(image))


# ---- searching a page -----------------------------------------------------------------------------------------


def _widened(box: Box) -> Box:
    left, top, right, bottom = box
    margin = MARGIN + 0.15 * (bottom - top)
    return (left - margin, top - margin, right + margin, bottom + margin)


def _text_layer_hits(page: pypdfium2.PdfPage, bitmap: pypdfium2.PdfBitmap, find: Finder) -> PageHits:
    textpage = page.get_textpage()
    count = textpage.count_chars()
    chars = [chr(pdfium_c.FPDFText_GetUnicode(textpage, n)) for n in range(count)]
    hits = PageHits()
    to_device = bitmap.get_posconv(page)
    for first, last, matched in matches(chars, find):
        hits.strings.append(matched)
        hits.count += 1
        for index in range(first, last + 1):
            if pdfium_c.FPDFText_IsGenerated(textpage, index) == 1:
                continue
            box = _char_box(textpage, index, to_device)
            if box is not None:
                hits.boxes.append(_widened(box))
    textpage.close()
    return hits


def _char_box(textpage: pypdfium2.PdfTextPage, index: int, to_device: pypdfium2.PdfPosConv) -> Box | None:
    """The character's box on the page as shown: its glyph and its font's full height, through pdfium's transform."""
    corners = []
    for loose in (False, True):
        try:
            left, bottom, right, top = textpage.get_charbox(index, loose=loose)
        except pypdfium2.PdfiumError:
            continue
        if right > left or top > bottom:
            corners += [to_device.to_bitmap(x, y) for x in (left, right) for y in (bottom, top)]
    if not corners:
        return None
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    return (min(xs), min(ys), max(xs), max(ys))


def _ocr_hits(image: Image.Image, find: Finder) -> PageHits:
    chars: list[str] = []
    owners: list[OcrWord | None] = []
    for line in ocr_words(image):
        for word in line:
            chars += [*word.text, " "]
            owners += [word] * len(word.text) + [None]
        chars[-1] = "\n"
    hits = PageHits()
    for first, last, matched in matches(chars, find):
        hits.strings.append(matched)
        hits.count += 1
        words = {id(w): w for w in owners[first : last + 1] if w is not None}
        hits.boxes += [_widened(word.box) for word in words.values()]
    return hits


def _render(page: pypdfium2.PdfPage) -> tuple[pypdfium2.PdfBitmap, Image.Image]:
    bitmap = page.render(scale=SCALE, draw_annots=True)
    return bitmap, bitmap.to_pil().convert("RGB")


def _same_line(a: Box, b: Box) -> bool:
    """Two boxes on one line that touch: they overlap across, and over most of the shorter one's height."""
    overlap = min(a[3], b[3]) - max(a[1], b[1])
    shorter = min(a[3] - a[1], b[3] - b[1])
    return a[0] <= b[2] and b[0] <= a[2] and shorter > 0 and overlap > 0.5 * shorter


def _line_bars(boxes: list[Box]) -> list[Box]:
    """The boxes of one line that touch, as one rectangle each: its top the highest of theirs, its bottom
    the lowest. Boxes of different heights side by side (glyphs of two sizes, a text-layer box beside an
    OCR one) would otherwise make a bar whose edge steps up and down, drawing the words' outline."""
    bars = list(boxes)
    merged = True
    while merged:
        merged = False
        for i in range(len(bars)):
            for j in range(i + 1, len(bars)):
                if _same_line(bars[i], bars[j]):
                    a, b = bars[i], bars.pop(j)
                    bars[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                    merged = True
                    break
            if merged:
                break
    return bars


def search_page(page: pypdfium2.PdfPage, find: Finder) -> PageHits:
    """What to black out on one page, from its text layer and from OCR of the page as shown."""
    bitmap, image = _render(page)
    text, seen = _text_layer_hits(page, bitmap, find), _ocr_hits(image, find)
    bars = _line_bars(text.boxes + seen.boxes)
    return PageHits(bars, text.strings + seen.strings, max(text.count, seen.count))


# ---- making the result ----------------------------------------------------------------------------------------


def _rasterised(image: Image.Image, boxes: list[Box]) -> pikepdf.Pdf:
    """The picture with the boxes blacked out, under an invisible OCR text layer.

    The text layer is read from a copy with the boxes blank rather than black, so that
    the black boxes do not come back as OCR noise.
    """
    blanked, blacked = image.copy(), image.copy()
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


def _inherited(page: pikepdf.Dictionary, key: str) -> pikepdf.Object | None:
    node: pikepdf.Object | None = page
    while isinstance(node, pikepdf.Dictionary):
        if key in node:
            return node[key]
        node = node.get("/Parent") if key in INHERITED else None
    return None


def _bare_page(original: pikepdf.Pdf, page: pikepdf.Page) -> pikepdf.Page:
    """A copy of the page with only what draws it: no thumbnail, annotations, metadata or private data."""
    bare = pikepdf.Dictionary(Type=pikepdf.Name.Page)
    for key in PAGE_KEYS:
        value = _inherited(page.obj, key)
        if value is not None:
            bare[key] = value
    return pikepdf.Page(original.make_indirect(bare))


def assemble(data: bytes, source: pypdfium2.PdfDocument, hits: dict[int, PageHits], raster: set[int]) -> bytes:
    """The redacted PDF: pages in ``raster`` rendered again (one picture in memory at a time), the others bare."""
    output = pikepdf.new()
    with pikepdf.open(io.BytesIO(data)) as original:
        for index, page in enumerate(original.pages):
            if index in raster:
                boxes = hits[index].boxes if index in hits else []
                with _rasterised(_render(source[index])[1], boxes) as replacement:
                    output.pages.append(replacement.pages[0])
            else:
                output.pages.append(_bare_page(original, page))
        output.remove_unreferenced_resources()
        buffer = io.BytesIO()
        output.save(buffer, deterministic_id=True, linearize=False)
    return buffer.getvalue()


# ---- checking the result --------------------------------------------------------------------------------------


def _raw_forms(strings: Iterable[str]) -> set[bytes]:
    forms: set[bytes] = set()
    for string in strings:
        for variant in {" ".join(string.lower().split()), squashed(string)}:
            if len(variant) < 3:
                continue
            forms.add(variant.encode("latin-1", "ignore"))
            forms.update(variant.encode(encoding) for encoding in ("utf-16-be", "utf-16-le"))
    return {form for form in forms if len(form) >= 3}


def _objects(pdf: pikepdf.Pdf) -> Iterator[bytes]:
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream):
            try:
                yield obj.read_bytes()
            except pikepdf.PdfError:  # an image in a filter qpdf does not decode (JPEG): its raw bytes
                yield obj.read_raw_bytes()
        elif isinstance(obj, pikepdf.String):
            yield bytes(obj)


def leftovers(data: bytes, find: Finder, strings: list[str]) -> tuple[set[int], bool]:
    """Pages where a rule still matches or a redacted string is still read, and whether any object holds one."""
    needles = {squashed(s) for s in strings if len(squashed(s)) >= 3}
    pages: set[int] = set()
    document = pypdfium2.PdfDocument(data)
    try:
        for index, page in enumerate(document):
            textpage = page.get_textpage()
            read = [textpage.get_text_range(), ocr_text(_render(page)[1])]
            textpage.close()
            if any(matches(list(text), find) or any(n in squashed(text) for n in needles) for text in read):
                pages.add(index)
    finally:
        document.close()
    forms = _raw_forms(strings)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        anywhere = any(form in raw.lower() for raw in _objects(pdf) for form in forms)
    return pages, anywhere


# ---- the whole -----------------------------------------------------------------------------------------------


def _open(data: bytes) -> pypdfium2.PdfDocument:
    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        if getattr(error, "err_code", None) == pdfium_c.FPDF_ERR_PASSWORD:
            raise RedactionFailed(
                "The PDF is protected by a password, so it cannot be redacted: "
                "ask the sender for a copy without a password, or publish the text only."
            ) from error
        raise RedactionFailed(
            "The PDF cannot be read (it is damaged or not a PDF), so it cannot be redacted."
        ) from error


def redact_pdf(data: bytes, find: Finder) -> tuple[bytes, int]:
    """The PDF with every span ``find`` reports removed; returns (bytes, number of redactions).

    Raises ``RedactionFailed`` rather than return anything in which a redacted string remains.
    """
    try:
        return _redact(data, find)
    except (pikepdf.PdfError, pypdfium2.PdfiumError) as error:
        raise RedactionFailed(f"The PDF could not be redacted ({error}), so it was not published.") from error


def _redact(data: bytes, find: Finder) -> tuple[bytes, int]:
    source = _open(data)
    hits: dict[int, PageHits] = {}
    try:
        for index, page in enumerate(source):
            found = search_page(page, find)
            if found.boxes or found.strings:
                hits[index] = found
        strings = [s for h in hits.values() for s in h.strings]
        raster = set(hits)
        for _ in range(2):
            result = assemble(data, source, hits, raster)
            pages, anywhere = leftovers(result, find, strings)
            if not pages and not anywhere:
                return result, sum(h.count for h in hits.values())
            more = (pages if not anywhere else set(range(len(source)))) - raster
            if not more:
                break
            raster |= more
    finally:
        source.close()
    raise RedactionFailed(
        "Something that was to be redacted could still be read in the PDF after redaction, so it was not published."
    )
