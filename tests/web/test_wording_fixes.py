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
    assert "The letter went today: a chaser can be sent from" in page
    assert "Send the chasers" not in page
    assert "This body cannot be chased now" in page
    assert OutboxMessage.objects.filter(kind="chaser").count() == 0


def test_the_embargo_is_typed_in_day_month_and_year_boxes_and_a_wrong_one_is_told(client, team, two_campaigns):
    ours = two_campaigns["ours"]
    client.force_login(team["coordinator"])
    ledger = client.get(reverse("web:ledger", args=[ours.campaign.slug])).content.decode()
    assert 'name="embargo_until_day" type="text" inputmode="numeric"' in ledger
    assert 'type="date"' not in ledger
    url = reverse("web:ledger_embargo", args=[ours.campaign.slug])
    boxes = {"embargo_until_day": "31", "embargo_until_month": "1", "embargo_until_year": "2031"}
    client.post(url, {"recipient": ours.sent.recipient_id, **boxes})
    letter = Publication.objects.get(request=ours.sent, kind="letter")
    assert letter.embargo_until == datetime.date(2031, 1, 31)
    impossible = {"embargo_until_day": "31", "embargo_until_month": "2", "embargo_until_year": "2031"}
    response = client.post(url, {"recipient": ours.sent.recipient_id, **impossible}, follow=True)
    assert "The embargo date must be a real date, for example 1 12 2026" in error_summary(response)
    on_request = client.post(
        reverse("web:publication", args=[ours.sent.pk]),
        {"kind": "letter", "object": "", "action": "approve", "embargo_until_day": "3", "embargo_until_year": "2032"},
        follow=True,
    )
    assert on_request.status_code == 400  # the request's page again, the mistake at the boxes (test below)
    assert "The embargo date must include a month" in on_request.content.decode()
    letter.refresh_from_db()
    assert letter.embargo_until == datetime.date(2031, 1, 31)  # nothing changed by the mistakes
    page = client.get(reverse("web:request", args=[ours.sent.pk])).content.decode()
    assert 'id="embargo_until-letter-0-day" name="embargo_until_day" type="text" inputmode="numeric" value="31"' in page


def test_the_ledgers_checkbox_label_puts_no_the_before_an_item_named_with_your(client, team):
    from docket.campaigns import actions as ledger
    from tests.campaigns.test_ledger import filed_attachment

    request = sent(team["request"])
    campaign = team["campaign"]
    campaign.items.filter(key="response_strategy").update(label="your discharge strategy")
    for key in ("response_strategy", "problem_profile"):
        evidence = ledger.Evidence(attachment=filed_attachment(request, f"{key}.pdf"))
        request = ledger.set_item_status(request, key, ledger.Status.RECEIVED, ACTOR, evidence)
    client.force_login(team["coordinator"])
    page = client.get(reverse("web:ledger", args=[campaign.slug])).content.decode()
    assert "Select your discharge strategy of " in page
    assert "the your" not in page
    assert "Select the Problem Profile/Strategic Needs Assessment of " in page


def test_an_embargo_date_typed_wrong_on_the_request_page_is_said_at_its_boxes_and_nothing_is_written(
    client, team, two_campaigns
):
    """As on the ledger: the mistake at the date boxes it was typed in, the typing (and the consent beside it)
    kept, and the error summary linking to the day box; the consent is not saved without the date."""
    ours = two_campaigns["ours"]
    client.force_login(team["coordinator"])
    typed = {"embargo_until_day": "30", "embargo_until_month": "2", "embargo_until_year": "2031"}
    response = client.post(
        reverse("web:publication", args=[ours.sent.pk]),
        {"kind": "letter", "object": "0", "action": "approve", "consent": "By email, 3 March", **typed},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert '<a href="#embargo_until-letter-0-day">The embargo date must be a real date' in page
    assert 'id="embargo_until-letter-0-error"' in page
    assert 'id="embargo_until-letter-0-day" name="embargo_until_day" type="text" inputmode="numeric" value="30"' in page
    assert 'value="By email, 3 March"' in page
    assert not Publication.objects.filter(request=ours.sent, consent="By email, 3 March").exists()


def test_a_consent_too_long_is_said_at_its_box_and_nothing_is_written(client, team, two_campaigns):
    """A tester saved a consent of 200,000 characters (the Timeline printed it all): it is refused at its box,
    the embargo typed beside it kept and not saved either."""
    ours = two_campaigns["ours"]
    client.force_login(team["coordinator"])
    typed = {"embargo_until_day": "1", "embargo_until_month": "1", "embargo_until_year": "2031"}
    response = client.post(
        reverse("web:publication", args=[ours.sent.pk]),
        {"kind": "letter", "object": "0", "action": "approve", "consent": "x" * 1001, **typed},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        '<a href="#consent-letter-0">The body&#x27;s consent must be 1,000 characters or fewer: it has 1,001.' in page
    )
    assert 'id="consent-letter-0-error"' in page
    assert 'id="embargo_until-letter-0-error"' not in page  # the date was right
    assert 'id="embargo_until-letter-0-day" name="embargo_until_day" type="text" inputmode="numeric" value="1"' in page
    assert not Publication.objects.filter(request=ours.sent).exclude(consent="").exists()
    assert not Publication.objects.filter(request=ours.sent, embargo_until__isnull=False).exists()


def test_an_unknown_action_saves_nothing_typed_beside_it(client, team, two_campaigns):
    ours = two_campaigns["ours"]
    client.force_login(team["coordinator"])
    typed = {"embargo_until_day": "1", "embargo_until_month": "1", "embargo_until_year": "2031"}
    response = client.post(
        reverse("web:publication", args=[ours.sent.pk]),
        {"kind": "letter", "object": "0", "action": "", "consent": "By email", **typed},
    )
    assert response.status_code == 404
    assert not Publication.objects.filter(request=ours.sent).exclude(consent="").exists()
    assert not Publication.objects.filter(request=ours.sent, embargo_until__isnull=False).exists()
