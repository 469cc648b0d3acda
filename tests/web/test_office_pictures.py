"""The office's logo and signature: only a real PNG or JPEG is kept, one that cannot be read stops
each letter in plain words (not a 500), either can be removed; and a recipient with no email address
is named on the campaign page before anyone sends (a tester's report)."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse
from PIL import Image

from docket.campaigns.models import Office
from docket.requests.actions import Actor
from docket.requests.letters import queue_campaign
from tests.web.conftest import Team

pytestmark = pytest.mark.django_db

CANNOT_READ = "The office&#x27;s logo cannot be read as a picture"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(out, format="PNG")
    return out.getvalue()


def profile(office: Office, **files: object) -> dict[str, object]:
    data = {k: v for k, v in model_to_dict(office).items() if k not in ("id", "logo", "signature") and v is not None}
    return data | files


def stored_fake_logo(office: Office) -> None:
    """A text file kept as the logo, as the office form allowed before it checked pictures."""
    office.logo.save("fake.png", ContentFile(b"this is not a picture\n"), save=True)


def test_a_file_that_is_not_a_picture_is_refused_with_the_words_at_the_field_and_in_a_summary(client, team: Team):
    office = team["campaign"].office
    client.force_login(team["admin"])
    fake = SimpleUploadedFile("fake.png", b"this is not a picture\n", content_type="image/png")
    response = client.post(reverse("web:office"), profile(office, logo=fake))
    page = response.content.decode()
    assert response.status_code == 200
    office.refresh_from_db()
    assert not office.logo
    words = "The logo must be a PNG or JPEG picture; this file is not one"
    assert page.count(words) == 2  # at the field and in the summary
    start = page.index('<div class="govuk-error-summary"')
    summary = page[start : page.index("</ul>", start)]
    assert "There is a problem" in summary
    assert f'<a href="#id_logo">{words}</a>' in summary


def test_a_picture_is_kept_and_can_be_removed(client, team: Team):
    office = team["campaign"].office
    client.force_login(team["admin"])
    logo = SimpleUploadedFile("crest.png", png(), content_type="image/png")
    client.post(reverse("web:office"), profile(office, logo=logo))
    office.refresh_from_db()
    assert office.logo.name.startswith("office/crest")
    page = client.get(reverse("web:office")).content.decode()
    assert 'name="logo-clear"' in page
    assert "Remove the logo" in page
    client.post(reverse("web:office"), profile(office, **{"logo-clear": "on"}))
    office.refresh_from_db()
    assert not office.logo


def test_a_stored_logo_that_is_not_a_picture_stops_the_letter_in_words_not_a_500(client, team: Team):
    campaign = team["campaign"]
    stored_fake_logo(campaign.office)
    recipient = campaign.recipients.order_by("pk").first()
    assert recipient is not None
    client.force_login(team["viewer"])
    response = client.get(reverse("web:letter_file", args=[campaign.slug, recipient.pk, "pdf"]))
    assert response.status_code == 422
    page = response.content.decode()
    assert "There is a problem" in page
    assert CANNOT_READ in page
    assert "upload it again on the Office page" in page


def test_the_campaign_page_says_every_letter_cannot_be_made_because_of_the_logo(client, team: Team):
    campaign = team["campaign"]
    stored_fake_logo(campaign.office)
    client.force_login(team["viewer"])
    page = client.get(reverse("web:campaign", args=[campaign.slug])).content.decode()
    assert "Can be made" not in page
    assert page.count(CANNOT_READ) == campaign.recipients.count()


def test_sending_names_the_logo_for_each_letter_it_did_not_queue(team: Team):
    campaign = team["campaign"]
    stored_fake_logo(campaign.office)
    queued, skipped = queue_campaign(list(campaign.recipients.order_by("pk")), Actor("test"))
    assert not queued
    assert skipped
    assert all(why.startswith("The office's logo cannot be read as a picture") for _, why in skipped)


def test_the_campaign_page_says_a_letter_to_a_contact_with_no_email_cannot_be_emailed(client, team: Team):
    campaign = team["campaign"]
    recipient = campaign.recipients.order_by("pk").first()
    assert recipient is not None
    contact = recipient.contact
    contact.email = ""
    contact.save(update_fields=["email"])
    client.force_login(team["viewer"])
    page = client.get(reverse("web:campaign", args=[campaign.slug])).content.decode()
    assert page.count("Cannot be emailed") == 1
    assert f"It can be made, but not sent by email: {contact.full_name} has no email address." in page
    assert reverse("web:recipient", args=[campaign.slug, recipient.pk]) in page
    assert page.count("Can be made") == campaign.recipients.count() - 1
