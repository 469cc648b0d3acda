"""A document uploaded on a request (not mail) needs a note saying where it came from, as in the
holding pen, and its timeline names who uploaded it, never a sender nobody gave."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from docket.mail.models import InboundMessage
from tests.web.conftest import Team, sent
from tests.web.test_user_errors import error_summary

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(client, team: Team, request, **data: object):
    client.force_login(team["coordinator"])
    return client.post(reverse("web:upload", args=[request.pk]), data, follow=True)


def test_a_document_without_a_note_is_refused_and_says_what_to_write(client, team: Team):
    request = sent(team["request"])
    summary = html.unescape(error_summary(upload(client, team, request, file=SimpleUploadedFile("reply.pdf", PDF))))
    assert "reply.pdf is not mail (.eml or .mbox): say in the note what it is and where it came from" in summary
    assert not InboundMessage.objects.filter(request=request).exists()
    request.refresh_from_db()
    assert request.state == "sent"


def test_a_document_with_a_note_is_uploaded_by_the_person_not_sent_by_the_contact(client, team: Team):
    request = sent(team["request"])
    contact_email = request.recipient.contact.email
    document = SimpleUploadedFile("reply.txt", b"Here is our strategy, as you asked.")
    upload(client, team, request, file=document, note="posted to us")
    message = InboundMessage.objects.get(request=request)
    assert message.from_address != contact_email
    assert message.from_name == f"Uploaded by {team['coordinator'].email}"
    notes = list(request.events.values_list("note", flat=True))
    assert not any(contact_email in note for note in notes), notes
    assert any(f"uploaded by {team['coordinator'].email}" in note for note in notes), notes
    shown = client.get(reverse("web:request", args=[request.pk])).content.decode()
    assert f"Uploaded by {team['coordinator'].email}, received" in shown
    assert "unknown@invalid" not in shown
    assert "From Uploaded by" not in shown


def test_an_empty_file_is_said_to_be_empty_not_missing(client, team: Team):
    request = sent(team["request"])
    response = upload(client, team, request, file=SimpleUploadedFile("zero.txt", b""), note="posted to us")
    summary = html.unescape(error_summary(response))
    assert "zero.txt is empty: choose the file again, or another." in summary
    assert "Choose a file to upload" not in summary
    assert not InboundMessage.objects.filter(request=request).exists()
    assert "Choose a file to upload." in html.unescape(error_summary(upload(client, team, request, note="x")))
