"""The letter as a Word document with real footnotes and named styles.

python-docx builds the base document once per process: page set-up, the named
styles staff can restyle in Word ("Letterhead", "Recipient Address", "Footnote
Text"…), a footnotes part with its separators. Each letter then writes only its
own parts (body, footnotes, their hyperlink relationships and the document
properties) next to the base's unchanged ones, which is what makes hundreds of
letters a second possible: python-docx alone spends ~30 ms loading and saving
a document.
"""

from __future__ import annotations

import io
import re
import zipfile
from functools import cache
from xml.sax.saxutils import escape, quoteattr

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.shared import Mm, Pt, RGBColor

from docket.letters.model import Block, Heading, Letter, ListBlock, Run

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# Characters XML 1.0 cannot hold; recipient data pasted from elsewhere sometimes has them.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

SEPARATORS = (
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
)


def _styles(document: docx.document.Document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(8)

    def paragraph(name: str, *, size: float | None = None, bold: bool = False, right: bool = False) -> None:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        if size:
            style.font.size = Pt(size)
        style.font.bold = bold
        if right:
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    paragraph("Letterhead Name", size=12, bold=True, right=True)
    paragraph("Letterhead", size=9, right=True)
    paragraph("Letter Date", right=True)
    paragraph("Recipient Address")
    paragraph("Salutation")
    paragraph("Closing")
    paragraph("Signature Block", bold=True)
    paragraph("Footnote Text", size=9)
    styles["Footnote Text"].paragraph_format.space_after = Pt(0)
    reference = styles.add_style("Footnote Reference", WD_STYLE_TYPE.CHARACTER)
    reference.font.superscript = True
    link = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb = RGBColor(0x1D, 0x70, 0xB8)
    link.font.underline = True


@cache
def base_parts() -> tuple[dict[str, bytes], str]:
    """The base package's parts by name, and the body's section properties."""
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(15), Mm(22)
    section.left_margin, section.right_margin = Mm(22), Mm(20)
    _styles(document)
    footnotes = Part(
        PackURI("/word/footnotes.xml"),
        FOOTNOTES_TYPE,
        f'<w:footnotes xmlns:w="{W}" xmlns:r="{R}">{SEPARATORS}</w:footnotes>'.encode(),
        document.part.package,
    )
    document.part.relate_to(footnotes, RT.FOOTNOTES)
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    body = parts["word/document.xml"].decode()
    section_properties = body[body.index("<w:sectPr") : body.index("</w:body>")]
    settings = parts["word/settings.xml"].decode()
    parts["word/settings.xml"] = re.sub(
        r"(<w:settings[^>]*>)",
        r'\1<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>',
        settings,
        count=1,
    ).encode()
    return parts, section_properties


def _text(value: str) -> str:
    return escape(NOT_XML.sub("", value))


class _Writer:
    """Writes one part's XML, collecting the hyperlink relationships it needs."""

    def __init__(self) -> None:
        self.links: list[str] = []
        self.bookmarks = 0

    def link_id(self, url: str) -> str:
        self.links.append(url)
        return f"rIdLink{len(self.links)}"

    def rels(self, base: bytes | None) -> bytes:
        entries = "".join(
            f'<Relationship Id="rIdLink{n}" Type="{HYPERLINK}" Target={quoteattr(_text(url))} TargetMode="External"/>'
            for n, url in enumerate(self.links, start=1)
        )
        if base is None:
            return f'{XML_DECLARATION}<Relationships xmlns="{PACKAGE_RELS}">{entries}</Relationships>'.encode()
        return base.replace(b"</Relationships>", entries.encode() + b"</Relationships>")

    def runs(self, runs: tuple[Run, ...]) -> str:
        parts = []
        for run in runs:
            if run.note is not None:
                parts.append(self.note_reference(run))
            elif run.line_break:
                parts.append("<w:r><w:br/></w:r>")
            else:
                parts.append(self.text_run(run))
        return "".join(parts)

    def note_reference(self, run: Run) -> str:
        style = '<w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
        name = f"_RefNote{run.note}"
        if run.first_reference:
            return (
                f'<w:bookmarkStart w:id="{run.note}" w:name="{name}"/>'
                f'<w:r>{style}<w:footnoteReference w:id="{run.note}"/></w:r><w:bookmarkEnd w:id="{run.note}"/>'
            )
        # Word cannot cite one footnote twice; it shows the number again through a NOTEREF field.
        return f'<w:fldSimple w:instr=" NOTEREF {name} \\f \\h "><w:r>{style}<w:t>{run.note}</w:t></w:r></w:fldSimple>'

    def text_run(self, run: Run) -> str:
        properties = ""
        if run.href:
            properties += '<w:rStyle w:val="Hyperlink"/>'
        if run.bold:
            properties += "<w:b/>"
        if run.italic:
            properties += "<w:i/>"
        style = f"<w:rPr>{properties}</w:rPr>" if properties else ""
        xml = f'<w:r>{style}<w:t xml:space="preserve">{_text(run.text)}</w:t></w:r>'
        if run.href:
            xml = f'<w:hyperlink r:id="{self.link_id(run.href)}">{xml}</w:hyperlink>'
        return xml


def _paragraph(style: str, content: str) -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{content}</w:p>'


def _lines(writer: _Writer, style: str, lines: tuple[str, ...] | list[str]) -> str:
    return _paragraph(style, writer.runs(_with_breaks(lines)))


def _with_breaks(lines: tuple[str, ...] | list[str]) -> tuple[Run, ...]:
    runs: list[Run] = []
    for line in lines:
        if runs:
            runs.append(Run(line_break=True))
        runs.append(Run(line))
    return tuple(runs)


def _block(writer: _Writer, block: Block) -> str:
    if isinstance(block, Heading):
        return _paragraph(f"Heading{min(block.level, 9)}", writer.runs(block.runs))
    if isinstance(block, ListBlock):
        style = "ListNumber" if block.ordered else "ListBullet"
        return "".join(_paragraph(style, writer.runs(item)) for item in block.items)
    return _paragraph("Normal", writer.runs(block.runs))


def _document(letter: Letter, section_properties: str) -> tuple[str, _Writer]:
    writer = _Writer()
    head = letter.letterhead
    body = [
        _paragraph("LetterheadName", writer.runs((Run(head.name),))),
        _lines(writer, "Letterhead", [head.office, *head.address, *head.contact_lines]),
        _paragraph("LetterDate", writer.runs((Run(letter.date_text),))),
        _lines(writer, "RecipientAddress", letter.recipient_address),
        _paragraph("Salutation", writer.runs((Run(letter.salutation),))),
        *(_block(writer, block) for block in letter.blocks),
        _paragraph("Closing", writer.runs((Run(letter.closing),))),
        _lines(writer, "SignatureBlock", letter.signature.lines),
    ]
    xml = (
        f'{XML_DECLARATION}<w:document xmlns:w="{W}" xmlns:r="{R}">'
        f"<w:body>{''.join(body)}{section_properties}</w:body></w:document>"
    )
    return xml, writer


def _footnotes(letter: Letter) -> tuple[str, _Writer]:
    writer = _Writer()
    notes = "".join(
        f'<w:footnote w:id="{note.number}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
        '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
        f'<w:r><w:t xml:space="preserve"> </w:t></w:r>{writer.runs(note.runs)}</w:p></w:footnote>'
        for note in letter.footnotes
    )
    return (
        f'{XML_DECLARATION}<w:footnotes xmlns:w="{W}" xmlns:r="{R}">{SEPARATORS}{notes}</w:footnotes>',
        writer,
    )


def _core_properties(letter: Letter, base: bytes) -> bytes:
    xml = base.decode()
    xml = re.sub(r"<dc:title>.*?</dc:title>|<dc:title/>", "", xml)
    xml = re.sub(r"<dc:creator>.*?</dc:creator>|<dc:creator/>", "", xml)
    properties = f"<dc:title>{_text(letter.title)}</dc:title><dc:creator>{_text(letter.author)}</dc:creator>"
    return xml.replace("</cp:coreProperties>", properties + "</cp:coreProperties>").encode()


FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # zip entry times: the same letter gives the same bytes


def to_docx(letter: Letter) -> bytes:
    parts, section_properties = base_parts()
    document, body_links = _document(letter, section_properties)
    footnotes, note_links = _footnotes(letter)
    own = {
        "word/document.xml": document.encode(),
        "word/_rels/document.xml.rels": body_links.rels(parts["word/_rels/document.xml.rels"]),
        "word/footnotes.xml": footnotes.encode(),
        "docProps/core.xml": _core_properties(letter, parts["docProps/core.xml"]),
    }
    if note_links.links:
        own["word/_rels/footnotes.xml.rels"] = note_links.rels(None)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        names = list(parts) + [name for name in own if name not in parts]
        for name in names:
            package.writestr(zipfile.ZipInfo(name, FIXED_TIME), own.get(name) or parts[name], zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
