"""Attachments built to take the machine: each is kept and marked "too large to read", quickly,
and the message it came with is still filed with its other attachment read.

Before the reading process and its caps, these took 3.3 to 4.3 GB or minutes each.
"""

from __future__ import annotations

import io
import random
import time
import zipfile
import zlib
from collections.abc import Sequence

import pikepdf
import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from docket.documents.models import Attachment
from docket.mail.addresses import reply_address
from docket.mail.intake import ingest
from docket.mail.models import InboundMessage
from docket.publishing import redaction
from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.events import EventKind
from docket.requests.states import RequestState
from docket.web.publication_pages import PREVIEW_CHARS
from tests.hostile.conftest import own_peak_kb, reset_own_peak
from tests.samples import docx_file, reply, scanned_pdf, xlsx_file
from tests.web.conftest import person

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


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def words_of(size: int, seed: int) -> bytes:
    """Text that compresses as prose does (a few times, not hundreds)."""
    chooser = random.Random(seed)
    vocabulary = ["violence", "reduction", "unit", "funding", "report", "police", "area", "young", "people", "plan"]
    text = " ".join(chooser.choice(vocabulary) + str(chooser.randrange(1000)) for _ in range(size // 6))
    return text.encode()[:size]


def filed(sent, attachments: list[tuple[str, str, bytes]]) -> list[Attachment]:
    raw = reply(sender="pcc@hampshire-pcc.example", to=reply_address(sent.pk), attachments=attachments)
    message = ingest(raw, InboundMessage.Source.UPLOAD, ocr=False).message
    assert message.status == InboundMessage.Status.FILED
    return list(message.attachments.order_by("pk"))


@pytest.mark.parametrize(
    ("files", "words"),
    [
        (199, "its files unpack to 199 MB, and Docket unpacks at most 100 MB of one message's ZIP files"),
        (60, "x the ZIP file's size: a ZIP bomb"),  # 60 MB, less than the limit, from a ZIP of 68 kB
    ],
)
def test_a_zip_of_many_files_of_1_mb_each_is_not_opened(sent, clock, files: int, words: str):
    """Each member is 1 MB, so the check of each member's ratio passed them: a 300 kB message put 800 MB
    in the database, and the process held 1.4 GB."""
    bomb = zip_of({f"part{n:03}.txt": b"A" * 1024 * 1024 for n in range(files)})
    assert len(bomb) < 400_000
    reset_own_peak()
    before = own_peak_kb()
    (archive,) = filed(sent, [("parts.zip", "application/zip", bomb)])
    assert archive.status == Attachment.Status.SKIPPED
    assert words in archive.error
    assert own_peak_kb() - before < 100 * 1024  # the members were never unpacked


def test_a_messages_text_past_its_allowance_is_cut_and_the_request_page_says_so(sent, clock, settings, client):
    settings.DOCKET_READ_MAX_MESSAGE_TEXT_MB = 1
    files = {f"part{n}.txt": words_of(400 * 1024, n) for n in range(4)}
    archive, *members = filed(sent, [("parts.zip", "application/zip", zip_of(files))])
    assert archive.status == Attachment.Status.EXTRACTED
    assert [len(member.text) for member in members[:2]] == [400 * 1024, 400 * 1024]
    cut, left_out = members[2:]
    assert len(cut.text) == 1024 * 1024 - 800 * 1024
    assert cut.text == files["part2.txt"].decode()[: len(cut.text)]
    assert cut.error.startswith("Only the first 0.3 MB of this file's text was read: Docket keeps at most 1.0 MB")
    assert "DOCKET_READ_MAX_MESSAGE_TEXT_MB" in cut.error
    assert_too_large(left_out, "the message's other files already hold the 1.0 MB of text Docket keeps")
    client.force_login(person("publisher@office.example", "admin"))
    page = client.get(reverse("web:request", args=[sent.pk])).content.decode()
    assert "Only the first 0.3 MB of this file&#x27;s text was read" in page
    assert "already hold the 1.0 MB of text Docket keeps of one message" in page


def test_zip_files_past_a_messages_allowance_to_unpack_are_not_opened(sent, clock, settings):
    settings.DOCKET_READ_MAX_UNPACKED_MB = 1
    first = zip_of({"first.txt": words_of(600 * 1024, 1)})
    second = zip_of({"second.txt": words_of(600 * 1024, 2)})
    attachments = filed(sent, [("first.zip", "application/zip", first), ("second.zip", "application/zip", second)])
    by_name = {attachment.filename: attachment for attachment in attachments}
    assert sorted(by_name) == ["first.txt", "first.zip", "second.zip"]  # nothing of the second
    refused = by_name["second.zip"]
    assert refused.status == Attachment.Status.SKIPPED
    assert refused.error == (
        "its files unpack to 0.6 MB, with the message's other ZIP files 1.2 MB, and Docket unpacks at most "
        "1.0 MB of one message's ZIP files (the setting DOCKET_READ_MAX_UNPACKED_MB)"
    )


def test_the_request_page_previews_the_redactions_of_a_bounded_part_of_a_large_text(sent, client, monkeypatch):
    """A message with 60 MB of attachment text (as one stored before the limits may hold) made every load of
    the request page take 111 seconds: it looked for redactions in all of it, a character at a time."""
    (attachment,) = filed(sent, [("notes.txt", "text/plain", b"Write to jo.bloggs@gmail.example about it.")])
    Attachment.objects.filter(pk=attachment.pk).update(text=attachment.text + " and more" * 2_000_000)
    read: list[int] = []
    layout_text = redaction.layout_text

    def counted(chars: Sequence[str], hyphens: str = "hyphenation") -> tuple[str, list[int]]:
        read.append(len(chars))
        return layout_text(chars, hyphens)

    monkeypatch.setattr(redaction, "layout_text", counted)
    client.force_login(person("publisher@office.example", "admin"))
    page = client.get(reverse("web:request", args=[sent.pk])).content.decode()
    assert sum(read) <= PREVIEW_CHARS
    assert "<mark>jo.bloggs@gmail.example</mark>" in page  # in the part previewed
    assert "Only the first 49" in page
    assert "of this text&#x27;s 18,000,042 characters are previewed here" in page
    assert "Publishing applies the redaction rules to all of it." in page


def test_a_messages_own_body_past_its_allowance_of_text_is_cut_and_the_request_page_says_so(
    sent, clock, settings, client
):
    """An attacker's 53 MB message kept its 31 MB body whole: a 31 MB request page, and published, a 31 MB public
    page. The body is held to the text Docket keeps of one message, as its attachments are; the message as
    received is kept whole."""
    settings.DOCKET_READ_MAX_MESSAGE_TEXT_MB = 1
    body = "Our answer follows. " * 120_000  # 2.4 MB
    raw = reply(sender="pcc@hampshire-pcc.example", to=reply_address(sent.pk), body=body)
    message = ingest(raw, InboundMessage.Source.UPLOAD, ocr=False).message
    assert len(message.body_text) == 1024 * 1024
    assert body.startswith(message.body_text)
    assert "its text is 2.3 MB: only the first 1.0 MB is kept to read and search" in message.problems
    client.force_login(person("publisher@office.example", "admin"))
    page = client.get(reverse("web:request", args=[sent.pk])).content.decode()
    noted = page[page.index('id="problems-') :].split("</p>")[0]
    assert "Noted when it was read:" in noted
    assert "its text is 2.3 MB: only the first 1.0 MB is kept to read and search" in noted
    assert len(page) < 1.5 * 1024 * 1024
