"""A letter date no letter could carry (31 12 9999) is refused by the settings; one stored already does not stop
any page; and a letter dated so far back that the reply-by date it prints leaves a body little time is warned of."""

from __future__ import annotations

import datetime

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from docket.campaigns import letters
from docket.campaigns.letters import campaign_data
from docket.campaigns.models import Campaign
from docket.letters.wording import long_date
from docket.requests.deadlines import add_working_days
from tests.web.conftest import Team
from tests.web.test_campaign_settings import valid

pytestmark = pytest.mark.django_db

D = datetime.date
BY_DUE_DATE = "Please reply by {{ due_date | long_date }}."


def five_years_on() -> datetime.date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year + 5)
    except ValueError:
        return today.replace(year=today.year + 5, day=28)


@pytest.mark.parametrize(("day", "month", "year"), [("31", "12", "9999"), ("31", "12", "1899"), ("1", "1", "0001")])
def test_the_settings_refuse_a_letter_date_no_letter_could_carry(client, team: Team, day, month, year):
    campaign = team["campaign"]
    client.force_login(team["editor"])
    data = valid(letter_date_day=day, letter_date_month=month, letter_date_year=year)
    response = client.post(reverse("web:campaign_settings", args=[campaign.slug]), data)
    page = response.content.decode()
    assert response.status_code == 200
    message = f"The letter date must be between 1 January 1900 and {long_date(five_years_on())}"
    assert page.count(message) == 2  # in the error summary and at the field
    assert 'href="#id_letter_date_day"' in page
    campaign.refresh_from_db()
    assert campaign.letter_date == D(2020, 10, 13)


def test_a_letter_date_five_years_on_is_still_taken(client, team: Team):
    campaign = team["campaign"]
    client.force_login(team["editor"])
    latest = five_years_on()
    boxes = {"letter_date_day": str(latest.day), "letter_date_month": str(latest.month)}
    data = valid(**boxes, letter_date_year=str(latest.year), office=str(campaign.office.pk))
    client.post(reverse("web:campaign_settings", args=[campaign.slug]), data)
    campaign.refresh_from_db()
    assert campaign.letter_date == latest


def test_a_letter_date_stored_at_the_end_of_the_calendar_stops_no_page(client, team: Team):
    campaign = team["campaign"]
    Campaign.objects.filter(pk=campaign.pk).update(letter_date=D(9999, 12, 31))
    campaign.refresh_from_db()
    assert add_working_days(D(9999, 12, 30), 20) == D.max  # stops at the calendar's last day
    assert campaign_data(campaign).due_date == D.max
    client.force_login(team["editor"])
    for name in ("web:campaign", "web:editor", "web:campaign_settings"):
        assert client.get(reverse(name, args=[campaign.slug])).status_code == 200, name


def test_a_back_dated_letter_that_prints_its_reply_by_date_is_warned_of():
    campaign = Campaign(letter_date=D(2026, 11, 2), response_working_days=20, template_source=BY_DUE_DATE)
    assert letters.short_reply(campaign, today=D(2026, 11, 25)) == (
        "The letter is dated 2 November 2026, so the reply-by date it prints, 30 November 2026, is only 3 working "
        "days from today. Give the letter a later date, or leave its date blank to date letters the day they are "
        "sent."
    )
    assert "30 October 2026, is already past" in letters.short_reply(
        Campaign(letter_date=D(2026, 10, 2), response_working_days=20, template_source=BY_DUE_DATE),
        today=D(2026, 11, 25),
    )
    # 11 working days left of 20 is more than half; an undated letter, one dated ahead, or one that prints no
    # reply-by date gives the time it says.
    assert letters.short_reply(campaign, today=D(2026, 11, 13)) == ""
    assert letters.short_reply(campaign, template="Please reply soon.", today=D(2026, 11, 25)) == ""
    campaign.letter_date = None
    assert letters.short_reply(campaign, today=D(2026, 11, 25)) == ""
    campaign.letter_date = D(2026, 12, 1)
    assert letters.short_reply(campaign, today=D(2026, 11, 25)) == ""


def test_the_editor_the_campaign_page_and_the_settings_warn_of_a_back_dated_reply_by_date(client, team: Team):
    campaign = team["campaign"]
    campaign.letter_date = timezone.localdate() - datetime.timedelta(days=25)
    campaign.template_source = BY_DUE_DATE
    campaign.save()
    client.force_login(team["editor"])
    expected = f"The letter is dated {long_date(campaign.letter_date)}, so the reply-by date it prints"
    for name in ("web:editor", "web:campaign", "web:campaign_settings"):
        page = client.get(reverse(name, args=[campaign.slug])).content.decode()
        assert 'id="short-reply"' in page, name
        assert expected in page, name
    editor = reverse("web:editor", args=[campaign.slug])
    typed = client.post(editor, {"template_source": "Please reply soon.", "action": "preview"}).content.decode()
    assert 'id="short-reply"' not in typed  # the text being typed prints no reply-by date


def test_the_settings_say_a_printed_reply_by_date_counts_from_the_letters_date(client, team: Team):
    client.force_login(team["editor"])
    page = client.get(reverse("web:campaign_settings", args=[team["campaign"].slug])).content.decode()
    assert "counts them from the letter&#x27;s date" in page or "counts them from the letter's date" in page


def test_a_new_campaign_refuses_such_a_letter_date_too(team: Team):
    from docket.web.forms import NewCampaignForm

    data = QueryDict(mutable=True)
    data.update(valid(letter_date_year="9999", office=str(team["campaign"].office.pk)))
    form = NewCampaignForm(data, sources=Campaign.objects.all())
    assert not form.is_valid()
    assert form.errors["letter_date"][0].startswith("The letter date must be between 1 January 1900 and ")
