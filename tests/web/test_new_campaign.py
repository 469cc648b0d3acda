"""Starting a campaign in the workspace: from scratch or as a copy (letter, references, items, settings)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from docket.campaigns.models import Campaign
from docket.requests.events import EventKind
from tests.web.conftest import Team, person

pytestmark = pytest.mark.django_db


def settings_form(team: Team, **changes: str) -> dict[str, str]:
    return {
        "title": "Knife crime 2027",
        "slug": "",
        "letter_date_day": "15",
        "letter_date_month": "1",
        "letter_date_year": "2027",
        "email_subject": "Knife crime: a request",
        "office": str(team["campaign"].office.pk),
        "response_working_days": "15",
        "very_overdue_working_days": "20",
        "max_chasers": "1",
        "chase_interval_working_days": "5",
        "chaser_template": "",
        "copy_from": "",
    } | changes


def test_a_blank_campaign_gets_a_slug_from_its_title_and_its_creator_on_the_team(client, team: Team):
    client.force_login(team["editor"])
    response = client.post(reverse("web:new_campaign"), settings_form(team))
    made = Campaign.objects.get(title="Knife crime 2027")
    assert response["Location"] == reverse("web:campaign", args=["knife-crime-2027"])
    assert made.slug == "knife-crime-2027"
    assert (made.response_working_days, made.max_chasers) == (15, 1)
    assert list(made.team.all()) == [team["editor"]]
    assert not made.recipients.exists()
    assert made.template_source == ""


def test_a_copy_takes_the_letter_references_items_and_settings_but_no_recipients(client, team: Team):
    source = team["campaign"]
    client.force_login(team["editor"])
    page = client.get(reverse("web:new_campaign"), {"from": source.slug}).content.decode()
    assert f'value="Copy of {source.title}"' in page
    day, month, year = source.letter_date.day, source.letter_date.month, source.letter_date.year
    assert f'name="letter_date_day" type="text" inputmode="numeric" value="{day}"' in page
    assert f'name="letter_date_month" type="text" inputmode="numeric" value="{month}"' in page
    assert f'name="letter_date_year" type="text" inputmode="numeric" value="{year}"' in page
    assert 'name="double_coding"' in page
    assert "checked" not in page.split('name="double_coding"')[1].split(">")[0]
    source.double_coding = True
    source.save(update_fields=["double_coding"])
    page = client.get(reverse("web:new_campaign"), {"from": source.slug}).content.decode()
    assert "checked" in page.split('name="double_coding"')[1].split(">")[0]  # the copy starts with the source's
    data = settings_form(team, title="VRU 2027", slug="vru-2027", copy_from=source.slug, double_coding="on")
    client.post(reverse("web:new_campaign"), data)
    made = Campaign.objects.get(slug="vru-2027")
    assert made.double_coding
    assert made.template_source == source.template_source
    assert list(made.references.values_list("key", "title")) == list(source.references.values_list("key", "title"))
    assert list(made.items.values_list("key", "position")) == list(source.items.values_list("key", "position"))
    assert source.recipients.exists()
    assert not made.recipients.exists()
    assert not made.requests.exists()


def _first_events(campaign: Campaign) -> list[tuple[str, str, str]]:
    return list(campaign.events.order_by("at", "pk").values_list("kind", "actor_name", "note"))


def test_creating_a_campaign_starts_its_activity_log_with_who_and_how(client, team: Team):
    source = team["campaign"]
    editor = team["editor"]
    client.force_login(editor)
    client.post(reverse("web:new_campaign"), settings_form(team, slug="blank"))
    client.post(reverse("web:new_campaign"), settings_form(team, slug="copied", copy_from=source.slug))
    blank, copied = Campaign.objects.get(slug="blank"), Campaign.objects.get(slug="copied")
    assert _first_events(blank) == [(EventKind.CAMPAIGN_CREATED, editor.email, "Started from scratch")]
    assert _first_events(copied) == [(EventKind.CAMPAIGN_CREATED, editor.email, f"Copied from {source.title}")]
    page = client.get(reverse("web:activity", args=["copied"])).content.decode()
    assert "Campaign created" in page
    assert f"Copied from {source.title}" in page
    setup = client.get(reverse("web:activity", args=["copied"]), {"setup": "1"}).content.decode()
    assert "Campaign created" in setup


def test_a_campaign_one_cannot_see_cannot_be_copied(client, team: Team):
    client.force_login(team["editor"])
    theirs = team["other_campaign"].slug
    assert client.get(reverse("web:new_campaign"), {"from": theirs}).status_code == 404
    response = client.post(reverse("web:new_campaign"), settings_form(team, slug="sneaky", copy_from=theirs))
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not Campaign.objects.filter(slug="sneaky").exists()


@pytest.mark.parametrize(
    ("slug", "problem"),
    [
        ("iasc-vru-2020", "Address is already used: choose another"),
        ("new", "a word the workspace uses"),
        ("A B", "Address can only use lower-case letters, digits and hyphens"),
    ],
)
def test_a_taken_or_bad_address_is_an_error_on_the_form(client, team: Team, slug: str, problem: str):
    client.force_login(team["editor"])
    response = client.post(reverse("web:new_campaign"), settings_form(team, slug=slug))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_slug"' in page
    assert problem in page


def test_a_second_campaign_of_the_same_title_gets_its_own_address(client, team: Team):
    client.force_login(team["editor"])
    client.post(reverse("web:new_campaign"), settings_form(team))
    client.post(reverse("web:new_campaign"), settings_form(team))
    assert sorted(Campaign.objects.filter(title="Knife crime 2027").values_list("slug", flat=True)) == [
        "knife-crime-2027",
        "knife-crime-2027-2",
    ]


def test_with_no_office_profile_the_page_says_to_fill_it_in_first(client):
    client.force_login(person("admin@office.example", "admin"))  # a new installation: no office, no campaign
    page = client.get(reverse("web:new_campaign")).content.decode()
    assert "which has no profile yet" in page
    assert f'href="{reverse("web:office")}">office profile</a> first' in page


def test_a_letter_date_missing_a_box_is_told_which(client, team: Team):
    client.force_login(team["editor"])
    page = client.post(reverse("web:new_campaign"), settings_form(team, letter_date_month="")).content.decode()
    assert "Letter date must include a month" in page
    assert not Campaign.objects.filter(title="Knife crime 2027").exists()
