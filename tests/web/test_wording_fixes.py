"""Smaller things a tester found: an embargo in the past refused in words, the embargo's counts in proper
plurals, the public campaign table headed for what it lists, no command line on the dashboard, and no
"Send the chasers" button when none can be sent."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from docket.mail.models import OutboxMessage
from docket.publishing import actions as publishing
from docket.publishing.models import Publication
from docket.requests import actions
from docket.requests.actions import Actor
from tests.web.conftest import sent
from tests.web.test_user_errors import error_summary

pytestmark = pytest.mark.django_db
ACTOR = Actor("test")


def test_an_embargo_ending_in_the_past_is_refused_in_words(client, team, two_campaigns):
    ours = two_campaigns["ours"]
    client.force_login(team["coordinator"])
    url = reverse("web:ledger_embargo", args=[ours.campaign.slug])
    response = client.post(url, {"recipient": ours.sent.recipient_id, "embargo_until": "2020-01-01"}, follow=True)
    assert "The embargo must end today or on a later day: 1 January 2020 has passed." in error_summary(response)
    assert not Publication.objects.filter(request=ours.sent, embargo_until__isnull=False).exists()
    on_request = client.post(
        reverse("web:publication", args=[ours.sent.pk]),
        {"kind": "letter", "object": "", "action": "approve", "embargo_until": "2020-01-01"},
        follow=True,
    )
    assert "1 January 2020 has passed" in error_summary(on_request)


def test_the_embargo_says_what_it_covers_in_proper_plurals(client, team, two_campaigns):
    ours = two_campaigns["ours"]
    client.force_login(team["coordinator"])
    url = reverse("web:ledger_embargo", args=[ours.campaign.slug])
    response = client.post(url, {"recipient": ours.sent.recipient_id, "embargo_until": "2031-01-31"}, follow=True)
    page = response.content.decode()
    kinds = sorted(
        Publication.objects.filter(request=ours.sent, embargo_until__isnull=False).values_list("kind", flat=True)
    )
    assert kinds.count("letter") == 1
    assert "Embargo until 31 January 2031 on 1 letter" in page
    assert "(s)" not in page.split("Embargo until", 1)[1].split("</p>", 1)[0]


def test_an_embargo_ending_today_is_taken(team, two_campaigns):
    letter = publishing.letter_publication(two_campaigns["ours"].sent)
    today = timezone.localdate()
    assert publishing.set_embargo(letter, today, ACTOR).embargo_until == today
    with pytest.raises(publishing.EmbargoInThePast):
        publishing.set_embargo(letter, today - datetime.timedelta(days=1), ACTOR)


def test_the_public_table_is_headed_for_what_it_lists(client, example):
    request = sent(actions.request_for(example.recipients.get(contact__full_name="Michael Lane")))
    publishing.publish(publishing.approve(publishing.letter_publication(request), ACTOR), ACTOR)
    page = client.get(f"/public/{example.slug}/").content.decode()
    assert "Who we wrote to" not in page
    assert "Bodies whose letter is published" in page
    assert "we may have written to bodies not listed here yet" in page


def test_the_dashboard_offers_its_own_export_not_a_command(client, team):
    client.force_login(team["coordinator"])
    page = client.get(reverse("web:dashboard")).content.decode()
    assert "docket export-site" not in page
    assert "Export the public site" in page


def test_no_send_button_when_no_chaser_can_go(client, team, two_campaigns):
    ours = two_campaigns["ours"]  # its sent letter went today: no chaser on the day a letter went
    client.force_login(team["coordinator"])
    url = reverse("web:ledger_chase", args=[ours.campaign.slug])
    page = client.post(url, {"recipient": [ours.sent.recipient_id]}).content.decode()
    assert "It was written to today" in page
    assert "Send the chasers" not in page
    assert "This body cannot be chased now" in page
    assert OutboxMessage.objects.filter(kind="chaser").count() == 0
