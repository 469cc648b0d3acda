"""The campaign settings page: a GOV.UK form (there was none: the URL took a POST only)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from tests.web.conftest import Team

pytestmark = pytest.mark.django_db


def valid(**changes: str) -> dict[str, str]:
    return {
        "title": "VRU strategies",
        "letter_date_day": "1",
        "letter_date_month": "12",
        "letter_date_year": "2026",
        "email_subject": "Request for information",
        "office": "",
        "response_working_days": "20",
        "very_overdue_working_days": "20",
        "max_chasers": "2",
        "chase_interval_working_days": "10",
        "chaser_template": "",
    } | changes


def test_it_shows_the_form_with_the_campaigns_values(client, team: Team):
    client.force_login(team["editor"])
    response = client.get(reverse("web:campaign_settings", args=[team["campaign"].slug]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="response_working_days"' in page
    assert f'value="{team["campaign"].title}"' in page
    for box, value in (("day", "13"), ("month", "10"), ("year", "2020")):  # saved again as it is, not blanked
        assert f'name="letter_date_{box}" type="text" inputmode="numeric" value="{value}"' in page


def test_it_saves_good_values(client, team: Team):
    campaign = team["campaign"]
    client.force_login(team["editor"])
    data = valid(office=str(campaign.office.pk), max_chasers="3")
    response = client.post(reverse("web:campaign_settings", args=[campaign.slug]), data)
    assert response["Location"] == reverse("web:campaign", args=[campaign.slug])
    campaign.refresh_from_db()
    assert (campaign.title, campaign.max_chasers) == ("VRU strategies", 3)
    assert campaign.letter_date == datetime.date(2026, 12, 1)


def test_bad_values_are_an_error_summary_on_the_page_and_nothing_is_saved(client, team: Team):
    campaign = team["campaign"]
    client.force_login(team["editor"])
    wrong_date = {"letter_date_day": "31", "letter_date_month": "2", "letter_date_year": "2026"}
    data = valid(office=str(campaign.office.pk), title="", response_working_days="-3", **wrong_date)
    response = client.post(reverse("web:campaign_settings", args=[campaign.slug]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert 'href="#id_title"' in page
    assert 'href="#id_response_working_days"' in page
    assert 'href="#id_letter_date_day">Letter date must be a real date, for example 1 12 2026</a>' in page
    campaign.refresh_from_db()
    assert campaign.title != ""


def test_a_letter_date_still_to_come_is_pointed_out_on_the_campaign_page(client, team):
    from django.utils import timezone

    campaign = team["campaign"]
    client.force_login(team["editor"])
    url = reverse("web:campaign", args=[campaign.slug])
    campaign.letter_date = timezone.localdate()
    campaign.save()
    assert 'id="dated-ahead"' not in client.get(url).content.decode()
    campaign.letter_date = timezone.localdate() + datetime.timedelta(days=8)
    campaign.save()
    page = client.get(url).content.decode()
    assert f"The letters are dated {campaign.letter_date:%-d %B %Y}, which is still to come" in page
