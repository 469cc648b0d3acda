"""Attachments: stored by content, their type read from their bytes, their text extracted (OCR for scans)."""

import io
import re

import pytest

from docket.documents.models import Attachment
from docket.mail.addresses import reply_address
from docket.mail.intake import ingest, mark_attachment_fulfils
from docket.mail.models import InboundMessage
from docket.requests import actions
from docket.requests.actions import Actor
from docket.requests.events import EventKind
from docket.requests.states import RequestState
from tests.samples import SCAN_TEXT, docx_file, odt_file, reply, scanned_pdf, text_pdf, xlsx_file, zip_file

pytestmark = pytest.mark.django_db
UPLOAD = InboundMessage.Source.UPLOAD


@pytest.fixture
def hampshire(example):
    request = actions.request_for(example.recipients.get(contact__full_name="Michael Lane"))
    request = actions.approve(request, Actor("test"))
    request = actions.transition(request, EventKind.QUEUE, Actor("test"), RequestState.QUEUED)
    from django.utils import timezone

    return actions.mark_sent(request, Actor("test"), timezone.now())


def test_each_kind_of_file_gives_its_text_and_a_bad_one_stops_nothing(hampshire):
    files = [
        ("strategy.docx", "application/octet-stream", docx_file(["Response Strategy 2020", "Our plan"])),
        ("figures.xlsx", "application/octet-stream", xlsx_file([["Area", "Incidents"], ["Winchester", 12]])),
        ("notes.odt", "application/octet-stream", odt_file(["Notes from the partnership board"])),
        ("page.html", "text/html", b"<html><body><h1>Update</h1><script>x()</script><p>On track</p></body></html>"),
        ("broken.pdf", "application/pdf", b"%PDF-1.7 this is not really a PDF"),
        ("readme.txt", "text/plain", "Caf\u00e9 notes".encode("cp1252")),
        ("disguised.pdf", "application/pdf", docx_file(["A Word file named .pdf"])),
        (
            "bundle.zip",
            "application/zip",
            zip_file({"inner.txt": b"Inside the zip", "sub/plan.docx": docx_file(["Plan"])}),
        ),
        ("program.exe", "application/octet-stream", b"MZ\x90\x00" + bytes(200)),
    ]
    raw = reply(sender="pcc@hampshire-pcc.example", to=reply_address(hampshire.pk), attachments=files)
    message = ingest(raw, UPLOAD, ocr=False).message
    by_name = {a.filename: a for a in Attachment.objects.filter(message=message)}
    assert by_name["strategy.docx"].text == "Response Strategy 2020\nOur plan"
    assert "Winchester\t12" in by_name["figures.xlsx"].text
    assert by_name["notes.odt"].text == "Notes from the partnership board"
    assert re.sub(r"\s+", " ", by_name["page.html"].text).strip() == "Update On track"
    assert by_name["broken.pdf"].status == Attachment.Status.FAILED
    assert by_name["broken.pdf"].error == "The PDF is damaged or not a PDF: Docket could not open it"
    assert by_name["readme.txt"].text == "Caf\u00e9 notes"
    assert by_name["disguised.pdf"].content_type.endswith("wordprocessingml.document")
    assert by_name["disguised.pdf"].text == "A Word file named .pdf"
    assert by_name["inner.txt"].parent == by_name["bundle.zip"]
    assert by_name["sub/plan.docx"].text == "Plan"
    assert by_name["program.exe"].status == Attachment.Status.SKIPPED
    assert by_name["program.exe"].error.startswith("Docket cannot read this kind of file (")
    assert "application/" not in by_name["program.exe"].error
    assert by_name["strategy.docx"].suggested_item.item.key == "response_strategy"


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


@pytest.mark.slow
def test_a_scanned_pdf_is_read_by_ocr_with_at_least_95_percent_of_words_right(hampshire):
    raw = reply(
        sender="pcc@hampshire-pcc.example",
        to=reply_address(hampshire.pk),
        attachments=[("scan.pdf", "application/pdf", scanned_pdf())],
    )
    attachment = ingest(raw, UPLOAD).message.attachments.get()
    assert attachment.ocr_pages == 1
    expected, found = words(SCAN_TEXT), words(attachment.text)
    right = sum(1 for a, b in zip(expected, found, strict=False) if a == b)
    print(f"\nOCR: {right} of {len(expected)} words right")
    assert right / len(expected) >= 0.95
    assert attachment.suggested_item.item.key == "problem_profile"


def test_marking_items_received_answers_the_request(hampshire, coordinator):
    raw = reply(
        sender="pcc@hampshire-pcc.example",
        to=reply_address(hampshire.pk),
        attachments=[
            ("Strategic Needs Assessment.pdf", "application/pdf", text_pdf("Strategic Needs Assessment")),
            ("Response Strategy.pdf", "application/pdf", text_pdf("Response Strategy")),
        ],
    )
    message = ingest(raw, UPLOAD, ocr=False).message
    person = Actor.of(coordinator)
    for attachment in message.attachments.all():
        mark_attachment_fulfils(attachment, attachment.suggested_item.item.key, person)
    hampshire.refresh_from_db()
    assert hampshire.state == RequestState.PARTIALLY_ANSWERED  # the updates on delivery are still to come
    request = actions.mark_item_received(hampshire, "delivery_updates", person, "in the body of the email")
    assert request.state == RequestState.ANSWERED
    assert {a.fulfils.item.key for a in message.attachments.all()} == {"problem_profile", "response_strategy"}


def test_the_limits_are_settings_and_a_file_past_one_is_kept_and_marked(hampshire, settings):
    import pikepdf

    settings.DOCKET_READ_MAX_PAGES = 2
    pdf = pikepdf.new()
    for _ in range(3):
        pdf.pages.extend(pikepdf.open(io.BytesIO(text_pdf("Response Strategy"))).pages)
    buffer = io.BytesIO()
    pdf.save(buffer)
    raw = reply(
        sender="pcc@hampshire-pcc.example",
        to=reply_address(hampshire.pk),
        attachments=[("strategy.pdf", "application/pdf", buffer.getvalue()), ("note.txt", "text/plain", b"A note")],
    )
    message = ingest(raw, UPLOAD, ocr=False).message
    assert message.status == InboundMessage.Status.FILED
    by_name = {a.filename: a for a in message.attachments.all()}
    assert by_name["strategy.pdf"].status == Attachment.Status.TOO_LARGE
    assert by_name["strategy.pdf"].get_status_display() == "Too large to read"
    assert by_name["strategy.pdf"].error == (
        "Docket did not read this file: it has 3 pages, and Docket reads at most 2. The file is kept with "
        "the message and can be downloaded, but its text is not searchable."
    )
    assert by_name["strategy.pdf"].blob.read() == buffer.getvalue()
    assert by_name["note.txt"].text == "A note"


def test_a_reading_process_that_died_is_replaced_for_the_next_file(hampshire):
    import os
    import signal

    from docket.documents.bounded import READER

    def take(n: int) -> Attachment:
        raw = reply(
            sender="pcc@hampshire-pcc.example",
            to=reply_address(hampshire.pk),
            message_id=f"<died-{n}@example>",
            attachments=[("strategy.docx", "application/octet-stream", docx_file([f"Strategy {n}"]))],
        )
        return ingest(raw, UPLOAD, ocr=False).message.attachments.get()

    assert take(1).text == "Strategy 1"
    process = READER._process
    assert process is not None
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert take(2).text == "Strategy 2"
    assert READER._process is not None
    assert READER._process.pid != process.pid


def test_a_kind_of_file_docket_does_not_read_is_named_in_words():
    from docket.documents.extraction import refusal

    assert refusal("application/octet-stream") == "Docket cannot read this kind of file (it does not say what it is)"
    assert refusal("application/msword") == (
        "Docket cannot read this kind of file (an old Word file, .doc: save it as .docx to read it)"
    )
    assert refusal("video/mp4") == "Docket cannot read this kind of file (a video file)"
    assert refusal("application/x-thing") == "Docket cannot read this kind of file (its kind is application/x-thing)"


def test_a_pdf_that_cannot_be_opened_says_why_in_words():
    import pikepdf

    from docket.documents.extraction import ExtractionError, extract

    with pytest.raises(ExtractionError, match=r"^The PDF is damaged or not a PDF: Docket could not open it$"):
        extract(b"%PDF-1.7 this is not really a PDF", "application/pdf")
    buffer = io.BytesIO()
    with pikepdf.open(io.BytesIO(text_pdf("Secret plan"))) as pdf:
        pdf.save(buffer, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    with pytest.raises(ExtractionError, match=r"^The PDF is protected by a password: Docket could not open it$"):
        extract(buffer.getvalue(), "application/pdf")
