"""Test files made on the spot: PDFs with and without a text layer, office documents, replies."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from email.message import EmailMessage
from email.policy import SMTP

import typst
from PIL import Image, ImageDraw, ImageFont

from docket.letters.pdf import FONTS

SCAN_TEXT = (
    "Hampshire Violence Reduction Unit Strategic Needs Assessment 2020. "
    "This assessment describes serious violence in the county, the places and times it happens, "
    "and the young people most at risk of exploitation by criminal gangs."
)


def text_pdf(text: str) -> bytes:
    """A one-page PDF whose text can be selected and extracted."""
    source = f'#set text(font: "Liberation Sans")\n#{{{typst_string(text)}}}'
    return compile_typst(source)


def compile_typst(source: str | bytes) -> bytes:
    """Typst source to PDF bytes. Without an output file typst.compile returns the bytes, but its stub
    insists on an output (so its type parameter cannot be inferred): it is called untyped here."""
    compile_: Callable[..., object] = typst.compile
    data = source.encode() if isinstance(source, str) else source
    result = compile_(data, font_paths=[str(FONTS)], ignore_system_fonts=True)
    assert isinstance(result, bytes)
    return result


def typst_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def scanned_pdf(text: str = SCAN_TEXT) -> bytes:
    """A PDF that is only a picture of text, as a scanner makes."""
    image = Image.new("L", (2480, 1200), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONTS / "LiberationSans-Regular.ttf"), 44)
    line, lines = "", []
    for word in text.split():
        if draw.textlength(f"{line} {word}", font=font) > 2200:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    for number, content in enumerate(lines):
        draw.text((140, 140 + number * 70), content, font=font, fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PDF", resolution=300)
    return buffer.getvalue()


def docx_file(paragraphs: list[str]) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_file(rows: list[list[object]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def odt_file(paragraphs: list[str]) -> bytes:
    body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    return buffer.getvalue()


def zip_file(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def reply(
    *,
    sender: str,
    to: str,
    subject: str = "Re: Violence Reduction Units",
    body: str = "Please find our documents attached.",
    in_reply_to: str = "",
    attachments: list[tuple[str, str, bytes]] | None = None,
    message_id: str = "",
) -> bytes:
    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = "Mon, 02 Nov 2020 10:00:00 +0000"
    if message_id:
        message["Message-ID"] = message_id
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
    message.set_content(body)
    for filename, content_type, data in attachments or []:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()
