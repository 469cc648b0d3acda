"""Reading letters already written (.txt, .md, .html, .docx, .pdf) into their parts.

Offices arrive with letters, not templates: conversions of published documents
that carry Markdown, HTML ``<sup>`` debris, Unicode superscripts and footnotes
that a page break dropped into the middle of a paragraph. Each letter becomes a
:class:`SourceLetter`: the letterhead, the date, the address block, the
salutation, the body's paragraphs (footnote markers written ``^N``), the
closing, the signature and the footnotes by number. Its words are what the
fidelity check compares, so the markup rules here are those of the test
normaliser (``tests/letters/normalise.py``), which stays independent of them,
with one more: a bracket that nothing answers, glued between two words
("Act(2015"), is a conversion's stand-in for a space and read as one, so that
one letter's debris does not become a field of the whole campaign.
"""

from __future__ import annotations

import datetime
import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from docket.letters.wording import MONTHS

FORMATS = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
DATE = re.compile(rf"^\s*(\d{{1,2}})(?:st|nd|rd|th)? ({'|'.join(MONTHS)}),? (\d{{4}})\s*$")
SALUTATION = re.compile(r"^\s*Dear (.+?),?\s*$")
CLOSING = re.compile(r"^\s*(Yours (?:sincerely|faithfully)),?\s*$", re.I)
FOOTNOTE = re.compile(r"^\s*\^(\d+)\s*(.*)$")
URL = re.compile(r"https?://[^\s<>()\"'\]]+")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Letters come from anyone who uploads them: what one may cost is capped, far above any real letter.
MAX_FILE_BYTES = 20 * 1024 * 1024  # a letter file as uploaded
MAX_UNZIPPED_BYTES = 20 * 1024 * 1024  # one part of a Word file, unzipped
MAX_PDF_PAGES = 100
MAX_TEXT_CHARS = 1_000_000  # a letter's text (about 150,000 words)
MAX_WORDS = 20_000  # a letter's words (a long letter has 2,000)
MARKUP_SPAN = 500  # characters a tag, a superscript or a link's text may span (bounds each search)
GLUED_BRACKET = re.compile(r"\w[()]\w")
XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


class ReadingError(ValueError):
    """A letter could not be read; the message names the file and what is missing."""


@dataclass(frozen=True)
class SourceLetter:
    name: str  # the file's name, for messages
    letterhead: tuple[str, ...]
    date: datetime.date | None
    address: tuple[str, ...]
    salutation: str  # what follows "Dear"
    paragraphs: tuple[str, ...]  # the body, footnote markers written ^N
    closing: str
    signature: tuple[str, ...]
    footnotes: dict[int, str] = field(default_factory=dict)
    footnote_urls: dict[int, str] = field(default_factory=dict)


def _sup(match: re.Match[str]) -> str:
    inner = re.sub(r"<[^>]+>", "", match[1]).strip()
    return f"^{inner}" if inner.isdigit() else ""  # a superscript with no number is debris (<sup>&</sup>)


def strip_markup(text: str) -> str:
    """Markdown and HTML markup out, every footnote marker written ^N (the test normaliser's rules)."""
    text = html.unescape(re.sub(r"<(\w+)>&</\1>", "&", text))  # an entity split by a tag: <sup>&</sup>lt;
    text = re.sub(rf"<sup>(.{{0,{MARKUP_SPAN}}}?)</sup>", _sup, text, flags=re.S)
    text = re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+", lambda m: "^" + m[0].translate(SUPERSCRIPT_DIGITS), text)
    text = re.sub(r"\[\^(\d+)\]:?", r"^\1", text)
    text = re.sub(r"\[(\d+)\]", r"^\1", text)
    text = re.sub(r"<(?:https?|mailto):[^>\s]*>", "", text)
    span = MARKUP_SPAN
    link = rf"(?<!\\)\[((?:[^\[\]\\]|\\.){{0,{span}}})\]\((?:<[^<>]{{0,{span}}}>|[^)\s]{{0,{span}}})\)"
    text = re.sub(link, r"\1", text)
    text = re.sub(rf"<[^<>]{{1,{MARKUP_SPAN}}}>", "", text)
    text = re.sub(r"^\s*#+\s+", "", text, flags=re.M)
    text = re.sub(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$", "", text, flags=re.M)
    text = re.sub(r"\*\*|__", "", text)
    return mend_brackets(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text))


def mend_brackets(text: str) -> str:
    """Each line's unanswered brackets glued between two words ("Act(2015") read as spaces."""
    if not GLUED_BRACKET.search(text):
        return text
    return "\n".join(_mended(line) if GLUED_BRACKET.search(line) else line for line in text.split("\n"))


def _mended(line: str) -> str:
    opened: list[int] = []
    unanswered: list[int] = []
    for at, char in enumerate(line):
        if char == "(":
            opened.append(at)
        elif char == ")":
            if opened:
                opened.pop()
            else:
                unanswered.append(at)
    chars = list(line)
    for at in opened + unanswered:
        if 0 < at < len(line) - 1 and line[at - 1].isalnum() and line[at + 1].isalnum():
            chars[at] = " "
    return "".join(chars)


def letter_text(name: str, data: bytes) -> str:
    """The letter as text with light markup, whatever format the file is in."""
    suffix = Path(name).suffix.lower()
    if len(data) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 2**20
        raise ReadingError(f"{name}: the file is larger than the {limit} MB Docket reads of one letter")
    if suffix == ".docx":
        return _docx_text(name, data)
    if suffix == ".pdf":
        return _pdf_text(name, data)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if suffix in {".html", ".htm"}:
        return _html_text(text)
    if suffix in {".txt", ".md", ""}:
        return text
    raise ReadingError(f"{name}: Docket reads letters in {', '.join(FORMATS)} files, not {suffix}")


def read_letter(name: str, data: bytes) -> SourceLetter:
    return parse_letter(name, letter_text(name, data))


def parse_letter(name: str, text: str) -> SourceLetter:
    """The parts of one letter: what comes before the date is the letterhead, then the address
    block up to "Dear …", the body up to "Yours sincerely", then the signature."""
    _check_length(name, text)
    paragraphs, footnotes, urls = _paragraphs_and_footnotes(text)
    lines = [(index, line.strip()) for index, paragraph in enumerate(paragraphs) for line in paragraph]
    date_at = next((n for n, (_, line) in enumerate(lines) if DATE.match(line)), None)
    dear_at = next((n for n, (_, line) in enumerate(lines) if SALUTATION.match(line)), None)
    if dear_at is None:
        raise ReadingError(f"{name}: no salutation found (a line such as “Dear Anthony,”)")
    close_at = next((n for n in range(dear_at + 1, len(lines)) if CLOSING.match(lines[n][1])), len(lines))
    if date_at is not None and date_at > dear_at:
        date_at = None
    head_end = date_at if date_at is not None else _address_start(lines, dear_at)
    date = None
    if date_at is not None:
        match = DATE.match(lines[date_at][1])
        assert match is not None
        date = datetime.date(int(match[3]), MONTHS.index(match[2]) + 1, int(match[1]))
    address_from = date_at + 1 if date_at is not None else head_end
    address_to = dear_at
    # The address above the date (the other common layout): the paragraph just before the date, when a
    # letterhead stands above it (else that paragraph may be the letterhead, and no address is read).
    no_address_below = date_at is not None and not any(line for _, line in lines[date_at + 1 : dear_at])
    if date_at is not None and no_address_below and (above := _address_start(lines, date_at)):
        head_end = address_from = above
        address_to = date_at
    salutation_match = SALUTATION.match(lines[dear_at][1])
    assert salutation_match is not None
    body_start = lines[dear_at][0] + 1
    body_end = lines[close_at][0] if close_at < len(lines) else len(paragraphs)
    body = [" ".join(line.strip() for line in paragraph) for paragraph in paragraphs[body_start:body_end]]
    return SourceLetter(
        name=name,
        letterhead=tuple(line for _, line in lines[:head_end] if line),
        date=date,
        address=tuple(line for _, line in lines[address_from:address_to] if line),
        salutation=salutation_match[1].strip(),
        paragraphs=tuple(paragraph for paragraph in body if paragraph.strip()),
        closing=lines[close_at][1].rstrip(",") + "," if close_at < len(lines) else "",
        signature=tuple(line for _, line in lines[close_at + 1 :] if line),
        footnotes=footnotes,
        footnote_urls=urls,
    )


def _check_length(name: str, text: str) -> None:
    if len(text) > MAX_TEXT_CHARS:
        raise ReadingError(f"{name}: longer than the {MAX_TEXT_CHARS:,} characters Docket reads of one letter")
    count = sum(1 for _ in re.finditer(r"\S+", text))
    if count > MAX_WORDS:
        raise ReadingError(f"{name}: {count:,} words, more than the {MAX_WORDS:,} Docket reads of one letter")


def _address_start(lines: list[tuple[int, str]], dear_at: int) -> int:
    """The first line of the paragraph just before line ``dear_at``: the address block, before the salutation
    when the letter has no date, or before the date when the address comes above it."""
    paragraph = lines[dear_at - 1][0] if dear_at else 0
    return next(n for n, (index, _) in enumerate(lines) if index == paragraph) if dear_at else 0


def _paragraphs_and_footnotes(text: str) -> tuple[list[list[str]], dict[int, str], dict[int, str]]:
    """Paragraphs as lists of lines; footnote lines taken out wherever they stand, and a
    paragraph that a page of footnotes interrupted mid-sentence joined up again."""
    paragraphs: list[list[str]] = []
    footnotes: dict[int, str] = {}
    urls: dict[int, str] = {}
    current: list[str] = []
    interrupted = False
    for raw in text.splitlines():
        line = strip_markup(raw)
        note = FOOTNOTE.match(line)
        if note and note[2].strip():
            number = int(note[1])
            footnotes[number] = " ".join(note[2].split())
            found = URL.search(raw)
            if found and found[0] not in footnotes[number]:
                urls[number] = found[0]
            interrupted = True
            if current:
                paragraphs.append(current)
                current = []
            continue
        if not line.strip():
            if current:
                paragraphs.append(current)
                current = []
            continue
        if interrupted and not current and paragraphs and _unfinished(paragraphs[-1], line):
            current = paragraphs.pop()
        interrupted = False
        current.append(line)
    if current:
        paragraphs.append(current)
    return paragraphs, footnotes, urls


def _unfinished(paragraph: list[str], next_line: str) -> bool:
    last = paragraph[-1].rstrip()
    return bool(last) and last[-1] not in ".!?:" and next_line.lstrip()[:1].islower()


def _html_text(source: str) -> str:
    """A whole HTML document: one paragraph per block element, superscripts kept as <sup>."""
    if not source.strip():
        return ""
    root = etree.fromstring(source.encode(), etree.HTMLParser())
    if root is None:
        return ""
    for bad in root.iter("script", "style", "head"):
        parent = bad.getparent()
        if parent is not None:
            parent.remove(bad)
    blocks = []
    for element in root.iter("p", "h1", "h2", "h3", "h4", "li", "address", "div"):
        if element.tag == "div" and element.find(".//p") is not None:
            continue
        for br in element.iter("br"):
            br.tail = "\n" + (br.tail or "")
        for sup in element.iter("sup"):
            sup.text = f"<sup>{sup.text or ''}"
            sup.tail = "</sup>" + (sup.tail or "")
        blocks.append("".join(element.itertext()).strip())
    return "\n\n".join(block for block in blocks if block)


def _docx_text(name: str, data: bytes) -> str:
    """Paragraphs of the main document, footnote references as ^N, then the footnotes."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            document = etree.fromstring(_unzipped(name, package, "word/document.xml"), XML)
            notes_xml = (
                _unzipped(name, package, "word/footnotes.xml") if "word/footnotes.xml" in package.namelist() else None
            )
    # zipfile raises NotImplementedError for a compression method it cannot read: the file is unreadable.
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, zipfile.LargeZipFile, NotImplementedError):
        raise ReadingError(f"{name}: not a Word document that Docket can read") from None
    order: dict[str, int] = {}
    paragraphs = [_docx_paragraph(paragraph, order) for paragraph in document.iter(f"{W}p")]
    notes: dict[str, str] = {}
    if notes_xml is not None:
        for note in etree.fromstring(notes_xml, XML).iter(f"{W}footnote"):
            notes[note.get(f"{W}id", "")] = " ".join(_docx_paragraph(p, {}) for p in note.iter(f"{W}p"))
    footer = [f"^{number} {notes.get(key, '').strip()}" for key, number in order.items()]
    return "\n\n".join([*paragraphs, *footer])


def _unzipped(name: str, package: zipfile.ZipFile, part: str) -> bytes:
    """One part of a Word file, read no further than the cap (what the zip says of its size may lie)."""
    with package.open(part) as stream:
        data = stream.read(MAX_UNZIPPED_BYTES + 1)
    if len(data) > MAX_UNZIPPED_BYTES:
        raise ReadingError(
            f"{name}: the Word document would unzip to more than the {MAX_UNZIPPED_BYTES // 2**20} MB "
            "Docket reads of one letter"
        )
    return data


def _docx_paragraph(paragraph: etree._Element, order: dict[str, int]) -> str:
    parts: list[str] = []
    for element in paragraph.iter(f"{W}t", f"{W}br", f"{W}footnoteReference", f"{W}fldSimple"):
        if element.tag == f"{W}footnoteReference":
            key = element.get(f"{W}id", "")
            order.setdefault(key, len(order) + 1)
            parts.append(f"^{order[key]}")
        elif element.tag == f"{W}fldSimple" and "NOTEREF" in element.get(f"{W}instr", ""):
            parts.append("^" + "".join(element.itertext()).strip())
            for text in element.iter(f"{W}t"):
                text.text = ""  # printed once, as the marker
        elif element.tag == f"{W}br":
            parts.append("\n")
        else:
            parts.append(element.text or "")
    return "".join(parts)


def _pdf_text(name: str, data: bytes) -> str:
    """The text layer, with small raised digits (footnote markers) written ^N."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        raise ReadingError(f"{name}: not a PDF that Docket can read") from None
    pages = []
    try:
        if len(document) > MAX_PDF_PAGES:
            pages_found = len(document)
            raise ReadingError(f"{name}: {pages_found:,} pages, more than the {MAX_PDF_PAGES} Docket reads of a letter")
        for page in document:
            textpage = page.get_textpage()
            pages.append(_pdf_page_text(textpage, pdfium_c))
            textpage.close()
            page.close()
    finally:
        document.close()
    text = "\n\n".join(pages)
    return text if text.strip() else _scanned_text(name, data)


def _scanned_text(name: str, data: bytes) -> str:
    """A PDF with no text layer (a scan): its pages rendered and read by OCR."""
    import pypdfium2 as pdfium

    from docket.letters.scanned import MAX_PAGES, SCALE, ScanError, ocr_pages

    document = pdfium.PdfDocument(data)
    try:
        if len(document) > MAX_PAGES:
            pages_found = len(document)
            raise ReadingError(f"{name}: a scan of {pages_found} pages, more than the {MAX_PAGES} Docket reads by OCR")
        pages = (document[n].render(scale=SCALE, grayscale=True).to_pil() for n in range(len(document)))
        text = ocr_pages(pages)  # one page's image held at a time
    except ScanError as error:
        raise ReadingError(f"{name}: {error}") from None
    finally:
        document.close()
    if not text.strip():
        raise ReadingError(f"{name}: the PDF has no text layer and OCR found no words in it")
    return text


def _pdf_page_text(textpage: object, pdfium_c: object) -> str:
    """Lines rebuilt from the characters' boxes: pdfium breaks a line at every raised marker and
    marks no paragraphs, so a new line is a character below the last one, a paragraph a wider gap."""
    chars = []
    for n in range(min(textpage.count_chars(), MAX_TEXT_CHARS)):  # type: ignore[attr-defined]  # pypdfium2 has no stubs for it
        char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, n))  # type: ignore[attr-defined]  # no stubs, as above
        if char in "\r\n\x02\ufffe":
            continue
        size = pdfium_c.FPDFText_GetFontSize(textpage.raw, n)  # type: ignore[attr-defined]  # no stubs, as above
        _, bottom, _, top = textpage.get_charbox(n)  # type: ignore[attr-defined]  # no stubs, as above
        chars.append((char, size, bottom, top))
    out: list[str] = []
    line_bottom: float | None = None
    line_size = 0.0
    for index, (char, size, bottom, top) in enumerate(chars):
        if char == " ":
            out.append(" ")
            continue
        if line_bottom is not None and top < line_bottom - 0.1 * line_size:
            gap = line_bottom - top
            out.append("\n\n" if gap > 0.5 * line_size else "\n")
            line_bottom = None
        if char.isdigit() and _raised(chars, index):
            if not (out and out[-1].startswith("^")):
                out.append("^")
            out[-1] += char
            continue
        if line_bottom is None or bottom < line_bottom:
            line_bottom, line_size = bottom, max(size, top - bottom)
        out.append(char)
    return "".join(out)


def _raised(chars: list[tuple[str, float, float, float]], index: int) -> bool:
    """A digit set smaller and higher than the letter beside it: a footnote marker."""
    _, size, bottom, _ = chars[index]
    for step in (-1, 1):
        n = index + step
        while 0 <= n < len(chars) and (chars[n][0].isdigit() or chars[n][0] == " "):
            n += step
        if 0 <= n < len(chars):
            _, near_size, near_bottom, near_top = chars[n]
            if size < near_size * 0.85 and bottom > near_bottom + 0.2 * (near_top - near_bottom):
                return True
    return False


@dataclass(frozen=True)
class Words:
    body: list[str]
    footnotes: dict[int, list[str]]


def words(text: str) -> Words:
    """A letter reduced to its words, markup and line breaks aside: what "word for word" compares."""
    body: list[str] = []
    footnotes: dict[int, list[str]] = {}
    for line in strip_markup(text).splitlines():
        note = FOOTNOTE.match(line)
        if note and note[2].strip():
            footnotes[int(note[1])] = note[2].split()
        else:
            body += line.split()
    return Words(body, footnotes)
