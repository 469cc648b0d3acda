"""What a file is (from its bytes) and the text in it.

PDF through pypdfium2, with OCR (Tesseract) for pages that have no text layer;
images through OCR; Word (DOCX), Excel (XLSX), OpenDocument, HTML and plain
text through their own readers. Anything else is not read, and says why.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

import magic

from docket.documents.ocr import ocr_image

OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
DOCX, XLSX = OOXML["word/"], OOXML["xl/"]
OPENDOCUMENT_PREFIX = "application/vnd.oasis.opendocument."
MIN_TEXT_PER_PAGE = 20  # fewer characters than this on a PDF page: treat it as a scan
OCR_SCALE = 300 / 72  # render scanned pages at 300 dpi


class ExtractionError(Exception):
    """The file claims to be of a type it can be read as, but cannot be read."""


class NotReadable(Exception):
    """Docket does not read this kind of file (the reason says which)."""


@dataclass(frozen=True)
class Extraction:
    text: str
    pages: int = 0
    ocr_pages: int = 0


def sniff(data: bytes) -> str:
    """The media type of ``data``, from its bytes (not its name)."""
    if not data:
        return "application/x-empty"
    found = str(magic.from_buffer(data[:65536], mime=True))
    if found in {"application/zip", "application/octet-stream"} and data[:2] == b"PK":
        return _zip_kind(data) or found
    return found


def _zip_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                kind = archive.read("mimetype").decode("ascii", "replace").strip()
                if kind.startswith(OPENDOCUMENT_PREFIX):
                    return kind
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    for prefix, kind in OOXML.items():
        if "[Content_Types].xml" in names and any(name.startswith(prefix) for name in names):
            return kind
    return None


def extract(data: bytes, content_type: str, *, ocr: bool = True) -> Extraction:
    """The text of a file of the given (sniffed) type."""
    try:
        if content_type == "application/pdf":
            return _pdf(data, ocr)
        if content_type == DOCX:
            return _docx(data)
        if content_type == XLSX:
            return _xlsx(data)
        if content_type.startswith(OPENDOCUMENT_PREFIX):
            return _opendocument(data)
        if content_type in {"text/html", "application/xhtml+xml"}:
            return Extraction(html_text(data.decode("utf-8", "replace")))
        if content_type.startswith("text/"):
            return Extraction(decode_text(data))
        if content_type.startswith("image/"):
            if not ocr:
                raise NotReadable("an image: its text needs OCR, which is off")
            return _image(data)
    except (NotReadable, ExtractionError):
        raise
    except Exception as error:  # every reader raises its own types for a damaged file
        raise ExtractionError(f"{content_type} that cannot be read: {type(error).__name__}: {error}") from error
    raise NotReadable(f"Docket does not read {content_type} files")


def decode_text(data: bytes) -> str:
    """Text whose encoding is unknown or wrongly declared: UTF-8, else Windows-1252, else Latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def html_text(html: str) -> str:
    """The visible text of an HTML document (no scripts, styles or markup)."""
    import lxml.html

    if not html.strip():
        return ""
    tree = lxml.html.fromstring(html)
    for element in tree.xpath("//script|//style|//head"):
        element.drop_tree()
    for element in tree.xpath("//br|//p|//div|//li|//tr|//h1|//h2|//h3|//h4|//h5|//h6"):
        element.tail = "\n" + (element.tail or "")
    return re.sub(r"\n\s*\n+", "\n\n", tree.text_content()).strip()


def _pdf(data: bytes, ocr: bool) -> Extraction:
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        raise ExtractionError(f"a PDF that cannot be opened: {error}") from None
    texts = []
    ocr_pages = 0
    try:
        for page in document:
            text = page.get_textpage().get_text_range()
            if ocr and len(text.strip()) < MIN_TEXT_PER_PAGE:
                image = page.render(scale=OCR_SCALE, grayscale=True).to_pil()
                text = ocr_image(image)
                ocr_pages += 1
            texts.append(text.replace("\r\n", "\n").strip())
        return Extraction("\n\n".join(texts), len(texts), ocr_pages)
    finally:
        document.close()


def _docx(data: bytes) -> Extraction:
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return Extraction("\n".join(part for part in parts if part.strip()))


def _xlsx(data: bytes) -> Extraction:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        lines = []
        for sheet in book.worksheets:
            lines.append(f"# {sheet.title}")
            for row in sheet.iter_rows(values_only=True):
                cells = ["" if value is None else str(value) for value in row]
                if any(cells):
                    lines.append("\t".join(cells).rstrip())
        return Extraction("\n".join(lines), len(book.worksheets))
    finally:
        book.close()


def _opendocument(data: bytes) -> Extraction:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        content = archive.read("content.xml")
    root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    text_ns = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    blocks = root.iter(f"{{{text_ns}}}p", f"{{{text_ns}}}h")
    return Extraction("\n".join("".join(block.itertext()) for block in blocks if "".join(block.itertext()).strip()))


def _image(data: bytes) -> Extraction:
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    frames = getattr(image, "n_frames", 1)
    texts = []
    for frame in range(frames):  # a multi-page TIFF is a scanned document
        image.seek(frame)
        texts.append(ocr_image(image.convert("L")))
    return Extraction("\n\n".join(texts), frames, frames)
