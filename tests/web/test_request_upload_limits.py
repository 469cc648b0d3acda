"""The request page's upload is bounded as the holding pen's is: a file over the holding pen's size
limit is refused from its size, before it is read; an .mbox of more messages than the holding pen
takes is refused whole, with nothing stored."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from docket.mail import uploads
from docket.mail.models import InboundMessage
from tests.web.conftest import Team, sent
from tests.web.test_user_errors import error_summary

pytestmark = pytest.mark.django_db


def upload(client, team: Team, request, **data: object):
    client.force_login(team["coordinator"])
    return client.post(reverse("web:upload", args=[request.pk]), data, follow=True)


def mbox(count: int) -> bytes:
    return b"".join(
        b"From someone@example.org Mon Jan  1 00:00:00 2024\n"
        + f"From: someone@example.org\nTo: us@example.org\nSubject: Reply {n}\nMessage-ID: <m{n}@example.org>\n\n"
        f"Reply number {n}.\n\n".encode()
        for n in range(count)
    )


def test_a_file_over_the_holding_pens_limit_is_refused_and_nothing_stored(client, team: Team, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_BYTES", 1024 * 1024)
    request = sent(team["request"])
    big = SimpleUploadedFile("archive.eml", b"x" * (1024 * 1024 + 1))
    summary = html.unescape(error_summary(upload(client, team, request, file=big, note="posted to us")))
    assert "archive.eml is larger than 1 MB, the most one upload takes" in summary
    assert not InboundMessage.objects.exists()


def test_an_mbox_of_more_messages_than_the_holding_pen_takes_is_refused_whole(client, team: Team, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_MESSAGES", 3)
    request = sent(team["request"])
    summary = html.unescape(error_summary(upload(client, team, request, file=SimpleUploadedFile("box.mbox", mbox(4)))))
    assert "box.mbox holds more than 3 messages, the most one upload takes" in summary
    assert not InboundMessage.objects.exists()
    page = upload(client, team, request, file=SimpleUploadedFile("box.mbox", mbox(3))).content.decode()
    assert "3 messages from box.mbox taken in." in html.unescape(page)
    assert InboundMessage.objects.filter(request=request).count() == 3
