"""Redacted PDFs: the text is gone (extraction and copying find nothing), not hidden under a box."""

import io

import pikepdf
import pypdfium2
import pytest

from docket.publishing.models import PublicationState
from docket.publishing.pdf_redaction import redact_pdf
from docket.publishing.redaction import Rule, allow_list, find
from tests.samples import compile_typst, reply, scanned_pdf, text_pdf

SOURCE = """#set document(title: "Report by Jane Doe", author: "Jane Doe", keywords: ("Jane Doe",))
#set text(font: "Liberation Sans")
= Strategy
The lead officer is Jane #text(weight: "bold")[Doe], on jane.doe\\@hampshire-pcc.example or 07700 900123.
#table(columns: 2, [Name], [Email], [Jane], [Doe])
#table(columns: 1, [Jane Doe, Violence Reduction Unit])
Other text stays: the Response Strategy 2020.
"""


def finder(*rules: Rule):
    allowed = allow_list(["office@commissioner.example"], [])
    return lambda text: [(s.start, s.end) for s in find(text, rules, allowed)]


def everything_in(data: bytes) -> str:
    """The text a reader could extract or copy, and every string and stream inside the file."""
    document = pypdfium2.PdfDocument(data)
    text = " ".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    raw = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        raw.append(str(pdf.docinfo))
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    raw.append(obj.read_bytes().decode("latin-1"))
                except pikepdf.PdfError:  # an image (JPEG): not text
                    raw.append(obj.read_raw_bytes().decode("latin-1"))
            elif isinstance(obj, pikepdf.String):
                raw.append(str(obj))
    return text + " ".join(raw)


def test_split_runs_tables_and_metadata_are_all_removed():
    original = compile_typst(SOURCE)
    assert "Jane Doe" in everything_in(original)
    redacted, count = redact_pdf(original, finder(Rule("Jane Doe", "an officer's name")))
    assert count >= 3
    leftover = everything_in(redacted)
    for secret in ("Jane Doe", "jane.doe", "07700", "900123"):
        assert secret.lower() not in leftover.lower(), secret
    document = pypdfium2.PdfDocument(redacted)
    kept = document[0].get_textpage().get_text_range()
    assert "Response Strategy 2020" in kept  # the rest is still text (OCR'd), searchable and copyable


def test_a_scanned_page_is_redacted_through_ocr():
    original = scanned_pdf("The report was written by Jane Doe for the Hampshire Violence Reduction Unit in 2020.")
    redacted, count = redact_pdf(original, finder(Rule("Jane Doe", "an officer's name")))
    assert count == 1
    text = everything_in(redacted)
    assert "jane" not in text.lower()
    assert "Hampshire" in text


def test_a_pdf_with_nothing_to_redact_keeps_its_pages_but_not_its_metadata():
    original = compile_typst(
        b'#set document(title: "Nothing secret")\n#set text(font: "Liberation Sans")\nJust a strategy.'
    )
    redacted, count = redact_pdf(original, finder())
    assert count == 0
    assert "Just a strategy." in pypdfium2.PdfDocument(redacted)[0].get_textpage().get_text_range()
    with pikepdf.open(io.BytesIO(redacted)) as pdf:
        assert "/Title" not in pdf.docinfo


def locked_pdf() -> bytes:
    with pikepdf.open(io.BytesIO(text_pdf("Contact Jane Doe on Tuesdays."))) as pdf:
        buffer = io.BytesIO()
        pdf.save(buffer, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_password_protected_attachment_is_refused_in_plain_english_and_stays_private(client, example):
    from django.contrib.auth.models import User
    from django.urls import reverse

    from docket.mail.addresses import reply_address
    from docket.mail.intake import ingest
    from docket.publishing.models import Publication
    from docket.requests import actions as request_actions
    from docket.web.access import set_role

    request = request_actions.request_for(example.recipients.get(contact__full_name="Michael Lane"))
    message = ingest(
        reply(
            sender="pcc@hampshire-pcc.example",
            to=reply_address(request.pk),
            body="Strategy attached.",
            attachments=[("locked.pdf", "application/pdf", locked_pdf())],
        ),
        "upload",
    ).message
    attachment = message.attachments.get(filename="locked.pdf")
    user = User.objects.create_user("coordinator@office.example", "coordinator@office.example", "a-long-password")
    set_role(user, "coordinator")
    example.team.add(user)
    client.force_login(user)
    data = {"kind": "document", "object": attachment.pk, "action": "publish"}
    # Docket could read no text in it: first a person must say they read it by eye.
    refused = client.post(reverse("web:publication", args=[request.pk]), data, follow=True).content.decode()
    assert "read it by eye" in refused
    unchecked = Publication.objects.get(attachment=attachment)
    assert (unchecked.checked_by_eye_at, unchecked.state) == (None, "private")  # not even approved
    response = client.post(reverse("web:publication", args=[request.pk]), data | {"checked_by_eye": "yes"}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "protected by a password" in page
    assert "Traceback" not in page
    assert "PdfiumError" not in page
    publication = Publication.objects.get(attachment=attachment)
    assert publication.state == PublicationState.PRIVATE
    assert publication.redacted_pdf is None
    assert request.events.filter(kind="publication_made_private", note__contains="password").exists()
