"""The office's pictures in Chromium: a text file named fake.png refused as the logo with a GOV.UK error
summary, a real logo kept with "Remove the logo" beside it, and the campaign page's Letter column for a
logo that cannot be read and for a contact with no email address. Each page is checked with axe-core."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from docket.campaigns.models import Campaign
from tests.web.conftest import person
from tests.web.test_browser import signed_in
from tests.web.test_ledger_browser import shot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_the_office_refuses_a_fake_logo_and_the_campaign_page_says_why_letters_cannot_go(
    browser, live_server, example: Campaign, tmp_path: Path
):
    admin = person("admin@office.example", "admin")
    page = signed_in(browser, live_server, admin)
    page.goto("/office/")
    fake = tmp_path / "fake.png"
    fake.write_text("this is not a picture\n")
    page.get_by_label("Logo").set_input_files(str(fake))
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_role("link", name="The logo must be a PNG or JPEG picture; this file is not one").is_visible()
    shot(page, "office-fake-logo")

    crest = tmp_path / "crest.png"
    Image.new("RGB", (120, 40), "navy").save(crest)
    page.get_by_label("Logo").set_input_files(str(crest))
    page.get_by_role("button", name="Save").click()
    page.get_by_text("The office profile is saved.").wait_for()
    assert page.get_by_label("Remove the logo").is_visible()
    shot(page, "office-logo-kept")

    # A logo stored before pictures were checked; and a contact with no email address.
    office = example.office
    office.logo.save("old.png", ContentFile(b"not a picture"), save=True)
    contact = example.recipients.order_by("pk").first().contact
    contact.email = ""
    contact.save(update_fields=["email"])
    page.goto(f"/campaigns/{example.slug}/")
    assert page.get_by_text("The office's logo cannot be read as a picture").first.is_visible()
    shot(page, "campaign-unreadable-logo")

    page.goto("/office/")
    page.get_by_label("Remove the logo").check()
    page.get_by_role("button", name="Save").click()
    page.goto(f"/campaigns/{example.slug}/")
    assert page.get_by_text("Cannot be emailed").is_visible()
    assert page.get_by_text(f"{contact.full_name} has no email address", exact=False).is_visible()
    shot(page, "campaign-no-email")
