"""A request's messages a page at a time: anyone who saw a letter can send its request mail, so a flood of
messages must not make one page of megabytes (20,000 messages made 124 MB)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from docket.documents.models import store
from docket.mail.models import InboundMessage
from docket.web.request_pages import MESSAGES_A_PAGE

pytestmark = pytest.mark.django_db


def test_the_latest_messages_are_shown_and_earlier_ones_a_page_away(client, team, two_campaigns):
    ours = two_campaigns["ours"]
    filed = InboundMessage.objects.filter(request=ours.sent).count()
    more = MESSAGES_A_PAGE + 5 - filed
    for number in range(more):
        raw = f"From: x@unknown.example\r\nSubject: Flood {number:03}\r\n\r\nbody".encode()
        InboundMessage.objects.create(
            blob=store(raw), source="upload", subject=f"Flood {number:03}", status="filed", request=ours.sent
        )
    client.force_login(team["coordinator"])
    url = reverse("web:request", args=[ours.sent.pk])
    latest = client.get(url).content.decode()
    total = MESSAGES_A_PAGE + 5
    assert f"Messages 6 to {total} of {total}, oldest first: the latest." in latest
    assert f"Flood {more - 1:03}" in latest
    assert latest.count('class="govuk-summary-card" id="message-') == MESSAGES_A_PAGE
    assert 'href="?messages=2#replies"' in latest  # earlier messages
    earlier = client.get(url, {"messages": "2"}).content.decode()
    assert "Messages 1 to 5 of" in earlier
    assert earlier.count('class="govuk-summary-card" id="message-') == 5
    assert f"Flood {more - 1:03}" not in earlier
    assert 'href="?messages=1#replies"' in earlier  # later messages
