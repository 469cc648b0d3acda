"""The follow-up pages in a real browser (Debian's Chromium, Playwright): a body's public contact
details, the holding pen's held upload and its "File to" select, a new campaign's activity log;
axe-core and the CSP on each, and screenshots to look at."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from docket.campaigns.models import Campaign
from docket.directory.models import Body
from docket.requests import actions
from tests import real_mail
from tests.browser import axe_violations
from tests.conftest import REPO
from tests.web.conftest import person
from tests.web.conftest import sent as sent_request
from tests.web.test_browser import CSP_REFUSALS, signed_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("DOCKET_FOLLOWUP_SHOTS", REPO / "test-artefacts" / "screenshots"))


def check(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    assert axe_violations(page) == [], name
    assert CSP_REFUSALS.get(page, []) == [], name


def test_a_bodys_switchboard_and_mailbox_are_set_and_shown_as_the_bodys_own(browser, live_server, example):
    editor = person("editor@office.example", "editor", example)
    body = Body.objects.get(name="Hampshire Police and Crime Commissioner")
    page = signed_in(browser, live_server, editor)
    page.goto(f"/directory/{body.slug}/edit/")
    page.get_by_label("Switchboard phone number").fill("01962 871595")
    page.get_by_label("General email address").fill("opcc at hampshire")
    page.get_by_role("button", name="Save").click()
    wrong = "Enter a general email address in the correct format, like name@example.com"
    page.get_by_role("link", name=wrong).wait_for()
    check(page, "body-form-error")
    page.get_by_label("General email address").fill("opcc@hampshire.example")
    check(page, "body-form")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("01962 871595").wait_for()
    assert page.get_by_role("link", name="opcc@hampshire.example").is_visible()
    check(page, "body-page")
    body.refresh_from_db()
    assert (body.phone, body.email) == ("01962 871595", "opcc@hampshire.example")


def test_a_copied_campaigns_activity_log_starts_with_its_creation(browser, live_server, example):
    editor = person("editor@office.example", "editor", example)
    page = signed_in(browser, live_server, editor)
    page.goto(f"/campaigns/new/?from={example.slug}")
    page.get_by_label("Title", exact=True).fill("VRU 2027")
    page.get_by_role("button", name="Create the campaign").click()
    made = Campaign.objects.get(title="VRU 2027")
    page.goto(f"/campaigns/{made.slug}/activity/")
    row = page.locator("#activity tbody tr").last
    assert "Campaign created" in row.inner_text()
    assert f"Copied from {example.title}" in row.inner_text()
    assert "editor@office.example" in row.inner_text()
    check(page, "activity-campaign-created")


def test_the_holding_pen_says_who_uploaded_a_file_and_its_select_fits_its_card(
    browser, live_server, example: Campaign, tmp_path: Path
):
    for recipient in example.recipients.all()[:3]:
        sent_request(actions.request_for(recipient))
    coordinator = person("coordinator@office.example", "coordinator", example)
    page = signed_in(browser, live_server, coordinator)
    page.goto("/holding-pen/")
    scan = tmp_path / "scan.bin"
    scan.write_bytes(real_mail.BINARY)
    page.get_by_label("File", exact=True).set_input_files(str(scan))
    page.get_by_label("Note (needed for a file that is not mail)").fill("Came on a USB stick from Hampshire")
    page.get_by_role("button", name="Upload").click()
    expected = "Uploaded by coordinator@office.example with the note “Came on a USB stick from Hampshire”"
    assert page.get_by_text(expected).is_visible()
    check(page, "holding-pen")
    card = page.locator(".govuk-summary-card").first.bounding_box()
    select = page.get_by_label("File to").first.bounding_box()
    assert card is not None
    assert select is not None
    assert select["x"] + select["width"] <= card["x"] + card["width"] - 15, (select, card)
    page.set_viewport_size({"width": 400, "height": 900})  # a phone: the select still fits
    card = page.locator(".govuk-summary-card").first.bounding_box()
    select = page.get_by_label("File to").first.bounding_box()
    assert card is not None
    assert select is not None
    assert select["x"] + select["width"] <= card["x"] + card["width"], (select, card)
    check(page, "holding-pen-narrow")
