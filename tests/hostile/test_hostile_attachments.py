"""Attachments built to take the machine: each is kept and marked "too large to read", quickly,
and the message it came with is still filed with its other attachment read.

Before the reading process and its caps, these took 3.3 to 4.3 GB or minutes each.
"""

from __future__ import annotations

import io
import time
import zipfile
import zlib

import pikepdf
import pytest
from django.utils import timezone
from PIL import Image

from docket.documents.models import Attachment
from docket.mail.addresses import reply_address
from docket.mail.intake import ingest
from docket.mail.models import InboundMessage
from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.events import EventKind
from docket.requests.states import RequestState
from tests.samples import docx_file, reply, scanned_pdf, xlsx_file

pytestmark = pytest.mark.django_db
SECONDS = 10  # each case, with the hostile file made and read; the unbounded readers took minutes


@pytest.fixture
def sent(example):
    request = actions.request_for(example.recipients.get(contact__full_name="Michael Lane"))
    request = actions.approve(request, Actor("test"))
    request = actions.transition(request, EventKind.QUEUE, Actor("test"), RequestState.QUEUED)
    return actions.mark_sent(request, Actor("test"), timezone.now())


def take_in(sent, filename: str, content_type: str, data: bytes) -> dict[str, Attachment]:
    """The reply with the hostile file and a harmless one, taken in; its attachments by name."""
    raw = reply(
        sender="pcc@hampshire-pcc.example",
        to=reply_address(sent.pk),
        attachments=[
            (filename, content_type, data),
            ("Response Strategy.docx", "application/octet-stream", docx_file(["Response Strategy 2020"])),
        ],
    )
    message = ingest(raw, InboundMessage.Source.UPLOAD).message
    assert message.status == InboundMessage.Status.FILED
    assert message.request_id == sent.pk
    attachments = {a.filename: a for a in message.attachments.all()}
    assert attachments["Response Strategy.docx"].text == "Response Strategy 2020"
    return attachments


def assert_too_large(attachment: Attachment, *words: str) -> None:
    assert attachment.status == Attachment.Status.TOO_LARGE, (attachment.status, attachment.error)
    assert attachment.text == ""
    assert attachment.error.startswith("Docket did not read this file: ")
    for word in words:
        assert word in attachment.error
    assert attachment.blob.read()  # kept, all the same


@pytest.fixture
def clock():
    start = time.monotonic()
    yield
    assert time.monotonic() - start < SECONDS


def pdf_bytes(pdf: pikepdf.Pdf) -> bytes:
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()


def test_a_pdf_page_the_size_of_a_field_is_not_rendered(sent, clock):
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(14400, 14400))  # 200 inches square: 3.6 GB of pixels at 300 dpi
    attachments = take_in(sent, "map.pdf", "application/pdf", pdf_bytes(pdf))
    assert_too_large(attachments["map.pdf"], "60,000 by 60,000 pixels")


def test_a_pdf_stream_that_inflates_past_the_memory_limit_is_stopped(sent, clock, settings):
    settings.DOCKET_READ_MEMORY_MB = 300  # a smaller limit, so that the bomb is quick to make
    inflate = zlib.compressobj(1)
    chunk = b"0 0 m\n" * (1 << 17)
    deflated = b"".join(inflate.compress(chunk) for _ in range(600 * 1024 * 1024 // len(chunk))) + inflate.flush()
    pdf = pikepdf.new()
    pdf.add_blank_page()
    stream = pikepdf.Stream(pdf, deflated)
    stream.Filter = pikepdf.Name.FlateDecode
    pdf.pages[0].Contents = pdf.make_indirect(stream)
    attachments = take_in(sent, "bomb.pdf", "application/pdf", pdf_bytes(pdf))
    assert_too_large(attachments["bomb.pdf"], "300 MB of memory")


def test_a_pdf_of_ten_thousand_pages_is_not_read(sent, clock):
    pdf = pikepdf.new()
    for _ in range(10_000):
        pdf.add_blank_page()
    attachments = take_in(sent, "pages.pdf", "application/pdf", pdf_bytes(pdf))
    assert_too_large(attachments["pages.pdf"], "10,000 pages", "at most 2,000")


def test_a_pdf_of_more_scanned_pages_than_ocr_reads_is_not_read(sent, clock):
    pdf = pikepdf.new()
    for _ in range(101):  # blank pages, as a scanner makes: each would go to Tesseract
        pdf.add_blank_page()
    attachments = take_in(sent, "scans.pdf", "application/pdf", pdf_bytes(pdf))
    assert_too_large(attachments["scans.pdf"], "101 of its pages are scans", "at most 100 by OCR")


def test_a_tiff_of_400_frames_is_not_read_by_ocr(sent, clock):
    frames = [Image.new("L", (200, 100), 255) for _ in range(400)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="TIFF", save_all=True, append_images=frames[1:])
    attachments = take_in(sent, "fax.tiff", "image/tiff", buffer.getvalue())
    assert_too_large(attachments["fax.tiff"], "400 pages", "at most 100 by OCR")


def test_a_picture_larger_than_the_pixel_cap_is_not_read(sent, clock):
    buffer = io.BytesIO()
    Image.new("1", (9000, 9000), 1).save(buffer, format="PNG")  # 81 million pixels, 28 kB
    attachments = take_in(sent, "photo.png", "image/png", buffer.getvalue())
    assert_too_large(attachments["photo.png"], "50,000,000 pixels")


def test_a_workbook_with_a_cell_at_xfd1048576_is_not_read(sent, clock):
    attachments = take_in(sent, "far.xlsx", "application/octet-stream", far_cell_xlsx())
    assert_too_large(attachments["far.xlsx"], "1,000,000 cells")


def far_cell_xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.worksheets[0]["A1"] = "Area"
    book.worksheets[0]["XFD1048576"] = "far away"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_bomb(document: bytes, name: str, head: bytes, piece: bytes, tail: bytes) -> bytes:
    """``document`` with its part ``name`` replaced by head + 120 MB of ``piece`` + tail."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(document)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out,
    ):
        for entry in source.infolist():
            if entry.filename != name:
                out.writestr(entry.filename, source.read(entry))
        with out.open(name, "w", force_zip64=True) as member:
            member.write(head)
            block = piece * (1024 * 1024 // len(piece))
            for _ in range(120):
                member.write(block)
            member.write(tail)
    return buffer.getvalue()


def test_a_workbook_whose_shared_strings_unzip_to_120_mb_is_not_read(sent, clock):
    book = with_bomb(
        xlsx_file([["Area"]]),
        "xl/sharedStrings.xml",
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
        b"<si><t>Area</t></si>",
        b"</sst>",
    )
    assert len(book) < 2 * 1024 * 1024
    attachments = take_in(sent, "strings.xlsx", "application/octet-stream", book)
    assert_too_large(attachments["strings.xlsx"], "it unpacks to 1", "Docket unpacks at most 100 MB")


def test_a_word_file_that_unzips_to_120_mb_is_not_read(sent, clock):
    document = with_bomb(
        docx_file(["x"]),
        "word/document.xml",
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>',
        b"<w:p><w:r><w:t>Area</w:t></w:r></w:p>",
        b"</w:body></w:document>",
    )
    attachments = take_in(sent, "bomb.docx", "application/octet-stream", document)
    assert_too_large(attachments["bomb.docx"], "it unpacks to 1", "Docket unpacks at most 100 MB")


def test_a_reader_past_its_time_is_killed_with_its_tesseract(sent, settings):
    settings.DOCKET_READ_WALL_SECONDS = 1  # twenty scanned pages take Tesseract far longer than that (four did not
    scans = pikepdf.new()  # always, on a quick machine: the test read them all within the second)
    for _ in range(20):
        scans.pages.extend(pikepdf.open(io.BytesIO(scanned_pdf())).pages)
    start = time.monotonic()
    attachments = take_in(sent, "scan.pdf", "application/pdf", pdf_bytes(scans))
    assert time.monotonic() - start < SECONDS
    assert_too_large(attachments["scan.pdf"], "longer than the 1 seconds")
