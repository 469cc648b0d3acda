"""What a file is (from its bytes) and the text in it.

PDF through pypdfium2, with OCR (Tesseract) for pages that have no text layer;
images through OCR; Word (DOCX), Excel (XLSX), OpenDocument, HTML and plain
text through their own readers. Anything else is not read, and says why.

Every reader works within ``Caps`` (pages, pixels, cells, bytes unzipped), so that a small
hostile file is refused as ``TooLarge`` before it costs much; the memory and time limits
around them are ``docket.documents.bounded``'s, which runs this module in a child process.
"""

from __future__ import annotations

import io
import re
import warnings
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


class TooLarge(Exception):
    """The file asks for more than Docket reads of one file (the reason says what, in plain words)."""


@dataclass(frozen=True)
class Caps:
    """How much of one file Docket reads; beyond any of these it is ``TooLarge``."""

    max_pages: int = 2000  # pages of a PDF, frames of a TIFF
    max_ocr_pages: int = 100  # pages or frames read by OCR (each takes a second or more)
    max_pixels: int = 50_000_000  # an image, or a scanned page at 300 dpi (A2 is 35 million)
    max_cells: int = 1_000_000  # cells of a workbook, counting the empty ones between
    max_unzipped_bytes: int = 100 * 1024 * 1024  # of a Word, Excel or OpenDocument file's parts
    max_text_chars: int = 20_000_000  # text kept of one file


@dataclass(frozen=True)
class Extraction:
    text: str
    pages: int = 0
    ocr_pages: int = 0
    page_starts: tuple[int, ...] = ()  # where each page after the first begins in ``text``


PAGE_GAP = "\n\n"  # between one page's text and the next's


def pages_joined(texts: list[str], ocr_pages: int = 0) -> Extraction:
    """One text of the pages, and where each page after the first begins in it (a search hit names its page)."""
    starts, position = [], 0
    for text in texts[:-1]:
        position += len(text) + len(PAGE_GAP)
        starts.append(position)
    return Extraction(PAGE_GAP.join(texts), len(texts), ocr_pages, tuple(starts))


def load_readers() -> None:
    """Import every reader now (a child process forked after this starts with them loaded)."""
    import importlib

    from PIL import Image

    for name in ("docx", "lxml.etree", "lxml.html", "openpyxl", "pypdfium2", "PIL.TiffImagePlugin"):
        importlib.import_module(name)
    Image.init()


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
                with archive.open("mimetype") as member:  # a few bytes, whatever the header says
                    kind = member.read(200).decode("ascii", "replace").strip()
                if kind.startswith(OPENDOCUMENT_PREFIX):
                    return kind
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    for prefix, kind in OOXML.items():
        if "[Content_Types].xml" in names and any(name.startswith(prefix) for name in names):
            return kind
    return None


HTML_TYPES = {"text/html", "application/xhtml+xml"}


def refusal(content_type: str, *, ocr: bool = True) -> str | None:
    """Why Docket does not read files of this type at all, or None if it does."""
    if content_type.startswith("image/") and not ocr:
        return "an image: its text needs OCR, which is off"
    if content_type in {"application/pdf", DOCX, XLSX} or content_type.startswith(("text/", "image/")):
        return None
    if content_type.startswith(OPENDOCUMENT_PREFIX) or content_type in HTML_TYPES:
        return None
    return f"Docket cannot read this kind of file ({_kind_in_words(content_type)})"


# What a person calls the kinds of file Docket does not read (anything else: its media type, after words).
KINDS_IN_WORDS = {
    "application/octet-stream": "it does not say what it is",
    "application/x-empty": "it is empty",
    "application/msword": "an old Word file, .doc: save it as .docx to read it",
    "application/vnd.ms-excel": "an old Excel file, .xls: save it as .xlsx to read it",
    "application/vnd.ms-powerpoint": "a PowerPoint file",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "a PowerPoint file",
    "application/zip": "a ZIP archive",
    "application/x-dosexec": "a program",
    "application/x-executable": "a program",
    "application/rtf": "a Rich Text file, .rtf: save it as .docx to read it",
}


def _kind_in_words(content_type: str) -> str:
    if content_type in KINDS_IN_WORDS:
        return KINDS_IN_WORDS[content_type]
    if content_type.startswith(("audio/", "video/")):
        return f"a {content_type.partition('/')[0]} file"
    return f"its kind is {content_type}"


def is_plain_text(content_type: str) -> bool:
    """Text read by decoding alone: linear in its size, with nothing to unpack or parse."""
    return content_type.startswith("text/") and content_type not in HTML_TYPES


def extract(data: bytes, content_type: str, *, ocr: bool = True, caps: Caps | None = None) -> Extraction:
    """The text of a file of the given (sniffed) type, within ``caps``."""
    caps = caps or Caps()
    reason = refusal(content_type, ocr=ocr)
    if reason is not None:
        raise NotReadable(reason)
    try:
        return _read(data, content_type, ocr, caps)
    except (ExtractionError, TooLarge, MemoryError):
        raise
    except Exception as error:  # every reader raises its own types for a damaged file
        raise ExtractionError(f"{content_type} that cannot be read: {type(error).__name__}: {error}") from error


def _read(data: bytes, content_type: str, ocr: bool, caps: Caps) -> Extraction:
    if content_type == "application/pdf":
        return _pdf(data, ocr, caps)
    if content_type in HTML_TYPES:
        return Extraction(html_text(data.decode("utf-8", "replace")))
    if content_type.startswith("text/"):
        return Extraction(decode_text(data))
    if content_type.startswith("image/"):
        return _image(data, caps)
    _check_unzipped(data, caps)  # the rest are ZIP files of XML parts
    if content_type == DOCX:
        return _docx(data)
    if content_type == XLSX:
        return _xlsx(data, caps)
    return _opendocument(data)


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


def _check_unzipped(data: bytes, caps: Caps) -> None:
    """Refuse a Word, Excel or OpenDocument file whose parts unzip to more than the cap.

    Python's zipfile, which all their readers use, never returns more of a part than the size
    its header gives, so the headers' sum bounds what the readers can unzip (a header that
    lies low only makes the part fail its checksum).
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ExtractionError(f"not a readable ZIP-based document: {error}") from None
    if total > caps.max_unzipped_bytes:
        raise TooLarge(
            f"it unpacks to {_megabytes(total)} MB, and Docket unpacks at most "
            f"{_megabytes(caps.max_unzipped_bytes)} MB of one document"
        )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f}"


def _pdf(data: bytes, ocr: bool, caps: Caps) -> Extraction:
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        if getattr(error, "err_code", None) == pypdfium2.raw.FPDF_ERR_PASSWORD:
            raise ExtractionError("The PDF is protected by a password: Docket could not open it") from None
        raise ExtractionError("The PDF is damaged or not a PDF: Docket could not open it") from None
    try:
        if len(document) > caps.max_pages:
            raise TooLarge(f"it has {len(document):,} pages, and Docket reads at most {caps.max_pages:,}")
        texts = [page.get_textpage().get_text_range() for page in document]
        scans = [n for n, text in enumerate(texts) if len(text.strip()) < MIN_TEXT_PER_PAGE] if ocr else []
        if len(scans) > caps.max_ocr_pages:
            raise TooLarge(
                f"{len(scans):,} of its pages are scans, and Docket reads at most {caps.max_ocr_pages:,} by OCR"
            )
        for number in scans:
            page = document[number]
            width, height = page.get_size()
            _check_pixels(round(width * OCR_SCALE), round(height * OCR_SCALE), caps, "a page")
            texts[number] = ocr_image(page.render(scale=OCR_SCALE, grayscale=True).to_pil())
        return pages_joined([text.replace("\r\n", "\n").strip() for text in texts], len(scans))
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


def _check_pixels(width: int, height: int, caps: Caps, what: str) -> None:
    if width * height > caps.max_pixels:
        raise TooLarge(
            f"{what} of {width:,} by {height:,} pixels is larger than the {caps.max_pixels:,} pixels Docket reads"
        )


def _xlsx(data: bytes, caps: Caps) -> Extraction:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        lines, cells_read = [], 0
        for sheet in book.worksheets:
            lines.append(f"# {sheet.title}")
            # Rows come padded to the sheet's width, and missing rows as empty ones: a single
            # cell at XFD1048576 makes 17 billion. Count them as they come, not as stored.
            for row in sheet.iter_rows(values_only=True):
                cells_read += max(len(row), 1)
                if cells_read > caps.max_cells:
                    raise TooLarge(f"its sheets span more than the {caps.max_cells:,} cells Docket reads")
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


def _image(data: bytes, caps: Caps) -> Extraction:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = caps.max_pixels
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise TooLarge(f"the picture is larger than the {caps.max_pixels:,} pixels Docket reads") from None
    frames = getattr(image, "n_frames", 1)
    if frames > caps.max_ocr_pages:
        raise TooLarge(f"it has {frames:,} pages, and Docket reads at most {caps.max_ocr_pages:,} by OCR")
    texts = []
    for frame in range(frames):  # a multi-page TIFF is a scanned document
        image.seek(frame)
        _check_pixels(image.width, image.height, caps, "a picture")
        texts.append(ocr_image(image.convert("L")))
    return pages_joined(texts, frames)
